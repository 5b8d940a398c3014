// The one set of turn rules: what each seat may do in each state, and that a
// real exercise accepts exactly what the rules allow (with valid arguments).
#include "turn_rules.hpp"

#include <gtest/gtest.h>

#include <random>

#include "client_messages.hpp"
#include "exercise.hpp"

namespace heard {
namespace {

using test_messages::join_keyed;
using v1::SEAT_A;
using v1::SEAT_B;
constexpr auto COUNSELOR = v1::SEAT_COUNSELOR;

v1::Snapshot in(v1::Phase phase, v1::Seat speaker = SEAT_A) {
  v1::Snapshot s;
  s.set_phase(phase);
  s.set_speaker(speaker);
  member_in(s, v1::SEAT_A).set_present(true);
  member_in(s, v1::SEAT_B).set_present(true);
  member_in(s, v1::SEAT_COUNSELOR).set_present(true);
  s.set_guided(true);
  if (phase == v1::PHASE_SPEAKING || phase == v1::PHASE_CONFIRMING) s.set_floor_holder(speaker);
  if (phase == v1::PHASE_PARAPHRASING) s.set_floor_holder(other_partner(speaker));
  return s;
}

TEST(turn_rules, only_the_floor_holder_writes) {
  EXPECT_TRUE(moment_of(in(v1::PHASE_SPEAKING), SEAT_A).may(act::write));
  EXPECT_FALSE(moment_of(in(v1::PHASE_SPEAKING), SEAT_B).may(act::write));
  EXPECT_EQ(refusal(in(v1::PHASE_SPEAKING), SEAT_B, act::write)->code(), v1::ERROR_NOT_YOUR_TURN);
  EXPECT_TRUE(moment_of(in(v1::PHASE_PARAPHRASING), SEAT_B).may(act::write));
  EXPECT_FALSE(moment_of(in(v1::PHASE_PARAPHRASING), SEAT_A).may(act::write));
  EXPECT_FALSE(moment_of(in(v1::PHASE_CONFIRMING), SEAT_A).may(act::write));
  EXPECT_TRUE(moment_of(in(v1::PHASE_CONFIRMING), SEAT_A).may(act::judge));
  EXPECT_FALSE(moment_of(in(v1::PHASE_CONFIRMING), SEAT_B).may(act::judge));
}

TEST(turn_rules, a_pause_or_a_hold_stops_the_floor_but_the_words_stay_the_writers) {
  auto paused = in(v1::PHASE_PAUSED);
  paused.set_paused_phase(v1::PHASE_SPEAKING);
  paused.set_pause_reason(v1::PAUSE_REASON_TIME_OUT);
  paused.set_paused_by(SEAT_B);
  EXPECT_EQ(refusal(paused, SEAT_A, act::write)->code(), v1::ERROR_SESSION_PAUSED);
  EXPECT_TRUE(moment_of(paused, SEAT_A).writes) << "Alex's words wait for the resume";
  EXPECT_FALSE(moment_of(paused, SEAT_B).writes);
  EXPECT_TRUE(moment_of(paused, SEAT_B).may(act::resume));
  EXPECT_EQ(refusal(paused, SEAT_A, act::resume)->code(), v1::ERROR_NOT_PAUSED_BY_YOU);

  paused.set_pause_reason(v1::PAUSE_REASON_PARTNER_AWAY);
  EXPECT_EQ(refusal(paused, SEAT_A, act::write)->code(), v1::ERROR_PARTNER_AWAY);
  EXPECT_EQ(refusal(paused, SEAT_B, act::resume)->code(), v1::ERROR_PARTNER_AWAY);

  auto held = in(v1::PHASE_SPEAKING);
  held.set_held(true);
  held.set_floor_holder(v1::SEAT_UNSPECIFIED);
  EXPECT_EQ(refusal(held, SEAT_A, act::write)->code(), v1::ERROR_SESSION_PAUSED);
  EXPECT_TRUE(moment_of(held, SEAT_A).writes);
  EXPECT_TRUE(moment_of(held, SEAT_A).may(act::time_out)) << "a partner's own time-out works during a hold";
  EXPECT_TRUE(moment_of(held, COUNSELOR).may(act::release));
  EXPECT_FALSE(moment_of(held, COUNSELOR).may(act::hold));
}

TEST(turn_rules, the_writer_is_the_same_before_during_and_after_a_pause) {
  EXPECT_EQ(writer_of(in(v1::PHASE_SPEAKING, SEAT_B)), SEAT_B);
  EXPECT_EQ(writer_of(in(v1::PHASE_PARAPHRASING, SEAT_B)), SEAT_A);
  EXPECT_EQ(writer_of(in(v1::PHASE_CONFIRMING)), v1::SEAT_UNSPECIFIED);
  EXPECT_EQ(writer_of(in(v1::PHASE_READY)), v1::SEAT_UNSPECIFIED);
  auto paused = in(v1::PHASE_PAUSED, SEAT_B);
  paused.set_paused_phase(v1::PHASE_PARAPHRASING);
  EXPECT_EQ(writer_of(paused), SEAT_A);
  auto held = in(v1::PHASE_SPEAKING, SEAT_B);
  held.set_held(true);
  held.set_floor_holder(v1::SEAT_UNSPECIFIED);
  EXPECT_EQ(writer_of(held), SEAT_B);

  v1::Error e;
  for (auto code : {v1::ERROR_SESSION_PAUSED, v1::ERROR_PARTNER_AWAY}) {
    e.set_code(code);
    EXPECT_TRUE(refused_for_now(e));
  }
  for (auto code : {v1::ERROR_NOT_YOUR_TURN, v1::ERROR_WRONG_PHASE, v1::ERROR_TEXT_TOO_LONG}) {
    e.set_code(code);
    EXPECT_FALSE(refused_for_now(e));
  }
}

TEST(turn_rules, each_role_keeps_to_its_own_acts) {
  for (auto phase : {v1::PHASE_READY, v1::PHASE_SPEAKING, v1::PHASE_CONFIRMING, v1::PHASE_CHECK_IN}) {
    const auto s = in(phase);
    for (act a : {act::ready, act::write, act::judge, act::time_out, act::resume, act::check_in}) {
      EXPECT_EQ(refusal(s, COUNSELOR, a)->code(), v1::ERROR_PARTNERS_ONLY) << static_cast<int>(a);
    }
    for (act a : {act::start, act::hold, act::release, act::note, act::choose_next, act::extend, act::skip}) {
      EXPECT_EQ(refusal(s, SEAT_A, a)->code(), v1::ERROR_COUNSELOR_ONLY) << static_cast<int>(a);
    }
  }
  EXPECT_TRUE(moment_of(in(v1::PHASE_SPEAKING), COUNSELOR).may(act::end_session));
  EXPECT_TRUE(moment_of(in(v1::PHASE_SPEAKING), SEAT_B).may(act::end_session));
  EXPECT_FALSE(moment_of(in(v1::PHASE_CHECK_IN), SEAT_B).may(act::end_session));
  EXPECT_FALSE(moment_of(in(v1::PHASE_SPEAKING), COUNSELOR).writes);
}

TEST(turn_rules, a_member_not_in_the_session_may_do_nothing) {
  auto s = in(v1::PHASE_SPEAKING);
  member_in(s, v1::SEAT_COUNSELOR).set_present(false);
  EXPECT_EQ(moment_of(s, COUNSELOR).allowed, 0u);
}

// A random walk through a real guided exercise, every input with valid
// arguments: the exercise accepts exactly what the rules, read on the
// snapshot before the input, allow, and refuses the rest with the rules'
// own code. So a client reading the rules on the snapshot it was sent offers
// exactly what the server will take.
TEST(turn_rules, a_real_exercise_accepts_exactly_what_the_rules_allow) {
  std::mt19937 random(20261127);
  int accepted = 0, refused = 0;
  for (int session = 0; session < 50; ++session) {
    exercise_settings settings;
    settings.guided = session % 2 == 0;
    settings.rounds = 2;
    settings.speak_limit = std::chrono::milliseconds(session % 3 == 0 ? 60'000 : 0);
    exercise e(settings);
    if (settings.guided) join_keyed(e, COUNSELOR, "Rivera");
    join_keyed(e, SEAT_A, "Alex");
    join_keyed(e, SEAT_B, "Sam");
    for (int step = 0; step < 200 && !e.ended(); ++step) {
      const v1::Seat from = std::array{SEAT_A, SEAT_B, COUNSELOR}[random() % (settings.guided ? 3 : 2)];
      const act what = static_cast<act>(random() % act_count);
      v1::ClientMessage m;
      switch (what) {
        case act::ready: m.mutable_ready(); break;
        case act::write: m = random() % 2 ? test_messages::draft("words") : test_messages::end_turn("words"); break;
        case act::judge:
          m.mutable_judge()->set_verdict(
              std::array{v1::VERDICT_ACCURATE_DONE, v1::VERDICT_ACCURATE_MORE, v1::VERDICT_NOT_QUITE}[random() % 3]);
          break;
        case act::time_out: m.mutable_time_out(); break;
        case act::resume: m.mutable_resume(); break;
        case act::end_session:
          if (random() % 20 != 0) continue;  // rarely, or the walk ends at once
          m.mutable_end_session();
          break;
        case act::check_in: m = test_messages::check_in(4, 4, 4); break;
        case act::start: m.mutable_counsel()->mutable_start(); break;
        case act::hold: m.mutable_counsel()->mutable_hold(); break;
        case act::release: m.mutable_counsel()->mutable_release(); break;
        case act::note: m = test_messages::note("Breathe."); break;
        case act::choose_next: m.mutable_counsel()->mutable_next_speaker()->set_seat(SEAT_B); break;
        case act::extend: m.mutable_counsel()->mutable_extend_timer()->set_seconds(30); break;
        case act::skip: m.mutable_counsel()->mutable_skip_timer(); break;
      }
      const auto before = e.snapshot();
      const auto expected = refusal(before, from, what);
      const auto r = e.handle(from, m);
      ASSERT_EQ(r.ok(), !expected) << "session " << session << " step " << step << " seat " << from << " act "
                                   << static_cast<int>(what) << " phase " << before.phase() << ": "
                                   << (r.ok() ? "accepted" : r.error->message());
      if (expected) {
        EXPECT_EQ(r.error->code(), expected->code());
        ++refused;
      } else {
        ++accepted;
      }
    }
  }
  // Both answers are exercised often, so the property is not vacuous.
  EXPECT_GT(accepted, 500);
  EXPECT_GT(refused, 500);
}

}  // namespace
}  // namespace heard
