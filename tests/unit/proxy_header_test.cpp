#include "proxy_header.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <string>

namespace heard::server {
namespace {

const std::string signature("\r\n\r\n\0\r\nQUIT\n", 12);

// A PROXY v2 header as HAProxy's send-proxy-v2 writes it.
std::string header(unsigned char command, unsigned char family, const std::string& addresses) {
  std::string h = signature;
  h.push_back(static_cast<char>(0x20 | command));
  h.push_back(static_cast<char>(family));
  h.push_back(static_cast<char>(addresses.size() >> 8));
  h.push_back(static_cast<char>(addresses.size() & 0xFF));
  return h + addresses;
}

// Source and destination addresses and ports of a TCP over IPv4 header.
std::string ipv4(const char* source) {
  std::string raw(4, '\0');
  inet_pton(AF_INET, source, raw.data());
  return raw + std::string("\xC0\x00\x02\x09", 4) + std::string("\x1F\x90\x20\xFB", 4);  // 192.0.2.9, 8080, 8443
}

TEST(proxy_header, reads_an_ipv4_client) {
  const auto h = header(1, 0x11, ipv4("203.0.113.7"));
  ASSERT_EQ(proxy_v2_rest_bytes(h.substr(0, proxy_v2_fixed_bytes)), 12u);
  const auto source = parse_proxy_v2(h);
  ASSERT_TRUE(source);
  EXPECT_EQ(source->address, "203.0.113.7");
}

TEST(proxy_header, reads_an_ipv6_client_and_a_mapped_ipv4_one_as_ipv4) {
  std::string v6(16, '\0');
  v6[0] = '\x20';
  v6[1] = '\x01';
  v6[2] = '\x0d';
  v6[3] = '\xb8';
  v6[15] = '\x01';
  const auto h = header(1, 0x21, v6 + std::string(16, '\0') + std::string(4, '\0'));
  ASSERT_TRUE(parse_proxy_v2(h));
  EXPECT_EQ(parse_proxy_v2(h)->address, "2001:db8::1");

  std::string mapped(16, '\0');
  mapped[10] = mapped[11] = '\xFF';
  mapped[12] = '\xC6';
  mapped[13] = '\x33';
  mapped[14] = '\x64';
  mapped[15] = '\x05';
  const auto m = header(1, 0x21, mapped + std::string(16, '\0') + std::string(4, '\0'));
  ASSERT_TRUE(parse_proxy_v2(m));
  EXPECT_EQ(parse_proxy_v2(m)->address, "198.51.100.5") << "counted as the same client as a direct IPv4 one";
}

TEST(proxy_header, tlvs_after_the_addresses_are_ignored) {
  const auto h = header(1, 0x11, ipv4("10.0.0.1") + std::string("\x04\x00\x02", 3) + "ab");
  ASSERT_TRUE(parse_proxy_v2(h));
  EXPECT_EQ(parse_proxy_v2(h)->address, "10.0.0.1");
}

TEST(proxy_header, local_and_unix_connections_name_no_client) {
  const auto local = header(0, 0x00, "");
  ASSERT_TRUE(parse_proxy_v2(local));
  EXPECT_EQ(parse_proxy_v2(local)->address, "") << "the balancer's own health check";
  const auto unix_socket = header(1, 0x31, std::string(216, 'x'));
  ASSERT_TRUE(parse_proxy_v2(unix_socket));
  EXPECT_EQ(parse_proxy_v2(unix_socket)->address, "");
}

TEST(proxy_header, anything_else_is_refused) {
  EXPECT_FALSE(proxy_v2_rest_bytes("GET / HTTP/1.1\r\n\r\n")) << "a client that skipped the balancer";
  EXPECT_FALSE(proxy_v2_rest_bytes(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "xxxxx"))
      << "a TLS ClientHello straight from a client";
  auto v1 = header(1, 0x11, ipv4("10.0.0.1"));
  v1[12] = '\x11';
  EXPECT_FALSE(proxy_v2_rest_bytes(v1)) << "version 1 in a v2 header";
  auto command = header(1, 0x11, ipv4("10.0.0.1"));
  command[12] = '\x22';
  EXPECT_FALSE(proxy_v2_rest_bytes(command)) << "an unknown command";
  std::string huge = header(1, 0x11, "");
  huge[14] = '\x10';  // 4096 bytes to follow
  EXPECT_FALSE(proxy_v2_rest_bytes(huge));
  EXPECT_FALSE(parse_proxy_v2(header(1, 0x11, "short"))) << "an IPv4 header too short for its addresses";
  EXPECT_FALSE(parse_proxy_v2(header(1, 0x51, ipv4("10.0.0.1")))) << "an unknown family";
  const auto whole = header(1, 0x11, ipv4("10.0.0.1"));
  EXPECT_FALSE(parse_proxy_v2(whole.substr(0, whole.size() - 1))) << "not all of it";
}

TEST(proxy_header, x_forwarded_for_names_its_last_address) {
  EXPECT_EQ(forwarded_client("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(forwarded_client("1.2.3.4, 203.0.113.7"), "203.0.113.7") << "earlier entries are the client's word";
  EXPECT_EQ(forwarded_client(" 2001:DB8::1 "), "2001:db8::1");
  EXPECT_EQ(forwarded_client("::ffff:198.51.100.5"), "198.51.100.5");
  EXPECT_FALSE(forwarded_client(""));
  EXPECT_FALSE(forwarded_client("203.0.113.7, unknown"));
  EXPECT_FALSE(forwarded_client("203.0.113.7:443"));
  EXPECT_FALSE(forwarded_client("1.2.3.4, "));
  EXPECT_FALSE(forwarded_client(std::string(200, '1')));
}

}  // namespace
}  // namespace heard::server
