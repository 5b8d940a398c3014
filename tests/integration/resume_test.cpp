// Nothing lost: drops, resumes, replays, duplicates, races, restarts — against
// a real server over real TLS, with a fault proxy breaking connections.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <random>

#include "child_process.hpp"
#include "codec.hpp"
#include "fault_proxy.hpp"
#include "relay_fixture.hpp"

namespace heard {
namespace {

using namespace std::chrono_literals;
using testing::fault_proxy;
using testing::raw_client;
using testing::relay_test;
using testing::test_client;

bool is_turn(const v1::ServerMessage& m, const std::string& text) { return m.has_turn() && m.turn().text() == text; }

class resume_test : public relay_test {
 protected:
  struct seats {
    test_client& alex;
    test_client& sam;
  };
  /// Alex straight to the server, Sam through `proxy` and trying again
  /// `reconnect` after each drop; paired, and both ready.
  seats ready_with_sam_through(fault_proxy& proxy, std::chrono::milliseconds reconnect) {
    auto& alex = client("Alex");
    auto& sam = client("Sam", proxy.port(), [reconnect](auto& o) {
      o.reconnect_initial = reconnect;
      o.reconnect_max = reconnect;
    });
    pair(alex, sam);
    both_ready(alex, sam);
    return {alex, sam};
  }

  /// A session created over a raw connection: its Welcome, or nothing (a
  /// failure reported) if the server gave none.
  static std::optional<v1::Welcome> create_raw(raw_client& creator) {
    EXPECT_TRUE(creator.wait_open());
    creator.send(testing::hello_bytes());
    auto message = creator.wait_message(0);
    EXPECT_TRUE(message && message->has_welcome());
    if (!message || !message->has_welcome()) return std::nullopt;
    return message->welcome();
  }

  /// Alex ends a turn (after a last draft of it, if asked) while Sam's link is
  /// stalled (a train in a tunnel), then the link is cut and Sam comes back:
  /// the statement must reach Sam, and Sam's answer Alex.
  static void turn_ended_in_a_tunnel(test_client& alex, test_client& sam, fault_proxy& proxy, const std::string& said,
                                     const std::string& said_back, bool draft_first = false) {
    proxy.stall(true);
    if (draft_first) alex->set_draft(said);
    alex->end_turn(said);
    ASSERT_TRUE(alex.wait_phase(v1::PHASE_PARAPHRASING));
    proxy.reset_all();
    proxy.stall(false);
    ASSERT_TRUE(sam.wait_for([&](auto& m) { return is_turn(m, said); }));
    ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
    sam->end_turn(said_back);
    ASSERT_TRUE(alex.wait_for([&](auto& m) { return is_turn(m, said_back); }));
  }
};

TEST_F(resume_test, a_dropped_listener_gets_what_it_missed_and_its_own_words_arrive_once) {
  serve();
  fault_proxy proxy(port_);
  auto& alex = client("Alex");
  auto& sam = client("Sam", proxy.port());
  pair(alex, sam);
  both_ready(alex, sam);

  ASSERT_NO_FATAL_FAILURE(
      turn_ended_in_a_tunnel(alex, sam, proxy, "I needed you at the hospital.", "You needed me there."));

  int statements = 0;
  for (const auto& m : sam.history()) statements += is_turn(m, "I needed you at the hospital.");
  EXPECT_EQ(statements, 1) << "replayed once, not twice";
  EXPECT_GE(sam.drops(), 1);
}

// A one-byte replay window: every event waits until the link has written the
// one before it. Pacing that lost a wake-up would stall a member here.
TEST_F(resume_test, with_a_one_byte_replay_window_every_event_still_arrives_in_order) {
  serve([](auto& c) {
    c.replay_window_bytes = 1;
    c.draft_interval = 10ms;  // the client paces its drafts by it
  });
  fault_proxy proxy(port_);
  auto [alex, sam] = ready_with_sam_through(proxy, 100ms);

  for (int i = 1; i <= 20; ++i) {
    alex->set_draft("Line " + std::to_string(i));
    const auto want = "Line " + std::to_string(i);
    ASSERT_TRUE(sam.wait_for([&](auto& m) { return m.has_draft_update() && m.draft_update().text() == want; }));
  }
  // A backlog builds while Sam is away (a draft, the statement, the state),
  // then is replayed one event at a time.
  ASSERT_NO_FATAL_FAILURE(turn_ended_in_a_tunnel(alex, sam, proxy, "Said in the tunnel", "You said it in the tunnel.",
                                                 /*draft_first=*/true));
  std::uint64_t last_seq = 0;
  for (const auto& m : sam.history()) {
    if (m.seq() == 0) continue;
    EXPECT_GT(m.seq(), last_seq) << "events in order, none twice";
    last_seq = m.seq();
  }
}

TEST_F(resume_test, the_partner_sees_the_drop_the_pause_and_the_return) {
  serve();
  fault_proxy proxy(port_);
  auto [alex, sam] = ready_with_sam_through(proxy, 300ms);

  proxy.reset_all();
  auto paused = alex.wait_phase(v1::PHASE_PAUSED);
  ASSERT_TRUE(paused);
  EXPECT_EQ(member_of(*paused, v1::SEAT_B).link(), v1::LINK_DROPPED);
  EXPECT_EQ(paused->pause_reason(), v1::PAUSE_REASON_PARTNER_AWAY);
  alex->set_draft("while you were gone");
  auto kept = alex.wait_notice();
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->what, client::local_notice::kind::kept);

  auto back = alex.wait_phase(v1::PHASE_SPEAKING);
  ASSERT_TRUE(back);
  EXPECT_EQ(member_of(*back, v1::SEAT_B).link(), v1::LINK_CONNECTED);
  // What Alex wrote while Sam was away was held, and goes through now.
  ASSERT_TRUE(
      sam.wait_for([](auto& m) { return m.has_draft_update() && m.draft_update().text() == "while you were gone"; }));
}

TEST_F(resume_test, after_the_grace_window_the_partner_is_told_and_may_end_alone) {
  serve([](auto& c) { c.resume_grace = 200ms; });
  auto& alex = client("Alex");
  auto sam = std::make_unique<test_client>(port_, ca_file(), "Sam");
  pair(alex, *sam);
  both_ready(alex, *sam);
  sam.reset();  // closes without leaving: a dropped connection

  ASSERT_TRUE(alex.wait_for([](auto& m) {
    return m.has_state_changed() && member_of(m.state_changed().snapshot(), v1::SEAT_B).link() == v1::LINK_OVERDUE;
  }));
  alex->end_session();
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CHECK_IN));
  alex->check_in(2, 3, 2);
  auto results = alex.wait_for(v1::ServerMessage::kCheckInResults);
  ASSERT_TRUE(results);
  EXPECT_FALSE(results->check_in_results().answers(1).answered());
}

TEST_F(resume_test, a_drop_mid_draft_resends_the_draft_and_the_turn_is_whole) {
  serve();
  fault_proxy proxy(port_);
  auto& alex = client("Alex", proxy.port());
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);

  alex->set_draft("First line");
  ASSERT_TRUE(sam.wait_for([](auto& m) { return m.has_draft_update() && m.draft_update().text() == "First line"; }));
  proxy.stall(true);
  alex->set_draft("First line\nSecond line, typed in the tunnel");
  proxy.reset_all();
  proxy.stall(false);
  ASSERT_TRUE(sam.wait_for([](auto& m) {
    return m.has_draft_update() && m.draft_update().text() == "First line\nSecond line, typed in the tunnel";
  }));
  alex->end_turn("First line\nSecond line, typed in the tunnel");
  ASSERT_TRUE(sam.wait_for([](auto& m) { return is_turn(m, "First line\nSecond line, typed in the tunnel"); }));
}

TEST_F(resume_test, a_thousand_messages_with_a_fault_around_every_step_lose_nothing) {
  serve([](auto& c) { c.draft_interval = 1ms; });
  fault_proxy proxy_a(port_);
  fault_proxy proxy_b(port_);
  auto& alex = client("Alex", proxy_a.port());
  auto& sam = client("Sam", proxy_b.port());
  pair(alex, sam);
  both_ready(alex, sam);

  std::mt19937 rng(20261125);  // fixed: a failure can be replayed
  std::vector<std::string> sent;
  auto fault = [&](fault_proxy& proxy) {
    switch (rng() % 3) {
      case 0: proxy.reset_all(); break;
      case 1: proxy.cut_after(1 + rng() % 600, fault_proxy::direction::to_server); break;
      default: proxy.cut_after(1 + rng() % 600, fault_proxy::direction::to_client); break;
    }
  };

  // Each step is one input; every input is preceded by a fault on one side.
  const int rounds = 250;  // 4 inputs a round: statement, paraphrase, verdict, draft
  v1::Seat speaker = v1::SEAT_A;
  for (int round = 1; round <= rounds; ++round) {
    test_client& s = speaker == v1::SEAT_A ? alex : sam;
    test_client& l = speaker == v1::SEAT_A ? sam : alex;
    fault_proxy& sp = speaker == v1::SEAT_A ? proxy_a : proxy_b;
    fault_proxy& lp = speaker == v1::SEAT_A ? proxy_b : proxy_a;

    const std::string draft = "draft " + std::to_string(round);
    const std::string statement = "statement " + std::to_string(round);
    const std::string paraphrase = "paraphrase " + std::to_string(round);

    fault(sp);
    s->set_draft(draft);
    fault(lp);
    s->end_turn(statement);
    sent.push_back(statement);
    if (!l.wait_phase(v1::PHASE_PARAPHRASING, round, 10s)) {
      for (test_client* c : {&alex, &sam}) {
        std::printf("--- %s drops=%d closed=%s\n", c == &alex ? "alex" : "sam", c->drops(),
                    c->wait_closed(1ms).value_or("-").c_str());
        for (auto& m : c->history()) std::printf("%s\n", m.ShortDebugString().c_str());
      }
      std::printf("%s\n", server_log().c_str());
      FAIL() << "round " << round;
    }
    fault(lp);
    l->end_turn(paraphrase);
    sent.push_back(paraphrase);
    ASSERT_TRUE(s.wait_phase(v1::PHASE_CONFIRMING, round, 10s)) << "round " << round;
    fault(sp);
    s->judge(v1::VERDICT_ACCURATE_DONE);
    ASSERT_TRUE(s.wait_phase(v1::PHASE_SPEAKING, round + 1, 10s)) << "round " << round;
    ASSERT_TRUE(l.wait_phase(v1::PHASE_SPEAKING, round + 1, 10s)) << "round " << round;
    speaker = speaker == v1::SEAT_A ? v1::SEAT_B : v1::SEAT_A;
  }

  for (test_client* c : {&alex, &sam}) {
    std::vector<std::string> received;
    std::vector<std::uint64_t> seqs;
    int judged = 0;
    for (const auto& m : c->history()) {
      if (m.has_turn()) received.push_back(m.turn().text());
      if (m.has_judged()) ++judged;
      if (m.seq() != 0) seqs.push_back(m.seq());
    }
    std::size_t lost = 0, duplicated = 0, reordered = 0;
    std::map<std::string, int> count;
    for (const auto& t : received) ++count[t];
    for (const auto& t : sent) {
      if (count[t] == 0) ++lost;
      if (count[t] > 1) duplicated += static_cast<std::size_t>(count[t] - 1);
    }
    for (std::size_t i = 1; i < seqs.size(); ++i) reordered += seqs[i] <= seqs[i - 1];
    const bool identical = received == sent;
    std::printf(
        "[ figures  ] %s: %zu turns sent, %zu received, %d verdicts; lost=%zu duplicated=%zu reordered=%zu "
        "identical=%s\n",
        c == &alex ? "alex" : "sam", sent.size(), received.size(), judged, lost, duplicated, reordered,
        identical ? "yes" : "no");
    EXPECT_EQ(lost, 0u);
    EXPECT_EQ(duplicated, 0u);
    EXPECT_EQ(reordered, 0u);
    EXPECT_TRUE(identical);
    EXPECT_EQ(judged, rounds);
  }
  std::printf("[ figures  ] %d inputs, connections cut: %zu + %zu, reconnects: alex %d, sam %d\n", rounds * 4,
              proxy_a.connections_cut(), proxy_b.connections_cut(), alex.drops(), sam.drops());
  EXPECT_GT(alex.drops() + sam.drops(), rounds);
}

// The state file's folder disappears while the server runs: the stop still
// ends cleanly (no exception through the I/O threads) and says the sessions
// were not saved.
TEST_F(resume_test, a_state_file_that_cannot_be_written_at_the_stop_is_reported_not_fatal) {
  const std::filesystem::path folder = testing::scratch_dir() + "vanishing-state";
  std::filesystem::create_directories(folder);
  serve([&](auto& c) { c.state_file = (folder / "heard.state").string(); });
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  std::filesystem::remove_all(folder);
  const std::string log = server_log();  // stops the server
  EXPECT_NE(server_->save_error().find("cannot write the session state file"), std::string::npos)
      << server_->save_error();
  EXPECT_NE(log.find("event=sessions_not_saved"), std::string::npos) << log;
}

// SIGTERM-style stop with a state file, then a new server on the same port:
// the clients come back by themselves and the pair goes on where it was.
TEST_F(resume_test, after_a_graceful_restart_the_pair_continues_where_it_was) {
  const std::filesystem::path state = testing::scratch_dir() + "heard-resume-test-restart.state";
  std::filesystem::remove(state);
  serve([&](auto& c) { c.state_file = state.string(); });
  auto& alex = client("Alex", 0, [](auto& o) {
    o.reconnect_initial = 50ms;
    o.reconnect_max = 200ms;
  });
  auto& sam = client("Sam", 0, [](auto& o) {
    o.reconnect_initial = 50ms;
    o.reconnect_max = 200ms;
  });
  pair(alex, sam);
  both_ready(alex, sam);
  alex->end_turn("Before the restart.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));

  restart_server();
  ASSERT_TRUE(sam.wait_for([](auto& m) { return m.has_welcome() && m.welcome().resumed(); }));
  ASSERT_TRUE(alex.wait_for([](auto& m) { return m.has_welcome() && m.welcome().resumed(); }));
  auto s = sam.wait_phase(v1::PHASE_PARAPHRASING);
  ASSERT_TRUE(s);
  sam->end_turn("After the restart.");
  ASSERT_TRUE(alex.wait_for([](auto& m) { return is_turn(m, "After the restart."); }));
  EXPECT_FALSE(std::filesystem::exists(state)) << "the state file is read once";
  EXPECT_NE(server_log().find("event=sessions_saved count=1"), std::string::npos);
  EXPECT_NE(server_log().find("event=sessions_restored count=1"), std::string::npos);
}

// --- Below the client library ---------------------------------------------------

struct seated {
  std::string key;
  std::string token;
  std::uint64_t last_seq = 0;
};

// Two connections present the same token at once (a laptop and a phone, or a
// retry racing its own first attempt): exactly one ends up holding the seat;
// the other is told, with a clear error, and closed.
TEST_F(resume_test, two_resumes_racing_with_one_token_exactly_one_wins) {
  serve();
  raw_client creator(port_, testing::create_target);
  const auto welcome = create_raw(creator);
  ASSERT_TRUE(welcome);
  const auto key = welcome->session_key();
  const auto target = session_target_for(route_of(key));
  const auto token = welcome->resume_token();

  raw_client first(port_, target);
  raw_client second(port_, target);
  ASSERT_TRUE(first.wait_open());
  ASSERT_TRUE(second.wait_open());
  first.send(testing::rejoin_hello_bytes(key, token));
  second.send(testing::rejoin_hello_bytes(key, token));
  auto first_closed = first.wait_closed(2s);
  auto second_closed = second.wait_closed(2s);
  EXPECT_TRUE(first_closed.has_value() != second_closed.has_value()) << "exactly one holds the seat";
  raw_client& loser = first_closed ? first : second;
  raw_client& winner = first_closed ? second : first;
  std::optional<v1::ServerMessage> told;
  for (std::size_t i = 0; (told = loser.wait_message(i)) && !told->has_error(); ++i) {
  }
  ASSERT_TRUE(told);
  EXPECT_TRUE(told->error().code() == v1::ERROR_SESSION_EXPIRED || told->error().code() == v1::ERROR_REPLACED)
      << v1::ErrorCode_Name(told->error().code());
  // The winner's seat works: its time-out is accepted.
  v1::ClientMessage ack;
  ack.mutable_ack_only();
  winner.send(encode(ack));
  v1::ClientMessage end;
  end.mutable_end_session();
  end.set_input_id(1);
  winner.send(encode(end));
  std::optional<v1::ServerMessage> m;
  for (std::size_t i = 0; (m = winner.wait_message(i)) &&
                          !(m->has_state_changed() && m->state_changed().snapshot().phase() == v1::PHASE_ENDED);
       ++i) {
  }
  ASSERT_TRUE(m) << "the winner's end_session took effect";
  // The original connection was still open: it is told it was replaced, and closed.
  for (std::size_t i = 1; (m = creator.wait_message(i)) && !m->has_error(); ++i) {
  }
  ASSERT_TRUE(m);
  EXPECT_EQ(m->error().code(), v1::ERROR_REPLACED);
  ASSERT_TRUE(creator.wait_closed());
}

TEST_F(resume_test, an_ack_beyond_what_was_sent_is_a_protocol_error) {
  serve();
  raw_client raw(port_, testing::create_target);
  ASSERT_TRUE(raw.wait_open());
  raw.send(testing::hello_bytes());
  ASSERT_TRUE(raw.wait_message(0));
  v1::ClientMessage ack;
  ack.mutable_ack_only();
  ack.set_ack(1'000'000);
  raw.send(encode(ack));
  std::optional<v1::ServerMessage> m;
  for (std::size_t i = 1; (m = raw.wait_message(i)) && !m->has_error(); ++i) {
  }
  ASSERT_TRUE(m);
  EXPECT_EQ(m->error().code(), v1::ERROR_BAD_ACK);
  auto closed = raw.wait_closed();
  ASSERT_TRUE(closed);
  EXPECT_NE(closed->find("1008"), std::string::npos);
}

TEST_F(resume_test, an_input_sent_twice_takes_effect_once) {
  serve();
  auto& sam = client("Sam");
  raw_client raw(port_, testing::create_target);
  std::unique_ptr<testing::raw_keys> keys;
  ASSERT_NO_FATAL_FAILURE(raw_session_with(raw, sam, keys));
  v1::ClientMessage ready;
  ready.mutable_ready();
  ready.set_input_id(3);
  raw.send(encode(ready));
  sam->ready();
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_SPEAKING));
  v1::ClientMessage turn;
  *turn.mutable_end_turn()->mutable_sealed() = keys->seal(sealed_format::content_kind::turn, 4, "Said once.");
  turn.set_input_id(4);
  raw.send(encode(turn));
  raw.send(encode(turn));  // as a client would after a reconnect
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  sam->end_turn("You said it once.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_CONFIRMING));
  int turns = 0;
  for (const auto& m : sam.history()) turns += is_turn(m, "Said once.");
  EXPECT_EQ(turns, 1);
}

TEST_F(resume_test, a_resume_of_a_session_that_is_gone_is_told_expired) {
  serve([](auto& c) { c.ended_session_linger = 0ms; });
  raw_client unknown(port_, session_target_for("7KQ2"));
  ASSERT_TRUE(unknown.wait_open());
  unknown.send(testing::rejoin_hello_bytes("7KQ20123456789abcdef0123456789abcdef", "not a token"));
  auto m = unknown.wait_message(0);
  ASSERT_TRUE(m && m->has_error());
  EXPECT_EQ(m->error().code(), v1::ERROR_SESSION_EXPIRED);
  ASSERT_TRUE(unknown.wait_closed());

  // A real session that ended: its members' tokens are dead once it is forgotten.
  raw_client creator(port_, testing::create_target);
  const auto welcome = create_raw(creator);
  ASSERT_TRUE(welcome);
  const auto key = welcome->session_key();
  // A live session's key on a route not its own (behind a balancer: another
  // node) is answered as if the session were gone, and the seat is not touched.
  const std::string other_route = route_of(key) == "7KQ2" ? "7KQ3" : "7KQ2";
  raw_client astray(port_, session_target_for(other_route));
  ASSERT_TRUE(astray.wait_open());
  astray.send(testing::rejoin_hello_bytes(key, welcome->resume_token()));
  m = astray.wait_message(0);
  ASSERT_TRUE(m && m->has_error());
  EXPECT_EQ(m->error().code(), v1::ERROR_SESSION_EXPIRED);
  ASSERT_TRUE(astray.wait_closed());
  v1::ClientMessage end;
  end.mutable_end_session();
  end.set_input_id(1);
  creator.send(encode(end));
  ASSERT_TRUE(creator.wait_closed());
  raw_client late(port_, session_target_for(route_of(key)));
  ASSERT_TRUE(late.wait_open());
  late.send(testing::rejoin_hello_bytes(key, welcome->resume_token()));
  m = late.wait_message(0);
  ASSERT_TRUE(m && m->has_error());
  EXPECT_EQ(m->error().code(), v1::ERROR_SESSION_EXPIRED);
}

TEST_F(resume_test, a_client_silent_past_the_app_idle_timeout_is_closed) {
  serve([](auto& c) {
    c.heartbeat_interval = 50ms;
    c.app_idle_timeout = 300ms;
  });
  auto& alex = client("Alex");
  start(alex);  // the library's heartbeats keep Alex open
  raw_client silent(port_, testing::create_target);
  ASSERT_TRUE(silent.wait_open());
  silent.send(testing::hello_bytes());
  auto closed = silent.wait_closed();
  ASSERT_TRUE(closed);
  EXPECT_NE(closed->find("idle"), std::string::npos) << *closed;
  EXPECT_EQ(alex.drops(), 0);
}

// A dead peer sends nothing at all, not even a pong: closed after idle_timeout,
// well before app_idle_timeout. One that answers with pings stays until then.
TEST_F(resume_test, a_peer_with_no_frame_for_the_idle_timeout_is_closed_and_one_that_pings_is_not) {
  serve([](auto& c) {
    c.idle_timeout = 300ms;
    c.heartbeat_interval = 1s;
    c.app_idle_timeout = 2s;
    c.max_pings_per_minute = 10'000;
  });
  raw_client pinging(port_, testing::create_target, {},
                     [](client::tls_options& tls) { tls.idle_timeout = std::chrono::milliseconds(200); });
  raw_client quiet(port_, testing::create_target, {},
                   [](client::tls_options& tls) { tls.idle_timeout = std::chrono::milliseconds(60'000); });
  ASSERT_TRUE(pinging.wait_open());
  ASSERT_TRUE(quiet.wait_open());
  pinging.send(testing::hello_bytes());
  quiet.send(testing::hello_bytes());
  auto closed = quiet.wait_closed();
  ASSERT_TRUE(closed);
  EXPECT_NE(closed->find("idle"), std::string::npos) << *closed;
  EXPECT_EQ(server_->stats().timeouts.load(), 1u) << "closed for silence of every kind";
  EXPECT_EQ(server_->stats().app_idle_closes.load(), 0u);
  EXPECT_FALSE(pinging.wait_closed(600ms)) << "its pings are frames: open past idle_timeout";
  auto later = pinging.wait_closed();
  ASSERT_TRUE(later) << "no message for app_idle_timeout";
  EXPECT_NE(later->find("idle"), std::string::npos) << *later;
  EXPECT_EQ(server_->stats().app_idle_closes.load(), 1u);
}

}  // namespace
}  // namespace heard
