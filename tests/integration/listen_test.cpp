// Where the server listens. A stock Debian 12 resolves localhost to ::1
// before 127.0.0.1, so by default the server answers on both loopback
// addresses; an address it cannot take stops it with a sentence that says
// what to do.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "child_process.hpp"
#include "listener.hpp"
#include "relay_fixture.hpp"

namespace heard {
namespace {

using testing::relay_test;

bool is_turn(const v1::ServerMessage& m, const std::string& text) { return m.has_turn() && m.turn().text() == text; }

/// What a server with `config` says when it cannot listen ("" if it could).
std::string listen_error_of(const server::server_config& config) {
  std::ostringstream log;
  server::heard_server server(config, log);
  try {
    server.start();
  } catch (const server::listen_error& e) {
    return e.what();
  }
  return {};
}

TEST_F(relay_test, by_default_the_server_answers_on_both_loopback_addresses) {
  serve();
  const auto where = server_->listening_on();
  EXPECT_NE(where.find("127.0.0.1:" + std::to_string(port_)), std::string::npos) << where;
  // A host without IPv6 has no ::1: the server serves 127.0.0.1 alone and
  // says so in its log; both partners then come over IPv4.
  const bool has_ipv6 = where.find("[::1]:" + std::to_string(port_)) != std::string::npos;
  auto& alex = client("Alex", 0, [](client::client_options& o) { o.server.host = "127.0.0.1"; });
  auto& sam = client("Sam", 0, [&](client::client_options& o) { o.server.host = has_ipv6 ? "::1" : "127.0.0.1"; });
  pair(alex, sam);
  both_ready(alex, sam);
  alex->end_turn("Over IPv4.");
  ASSERT_TRUE(sam.wait_for([](auto& m) { return is_turn(m, "Over IPv4."); }));
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  sam->end_turn("Over IPv6.");
  ASSERT_TRUE(alex.wait_for([](auto& m) { return is_turn(m, "Over IPv6."); }));
  if (!has_ipv6) {
    const std::string log = server_log();  // stops the server first: its log is read, not raced
    EXPECT_NE(log.find("event=listen_skipped address=::1"), std::string::npos) << log;
  }
}

/// One plain HTTP request to 127.0.0.1:`port`; the whole answer, or "" on a
/// failure or after 5 s.
std::string http_get(std::uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval five{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five, sizeof five);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

/// What Prometheus's own linter says of a metrics page ("" when it is
/// content), and its exit status.
std::pair<int, std::string> promtool_check(const std::string& page) {
  const auto body = page.substr(std::min(page.size(), page.find("\r\n\r\n") + 4));
  testing::child_process promtool({"/usr/bin/promtool", "check", "metrics"}, testing::scratch_dir() + "promtool.log");
  promtool.try_write_line(body);
  promtool.close_stdin();
  std::string said;
  while (auto line = promtool.wait_line("", std::chrono::seconds(10))) said += *line + "\n";
  const auto status = promtool.wait_exit(std::chrono::seconds(10));
  said += testing::read_file(testing::scratch_dir() + "promtool.log");
  return {status.value_or(-1), said};
}

// The operator's endpoints: Prometheus metrics, health and readiness, on an
// address of their own; numbers only, never a name or a word.
TEST_F(relay_test, the_admin_endpoints_serve_metrics_health_and_readiness_and_no_content) {
  serve([](server::server_config& c) { c.admin_listen = "127.0.0.1:0"; });
  const auto admin = server_->admin_port();
  ASSERT_NE(admin, 0);
  ASSERT_NE(admin, port_) << "never the public port";
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);
  alex->end_turn("A private statement.");
  ASSERT_TRUE(sam.wait_for([](auto& m) { return is_turn(m, "A private statement."); }));

  const auto metrics = http_get(admin, "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(metrics.rfind("HTTP/1.1 200 OK", 0), 0u) << metrics;
  EXPECT_NE(metrics.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  EXPECT_NE(metrics.find("# TYPE heard_sessions_created_total counter\nheard_sessions_created_total 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("# TYPE heard_connections_open gauge\nheard_connections_open 2\n"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("heard_slow_reader_closes_total 0"), std::string::npos) << "every failure mode, zero or not";
  EXPECT_NE(metrics.find("heard_sessions{phase=\"paraphrasing\"} 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("heard_sessions{phase=\"speaking\"} 0\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("heard_handshake_seconds_count 2\n"), std::string::npos) << "both links upgraded";
  EXPECT_NE(metrics.find("heard_relay_seconds_bucket{le=\"+Inf\"} "), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("heard_relay_seconds_count 0\n"), std::string::npos) << "inputs were relayed";
  EXPECT_NE(metrics.find("# TYPE heard_unacked_bytes gauge"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("# TYPE heard_outbound_queued_bytes gauge"), std::string::npos) << metrics;
  const auto [status, lint] = promtool_check(metrics);
  EXPECT_EQ(status, 0) << lint;
  EXPECT_EQ(lint, "") << "promtool check metrics found problems";
  for (const char* content : {"Alex", "Sam", "private statement"}) {
    EXPECT_EQ(metrics.find(content), std::string::npos) << content;
  }
  EXPECT_EQ(http_get(admin, "GET /healthz HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200 OK", 0), 0u);
  EXPECT_EQ(http_get(admin, "GET /readyz HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200 OK", 0), 0u);
  EXPECT_EQ(http_get(admin, "GET /secrets HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404", 0), 0u);
  EXPECT_EQ(http_get(admin, "POST /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 405", 0), 0u);

  server::server_config bad = config_;
  bad.port = 0;
  bad.admin_listen = "localhost";
  EXPECT_NE(listen_error_of(bad).find("--admin-listen must be ADDRESS:PORT"), std::string::npos);
}

TEST_F(relay_test, a_second_address_takes_the_port_the_first_one_got) {
  serve([](server::server_config& c) { c.listen_addresses = {"127.0.0.1", "127.0.0.2"}; });
  EXPECT_EQ(server_->listening_on(), "127.0.0.1:" + std::to_string(port_) + ", 127.0.0.2:" + std::to_string(port_));
  // The certificate names 127.0.0.1 and not 127.0.0.2, so a bare TCP
  // connection shows that the second address is served.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(0x7f000002);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << std::strerror(errno);
  ::close(fd);
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
}

TEST_F(relay_test, a_port_in_use_stops_the_server_with_a_sentence_saying_what_to_do) {
  serve([](server::server_config& c) { c.listen_addresses = {"127.0.0.1"}; });
  auto config = config_;
  config.port = port_;
  const std::string what = listen_error_of(config);
  ASSERT_FALSE(what.empty()) << "a second server took a port in use";
  EXPECT_NE(what.find("cannot listen on 127.0.0.1 port " + std::to_string(port_)), std::string::npos) << what;
  EXPECT_NE(what.find("--port"), std::string::npos) << what;
  // The first server is unharmed.
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
}

TEST_F(relay_test, a_host_name_is_not_an_address_to_listen_on) {
  server::server_config config;
  config.port = 0;
  config.cert_file = testing::test_cert_dir() + "/server.crt";
  config.key_file = testing::test_cert_dir() + "/server.key";
  config.listen_addresses = {"localhost"};
  const std::string what = listen_error_of(config);
  ASSERT_FALSE(what.empty()) << "a host name was taken as an address";
  EXPECT_NE(what.find("'localhost' is not an IP address"), std::string::npos) << what;
}

}  // namespace
}  // namespace heard
