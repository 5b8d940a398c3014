// heard-server's options from the command line and from a --config file: the
// same names, the command line winning, every mistake one sentence (exit 2).
#include "server_config.hpp"
#include "process_limits.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace heard::server {
namespace {

parsed_config parse(std::vector<std::string> args) {
  std::vector<const char*> argv{"heard-server"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return parse_server_config(static_cast<int>(argv.size()), argv.data());
}

// The commented example shipped in deploy/ is a real configuration.
TEST(server_config, the_shipped_example_configuration_reads) {
  const auto parsed = parse({"--config", std::string(HEARD_SOURCE_DIR) + "/deploy/heard-server.conf"});
  ASSERT_TRUE(parsed.config) << "exit " << parsed.exit_code;
  EXPECT_EQ(parsed.config->port, 443);
  EXPECT_EQ(parsed.config->listen_addresses, (std::vector<std::string>{"0.0.0.0", "::"}));
  EXPECT_EQ(parsed.config->cert_file, "/etc/heard/tls/fullchain.pem");
  EXPECT_EQ(parsed.config->max_turn_chars, 4000u) << "a commented line keeps the default";
}

TEST(server_config, the_command_line_wins_over_the_file_and_a_bad_file_is_refused) {
  const auto file = std::filesystem::temp_directory_path() / ("heard-config-" + std::to_string(::getpid()));
  std::ofstream(file) << "# a comment\nport = 9443\nmax-turn-chars = 2000\n";
  auto parsed = parse({"--config", file.string(), "--port", "7443"});
  ASSERT_TRUE(parsed.config);
  EXPECT_EQ(parsed.config->port, 7443) << "the command line wins";
  EXPECT_EQ(parsed.config->max_turn_chars, 2000u) << "the file fills in the rest";

  std::ofstream(file) << "no-such-option = 1\n";
  EXPECT_FALSE(parse({"--config", file.string()}).config);
  EXPECT_EQ(parse({"--config", file.string()}).exit_code, 2);
  EXPECT_EQ(parse({"--config", "/nonexistent/heard.conf"}).exit_code, 2);
  std::filesystem::remove(file);
}

// Words are sealed and padded: limits that could never be sent are refused
// at start, with the number that would do, not found out by a person.
TEST(server_config, text_limits_must_fit_a_sealed_message) {
  EXPECT_EQ(parse({"--max-turn-chars", "5000"}).exit_code, 2) << "past the largest padding bucket";
  EXPECT_EQ(parse({"--max-message-bytes", "16384"}).exit_code, 2) << "a full turn sealed for three is larger";
  const auto smaller = parse({"--max-turn-chars", "1000", "--max-message-bytes", "16384"});
  ASSERT_TRUE(smaller.config) << "1,000 characters sealed for three fit in 16 KiB";
  EXPECT_TRUE(parse({}).config) << "the defaults agree";
}

TEST(server_config, trusted_proxies_are_ip_addresses_in_canonical_form) {
  auto parsed =
      parse({"--trusted-proxy", "10.0.0.5", "--trusted-proxy", "2001:DB8::7", "--proxy-header", "x-forwarded-for"});
  ASSERT_TRUE(parsed.config);
  EXPECT_EQ(parsed.config->trusted_proxies, (std::vector<std::string>{"10.0.0.5", "2001:db8::7"}));
  EXPECT_EQ(parsed.config->proxy_header, proxy_header_kind::x_forwarded_for);
  EXPECT_EQ(parse({}).config->proxy_header, proxy_header_kind::proxy_v2);
  EXPECT_TRUE(parse({}).config->trusted_proxies.empty()) << "nobody is trusted by default";
  EXPECT_EQ(parse({"--trusted-proxy", "balancer.example"}).exit_code, 2);
  EXPECT_EQ(parse({"--trusted-proxy", "10.0.0.0/8"}).exit_code, 2);
  EXPECT_EQ(parse({"--proxy-header", "forwarded"}).exit_code, 2);
}

// The heap goes back to the system after a fall from a peak, not at every
// small dip (malloc_trim walks the heap).
TEST(heap_trim_policy, trims_after_a_quarter_and_enough_connections_have_gone) {
  heap_trim_policy policy(256);
  EXPECT_FALSE(policy.should_trim(0));
  EXPECT_FALSE(policy.should_trim(4000)) << "rising: the peak";
  EXPECT_FALSE(policy.should_trim(3500)) << "an eighth gone";
  EXPECT_TRUE(policy.should_trim(2900)) << "over a quarter and over 256 gone";
  EXPECT_FALSE(policy.should_trim(2900)) << "once; the new level is the peak to fall from";
  EXPECT_FALSE(policy.should_trim(2500));
  EXPECT_TRUE(policy.should_trim(2000));
  heap_trim_policy small(256);
  EXPECT_FALSE(small.should_trim(100));
  EXPECT_FALSE(small.should_trim(0)) << "all of 100 gone is not enough to be worth a walk of the heap";
}

}  // namespace
}  // namespace heard::server
