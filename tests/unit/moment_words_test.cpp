// The sentences every client says the same way about a snapshot.
#include "moment_words.hpp"

#include <gtest/gtest.h>

#include "seat.hpp"

namespace heard {
namespace {

v1::Snapshot over(v1::Seat ended_by, bool still_present) {
  v1::Snapshot s;
  s.set_phase(v1::PHASE_CHECK_IN);
  member_in(s, v1::SEAT_A).set_name("Alex");
  member_in(s, v1::SEAT_A).set_present(true);
  member_in(s, v1::SEAT_B).set_name("Sam");
  member_in(s, v1::SEAT_B).set_present(true);
  member_in(s, ended_by).set_present(still_present);
  s.set_ended_by(ended_by);
  return s;
}

TEST(moment_words, says_who_ended_the_session_and_how) {
  EXPECT_EQ(ended_sentence(over(v1::SEAT_B, true), v1::SEAT_A), "Sam ended the session.");
  EXPECT_EQ(ended_sentence(over(v1::SEAT_B, false), v1::SEAT_A), "Sam left the session.");
  EXPECT_EQ(ended_sentence(over(v1::SEAT_A, true), v1::SEAT_A), "You ended the session.");
  auto nameless = over(v1::SEAT_B, false);
  member_in(nameless, v1::SEAT_B).set_name("");
  EXPECT_EQ(ended_sentence(nameless, v1::SEAT_A), "Your partner left the session.");
  EXPECT_EQ(ended_sentence(over(v1::SEAT_UNSPECIFIED, true), v1::SEAT_A), "") << "the rounds were done";
  auto going_on = over(v1::SEAT_B, true);
  going_on.set_phase(v1::PHASE_SPEAKING);
  EXPECT_EQ(ended_sentence(going_on, v1::SEAT_A), "");
}

TEST(moment_words, a_pair_whose_counselor_left_is_told_they_go_on) {
  v1::Snapshot s;
  s.set_guided(true);
  s.set_phase(v1::PHASE_READY);
  member_in(s, v1::SEAT_A).set_present(true);
  member_in(s, v1::SEAT_B).set_present(true);
  member_in(s, v1::SEAT_COUNSELOR).set_name("Rivera");
  member_in(s, v1::SEAT_COUNSELOR).set_present(true);
  EXPECT_EQ(guide_left_sentence(s, v1::SEAT_A), "");
  member_in(s, v1::SEAT_COUNSELOR).set_present(false);
  EXPECT_NE(guide_left_sentence(s, v1::SEAT_A).find("Rivera has left. The two of you go on by yourselves"),
            std::string::npos);
  EXPECT_EQ(guide_left_sentence(s, v1::SEAT_COUNSELOR), "");
  s.set_guided(false);
  EXPECT_EQ(guide_left_sentence(s, v1::SEAT_A), "");
}

v1::Snapshot in(v1::Phase phase, v1::Seat speaker = v1::SEAT_A) {
  v1::Snapshot s;
  s.set_phase(phase);
  s.set_speaker(speaker);
  s.set_round(1);
  member_in(s, v1::SEAT_A).set_name("Alex");
  member_in(s, v1::SEAT_A).set_present(true);
  member_in(s, v1::SEAT_B).set_name("Sam");
  member_in(s, v1::SEAT_B).set_present(true);
  return s;
}

// One headline for each moment, the same on every screen: each client only
// adds its own keys.
TEST(moment_words, the_headline_says_what_is_happening_and_whose_move_it_is) {
  using v1::SEAT_A, v1::SEAT_B;
  EXPECT_EQ(headline(in(v1::PHASE_READY), SEAT_A), "Is now a good time for you?");
  auto ready = in(v1::PHASE_READY);
  member_in(ready, SEAT_A).set_ready(true);
  EXPECT_EQ(headline(ready, SEAT_A), "Waiting for Sam to say now is a good time.");
  EXPECT_EQ(headline(in(v1::PHASE_SPEAKING), SEAT_A), "Your turn to speak. Sam is listening.");
  EXPECT_EQ(headline(in(v1::PHASE_SPEAKING), SEAT_B),
            "Alex is speaking - listen. You'll say it back when Alex is done.");
  EXPECT_EQ(headline(in(v1::PHASE_PARAPHRASING), SEAT_B), "Your turn: say back what you heard, in your own words.");
  EXPECT_EQ(headline(in(v1::PHASE_PARAPHRASING), SEAT_A), "Sam is saying back what they heard.");
  EXPECT_EQ(headline(in(v1::PHASE_CONFIRMING), SEAT_A),
            "Was that what you meant? Accurate, there is more, or not quite?");
  EXPECT_EQ(headline(in(v1::PHASE_CONFIRMING), SEAT_B), "Waiting for Alex to confirm.");
  auto spoken = in(v1::PHASE_SPEAKING);
  spoken.set_mode(v1::MODE_SPOKEN);
  EXPECT_EQ(headline(spoken, SEAT_A), "Your turn: talk to Sam out loud.");
  auto held = in(v1::PHASE_SPEAKING);
  held.set_held(true);
  EXPECT_EQ(headline(held, SEAT_B), "Your counselor has paused the exercise for a moment.");
  EXPECT_EQ(headline(held, v1::SEAT_COUNSELOR), "You paused the exercise.");
  EXPECT_EQ(headline(in(v1::PHASE_SPEAKING), v1::SEAT_COUNSELOR), "Alex is speaking; Sam listens.");
  auto away = in(v1::PHASE_PAUSED);
  away.set_pause_reason(v1::PAUSE_REASON_PARTNER_AWAY);
  away.set_paused_by(SEAT_B);
  member_in(away, SEAT_B).set_link(v1::LINK_DROPPED);
  EXPECT_EQ(headline(away, SEAT_A), "Sam's connection dropped - waiting for them to come back.");
  member_in(away, SEAT_B).set_link(v1::LINK_OVERDUE);
  EXPECT_EQ(headline(away, SEAT_A), "Sam has been away a long time. Keep waiting, or end the session.");
  auto over = in(v1::PHASE_ENDED);
  over.set_round(0);
  EXPECT_EQ(headline(over, SEAT_A), "The session ended before it began.");
}

}  // namespace
}  // namespace heard
