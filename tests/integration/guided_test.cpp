// Counselor-guided sessions with three real clients over real TLS.
#include <gtest/gtest.h>

#include <iostream>

#include "child_process.hpp"
#include "codec.hpp"
#include "fault_proxy.hpp"
#include "relay_fixture.hpp"

namespace heard {
namespace {

using namespace std::chrono_literals;
using testing::fault_proxy;
using testing::relay_test;
using testing::test_client;

v1::Counsel control(const std::function<void(v1::Counsel&)>& set) {
  v1::Counsel c;
  set(c);
  return c;
}

class guided_test : public relay_test {
 protected:
  /// A counselor creates a guided session; Alex and Sam join with their codes.
  void seat_three(test_client& counselor, test_client& alex, test_client& sam,
                  const std::function<void(v1::CreateOptions&)>& adjust = {}) {
    v1::CreateOptions options;
    options.set_guided(true);
    options.set_topic("Moving for work");
    if (adjust) adjust(options);
    counselor->start(options);
    auto welcome = counselor.wait_for(v1::ServerMessage::kWelcome);
    ASSERT_TRUE(welcome);
    EXPECT_EQ(welcome->welcome().your_seat(), v1::SEAT_COUNSELOR);
    ASSERT_FALSE(invite_code_for(welcome->welcome(), v1::SEAT_A).empty());
    ASSERT_FALSE(invite_code_for(welcome->welcome(), v1::SEAT_B).empty());
    EXPECT_NE(invite_code_for(welcome->welcome(), v1::SEAT_A), invite_code_for(welcome->welcome(), v1::SEAT_B));
    code_a_ = invite_code_for(welcome->welcome(), v1::SEAT_A);
    alex->join(code_a_);
    sam->join(invite_code_for(welcome->welcome(), v1::SEAT_B));
    ASSERT_TRUE(counselor.wait_phase(v1::PHASE_READY));
    auto ready = alex.wait_phase(v1::PHASE_READY);
    ASSERT_TRUE(ready);
    partners_view_ = *ready;
    ASSERT_TRUE(sam.wait_phase(v1::PHASE_READY));
    // Every key in (the counselor's start waits for them): one code on all three screens.
    const auto code = counselor.wait_safety_code();
    ASSERT_TRUE(code);
    EXPECT_EQ(alex.wait_safety_code(), code);
    EXPECT_EQ(sam.wait_safety_code(), code);
  }

  struct three {
    test_client& rivera;
    test_client& alex;
    test_client& sam;
  };
  /// A server, and Rivera guiding Alex and Sam: how most guided tests begin.
  three serve_and_seat(const std::function<void(v1::CreateOptions&)>& adjust = {}) {
    serve();
    three seated{client("Rivera"), client("Alex"), client("Sam")};
    seat_three(seated.rivera, seated.alex, seated.sam, adjust);
    return seated;
  }

  void begin(test_client& counselor, test_client& alex, test_client& sam) {
    counselor->counsel(control([](auto& c) { c.mutable_start(); }));
    ASSERT_TRUE(alex.wait_phase(v1::PHASE_SPEAKING));
    ASSERT_TRUE(sam.wait_phase(v1::PHASE_SPEAKING));
    ASSERT_TRUE(counselor.wait_phase(v1::PHASE_SPEAKING));
  }

  std::string code_a_;
  v1::Snapshot partners_view_;  // what Alex saw when the session became ready
};

// A counselor's drop pauses nothing, so the partners go on drafting while the
// counselor is away: here some 1,800 drafts of up to 2,000 characters (three
// minutes of real-time text), a statement, and a paraphrase being written.
// The counselor comes back in one connection, with no cut, and is given every
// turn and the latest draft: a newer draft replaces the older ones in the
// backlog, and the replay is paced by the link.
TEST_F(guided_test, a_counselor_away_for_minutes_of_drafting_comes_back_in_one_connection) {
  serve([](auto& c) {
    c.draft_interval = 1ms;  // three minutes of drafts in a few seconds
    c.max_messages_per_s = 100'000;
    c.max_message_burst = 100'000;
  });
  fault_proxy proxy(port_);
  auto& rivera = client("Rivera", proxy.port(), [](auto& o) {
    o.reconnect_initial = 20ms;
    o.reconnect_max = 50ms;
  });
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  ASSERT_NO_FATAL_FAILURE(seat_three(rivera, alex, sam));
  ASSERT_NO_FATAL_FAILURE(begin(rivera, alex, sam));

  proxy.stall(true);  // the counselor's network goes, and stays gone for now
  proxy.reset_all();
  ASSERT_TRUE(alex.wait_for([](auto& m) {
    return m.has_state_changed() &&
           member_of(m.state_changed().snapshot(), v1::SEAT_COUNSELOR).link() == v1::LINK_DROPPED;
  }));
  const std::string words = "I keep thinking about the evening you moved out and what it meant to me. ";
  std::string text;
  for (int i = 0; i < 1800; ++i) {
    text = words.substr(0, 10 + i % 60);
    while (text.size() < 300 + static_cast<std::size_t>(i % 1700)) text += words;
    alex->set_draft(text);
    // Each one relayed (the client would otherwise send only the latest).
    ASSERT_TRUE(sam.wait_for([&](auto& m) { return m.has_draft_update() && m.draft_update().text() == text; }))
        << "draft " << i;
  }
  std::size_t drafts_sent = 0;
  for (const auto& m : sam.history()) drafts_sent += m.has_draft_update();
  alex->end_turn("The evening you moved out, I felt left behind.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  sam->set_draft("You felt left");
  sam->set_draft("You felt left behind when I moved");
  ASSERT_TRUE(alex.wait_for(
      [](auto& m) { return m.has_draft_update() && m.draft_update().text() == "You felt left behind when I moved"; }));

  const auto cuts_before = server_->stats().slow_reader_closes.load();
  proxy.stall(false);
  auto back = rivera.wait_for([](auto& m) { return m.has_welcome() && m.welcome().resumed(); }, 30s);
  ASSERT_TRUE(back);
  const auto drops_at_return = rivera.drops();
  ASSERT_TRUE(rivera.wait_for(
      [](auto& m) { return m.has_draft_update() && m.draft_update().text() == "You felt left behind when I moved"; }));
  std::size_t events = 0, bytes = 0, drafts = 0;
  bool statement = false;
  bool after_welcome = false;
  for (const auto& m : rivera.history()) {
    if (m.has_welcome() && m.welcome().resumed()) after_welcome = true;
    if (!after_welcome || m.seq() == 0) continue;
    ++events;
    bytes += m.ByteSizeLong();
    drafts += m.has_draft_update();
    statement |= m.has_turn() && m.turn().text() == "The evening you moved out, I felt left behind.";
  }
  EXPECT_TRUE(statement) << "every turn is given back";
  EXPECT_LE(drafts, 2u) << "the latest draft, not every draft";
  EXPECT_EQ(server_->stats().unacked_overflows.load(), 0u);
  EXPECT_EQ(server_->stats().slow_reader_closes.load(), cuts_before) << "the replay never cuts its own link";
  EXPECT_EQ(rivera.drops(), drops_at_return) << "one connection: no drop after coming back";
  std::cout << "counselor away: " << drafts_sent << " drafts relayed to Sam while away; on return " << events
            << " events, " << bytes << " bytes, " << drafts << " drafts, "
            << server_->stats().slow_reader_closes.load() - cuts_before << " cuts\n";
}

TEST_F(guided_test, seats_are_bound_to_their_codes_and_everyone_sees_the_counselor) {
  auto [rivera, alex, sam] = serve_and_seat();
  EXPECT_EQ(alex.seat(), v1::SEAT_A);
  EXPECT_EQ(sam.seat(), v1::SEAT_B);
  const auto& snapshot = partners_view_;
  EXPECT_TRUE(snapshot.guided());
  EXPECT_TRUE(member_of(snapshot, v1::SEAT_COUNSELOR).present()) << "no hidden observers";
  EXPECT_EQ(member_of(snapshot, v1::SEAT_COUNSELOR).name(), "Rivera");
  EXPECT_EQ(snapshot.topic(), "Moving for work");
  // A code is single use: a second person with Alex's code gets the usual answer.
  auto& other = client("Other");
  other->join(code_a_);
  auto error = other.wait_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), v1::ERROR_INVALID_CODE);
}

TEST_F(guided_test, the_counselor_sees_everything_live_and_each_control_works) {
  auto [rivera, alex, sam] = serve_and_seat();

  // Who speaks first is the counselor's choice.
  rivera->counsel(control([](auto& c) { c.mutable_next_speaker()->set_seat(v1::SEAT_B); }));
  ASSERT_TRUE(alex.wait_for(
      [](auto& m) { return m.has_state_changed() && m.state_changed().snapshot().speaker() == v1::SEAT_B; }));
  begin(rivera, alex, sam);

  sam->set_draft("I have been");
  ASSERT_TRUE(
      rivera.wait_for([](auto& m) { return m.has_draft_update() && m.draft_update().text() == "I have been"; }));

  // A note both partners see.
  rivera->counsel(control([](auto& c) { c.mutable_note()->set_text("Try to say how it felt."); }));
  for (test_client* c : {&alex, &sam}) {
    auto note = c->wait_for(v1::ServerMessage::kGuidance);
    ASSERT_TRUE(note);
    EXPECT_EQ(note->guidance().text(), "Try to say how it felt.");
  }

  // Hold and release: the floor freezes, and the partners' own time-outs still work.
  rivera->counsel(control([](auto& c) { c.mutable_hold(); }));
  ASSERT_TRUE(sam.wait_for([](auto& m) { return m.has_state_changed() && m.state_changed().snapshot().held(); }));
  sam->end_turn("Lonely.");
  auto error = sam.wait_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), v1::ERROR_SESSION_PAUSED);
  alex->time_out();
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_PAUSED));
  alex->resume();
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_SPEAKING));
  rivera->counsel(control([](auto& c) { c.mutable_release(); }));
  ASSERT_TRUE(sam.wait_for([](auto& m) { return m.has_state_changed() && !m.state_changed().snapshot().held(); }));
  sam->end_turn("I have been lonely.");
  ASSERT_TRUE(rivera.wait_phase(v1::PHASE_PARAPHRASING));

  // Swap who speaks next.
  rivera->counsel(control([](auto& c) { c.mutable_next_speaker()->set_seat(v1::SEAT_B); }));
  // The choice travels on the counselor's connection, the paraphrase and the
  // verdict on the partners': wait until the server has it.
  ASSERT_TRUE(rivera.wait_for(
      [](auto& m) { return m.has_state_changed() && m.state_changed().snapshot().next_speaker() == v1::SEAT_B; }));
  alex->end_turn("You have been lonely.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_CONFIRMING));
  sam->judge(v1::VERDICT_ACCURATE_DONE);
  auto s = alex.wait_phase(v1::PHASE_SPEAKING, 2);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->speaker(), v1::SEAT_B) << "the counselor chose Sam again";

  // End: the counselor ends; the partners check in; the counselor gets the summary.
  rivera->end_session();
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CHECK_IN));
  // "Never the words": Sam's words reach Alex, not the counselor; Alex chose to share.
  alex->check_in(5, 4, 5, "I felt heard", /*share_words=*/true);
  sam->check_in(4, 4, 4, "Thanks, love");
  auto sams_words = alex.wait_for(v1::ServerMessage::kCheckInResults);
  ASSERT_TRUE(sams_words);
  EXPECT_EQ(sams_words->check_in_results().answers(1).answers().words(), "Thanks, love");
  auto scores = rivera.wait_for(v1::ServerMessage::kCheckInResults);
  ASSERT_TRUE(scores);
  EXPECT_EQ(scores->check_in_results().answers(1).answers().words(), "") << "not shared: scores only";
  EXPECT_EQ(scores->check_in_results().answers(1).answers().felt_safe(), 4u);
  EXPECT_EQ(scores->check_in_results().answers(0).answers().words(), "I felt heard") << "shared";
  auto summary = rivera.wait_for(v1::ServerMessage::kSummary);
  ASSERT_TRUE(summary);
  const auto& sm = summary->summary();
  EXPECT_EQ(sm.rounds(), 2u);
  ASSERT_EQ(sm.statements_size(), 1);
  EXPECT_EQ(sm.statements(0).speaker(), v1::SEAT_B);
  EXPECT_EQ(sm.statements(0).attempts(), 1u);
  EXPECT_EQ(sm.time_outs_a(), 1u);
  EXPECT_EQ(sm.holds(), 1u);
  EXPECT_EQ(sm.check_ins().answers(1).answers().words(), "");
  EXPECT_EQ(sm.check_ins().answers(0).answers().words(), "I felt heard");
  EXPECT_EQ(summary->SerializeAsString().find("Thanks, love"), std::string::npos) << "never the words";
  EXPECT_EQ(sm.a_name(), "Alex");
  EXPECT_EQ(summary->SerializeAsString().find("lonely"), std::string::npos) << "structure, not words";
  for (test_client* c : {&alex, &sam}) {
    for (const auto& m : c->history()) EXPECT_FALSE(m.has_summary()) << "the summary is the counselor's";
  }
}

// A server that lost the session (restarted without a state file): what each
// person wrote is in a file of theirs, the counselor's notes too.
TEST_F(guided_test, a_lost_session_keeps_the_counselors_notes_as_it_keeps_the_partners_words) {
  auto [rivera, alex, sam] = serve_and_seat();
  begin(rivera, alex, sam);
  rivera->counsel(control([](auto& c) { c.mutable_note()->set_text("Say how it felt, not what happened."); }));
  ASSERT_TRUE(alex.wait_for(v1::ServerMessage::kGuidance));
  alex->end_turn("It felt lonely.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));

  restart_server();  // no --state-file: the session is gone
  for (test_client* c : {&rivera, &alex}) {
    ASSERT_TRUE(c->wait_closed(20s)) << "never told the session is gone";
  }
  // Both files are written within the same second, each under its own name.
  ASSERT_NE(rivera.saved_words(), alex.saved_words());
  EXPECT_NE(testing::read_file(rivera.saved_words()).find("Say how it felt, not what happened."), std::string::npos)
      << rivera.saved_words();
  EXPECT_NE(testing::read_file(alex.saved_words()).find("It felt lonely."), std::string::npos) << alex.saved_words();
  for (test_client* c : {&rivera, &alex}) std::remove(c->saved_words().c_str());
}

TEST_F(guided_test, each_role_is_refused_the_others_controls_and_nothing_changes) {
  auto [rivera, alex, sam] = serve_and_seat();
  alex->counsel(control([](auto& c) { c.mutable_start(); }));
  auto error = alex.wait_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), v1::ERROR_COUNSELOR_ONLY);
  sam->counsel(control([](auto& c) { c.mutable_note()->set_text("Listen to me!"); }));
  error = sam.wait_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), v1::ERROR_COUNSELOR_ONLY);
  begin(rivera, alex, sam);
  rivera->set_draft("Let me say it for you");
  error = rivera.wait_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), v1::ERROR_PARTNERS_ONLY);
  rivera->end_turn("x");
  error = rivera.wait_error();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code(), v1::ERROR_PARTNERS_ONLY);
  // Nothing of it reached anyone, and the floor is still Alex's.
  alex->end_turn("My words.");
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  for (test_client* c : {&alex, &sam}) {
    for (const auto& m : c->history()) {
      EXPECT_FALSE(m.has_guidance());
      EXPECT_FALSE(m.has_draft_update() && m.draft_update().text() == "Let me say it for you");
    }
  }
}

TEST_F(guided_test, timers_move_the_floor_on_and_the_counselor_extends_or_skips) {
  auto [rivera, alex, sam] = serve_and_seat([](auto& o) {
    o.set_speak_limit_s(1);
    o.set_reflect_limit_s(3);  // room to extend it before it runs out
  });
  begin(rivera, alex, sam);
  alex->set_draft("Out of time");
  ASSERT_TRUE(sam.wait_for([](auto& m) { return m.has_draft_update(); }));
  // The limit passes: Sam gets Alex's words as they stood, and the floor.
  auto turn = sam.wait_for([](auto& m) { return m.has_turn(); }, 5s);
  ASSERT_TRUE(turn);
  EXPECT_TRUE(turn->turn().timed_out());
  EXPECT_EQ(turn->turn().text(), "Out of time");
  auto s = sam.wait_phase(v1::PHASE_PARAPHRASING);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->timer().limit_ms(), 3000u);
  EXPECT_TRUE(s->timer().running());

  rivera->counsel(control([](auto& c) { c.mutable_extend_timer()->set_seconds(60); }));
  ASSERT_TRUE(sam.wait_for([](auto& m) {
    return m.has_state_changed() && m.state_changed().snapshot().timer().limit_ms() == 63'000;
  })) << "both partners see the extended time";
  rivera->counsel(control([](auto& c) { c.mutable_skip_timer(); }));
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CONFIRMING));
}

TEST_F(guided_test, the_counselor_may_drop_and_come_back_without_disturbing_the_pair) {
  serve();
  fault_proxy proxy(port_);
  auto& rivera = client("Rivera", proxy.port(), [](auto& o) {
    o.reconnect_initial = 300ms;
    o.reconnect_max = 300ms;
  });
  auto& alex = client("Alex");
  auto& sam = client("Sam");
  seat_three(rivera, alex, sam);
  begin(rivera, alex, sam);

  proxy.reset_all();
  ASSERT_TRUE(alex.wait_for([](auto& m) {
    return m.has_state_changed() &&
           member_of(m.state_changed().snapshot(), v1::SEAT_COUNSELOR).link() == v1::LINK_DROPPED;
  }));
  alex->end_turn("We go on.");  // not paused by the counselor's absence
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  ASSERT_TRUE(rivera.wait_for([](auto& m) { return m.has_welcome() && m.welcome().resumed(); }));
  ASSERT_TRUE(rivera.wait_for([](auto& m) { return m.has_turn() && m.turn().text() == "We go on."; }))
      << "the counselor gets what was said while away";
  ASSERT_TRUE(alex.wait_for([](auto& m) {
    return m.has_state_changed() &&
           member_of(m.state_changed().snapshot(), v1::SEAT_COUNSELOR).link() == v1::LINK_CONNECTED;
  }));
}

}  // namespace
}  // namespace heard
