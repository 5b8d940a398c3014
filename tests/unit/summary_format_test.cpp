// The counselor's summary files: the structure, the scores, and only the
// words a partner chose to share, safe in Markdown.
#include "summary_format.hpp"

#include <gtest/gtest.h>

namespace heard::client {
namespace {

v1::SessionSummary sample() {
  v1::SessionSummary s;
  s.set_a_name("Alex | Co");
  s.set_b_name("Sam");
  s.set_topic("Work *and* home");
  s.set_rounds(2);
  auto* timed = s.add_statements();
  timed->set_round(1);
  timed->set_speaker(v1::SEAT_A);
  timed->set_attempts(2);
  timed->set_timed_out(true);
  auto* skipped = s.add_statements();
  skipped->set_round(2);
  skipped->set_speaker(v1::SEAT_B);
  skipped->set_attempts(1);
  skipped->set_moved_on(true);
  auto* a = s.mutable_check_ins()->add_answers();
  a->set_seat(v1::SEAT_A);
  a->set_answered(true);
  a->mutable_answers()->set_felt_safe(5);
  a->mutable_answers()->set_words("Better | than\nlast time");
  auto* b = s.mutable_check_ins()->add_answers();
  b->set_seat(v1::SEAT_B);
  b->set_answered(false);
  return s;
}

TEST(summary_format, markdown_escapes_peoples_words_so_a_table_stays_a_table) {
  const auto md = summary_markdown(sample());
  EXPECT_NE(md.find("# Session summary: Alex \\| Co & Sam"), std::string::npos) << md;
  EXPECT_NE(md.find("Topic: Work \\*and\\* home"), std::string::npos) << md;
  EXPECT_NE(md.find("| Better \\| than last time |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 1 | Alex \\| Co | 2 | time ran out |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 2 | Sam | 1 | moved on by the counselor |"), std::string::npos) << md;
  for (std::size_t at = md.find("\n|"); at != std::string::npos; at = md.find("\n|", at + 1)) {
    const auto end = md.find('\n', at + 1);
    const auto row = md.substr(at + 1, end - at - 1);
    std::size_t cells = 0;
    for (std::size_t i = 0; i < row.size(); ++i) cells += row[i] == '|' && (i == 0 || row[i - 1] != '\\');
    EXPECT_TRUE(cells == 5 || cells == 6 || cells == 3) << "a row with a stray cell: " << row;
  }
}

TEST(summary_format, json_names_how_each_floor_ended_and_only_shared_words) {
  const auto json = summary_json(sample());
  EXPECT_NE(json.find("\"timed_out\": true, \"moved_on\": false"), std::string::npos) << json;
  EXPECT_NE(json.find("\"timed_out\": false, \"moved_on\": true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"shared_words\": \"Better | than\\nlast time\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"b\": null"), std::string::npos) << json;
}

}  // namespace
}  // namespace heard::client
