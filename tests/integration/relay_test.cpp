// A real heard_server with real TLS on 127.0.0.1, port 0, and real clients
// from the client library. Timeouts are shrunk so every test runs in seconds;
// every wait has a deadline, nothing sleeps.
#include <gtest/gtest.h>

#include <iostream>
#include <thread>

#include "codec.hpp"
#include "relay_fixture.hpp"
#include "tls_context.hpp"

namespace heard {
namespace {

using namespace std::chrono_literals;
using testing::raw_client;
using testing::relay_test;
using testing::test_client;

bool is_turn(const v1::ServerMessage& m, v1::TurnKind kind, const std::string& text) {
  return m.has_turn() && m.turn().kind() == kind && m.turn().text() == text;
}

TEST_F(relay_test, pairing_seats_both_partners_and_shows_their_names) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  const auto code = start(alex);
  EXPECT_EQ(code.size(), 14u);
  EXPECT_EQ(alex.seat(), v1::SEAT_A);
  sam->join(code);
  auto snapshot = sam.wait_phase(v1::PHASE_READY);
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(sam.seat(), v1::SEAT_B);
  EXPECT_EQ(member_of(*snapshot, v1::SEAT_A).name(), "Alex");
  EXPECT_EQ(member_of(*snapshot, v1::SEAT_B).name(), "Sam");
  EXPECT_TRUE(sam.invite_code().empty()) << "only the creator gets the code";
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_READY));
}

// A quiet link gives OpenSSL's record buffers back, and takes them again when
// it next reads or writes: here after every pause, with nothing lost. Where
// OpenSSL cannot free them safely on request they go per record: never
// released by the timer, and still nothing lost.
TEST_F(relay_test, tls_buffers_freed_at_every_pause_and_taken_again_lose_nothing) {
  serve([](auto& c) { c.tls_buffer_release = 1ms; });
  const bool released_on_request = server::openssl_frees_buffers_safely();
  const auto releases = [&] { return server_->stats().tls_buffer_releases.load(); };
  // Polled, not slept on: the timer's release has no message of its own.
  const auto pause = [&] {
    if (!released_on_request) return true;
    const auto before = releases();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (releases() <= before && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(2ms);
    return releases() > before;
  };
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(pause()) << server_->stats().describe();
    const auto want = "Draft " + std::to_string(i);
    alex->set_draft(want);
    ASSERT_TRUE(sam.wait_for([&](auto& m) { return m.has_draft_update() && m.draft_update().text() == want; }));
  }
  ASSERT_TRUE(pause());
  alex->end_turn("I miss our Sunday walks.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  ASSERT_TRUE(pause());
  sam->end_turn("You miss our walks on Sundays.");
  ASSERT_TRUE(
      alex.wait_for([](auto& m) { return is_turn(m, v1::TURN_KIND_PARAPHRASE, "You miss our walks on Sundays."); }));
  if (released_on_request) {
    EXPECT_GE(releases(), 6u) << "each link gave them back more than once";
  } else {
    EXPECT_EQ(releases(), 0u) << "this OpenSSL frees them per record";
  }
  EXPECT_EQ(alex.drops() + sam.drops(), 0);
}

// The turn event reaches the listener a moment before the state change that
// gives them the floor. Words typed in that moment were once dropped by the
// client when the state change arrived, and "done" then sent an empty turn.
TEST_F(relay_test, words_typed_the_moment_the_speaker_finishes_count_for_the_paraphrase) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);
  sam.when([](auto& m) { return is_turn(m, v1::TURN_KIND_STATEMENT, "I need more time with you."); },
           [](client::session_client& c) { c.set_draft("You need more time with me."); });
  alex->end_turn("I need more time with you.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  EXPECT_EQ(sam.my_draft(), "You need more time with me.");
  sam->end_turn(sam.my_draft());
  ASSERT_TRUE(
      alex.wait_for([](auto& m) { return is_turn(m, v1::TURN_KIND_PARAPHRASE, "You need more time with me."); }));
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CONFIRMING));
}

// Text typed when the floor is not ours is refused and does not stay behind
// to slip into our next turn.
TEST_F(relay_test, refused_words_do_not_slip_into_the_next_turn) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);
  sam->set_draft("But I was going to say");
  auto refused = sam.wait_error();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code(), v1::ERROR_NOT_YOUR_TURN);
  EXPECT_EQ(sam.my_draft(), "");
  alex->end_turn("I need more time with you.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  EXPECT_EQ(sam.my_draft(), "");
}

TEST_F(relay_test, two_rounds_with_a_retry_and_more_then_the_check_in) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);

  // Round 1: Alex speaks; Sam sees the draft grow live.
  alex->set_draft("I have felt");
  ASSERT_TRUE(sam.wait_for([](auto& m) { return m.has_draft_update() && m.draft_update().text() == "I have felt"; }));
  alex->set_draft("I have felt far from you");
  ASSERT_TRUE(sam.wait_for(
      [](auto& m) { return m.has_draft_update() && m.draft_update().text() == "I have felt far from you"; }));
  alex->end_turn("I have felt far from you this month.");
  ASSERT_TRUE(sam.wait_for(
      [](auto& m) { return is_turn(m, v1::TURN_KIND_STATEMENT, "I have felt far from you this month."); }));
  auto s = sam.wait_phase(v1::PHASE_PARAPHRASING);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->floor_holder(), v1::SEAT_B);

  // First paraphrase misses something.
  sam->end_turn("You have been busy.");
  ASSERT_TRUE(alex.wait_for([](auto& m) { return is_turn(m, v1::TURN_KIND_PARAPHRASE, "You have been busy."); }));
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CONFIRMING));
  alex->judge(v1::VERDICT_NOT_QUITE, "Not busy: far.");
  auto judged = sam.wait_for(v1::ServerMessage::kJudged);
  ASSERT_TRUE(judged);
  EXPECT_EQ(judged->judged().verdict(), v1::VERDICT_NOT_QUITE);
  EXPECT_EQ(judged->judged().missed(), "Not busy: far.");
  s = sam.wait_phase(v1::PHASE_PARAPHRASING);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->attempt(), 2u);

  // Second attempt is accurate, and Alex has more to say.
  sam->end_turn("You have felt far from me this month.");
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CONFIRMING));
  alex->judge(v1::VERDICT_ACCURATE_MORE);
  s = sam.wait_phase(v1::PHASE_SPEAKING);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->speaker(), v1::SEAT_A);
  EXPECT_EQ(s->round(), 1u);
  alex->end_turn("And I miss our evenings.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  sam->end_turn("You miss our evenings too.");
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CONFIRMING));
  alex->judge(v1::VERDICT_ACCURATE_DONE);

  // Round 2: roles switch.
  s = alex.wait_phase(v1::PHASE_SPEAKING, 2);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->speaker(), v1::SEAT_B);
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_SPEAKING, 2));
  sam->end_turn("I miss them as well.");
  ASSERT_TRUE(alex.wait_for([](auto& m) { return is_turn(m, v1::TURN_KIND_STATEMENT, "I miss them as well."); }));
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_PARAPHRASING, 2));
  alex->end_turn("You miss them as well.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_CONFIRMING, 2));
  sam->judge(v1::VERDICT_ACCURATE_DONE);
  s = alex.wait_phase(v1::PHASE_SPEAKING, 3);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->speaker(), v1::SEAT_A);

  // End and check in.
  sam->end_session();
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CHECK_IN));
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_CHECK_IN));
  alex->check_in(5, 4, 5, "Thank you for listening.");
  sam->check_in(4, 5, 5);
  for (test_client* c : {&alex, &sam}) {
    auto results = c->wait_for(v1::ServerMessage::kCheckInResults);
    ASSERT_TRUE(results);
    const auto& answers = results->check_in_results().answers();
    ASSERT_EQ(answers.size(), 2);
    EXPECT_EQ(answers[0].answers().words(), "Thank you for listening.");
    EXPECT_EQ(answers[1].answers().could_say_anything(), 5u);
    ASSERT_TRUE(c->wait_phase(v1::PHASE_ENDED));
    auto closed = c->wait_closed();
    ASSERT_TRUE(closed);
    EXPECT_NE(closed->find("1000"), std::string::npos) << *closed;
  }
}

TEST_F(relay_test, the_listener_cannot_interrupt_and_nothing_of_it_is_relayed) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);

  sam->set_draft("But you never call!");
  auto error = sam.wait_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), v1::ERROR_NOT_YOUR_TURN);
  sam->end_turn("But you never call!");
  error = sam.wait_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), v1::ERROR_NOT_YOUR_TURN);

  // A barrier: once Alex's own turn reaches Sam, anything Sam sent earlier
  // would have reached Alex before it.
  alex->end_turn("I feel unheard.");
  ASSERT_TRUE(sam.wait_for([](auto& m) { return is_turn(m, v1::TURN_KIND_STATEMENT, "I feel unheard."); }));
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_PARAPHRASING));
  for (const auto& m : alex.history()) {
    EXPECT_FALSE(m.has_draft_update()) << "Sam's words reached Alex";
    EXPECT_FALSE(m.has_turn() && m.turn().author() == v1::SEAT_B);
    EXPECT_FALSE(m.has_error()) << "Alex is told nothing of Sam's refusals";
  }
  EXPECT_EQ(server_log().find("never call"), std::string::npos);
}

TEST_F(relay_test, time_out_freezes_the_floor_and_only_its_caller_resumes) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);

  sam->time_out();
  auto s = alex.wait_phase(v1::PHASE_PAUSED);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->paused_by(), v1::SEAT_B);
  EXPECT_EQ(s->paused_phase(), v1::PHASE_SPEAKING);
  // The speaker's words typed during the time-out stay in their own draft...
  alex->set_draft("Anyway...");
  auto kept = alex.wait_notice();
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->what, client::local_notice::kind::kept);
  EXPECT_EQ(alex.my_draft(), "Anyway...");
  alex->resume();
  auto error = alex.wait_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), v1::ERROR_NOT_PAUSED_BY_YOU);

  sam->resume();
  s = alex.wait_phase(v1::PHASE_SPEAKING);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->floor_holder(), v1::SEAT_A);
  // ...and go on once the floor does.
  ASSERT_TRUE(sam.wait_for([](auto& m) { return m.has_draft_update() && m.draft_update().text() == "Anyway..."; }));
  alex->set_draft("Anyway... As I was saying");
  ASSERT_TRUE(sam.wait_for(
      [](auto& m) { return m.has_draft_update() && m.draft_update().text() == "Anyway... As I was saying"; }));
}

// A speaker's drafts send the speaker nothing back but acknowledgements; they
// come batched, one within ack_delay for all the drafts before it, not one
// per draft (each is an encryption and a send of its own), and the last one
// still covers every input.
TEST_F(relay_test, drafts_are_acknowledged_in_batches_not_one_ack_each) {
  serve([](auto& c) {
    c.draft_interval = 1ms;
    c.max_messages_per_s = 100'000;
    c.max_message_burst = 100'000;
  });
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);
  constexpr int drafts = 60;
  std::string text;
  for (int i = 0; i < drafts; ++i) {
    text += "word ";
    alex->set_draft(text);
    ASSERT_TRUE(sam.wait_for([&](auto& m) { return m.has_draft_update() && m.draft_update().text() == text; }));
  }
  // Ready was input 1; the drafts are 2 .. drafts + 1.
  ASSERT_TRUE(alex.wait_for([](auto& m) { return m.ack_input() >= drafts + 1; }, 2s)) << "every draft acknowledged";
  std::size_t acks = 0;
  for (const auto& m : alex.history()) acks += m.has_ack();
  EXPECT_LT(acks, static_cast<std::size_t>(drafts) / 4) << acks << " Acks for " << drafts << " drafts";
  std::cout << "acknowledgements: " << acks << " Acks for " << drafts << " drafts (one per draft before)\n";
}

// The floor is a promise: words the listener types during a time-out are
// refused and never reach the speaker, not then and not inside the
// listener's own paraphrase later.
TEST_F(relay_test, words_refused_during_a_time_out_are_never_sent_later) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);

  alex->time_out();
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PAUSED));
  sam->set_draft("This is unfair.");
  auto refused = sam.wait_notice();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->what, client::local_notice::kind::not_sent);
  EXPECT_NE(refused->text.find("paused"), std::string::npos) << refused->text;
  EXPECT_EQ(sam.my_draft(), "");

  alex->resume();
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_SPEAKING));
  alex->end_turn("I felt alone last week.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  sam->set_draft(sam.my_draft().empty() ? "You felt alone." : sam.my_draft() + "\nYou felt alone.");
  sam->end_turn(sam.my_draft());
  auto paraphrase = alex.wait_for([](auto& m) { return m.has_turn() && m.turn().kind() == v1::TURN_KIND_PARAPHRASE; });
  ASSERT_TRUE(paraphrase);
  EXPECT_EQ(paraphrase->turn().text(), "You felt alone.");
  for (const auto& m : alex.history()) {
    if (m.has_draft_update()) {
      EXPECT_EQ(m.draft_update().text().find("unfair"), std::string::npos);
    }
  }
}

TEST_F(relay_test, a_third_joiner_an_unknown_code_and_an_expired_code_get_the_same_answer) {
  serve([](auto& c) { c.invite_ttl = 1s; });
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);

  auto refusal_for = [&](const std::string& code) {
    auto& other = client("Other");
    other->join(code);
    auto error = other.wait_error();
    EXPECT_TRUE(error);
    auto closed = other.wait_closed();
    EXPECT_TRUE(closed);
    return std::make_pair(error ? error->SerializeAsString() : "", closed.value_or(""));
  };

  const auto third = refusal_for(alex.invite_code());
  const auto unknown = refusal_for("ZZZZ-ZZZZ-ZZZZ");
  const auto garbage = refusal_for("not-a-code");

  // An expired code: nobody joins the new session in time.
  auto& lonely = client("Lonely");
  const auto lonely_code = start(lonely);
  auto expired_notice = lonely.wait_error();
  ASSERT_TRUE(expired_notice);
  EXPECT_EQ(expired_notice->code(), v1::ERROR_INVITE_EXPIRED);
  ASSERT_TRUE(lonely.wait_phase(v1::PHASE_ENDED));
  const auto expired = refusal_for(lonely_code);

  v1::Error error;
  ASSERT_TRUE(error.ParseFromString(third.first));
  EXPECT_EQ(error.code(), v1::ERROR_INVALID_CODE);
  EXPECT_EQ(third, unknown);
  EXPECT_EQ(third, garbage);
  EXPECT_EQ(third, expired);

  // The pair is untouched.
  both_ready(alex, sam);
}

TEST_F(relay_test, the_first_speaker_can_be_the_partner_or_random) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam, v1::FIRST_SPEAKER_PARTNER);
  alex->ready();
  sam->ready();
  auto s = alex.wait_phase(v1::PHASE_SPEAKING);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->speaker(), v1::SEAT_B);

  auto& c = client("C");
  auto& d = client("D");
  pair(c, d, v1::FIRST_SPEAKER_RANDOM);
  c->ready();
  d->ready();
  s = c.wait_phase(v1::PHASE_SPEAKING);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->speaker() == v1::SEAT_A || s->speaker() == v1::SEAT_B);
}

TEST_F(relay_test, spoken_sessions_hold_the_floor_without_text) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam, v1::FIRST_SPEAKER_CREATOR, v1::MODE_SPOKEN);
  both_ready(alex, sam);
  // Spoken: typing is answered by the client and never sent, and the turn
  // still ends (the server's own refusal is in exercise_test).
  alex->set_draft("typed words");
  auto hint = alex.wait_notice();
  ASSERT_TRUE(hint);
  EXPECT_EQ(hint->what, client::local_notice::kind::not_sent);
  EXPECT_NE(hint->text.find("spoken"), std::string::npos) << hint->text;
  alex->end_turn("typed words");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  sam->end_turn("");
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CONFIRMING));
  alex->judge(v1::VERDICT_ACCURATE_DONE);
  auto s = sam.wait_phase(v1::PHASE_SPEAKING);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->speaker(), v1::SEAT_B);
}

TEST_F(relay_test, a_partner_who_leaves_is_announced_and_the_other_checks_in) {
  serve();
  auto& alex = client("Alex");
  auto sam = std::make_unique<test_client>(port_, ca_file(), "Sam");
  pair(alex, *sam);
  both_ready(alex, *sam);
  (*sam)->leave();
  ASSERT_TRUE(sam->wait_closed());
  auto left = alex.wait_for(v1::ServerMessage::kPartnerLeft);
  ASSERT_TRUE(left);
  EXPECT_EQ(left->partner_left().seat(), v1::SEAT_B);
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CHECK_IN));
  alex->check_in(3, 3, 3);
  auto results = alex.wait_for(v1::ServerMessage::kCheckInResults);
  ASSERT_TRUE(results);
  EXPECT_FALSE(results->check_in_results().answers(1).answered());
}

TEST_F(relay_test, bad_text_is_refused_with_a_clear_error_and_the_session_goes_on) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);
  // The server cannot read the words: the sender's client holds them to
  // the text rules (and every receiver checks again after opening).
  alex->set_draft(std::string("\xC3\x28", 2));
  auto bad = alex.wait_notice();
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->what, client::local_notice::kind::not_sent);
  EXPECT_NE(bad->text.find("UTF-8"), std::string::npos) << bad->text;
  // Over the limit: checked before sending, with both numbers.
  alex->end_turn(std::string(4001, 'x'));
  auto too_long = alex.wait_notice();
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->what, client::local_notice::kind::not_sent);
  EXPECT_NE(too_long->text.find("4,001 characters"), std::string::npos) << too_long->text;
  EXPECT_NE(too_long->text.find("at most 4,000"), std::string::npos) << too_long->text;
  alex->end_turn("Still here.");
  ASSERT_TRUE(sam.wait_for([](auto& m) { return is_turn(m, v1::TURN_KIND_STATEMENT, "Still here."); }));
}

// --- Raw protocol abuse, below the client library -----------------------------

TEST_F(relay_test, a_version_mismatch_gets_a_clear_error_and_a_policy_close) {
  serve();
  raw_client raw(port_, testing::create_target);
  ASSERT_TRUE(raw.wait_open());
  raw.send(testing::hello_bytes(2));  // protocol 2 carried words in the clear
  auto m = raw.wait_message(0);
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->has_error());
  EXPECT_EQ(m->error().code(), v1::ERROR_VERSION_MISMATCH);
  EXPECT_NE(m->error().message().find("version 2"), std::string::npos);
  auto closed = raw.wait_closed();
  ASSERT_TRUE(closed);
  EXPECT_NE(closed->find("1008"), std::string::npos) << *closed;
}

TEST_F(relay_test, the_first_message_must_be_hello) {
  serve();
  raw_client raw(port_, testing::create_target);
  ASSERT_TRUE(raw.wait_open());
  v1::ClientMessage ready;
  ready.mutable_ready();
  raw.send(encode(ready));
  auto m = raw.wait_message(0);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->error().code(), v1::ERROR_HELLO_REQUIRED);
  ASSERT_TRUE(raw.wait_closed());
}

TEST_F(relay_test, garbage_gets_malformed_and_the_connection_and_partner_carry_on) {
  serve();
  auto& sam = client("Sam");
  raw_client raw(port_, testing::create_target);
  std::unique_ptr<testing::raw_keys> keys;
  ASSERT_NO_FATAL_FAILURE(raw_session_with(raw, sam, keys));

  // The next error after message `from`, skipping the events between.
  auto next_error = [&](std::size_t from) -> std::pair<std::size_t, std::optional<v1::ServerMessage>> {
    for (std::size_t i = from;; ++i) {
      auto m = raw.wait_message(i);
      if (!m || m->has_error()) return {i, m};
    }
  };
  raw.send(std::string("\xFF\xFF\xFF\xFF garbage", 12));
  auto [at, garbage] = next_error(keys->read());
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->error().code(), v1::ERROR_MALFORMED);

  // A well-formed envelope whose body this version does not know (field 99).
  raw.send(std::string("\x98\x06\x01", 3));
  auto unknown = next_error(at + 1).second;
  ASSERT_TRUE(unknown) << "no answer to an unknown message";
  EXPECT_EQ(unknown->error().code(), v1::ERROR_MALFORMED);
  EXPECT_NE(unknown->error().message().find("newer"), std::string::npos) << unknown->error().message();

  sam->ready();
  ASSERT_TRUE(sam.wait_for([](auto& msg) {
    return msg.has_state_changed() && member_of(msg.state_changed().snapshot(), v1::SEAT_B).ready();
  }));
}

// A server may ask for heartbeats more often than the clients' default (10 s,
// a beat every 5 s): the first one must not wait the default, or a quiet
// pair is cut at the server's idle timeout before it comes.
TEST_F(relay_test, a_server_asking_for_quick_heartbeats_is_answered_from_the_first_beat) {
  serve([](server::server_config& c) {
    c.heartbeat_interval = 1s;
    c.app_idle_timeout = 3s;
  });
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  // Nobody writes: only heartbeats keep the links. Past the idle timeout
  // twice over, neither may have dropped.
  EXPECT_FALSE(alex.wait_drop(6s)) << "the quiet link was closed";
  EXPECT_EQ(alex.drops() + sam.drops(), 0);
}

TEST_F(relay_test, stopping_the_server_closes_every_client_with_going_away) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  stop_server();
  for (test_client* c : {&alex, &sam}) {
    // The clients take it as a drop and start reconnecting by themselves.
    auto reason = c->wait_drop();
    ASSERT_TRUE(reason);
    EXPECT_NE(reason->find("1001"), std::string::npos) << *reason;
  }
}

TEST_F(relay_test, turn_text_never_reaches_the_log_even_at_debug_level) {
  serve();
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  pair(alex, sam);
  both_ready(alex, sam);
  alex->set_draft("my secret draft");
  alex->end_turn("my secret statement");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  sam->end_turn("your secret paraphrase");
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CONFIRMING));
  alex->judge(v1::VERDICT_NOT_QUITE, "secret missed words");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  alex->end_session();
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_CHECK_IN));
  sam->check_in(5, 5, 5, "secret check-in words");
  alex->check_in(5, 5, 5);
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_ENDED));
  const std::string log = server_log();
  EXPECT_NE(log.find("event=end_turn"), std::string::npos) << "debug logging was on";
  EXPECT_EQ(log.find("secret"), std::string::npos) << log;
  EXPECT_EQ(log.find("Alex"), std::string::npos) << "names are content too";
  EXPECT_EQ(log.find(alex.invite_code()), std::string::npos) << "the invite code is a secret";
}

}  // namespace
}  // namespace heard
