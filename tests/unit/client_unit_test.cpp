#include <gtest/gtest.h>

#include "client_transport.hpp"
#include "plain_ui.hpp"

namespace heard::client {
namespace {

TEST(server_url, parses_hosts_ports_and_ipv6) {
  std::string error;
  auto a = parse_server_url("wss://heard.example:9443", error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->host, "heard.example");
  EXPECT_EQ(a->port, "9443");
  auto b = parse_server_url("wss://localhost", error);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->port, "443");
  auto c = parse_server_url("wss://[::1]:8443/", error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, "8443");
}

TEST(server_url, never_accepts_plain_websocket) {
  std::string error;
  EXPECT_FALSE(parse_server_url("ws://localhost:8443", error));
  EXPECT_NE(error.find("wss://"), std::string::npos);
  EXPECT_FALSE(parse_server_url("https://localhost", error));
  EXPECT_FALSE(parse_server_url("wss://", error));
  EXPECT_FALSE(parse_server_url("wss://host:0", error));
  EXPECT_FALSE(parse_server_url("wss://host:70000", error));
  EXPECT_FALSE(parse_server_url("wss://host:12ab", error));
}

TEST(plain_ui, one_line_escapes_newlines_and_drops_terminal_controls) {
  EXPECT_EQ(plain_ui::one_line("two\nlines"), "two\\nlines");
  EXPECT_EQ(plain_ui::one_line("back\\slash"), "back\\\\slash");
  EXPECT_EQ(plain_ui::one_line("clear\x1B[2Jscreen"), "clear[2Jscreen");
  EXPECT_EQ(plain_ui::one_line("caf\xC3\xA9"), "caf\xC3\xA9");
}

}  // namespace
}  // namespace heard::client
