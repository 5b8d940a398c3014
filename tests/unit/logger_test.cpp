// The server's log: one line per event, as key=value text or as JSON Lines
// for a pipeline, the same fields either way.
#include "logger.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace heard::server {
namespace {

TEST(logger, json_lines_carry_the_same_fields_as_text) {
  std::ostringstream out;
  logger log(log_level::info, out, log_format::json);
  log.write(log_level::warn, "event=accept_error error=\"Too many \\ open files\" backoff_ms=", 40, " odd token");
  log.write(log_level::debug, "event=not_shown");
  const std::string line = out.str();
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per event, below the threshold nothing";
  EXPECT_EQ(line.rfind("{\"time\":\"", 0), 0u) << line;
  EXPECT_NE(
      line.find(
          R"("level":"warn","event":"accept_error","error":"Too many \\ open files","backoff_ms":40,"text":"odd token"})"),
      std::string::npos)
      << line;
}

TEST(logger, text_lines_stay_as_they_were) {
  std::ostringstream out;
  logger log(log_level::info, out);
  log.write(log_level::info, "event=listening threads=", 2);
  EXPECT_NE(out.str().find(" info event=listening threads=2\n"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace heard::server
