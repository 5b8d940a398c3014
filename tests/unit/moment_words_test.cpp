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

}  // namespace
}  // namespace heard
