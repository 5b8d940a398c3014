// Hostile and broken input against a real server: each case checks the
// answer the attacker gets AND that a healthy pair on the same server keeps
// working (its next message delivered within a second).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <thread>

#include "child_process.hpp"
#include "codec.hpp"
#include "fault_proxy.hpp"
#include "invite_code.hpp"
#include "relay_fixture.hpp"

namespace heard {
namespace {

using namespace std::chrono_literals;
using testing::child_process;
using testing::fault_proxy;
using testing::raw_client;
using testing::relay_test;
using testing::test_client;

class hardening_test : public relay_test {
 protected:
  /// A healthy pair, speaking, whose messages must keep flowing.
  void healthy_pair() {
    alex_ = &client("Alex");
    sam_ = &client("Sam");
    pair(*alex_, *sam_);
    both_ready(*alex_, *sam_);
  }

  /// The pair's next message arrives within a second.
  void expect_pair_unharmed() {
    const std::string text = "still here " + std::to_string(++probe_);
    (*alex_)->set_draft(text);
    EXPECT_TRUE(sam_->wait_for(
        [&](const v1::ServerMessage& m) { return m.has_draft_update() && m.draft_update().text() == text; }, 1s))
        << "the healthy pair was harmed";
  }

  /// Sends `request` over TLS with openssl s_client; returns the HTTP answer's lines.
  std::vector<std::string> http(const std::string& request) {
    child_process s_client({"/usr/bin/openssl", "s_client", "-quiet", "-connect", "127.0.0.1:" + std::to_string(port_),
                            "-servername", "localhost", "-CAfile", ca_file()},
                           testing::scratch_dir() + "heard-s_client.log");
    // A request over the limit may be cut short by the server's answer.
    s_client.try_write_line(request);
    std::vector<std::string> lines;
    auto status = s_client.wait_line("HTTP/1.1 ", 5s);
    if (!status) return lines;
    lines.push_back(*status);
    // Headers until the blank line.
    while (auto line = s_client.wait_line("", 2s)) {
      if (*line == "\r" || line->empty()) break;
      lines.push_back(*line);
    }
    // A refusal's body is one sentence; the last line, after the headers.
    if (lines[0].find(" 101 ") == std::string::npos) {
      if (auto body = s_client.wait_line("", 2s)) lines.push_back(*body);
    }
    return lines;
  }

  static bool has_header(const std::vector<std::string>& lines, const std::string& prefix) {
    for (const auto& l : lines) {
      if (l.rfind(prefix, 0) == 0) return true;
    }
    return false;
  }

  static std::string upgrade_request(const std::string& target, const std::string& extra_headers = {}) {
    return "GET " + target +
           " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
           extra_headers + "\r\n";
  }

  test_client* alex_ = nullptr;
  test_client* sam_ = nullptr;
  int probe_ = 0;
};

TEST_F(hardening_test, plain_http_gets_426_and_healthz_200) {
  serve();
  healthy_pair();
  auto lines = http("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 426");
  lines = http("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 200");
  expect_pair_unharmed();
}

TEST_F(hardening_test, an_upgrade_request_up_to_8_kib_gets_101_and_a_larger_one_431_not_a_reset) {
  serve();
  healthy_pair();
  const std::string padding_header = "X-Padding: ";
  auto padded = [&](std::size_t total) {
    const std::string base = upgrade_request(testing::create_target);
    const std::size_t pad = total - base.size() - padding_header.size() - 2;
    return upgrade_request(testing::create_target, padding_header + std::string(pad, 'a') + "\r\n");
  };
  auto lines = http(padded(7 * 1024 + 900));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 101") << "a legitimate request just under 8 KiB";
  lines = http(padded(9 * 1024));
  ASSERT_FALSE(lines.empty()) << "a larger request must get an answer, not a reset";
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 431");
  // Far over the limit: most of it is still unread when the server answers.
  // Closing on unread input would reset the connection and lose the answer.
  lines = http(padded(256 * 1024));
  ASSERT_FALSE(lines.empty()) << "a far larger request must get an answer, not a reset";
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 431");
  expect_pair_unharmed();
}

// Protocol 1 put the invite code in the address; its clients are told to
// update, in words, and never reach a session. A target that is not a route
// is not an endpoint.
TEST_F(hardening_test, a_protocol_1_address_gets_410_saying_update_and_a_bad_route_404) {
  serve();
  healthy_pair();
  auto lines = http(upgrade_request("/v1/sessions/new"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 410");
  EXPECT_NE(lines.back().find("Update heard"), std::string::npos) << lines.back();
  lines = http(upgrade_request("/v2/7kq2"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 404") << "routes are canonical: the client normalizes";
  expect_pair_unharmed();
}

TEST_F(hardening_test, a_hello_that_both_rejoins_and_joins_is_refused_and_claims_nothing) {
  serve();
  healthy_pair();
  auto& creator = client("Creator");
  const std::string code = start(creator);
  v1::ClientMessage both;
  both.mutable_hello()->set_protocol_version(protocol_version);
  both.mutable_hello()->set_join_code(code);
  both.mutable_hello()->mutable_rejoin()->set_session_key(std::string(route_of(*normalize_invite_code(code))) + "00");
  raw_client confused(port_, testing::join_target(code));
  ASSERT_TRUE(confused.wait_open());
  confused.send(encode(both));
  auto m = confused.wait_message(0);
  ASSERT_TRUE(m && m->has_error());
  EXPECT_EQ(m->error().code(), v1::ERROR_MALFORMED);
  EXPECT_TRUE(m->error().closes());
  ASSERT_TRUE(confused.wait_closed());
  auto& partner = client("Partner");
  partner->join(code);
  EXPECT_TRUE(partner.wait_phase(v1::PHASE_READY)) << "the code was not used up";
  expect_pair_unharmed();
}

// Behind a load balancer every connection comes from the balancer. One the
// operator trusts says who each client is (here the PROXY protocol v2, as
// HAProxy sends it), and the per-address limit counts each real client.
TEST_F(hardening_test, behind_a_trusted_proxy_the_limits_count_each_real_client) {
  serve([](auto& c) {
    c.trusted_proxies = {"127.0.0.1"};
    c.max_connections_per_ip = 2;
  });
  fault_proxy balancer(port_);
  balancer.send_proxy_v2(true);
  std::vector<std::unique_ptr<raw_client>> first_client;
  for (int i = 0; i < 2; ++i) {
    first_client.push_back(std::make_unique<raw_client>(balancer.port(), testing::create_target, "127.0.0.2"));
    ASSERT_TRUE(first_client.back()->wait_open()) << "connection " << i;
  }
  raw_client over(balancer.port(), testing::create_target, "127.0.0.2");
  EXPECT_FALSE(over.wait_open()) << "127.0.0.2 is at its limit";
  raw_client other(balancer.port(), testing::create_target, "127.0.0.3");
  ASSERT_TRUE(other.wait_open()) << "another client behind the same balancer has room";
  other.send(testing::hello_bytes());
  auto welcome = other.wait_message(0);
  ASSERT_TRUE(welcome && welcome->has_welcome());
  EXPECT_EQ(server_->stats().connections_refused_per_ip.load(), 1u) << server_->stats().describe();

  // The trusted address without a header is refused, counted; an untrusted
  // peer is its own client and needs none.
  raw_client no_header(port_, testing::create_target, "127.0.0.1");  // not ::1, which a stock localhost is first
  EXPECT_FALSE(no_header.wait_open());
  EXPECT_EQ(server_->stats().proxy_headers_invalid.load(), 1u) << server_->stats().describe();
  raw_client direct(port_, testing::create_target, "127.0.0.4");
  EXPECT_TRUE(direct.wait_open());
  for (auto& c : first_client) {
    c->send(testing::hello_bytes());
    auto m = c->wait_message(0);
    EXPECT_TRUE(m && m->has_welcome()) << "the first client's connections were not harmed";
  }
}

// nginx says it in X-Forwarded-For: its last address is the client.
TEST_F(hardening_test, a_trusted_proxy_may_name_the_client_in_x_forwarded_for) {
  serve([](auto& c) {
    c.trusted_proxies = {"127.0.0.1"};
    c.proxy_header = server::proxy_header_kind::x_forwarded_for;
  });
  auto lines = http(upgrade_request(testing::create_target, "X-Forwarded-For: 198.51.100.1, 203.0.113.7\r\n"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 101");
  lines = http(upgrade_request(testing::create_target, "X-Forwarded-For: somebody\r\n"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 400");
  EXPECT_NE(lines.back().find("X-Forwarded-For"), std::string::npos) << lines.back();
  EXPECT_EQ(server_->stats().proxy_headers_invalid.load(), 1u) << server_->stats().describe();
  lines = http("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 200") << "the balancer's own health check names nobody";
}

TEST_F(hardening_test, a_foreign_origin_gets_403_and_compression_is_never_negotiated) {
  serve();
  healthy_pair();
  auto lines = http(upgrade_request(testing::create_target, "Origin: https://evil.example\r\n"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 403");
  lines = http(upgrade_request(testing::create_target, "Sec-WebSocket-Extensions: permessage-deflate\r\n"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].substr(0, 12), "HTTP/1.1 101");
  EXPECT_FALSE(has_header(lines, "Sec-WebSocket-Extensions")) << "compression offered back";
  expect_pair_unharmed();
}

TEST_F(hardening_test, a_message_over_the_limit_is_closed_with_1009) {
  serve();
  healthy_pair();
  raw_client big(port_, testing::create_target);
  ASSERT_TRUE(big.wait_open());
  big.send(std::string(config_.max_message_bytes + 4 * 1024, 'x'));
  auto closed = big.wait_closed();
  ASSERT_TRUE(closed);
  EXPECT_NE(closed->find("1009"), std::string::npos) << *closed;
  expect_pair_unharmed();
}

// A client may split a message into frames (RFC 6455 5.4): the server reads
// it whole, and holds the whole, not each frame, to the limit.
TEST_F(hardening_test, a_message_in_many_frames_is_read_whole_and_held_to_the_limit_as_a_whole) {
  serve();
  healthy_pair();
  const auto in_fragments = [](client::tls_options& tls) { tls.max_frame_bytes = 8; };
  raw_client fragmented(port_, testing::create_target, {}, in_fragments);
  ASSERT_TRUE(fragmented.wait_open());
  v1::ClientMessage create;
  create.mutable_hello()->set_protocol_version(protocol_version);
  create.mutable_hello()->set_min_version(protocol_version);
  create.mutable_hello()->set_max_version(protocol_version);
  auto* options = create.mutable_hello()->mutable_create();
  options->set_rounds(3);
  options->set_speak_limit_s(300);
  options->set_reflect_limit_s(120);
  ASSERT_GT(encode(create).size(), 16u) << "the Hello must take more than two frames";
  fragmented.send(encode(create));
  auto welcome = fragmented.wait_message(0);
  ASSERT_TRUE(welcome);
  EXPECT_TRUE(welcome->has_welcome()) << welcome->DebugString();

  raw_client big(port_, testing::create_target, {}, [](client::tls_options& tls) { tls.max_frame_bytes = 1024; });
  ASSERT_TRUE(big.wait_open());
  big.send(std::string(config_.max_message_bytes + 4 * 1024, 'x'));  // every frame well under the limit
  auto closed = big.wait_closed();
  ASSERT_TRUE(closed);
  EXPECT_NE(closed->find("1009"), std::string::npos) << *closed;
  expect_pair_unharmed();
}

TEST_F(hardening_test, a_message_far_over_the_limit_still_gets_its_1009_not_a_reset) {
  serve();
  healthy_pair();
  // The server refuses after the frame header; the client is still sending
  // the rest. Its close frame must arrive all the same.
  for (int i = 0; i < 5; ++i) {
    raw_client big(port_, testing::create_target);
    ASSERT_TRUE(big.wait_open());
    big.send(std::string(4 * 1024 * 1024, 'x'));
    auto closed = big.wait_closed();
    ASSERT_TRUE(closed);
    EXPECT_NE(closed->find("1009"), std::string::npos) << "attempt " << i << ": " << *closed;
  }
  expect_pair_unharmed();
}

TEST_F(hardening_test, a_message_flood_gets_rate_limited_then_1008) {
  serve([](auto& c) {
    c.max_messages_per_s = 10;
    c.max_message_burst = 20;
  });
  healthy_pair();
  raw_client flood(port_, testing::create_target);
  ASSERT_TRUE(flood.wait_open());
  flood.send(testing::hello_bytes());
  v1::ClientMessage ack;
  ack.mutable_ack_only();
  for (int i = 0; i < 200; ++i) flood.send(encode(ack));
  std::optional<v1::ServerMessage> m;
  for (std::size_t i = 0; (m = flood.wait_message(i)) && !m->has_error(); ++i) {
  }
  ASSERT_TRUE(m);
  EXPECT_EQ(m->error().code(), v1::ERROR_RATE_LIMITED);
  auto closed = flood.wait_closed();
  ASSERT_TRUE(closed);
  EXPECT_NE(closed->find("1008"), std::string::npos);
  expect_pair_unharmed();
}

TEST_F(hardening_test, one_address_cannot_take_every_connection) {
  serve([](auto& c) { c.max_connections_per_ip = 3; });
  healthy_pair();  // two connections from 127.0.0.1
  std::vector<std::unique_ptr<raw_client>> crowd;
  int refused = 0;
  for (int i = 0; i < 5; ++i) {
    crowd.push_back(std::make_unique<raw_client>(port_, testing::create_target, "127.0.0.2"));
    if (!crowd.back()->wait_open()) ++refused;
  }
  EXPECT_EQ(refused, 2) << "127.0.0.2 gets three connections, no more";
  expect_pair_unharmed();
}

TEST_F(hardening_test, connections_beyond_the_total_are_refused_at_accept) {
  serve([](auto& c) { c.max_connections = 4; });
  healthy_pair();  // two of the four
  std::vector<std::unique_ptr<raw_client>> crowd;
  int refused = 0;
  for (int i = 0; i < 4; ++i) {
    crowd.push_back(std::make_unique<raw_client>(port_, testing::create_target, "127.0.0.2"));
    if (!crowd.back()->wait_open()) ++refused;
  }
  EXPECT_EQ(refused, 2) << "four connections in all, no more";
  EXPECT_EQ(server_->stats().connections_refused_capacity.load(), 2u) << server_->stats().describe();
  expect_pair_unharmed();
}

TEST_F(hardening_test, sessions_beyond_the_total_get_server_busy_then_1008) {
  serve([](auto& c) { c.max_sessions = 2; });
  healthy_pair();  // one of the two
  raw_client second(port_, testing::create_target);
  ASSERT_TRUE(second.wait_open());
  second.send(testing::hello_bytes());
  auto welcome = second.wait_message(0);
  ASSERT_TRUE(welcome && welcome->has_welcome());
  raw_client third(port_, testing::create_target);
  ASSERT_TRUE(third.wait_open());
  third.send(testing::hello_bytes());
  auto refusal = third.wait_message(0);
  ASSERT_TRUE(refusal && refusal->has_error());
  EXPECT_EQ(refusal->error().code(), v1::ERROR_SERVER_BUSY);
  auto closed = third.wait_closed();
  ASSERT_TRUE(closed);
  EXPECT_NE(closed->find("1008"), std::string::npos) << *closed;
  expect_pair_unharmed();
}

TEST_F(hardening_test, a_ping_flood_is_closed_with_1008) {
  serve([](auto& c) { c.max_pings_per_minute = 5; });
  healthy_pair();
  // A broken client: Beast pings at half its idle timeout, here every 100 ms
  // (and gives up itself if a pong takes longer, so not much faster).
  raw_client pinger(port_, testing::create_target, "127.0.0.2",
                    [](client::tls_options& tls) { tls.idle_timeout = std::chrono::milliseconds(200); });
  ASSERT_TRUE(pinger.wait_open());
  pinger.send(testing::hello_bytes());
  auto closed = pinger.wait_closed();
  ASSERT_TRUE(closed);
  EXPECT_NE(closed->find("1008"), std::string::npos) << *closed;
  EXPECT_EQ(server_->stats().ping_floods.load(), 1u) << server_->stats().describe();
  expect_pair_unharmed();
}

TEST_F(hardening_test, guessing_codes_is_throttled_per_address_with_identical_answers) {
  serve([](auto& c) { c.max_joins_per_ip_per_minute = 5; });
  healthy_pair();
  std::vector<std::string> answers;
  int throttled = 0;
  for (int i = 0; i < 8; ++i) {
    const std::string code = "ZZZZ-ZZZZ-ZZZ" + std::string(1, "0123456789"[i]);
    raw_client guess(port_, testing::join_target(code), "127.0.0.2");
    ASSERT_TRUE(guess.wait_open());
    guess.send(testing::join_hello_bytes(code));
    auto m = guess.wait_message(0);
    ASSERT_TRUE(m && m->has_error());
    if (m->error().code() == v1::ERROR_RATE_LIMITED) {
      ++throttled;
    } else {
      EXPECT_EQ(m->error().code(), v1::ERROR_INVALID_CODE);
      answers.push_back(m->error().SerializeAsString());
    }
  }
  EXPECT_EQ(answers.size(), 5u);
  EXPECT_EQ(throttled, 3);
  for (const auto& a : answers) EXPECT_EQ(a, answers.front()) << "every wrong code gets the same answer";
  // Another address, and the pair, are not affected.
  raw_client other(port_, testing::join_target("ZZZZ-ZZZZ-ZZZZ"), "127.0.0.3");
  ASSERT_TRUE(other.wait_open());
  other.send(testing::join_hello_bytes("ZZZZ-ZZZZ-ZZZZ"));
  auto m = other.wait_message(0);
  ASSERT_TRUE(m && m->has_error());
  EXPECT_EQ(m->error().code(), v1::ERROR_INVALID_CODE);
  expect_pair_unharmed();
}

// Wrong, malformed, used (the session is full), expired and near-miss codes
// (a live code's route with wrong digits) all get the same bytes and the
// same close. The time from Hello to the answer is printed per kind, the
// kinds interleaved so that load on the machine falls on all of them alike:
// a figure to read, not a timed assertion (on a shared 2-core machine a
// bound tight enough to mean something would fail for reasons of its own).
TEST_F(hardening_test, every_kind_of_bad_code_gets_the_same_answer_and_close_with_its_time_printed) {
  constexpr int samples = 20;
  struct answer {
    std::string bytes;
    std::string close;
    double micros = 0;
  };
  std::map<std::string, std::vector<answer>> by_kind;
  auto attempt = [&](const std::string& kind, const std::string& code, std::string target = {}) {
    raw_client guess(port_, target.empty() ? testing::join_target(code) : target, "127.0.0.2");
    ASSERT_TRUE(guess.wait_open());
    const auto sent = std::chrono::steady_clock::now();
    guess.send(testing::join_hello_bytes(code));
    auto m = guess.wait_message(0);
    const auto answered = std::chrono::steady_clock::now();
    ASSERT_TRUE(m && m->has_error()) << kind;
    auto closed = guess.wait_closed();
    ASSERT_TRUE(closed) << kind;
    by_kind[kind].push_back(
        {m->error().SerializeAsString(), *closed, std::chrono::duration<double, std::micro>(answered - sent).count()});
  };
  auto new_code = [&](raw_client& creator) {
    EXPECT_TRUE(creator.wait_open());
    creator.send(testing::hello_bytes());
    auto welcome = creator.wait_message(0);
    EXPECT_TRUE(welcome && welcome->has_welcome());
    return welcome ? *normalize_invite_code(invite_code_for(welcome->welcome(), v1::SEAT_B)) : std::string();
  };
  constexpr std::string_view digits = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  auto other_digit = [&](char c, std::size_t shift) { return digits[(digits.find(c) + 1 + shift) % digits.size()]; };

  // Expired codes stay in the registry until swept; the sweep is held off so
  // each attempt meets a present-but-expired code, the path most likely to
  // differ. Every other kind is tried against the same server.
  serve([](auto& c) {
    c.invite_ttl = std::chrono::seconds(2);
    c.invite_sweep_interval = std::chrono::hours(1);
    c.max_joins_per_ip_per_minute = 100'000;
    c.max_wrong_attempts_per_code = 100'000;
  });
  healthy_pair();
  std::vector<std::unique_ptr<raw_client>> lonely;
  std::vector<std::string> expiring;
  for (int i = 0; i < samples; ++i) {
    lonely.push_back(std::make_unique<raw_client>(port_, testing::create_target));
    expiring.push_back(new_code(*lonely.back()));
    ASSERT_FALSE(expiring.back().empty()) << "a lonely creator got no code";
  }
  const auto expired_at = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  // Used: the code the healthy pair joined with. Near miss: a live code's
  // route (first four digits) with the rest wrong. Other route: a live code
  // sent on a route not its own (behind a balancer, another node).
  const std::string used = *normalize_invite_code(alex_->invite_code());
  std::this_thread::sleep_until(expired_at);  // the TTL has to pass: measured time, not synchronisation
  raw_client live_creator(port_, testing::create_target);
  const std::string live = new_code(live_creator);
  ASSERT_FALSE(live.empty()) << "the live creator got no code";
  for (int i = 0; i < samples; ++i) {
    std::string wrong = "ZZZZ" + used.substr(4);
    wrong[6] = other_digit(wrong[6], static_cast<std::size_t>(i));
    std::string near_miss = live;
    near_miss.back() = other_digit(live.back(), static_cast<std::size_t>(i));
    ASSERT_NO_FATAL_FAILURE(attempt("wrong", wrong));
    ASSERT_NO_FATAL_FAILURE(attempt("malformed", "not-a-code-" + std::to_string(i)));
    ASSERT_NO_FATAL_FAILURE(attempt("used", used));
    ASSERT_NO_FATAL_FAILURE(attempt("expired", expiring[static_cast<std::size_t>(i)]));
    ASSERT_NO_FATAL_FAILURE(attempt("near miss", near_miss));
    ASSERT_NO_FATAL_FAILURE(attempt("other route", live, session_target_for(route_of(used))));
  }

  ASSERT_EQ(by_kind["wrong"].size(), static_cast<std::size_t>(samples));
  const answer& reference = by_kind["wrong"].front();
  v1::Error error;
  ASSERT_TRUE(error.ParseFromString(reference.bytes));
  EXPECT_EQ(error.code(), v1::ERROR_INVALID_CODE);
  std::string figures;
  for (auto& [kind, answers] : by_kind) {
    ASSERT_EQ(answers.size(), static_cast<std::size_t>(samples)) << kind;
    std::vector<double> times;
    for (const auto& a : answers) {
      EXPECT_EQ(a.bytes, reference.bytes) << kind << ": the answer differs";
      EXPECT_EQ(a.close, reference.close) << kind << ": the close differs";
      times.push_back(a.micros);
    }
    std::sort(times.begin(), times.end());
    char line[128];
    std::snprintf(line, sizeof line, " %s %.0f/%.0f", kind.c_str(), times[times.size() / 2],
                  times[times.size() * 9 / 10]);
    figures += line;
  }
  std::printf("[ figures  ] Hello to refusal, median/p90 us, %d each:%s\n", samples, figures.c_str());
  expect_pair_unharmed();
}

TEST_F(hardening_test, a_code_burns_after_five_wrong_attempts_and_its_creator_gets_a_new_one) {
  serve([](auto& c) { c.max_joins_per_ip_per_minute = 100; });
  healthy_pair();
  auto& creator = client("Creator");
  const std::string code = start(creator);
  const std::string canonical = *normalize_invite_code(code);
  // Wrong codes on the live code's route (its first digits): each counts against it.
  constexpr std::string_view digits = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  for (std::size_t i = 0; i < 5; ++i) {
    std::string guess = canonical;
    guess.back() = digits[(digits.find(guess.back()) + 1 + i) % digits.size()];  // never the real digit
    raw_client attempt(port_, testing::join_target(guess), "127.0.0.2");
    ASSERT_TRUE(attempt.wait_open());
    attempt.send(testing::join_hello_bytes(guess));
    auto m = attempt.wait_message(0);
    ASSERT_TRUE(m && m->has_error());
    EXPECT_EQ(m->error().code(), v1::ERROR_INVALID_CODE);
  }
  auto renewed = creator.wait_for(v1::ServerMessage::kInvite);
  ASSERT_TRUE(renewed) << "the creator gets a fresh code";
  EXPECT_NE(renewed->invite().code(), code);
  EXPECT_EQ(server_->stats().codes_burned.load(), 1u) << server_->stats().describe();
  // The burned code no longer works, even typed right; the new one does.
  auto& late = client("Late");
  late->join(code);
  auto error = late.wait_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), v1::ERROR_INVALID_CODE);
  auto& partner = client("Partner");
  partner->join(renewed->invite().code());
  ASSERT_TRUE(partner.wait_phase(v1::PHASE_READY));
  expect_pair_unharmed();
}

// Garbage is answered (MALFORMED) but does not keep a connection open: one
// that has sent no Hello by the upgrade deadline is closed with 1008.
TEST_F(hardening_test, a_connection_that_only_sends_garbage_is_closed_at_the_upgrade_deadline) {
  serve([](auto& c) { c.upgrade_timeout = 500ms; });
  healthy_pair();
  raw_client garbage(port_, testing::create_target, "127.0.0.2");
  ASSERT_TRUE(garbage.wait_open());
  const auto opened = std::chrono::steady_clock::now();
  std::optional<std::string> closed;
  for (int i = 0; i < 100 && !(closed = garbage.wait_closed(50ms)); ++i) {
    garbage.send(std::string("\xFF\xFF\xFF\xFF garbage", 12));
  }
  ASSERT_TRUE(closed) << "still open after 5 s of garbage";
  const auto open_for = std::chrono::steady_clock::now() - opened;
  EXPECT_NE(closed->find("1008"), std::string::npos) << *closed;
  EXPECT_NE(closed->find("no hello"), std::string::npos) << *closed;
  EXPECT_GE(open_for, 400ms) << "closed before the deadline";
  auto first = garbage.wait_message(0);
  ASSERT_TRUE(first && first->has_error()) << "garbage is still answered";
  EXPECT_EQ(first->error().code(), v1::ERROR_MALFORMED);
  EXPECT_EQ(server_->stats().no_hello_closes.load(), 1u) << server_->stats().describe();
  expect_pair_unharmed();
}

TEST_F(hardening_test, a_connection_that_never_says_hello_in_tls_is_closed_at_the_deadline) {
  serve([](auto& c) { c.tls_handshake_timeout = 300ms; });
  healthy_pair();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  pollfd pfd{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 3000), 1) << "the server should close a silent connection";
  char byte;
  EXPECT_LE(::read(fd, &byte, 1), 0);
  ::close(fd);
  expect_pair_unharmed();
}

TEST_F(hardening_test, an_upgrade_request_that_never_ends_is_closed_at_the_deadline) {
  serve([](auto& c) { c.upgrade_timeout = 300ms; });
  healthy_pair();
  // TLS completes, then the request stops half-way (a slowloris).
  child_process s_client({"/usr/bin/openssl", "s_client", "-quiet", "-connect", "127.0.0.1:" + std::to_string(port_),
                          "-servername", "localhost", "-CAfile", ca_file()},
                         testing::scratch_dir() + "heard-s_client-slow.log");
  s_client.write_line("GET /v2/7KQ2 HTTP/1.1\r\nHost: localhost\r");
  const auto status = s_client.wait_exit(std::chrono::seconds(5));
  EXPECT_TRUE(status.has_value()) << "the server should close a request that never ends";
  EXPECT_GE(server_->stats().timeouts.load(), 1u) << server_->stats().describe();
  expect_pair_unharmed();
}

// The outbound queue's cap, and only it: the unacknowledged-events cap is
// raised far out of reach, so this fails if the queue cap stops working.
TEST_F(hardening_test, a_reader_too_slow_is_closed_and_its_partner_and_others_go_on) {
  serve([](auto& c) {
    c.max_outbound_queue_bytes = 64 * 1024;
    c.max_unacked_bytes = 1024 * 1024 * 1024;
    c.max_messages_per_s = 10'000;
    c.max_message_burst = 10'000;
    c.draft_interval = 1ms;
    c.close_timeout = 500ms;
  });
  healthy_pair();
  testing::fault_proxy proxy(port_, 4096);
  // The writer sends its drafts straight, with no client-side throttle.
  raw_client writer(port_, testing::create_target);
  ASSERT_TRUE(writer.wait_open());
  writer.send(testing::hello_bytes());
  auto welcome = writer.wait_message(0);
  ASSERT_TRUE(welcome && welcome->has_welcome());
  auto& slow = client("Slow", proxy.port(), [](auto& o) { o.reconnect_initial = 10s; });
  slow->join(invite_code_for(welcome->welcome(), v1::SEAT_B));
  std::uint64_t input = 0;
  testing::raw_keys keys(writer, welcome->welcome());
  ASSERT_TRUE(keys.exchange(input));
  ASSERT_TRUE(slow.wait_phase(v1::PHASE_READY));
  auto send = [&](v1::ClientMessage m) {
    m.set_input_id(++input);
    writer.send(encode(m));
  };
  v1::ClientMessage ready;
  ready.mutable_ready();
  send(ready);
  slow->ready();
  ASSERT_TRUE(slow.wait_phase(v1::PHASE_SPEAKING));

  proxy.stall(true);  // Slow stops reading: a frozen laptop on a fast link
  std::string big;
  for (int i = 0; i < 3900; ++i) big += "\xF0\x9F\x98\x80";  // 4 bytes each: ~16 KB a draft
  const auto& stats = server_->stats();
  for (int i = 0; i < 2000 && stats.slow_reader_closes.load() == 0; ++i) {
    v1::ClientMessage draft;
    *draft.mutable_draft()->mutable_sealed() =
        keys.seal(sealed_format::content_kind::draft, input + 1, big + std::to_string(i));
    send(draft);
    if (i % 100 == 99) expect_pair_unharmed();  // meanwhile, others are not held up
  }
  // The server stops keeping a backlog for a reader that does not read: its
  // outbound queue passes its limit, and the link is cut.
  std::optional<v1::ServerMessage> m;
  for (std::size_t i = 1;
       (m = writer.wait_message(i)) &&
       !(m->has_state_changed() && member_of(m->state_changed().snapshot(), v1::SEAT_B).link() == v1::LINK_DROPPED);
       ++i) {
  }
  ASSERT_TRUE(m) << "the writer is told its partner dropped";
  EXPECT_EQ(stats.slow_reader_closes.load(), 1u) << "one cut, counted once: " << stats.describe();
  EXPECT_EQ(stats.unacked_overflows.load(), 0u) << stats.describe();
  expect_pair_unharmed();
}

// --- TLS policy: Mozilla "modern" -------------------------------------------------

TEST_F(hardening_test, only_tls_1_3_is_spoken) {
  serve();
  healthy_pair();
  struct attempt {
    std::vector<std::string> args;
    bool accepted;
  };
  const attempt attempts[] = {
      {{"-tls1_3"}, true},
      {{"-tls1_3", "-groups", "P-384"}, true},
      {{"-tls1_2"}, false},
      {{"-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"}, false},
      {{"-tls1_2", "-cipher", "AES128-SHA"}, false},
      {{"-tls1_3", "-groups", "ffdhe2048"}, false},
  };
  for (const auto& a : attempts) {
    std::vector<std::string> argv{"/usr/bin/openssl",    "s_client",  "-connect", "127.0.0.1:" + std::to_string(port_),
                                  "-servername",         "localhost", "-CAfile",  ca_file(),
                                  "-verify_return_error"};
    argv.insert(argv.end(), a.args.begin(), a.args.end());
    child_process s_client(argv, testing::scratch_dir() + "heard-s_client-tls.log");
    s_client.close_stdin();
    // s_client reports the outcome as "New, TLSv1.3, Cipher is ..." or "New, (NONE), Cipher is (NONE)".
    const auto outcome = s_client.wait_line("New, ", 5s);
    std::string joined;
    for (const auto& arg : a.args) joined += arg + " ";
    ASSERT_TRUE(outcome) << joined;
    const bool accepted = outcome->find("(NONE)") == std::string::npos;
    EXPECT_EQ(accepted, a.accepted) << joined << ": " << *outcome;
    if (accepted) {
      EXPECT_NE(outcome->find("TLSv1.3"), std::string::npos) << *outcome;
    }
  }
  expect_pair_unharmed();
}

TEST_F(hardening_test, the_client_refuses_a_wrong_host_name_and_an_expired_certificate) {
  for (const std::string name : {"wrong-name", "expired"}) {
    serve([&](auto& c) {
      c.cert_file = testing::test_cert_dir() + "/" + name + ".crt";
      c.key_file = testing::test_cert_dir() + "/" + name + ".key";
    });
    auto& victim = client("Alex");
    v1::CreateOptions options;
    victim->start(options);
    auto closed = victim.wait_closed();
    ASSERT_TRUE(closed) << name;
    EXPECT_NE(closed->find("TLS handshake"), std::string::npos) << name << ": " << *closed;
    EXPECT_TRUE(victim.history().empty()) << name << ": nothing may pass an unverified connection";
    TearDown();
  }
}

}  // namespace
}  // namespace heard
