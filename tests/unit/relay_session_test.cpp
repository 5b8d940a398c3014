// One relay_session with fake links: numbering, acknowledgements, replay on
// resume, token rotation and input ids, without TLS or sockets. The
// io_context is polled on the test's thread, so every step is deterministic.
#include "relay_session.hpp"
#include "session_registry.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "child_process.hpp"
#include "client_messages.hpp"
#include "codec.hpp"
#include "invite_code.hpp"

namespace heard::server {
namespace {

using namespace test_messages;

class fake_link : public link {
 public:
  std::size_t send(std::shared_ptr<const std::string> message) override {
    auto decoded = decode_server(*message);
    if (auto* m = std::get_if<v1::ServerMessage>(&decoded)) got.push_back(*m);
    return message->size();
  }
  void close(close_code code, std::string reason) override { closed = {code, std::move(reason)}; }
  const std::string& remote_address() const override { return address_; }
  void established() override {}
  void want_drained() override { ++drains_wanted; }

  /// The events (seq > 0) received so far, by body.
  std::vector<v1::ServerMessage> events() const {
    std::vector<v1::ServerMessage> out;
    for (const auto& m : got) {
      if (m.seq() > 0) out.push_back(m);
    }
    return out;
  }
  const v1::ServerMessage* last_error() const {
    for (auto it = got.rbegin(); it != got.rend(); ++it) {
      if (it->has_error()) return &*it;
    }
    return nullptr;
  }

  std::vector<v1::ServerMessage> got;
  std::optional<std::pair<close_code, std::string>> closed;
  int drains_wanted = 0;

 private:
  std::string address_ = "192.0.2.1";
};

/// What a session or the registry needs around it, and a way to run what
/// they posted: the io_context is polled on the test's thread.
class server_parts : public ::testing::Test {
 protected:
  server_parts() : log_(log_level::error, log_out_) {}

  void settle() {
    ioc_.restart();
    ioc_.poll();
  }

  boost::asio::io_context ioc_;
  server_config config_;
  server_stats stats_;
  std::ostringstream log_out_;
  logger log_;
};

class relay_session_test : public server_parts {
 protected:
  relay_session_test() {
    session_ = std::make_shared<relay_session>(ioc_, "session-id", exercise_settings{}, config_, stats_, log_,
                                               [](const std::string&) {});
  }

  std::shared_ptr<fake_link> seat(v1::Seat s, const std::string& name) {
    auto l = std::make_shared<fake_link>();
    session_->join(s, l, name, s == v1::SEAT_A ? "CODE" : "");
    settle();
    return l;
  }

  void send(const std::shared_ptr<fake_link>& from, v1::ClientMessage m, std::uint64_t input_id,
            std::uint64_t ack = 0) {
    m.set_input_id(input_id);
    m.set_ack(ack);
    session_->handle(from, std::move(m));
    settle();
  }

  /// Both partners commit to their keys and reveal them (input ids 1 and 2),
  /// as their clients do before anything else.
  void exchange_keys(const std::shared_ptr<fake_link>& a, const std::shared_ptr<fake_link>& b) {
    send(a, commit_key(v1::SEAT_A), 1);
    send(b, commit_key(v1::SEAT_B), 1);
    send(a, reveal_key(v1::SEAT_A), 2);
    send(b, reveal_key(v1::SEAT_B), 2);
  }

  static std::string token_of(const fake_link& l) {
    for (auto it = l.got.rbegin(); it != l.got.rend(); ++it) {
      if (it->has_welcome()) return it->welcome().resume_token();
    }
    return {};
  }

  std::shared_ptr<relay_session> session_;
};

TEST_F(relay_session_test, events_are_numbered_and_each_input_id_counts_once) {
  auto alex = seat(v1::SEAT_A, "Alex");
  auto sam = seat(v1::SEAT_B, "Sam");
  ASSERT_FALSE(token_of(*alex).empty());
  exchange_keys(alex, sam);
  send(alex, ready(), 3);
  send(alex, ready(), 3);  // sent again after a reconnect
  EXPECT_EQ(stats_.duplicate_inputs.load(), 1u);
  EXPECT_FALSE(alex->last_error()) << "a repeat has no effect, so no ALREADY_DONE either";
  std::uint64_t previous = 0;
  for (const auto& e : sam->events()) {
    EXPECT_GT(e.seq(), previous) << "seq increases";
    previous = e.seq();
  }
  send(alex, ready(), 0);
  ASSERT_TRUE(alex->last_error());
  EXPECT_EQ(alex->last_error()->error().code(), v1::ERROR_INVALID_ARGUMENT) << "an input needs an id";
}

TEST_F(relay_session_test, past_the_replay_window_sending_waits_for_the_link_to_drain_and_asks_once) {
  config_.replay_window_bytes = 1;  // every send fills it
  auto alex = seat(v1::SEAT_A, "Alex");
  auto sam = seat(v1::SEAT_B, "Sam");
  exchange_keys(alex, sam);
  const auto sent = sam->events().size();
  send(alex, ready(), 3);
  send(sam, ready(), 3);
  EXPECT_EQ(sam->events().size(), sent) << "nothing more until the link has drained";
  EXPECT_EQ(sam->drains_wanted, 1) << "asked once, however many events wait";
  std::size_t before = sam->events().size();
  for (int i = 0; i < 10 && sam->drains_wanted > 0; ++i) {
    sam->drains_wanted = 0;
    session_->drained(sam);
    settle();
    if (sam->events().size() == before) break;
    EXPECT_EQ(sam->events().size(), before + 1) << "one event per drain at a one-byte window";
    before = sam->events().size();
  }
  EXPECT_EQ(sam->drains_wanted, 0) << "nothing left waiting, so nothing asked";
  EXPECT_TRUE(sam->events().back().has_state_changed());
  EXPECT_EQ(sam->events().back().state_changed().snapshot().phase(), v1::PHASE_SPEAKING);
}

TEST_F(relay_session_test, an_absent_member_gets_everything_missed_in_order_on_resume) {
  auto alex = seat(v1::SEAT_A, "Alex");
  auto sam = seat(v1::SEAT_B, "Sam");
  exchange_keys(alex, sam);
  send(alex, ready(), 3);
  send(sam, ready(), 3);
  // Sam's client handled everything up to here; what follows was sent on a
  // connection that then died before Sam's client read it.
  const auto sam_seen = sam->events().back().seq();
  const std::string token = token_of(*sam);
  send(alex, end_turn("I miss you."), 4);
  ASSERT_FALSE(alex->last_error());
  session_->drop(sam);
  settle();

  auto back = std::make_shared<fake_link>();
  v1::Rejoin rejoin;
  rejoin.set_resume_token(token);
  rejoin.set_last_seq(sam_seen);
  session_->rejoin(back, rejoin);
  settle();
  ASSERT_FALSE(back->got.empty());
  ASSERT_TRUE(back->got.front().has_welcome());
  EXPECT_TRUE(back->got.front().welcome().resumed());
  EXPECT_NE(token_of(*back), token) << "a resume rotates the token";
  bool turn = false;
  std::uint64_t previous = sam_seen;
  for (const auto& e : back->events()) {
    EXPECT_GT(e.seq(), previous) << "missed events, oldest first, none seen twice";
    previous = e.seq();
    turn = turn || (e.has_turn() && text_of(e.turn().sealed()) == "I miss you.");
  }
  EXPECT_TRUE(turn) << "the statement made while Sam was away is replayed";
}

TEST_F(relay_session_test, the_replaced_token_works_until_the_new_connection_speaks) {
  auto alex = seat(v1::SEAT_A, "Alex");
  auto sam = seat(v1::SEAT_B, "Sam");
  const std::string first = token_of(*sam);
  session_->drop(sam);
  settle();
  v1::Rejoin rejoin;
  rejoin.set_resume_token(first);
  auto lost = std::make_shared<fake_link>();  // its Welcome never reaches the client
  session_->rejoin(lost, rejoin);
  settle();
  auto again = std::make_shared<fake_link>();
  session_->rejoin(again, rejoin);  // the same, first token
  settle();
  ASSERT_FALSE(again->got.empty());
  EXPECT_TRUE(again->got.front().has_welcome()) << "a lost Welcome must not strand the client";
  ASSERT_TRUE(lost->closed) << "the earlier connection is replaced";

  send(again, ready(), 1, again->got.back().seq());  // the new connection speaks: confirmed
  auto late = std::make_shared<fake_link>();
  session_->rejoin(late, rejoin);
  settle();
  ASSERT_TRUE(late->last_error());
  EXPECT_EQ(late->last_error()->error().code(), v1::ERROR_SESSION_EXPIRED);
  EXPECT_TRUE(late->last_error()->error().closes());
  ASSERT_TRUE(late->closed);
}

TEST_F(relay_session_test, acknowledging_what_was_never_sent_is_refused_and_closes) {
  auto alex = seat(v1::SEAT_A, "Alex");
  auto sam = seat(v1::SEAT_B, "Sam");
  send(sam, ready(), 1, 10'000);
  ASSERT_TRUE(sam->last_error());
  EXPECT_EQ(sam->last_error()->error().code(), v1::ERROR_BAD_ACK);
  EXPECT_TRUE(sam->last_error()->error().closes());
  ASSERT_TRUE(sam->closed);
  EXPECT_EQ(sam->closed->first, close_code::policy_violation);
}

TEST_F(relay_session_test, an_unknown_body_uses_up_its_input_id_and_is_answered) {
  auto alex = seat(v1::SEAT_A, "Alex");
  auto sam = seat(v1::SEAT_B, "Sam");
  send(sam, v1::ClientMessage{}, 1);  // a body this server does not know
  ASSERT_TRUE(sam->last_error());
  EXPECT_EQ(sam->last_error()->error().code(), v1::ERROR_MALFORMED);
  EXPECT_EQ(sam->last_error()->error().input_id(), 1u);
  EXPECT_FALSE(sam->closed);
  const auto errors_before = sam->got.size();
  send(sam, ready(), 1);  // the same id again: already used
  EXPECT_EQ(stats_.duplicate_inputs.load(), 1u);
  EXPECT_GT(sam->got.size(), errors_before) << "answered with an Ack";
  EXPECT_FALSE(sam->got.back().has_error());
}

// --- The registry: codes single use, expiring, burning; capacity ----------------

class registry_test : public server_parts {
 protected:
  session_registry& registry() {
    if (!registry_) registry_ = std::make_unique<session_registry>(ioc_, config_, stats_, log_);
    return *registry_;
  }

  std::unique_ptr<session_registry> registry_;
  session_registry::clock::time_point t0_ = session_registry::clock::now();
};

TEST_F(registry_test, a_code_opens_its_seat_once) {
  auto made = registry().create(exercise_settings{}, "7KQ2", t0_);
  ASSERT_TRUE(made);
  const auto code = *normalize_invite_code(made->invite_code);
  auto first = registry().claim(code, "7KQ2", t0_);
  ASSERT_TRUE(first.session);
  EXPECT_EQ(first.seat, v1::SEAT_B);
  EXPECT_FALSE(registry().claim(code, "7KQ2", t0_).session) << "single use";
  auto another = registry().create(exercise_settings{}, "7KQ2", t0_);
  ASSERT_TRUE(another);
  const auto other_code = *normalize_invite_code(another->invite_code);
  EXPECT_FALSE(registry().claim(other_code, "7KQ3", t0_).session) << "a code on a route not its own opens nothing";
  EXPECT_TRUE(registry().claim(other_code, "7KQ2", t0_).session) << "and is not used up by it";
  EXPECT_EQ(registry().find(first.session->id(), "7KQ2"), first.session);
  EXPECT_EQ(route_of(code), "7KQ2") << "the code is on the route the creator chose";
  EXPECT_EQ(route_of(first.session->id()), "7KQ2") << "and so is the session key";
  EXPECT_FALSE(registry().find(first.session->id(), "7KQ3")) << "a key on another route finds nothing";
}

TEST_F(registry_test, a_code_past_its_time_opens_nothing_and_the_sweep_tells_the_creator) {
  config_.invite_ttl = std::chrono::seconds(60);
  auto made = registry().create(exercise_settings{}, "7KQ2", t0_);
  ASSERT_TRUE(made);
  auto creator = std::make_shared<fake_link>();
  made->session->join(v1::SEAT_A, creator, "Alex", made->invite_code);
  settle();
  registry().sweep(t0_ + std::chrono::seconds(59));
  settle();
  EXPECT_EQ(stats_.invites_expired.load(), 0u);
  registry().sweep(t0_ + std::chrono::seconds(61));
  settle();
  EXPECT_EQ(stats_.invites_expired.load(), 1u);
  ASSERT_TRUE(creator->last_error());
  EXPECT_EQ(creator->last_error()->error().code(), v1::ERROR_INVITE_EXPIRED);
  EXPECT_TRUE(creator->last_error()->error().closes());
  EXPECT_FALSE(registry().claim(*normalize_invite_code(made->invite_code), "7KQ2", t0_).session);
}

// Guided: the counselor created the session, so the counselor is told; a
// partner who did join is told why, and the session ends for both.
TEST_F(registry_test, guided_codes_past_their_time_tell_the_counselor_and_the_partner_who_came) {
  config_.invite_ttl = std::chrono::seconds(60);
  exercise_settings settings;
  settings.guided = true;
  auto made = registry().create(settings, "7KQ2", t0_);
  ASSERT_TRUE(made);
  EXPECT_EQ(made->invite_code.substr(0, 4), "7KQ2");
  EXPECT_EQ(made->invite_code_b.substr(0, 4), "7KQ2") << "every seat of a session on one route";
  auto counselor = std::make_shared<fake_link>();
  made->session->join(v1::SEAT_COUNSELOR, counselor, "Rivera", made->invite_code);
  auto alex_seat = registry().claim(*normalize_invite_code(made->invite_code), "7KQ2", t0_);
  ASSERT_TRUE(alex_seat.session);
  auto alex = std::make_shared<fake_link>();
  alex_seat.session->join(alex_seat.seat, alex, "Alex", "");
  settle();
  registry().sweep(t0_ + std::chrono::seconds(61));
  settle();
  EXPECT_EQ(stats_.invites_expired.load(), 1u);
  ASSERT_TRUE(counselor->last_error());
  EXPECT_EQ(counselor->last_error()->error().code(), v1::ERROR_INVITE_EXPIRED);
  EXPECT_NE(counselor->last_error()->error().message().find("Not everyone joined"), std::string::npos);
  ASSERT_TRUE(alex->last_error());
  EXPECT_EQ(alex->last_error()->error().code(), v1::ERROR_INVITE_EXPIRED);
  EXPECT_NE(alex->last_error()->error().message().find("Your partner did not join in time"), std::string::npos);
  EXPECT_TRUE(made->session->ended());
  ASSERT_TRUE(alex->closed);
  EXPECT_EQ(alex->closed->first, close_code::normal);
}

TEST_F(registry_test, wrong_codes_on_a_live_route_burn_it_and_the_creator_gets_a_new_one) {
  config_.max_wrong_attempts_per_code = 3;
  auto made = registry().create(exercise_settings{}, "7KQ2", t0_);
  ASSERT_TRUE(made);
  auto creator = std::make_shared<fake_link>();
  made->session->join(v1::SEAT_A, creator, "Alex", made->invite_code);
  settle();
  const auto code = *normalize_invite_code(made->invite_code);
  std::string wrong = code;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(registry().claim(wrong, "7KQ2", t0_).session);
  settle();
  EXPECT_EQ(stats_.codes_burned.load(), 1u);
  EXPECT_FALSE(registry().claim(code, "7KQ2", t0_).session) << "the burned code is dead, even typed right";
  const v1::ServerMessage* renewed = nullptr;
  for (const auto& m : creator->got) {
    if (m.has_invite()) renewed = &m;
  }
  ASSERT_TRUE(renewed) << "the creator is given a fresh code";
  EXPECT_EQ(route_of(*normalize_invite_code(renewed->invite().code())), "7KQ2") << "on the same route";
  EXPECT_TRUE(registry().claim(*normalize_invite_code(renewed->invite().code()), "7KQ2", t0_).session);
}

TEST_F(registry_test, sessions_beyond_the_limit_are_refused) {
  config_.max_sessions = 1;
  ASSERT_TRUE(registry().create(exercise_settings{}, "7KQ2", t0_));
  EXPECT_FALSE(registry().create(exercise_settings{}, "7KQ2", t0_));
}

// A Hello that arrives while the server stops makes no session and takes no
// seat (it would never hear of the stop and hold it for its grace period).
TEST_F(registry_test, once_stopping_nothing_is_created_or_claimed) {
  auto made = registry().create(exercise_settings{}, "7KQ2", t0_);
  ASSERT_TRUE(made);
  registry().shut_down();
  EXPECT_TRUE(registry().stopping());
  EXPECT_FALSE(registry().create(exercise_settings{}, "7KQ2", t0_));
  EXPECT_FALSE(registry().claim(*normalize_invite_code(made->invite_code), "7KQ2", t0_).session);
  EXPECT_EQ(stats_.sessions_created.load(), 1u);
}

TEST_F(registry_test, join_attempts_are_limited_per_address_per_minute) {
  config_.max_joins_per_ip_per_minute = 3;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(registry().allow_join_attempt("192.0.2.7", t0_));
  EXPECT_FALSE(registry().allow_join_attempt("192.0.2.7", t0_));
  EXPECT_TRUE(registry().allow_join_attempt("192.0.2.8", t0_)) << "another address is not affected";
  EXPECT_TRUE(registry().allow_join_attempt("192.0.2.7", t0_ + std::chrono::seconds(61)));
}

TEST_F(registry_test, sessions_saved_at_a_stop_come_back_and_an_unwritable_file_says_so) {
  auto made = registry().create(exercise_settings{}, "7KQ2", t0_);
  ASSERT_TRUE(made);
  made->session->join(v1::SEAT_A, std::make_shared<fake_link>(), "Alex", made->invite_code);
  settle();
  const std::string path = testing::scratch_dir() + "registry-test.state";
  EXPECT_EQ(registry().save(path), 1u);
  session_registry again(ioc_, config_, stats_, log_);
  EXPECT_EQ(again.restore(path, t0_), 1u);
  EXPECT_TRUE(again.find(made->session->id(), "7KQ2"));
  try {
    registry().save("/nonexistent-folder/heard.state");
    FAIL() << "saving into a missing folder succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write the session state file"), std::string::npos) << e.what();
  }
}

// A session still waiting for a partner whose code ran out while the server
// was down ends at the restore, and its creator is told: it never waits forever.
TEST_F(registry_test, a_restored_session_whose_code_ran_out_while_down_ends_and_says_so) {
  config_.invite_ttl = std::chrono::seconds(0);
  auto made = registry().create(exercise_settings{}, "7KQ2", t0_);
  ASSERT_TRUE(made);
  made->session->join(v1::SEAT_A, std::make_shared<fake_link>(), "Alex", made->invite_code);
  settle();
  const std::string path = testing::scratch_dir() + "registry-test-expired.state";
  ASSERT_EQ(registry().save(path), 1u);
  session_registry again(ioc_, config_, stats_, log_);
  ASSERT_EQ(again.restore(path, session_registry::clock::now()), 1u);
  settle();
  auto restored = again.find(made->session->id(), "7KQ2");
  ASSERT_TRUE(restored);
  EXPECT_TRUE(restored->ended());
  EXPECT_EQ(stats_.invites_expired.load(), 1u);
}

}  // namespace
}  // namespace heard::server
