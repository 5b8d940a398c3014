// The exercise carried across a graceful server restart: save, restore, and
// the clock and summary going on as if nothing happened.
#include "exercise_persistence.hpp"

#include <gtest/gtest.h>

#include "client_messages.hpp"

namespace heard {
namespace {

using namespace std::chrono_literals;
using v1::SEAT_A;
using v1::SEAT_B;
using namespace test_messages;

void expect_ok(const exercise::result& r) { ASSERT_TRUE(r.ok()) << r.error->message(); }

// Alex and Sam with their counselor, one round asked for, in the middle of
// Sam's paraphrase at 90 s.
exercise ninety_seconds_in() {
  exercise_settings settings;
  settings.guided = true;
  settings.rounds = 1;
  exercise e(settings);
  e.advance_to(0s);
  join_keyed(e, v1::SEAT_COUNSELOR, "Rivera");
  join_keyed(e, SEAT_A, "Alex");
  join_keyed(e, SEAT_B, "Sam");
  e.handle(v1::SEAT_COUNSELOR, topic("Moving for work"));
  e.handle(v1::SEAT_COUNSELOR, start());
  e.advance_to(60s);
  e.handle(SEAT_A, end_turn("I feel lonely."));
  e.advance_to(90s);
  return e;
}

TEST(exercise_persistence, what_is_saved_comes_back) {
  const exercise before = ninety_seconds_in();
  const v1::ExerciseState saved = save_exercise(before);
  EXPECT_TRUE(saved.started());
  EXPECT_EQ(saved.elapsed_ms(), 90'000u);
  const exercise after = restore_exercise(saved, {});
  const v1::ExerciseState again = save_exercise(after);
  EXPECT_EQ(again.round(), saved.round());
  EXPECT_EQ(again.attempt(), saved.attempt());
  EXPECT_EQ(again.speaker(), saved.speaker());
  ASSERT_EQ(again.topic_size(), 3) << "the topic's boxes, one per member";
  EXPECT_EQ(text_of(again.topic(1)), "Moving for work");
  EXPECT_EQ(again.statements_size(), saved.statements_size());
  EXPECT_TRUE(again.started()) << "a restored session has begun";
  EXPECT_EQ(again.elapsed_ms(), 90'000u);
  EXPECT_EQ(again.partners(0).name(), "Alex");
  // Links are gone across a restart: both partners come back as away.
  EXPECT_EQ(member_of(after.snapshot(), v1::SEAT_A).link(), v1::LINK_DROPPED);
  EXPECT_EQ(after.phase(), v1::PHASE_PAUSED);
  EXPECT_EQ(after.snapshot().paused_phase(), v1::PHASE_PARAPHRASING);
}

// A restart once made the counselor's summary say the session lasted 0 s:
// "started" was a negative-clock sentinel that a restore also produced.
TEST(exercise_persistence, the_session_clock_goes_on_across_a_restart) {
  exercise e = restore_exercise(save_exercise(ninety_seconds_in()), {});
  e.advance_to(0s);
  expect_ok(e.reconnect(v1::SEAT_COUNSELOR));
  expect_ok(e.reconnect(SEAT_A));
  expect_ok(e.reconnect(SEAT_B));
  ASSERT_EQ(e.phase(), v1::PHASE_PARAPHRASING);
  e.advance_to(20s);
  expect_ok(e.handle(SEAT_B, end_turn("You feel lonely.")));
  e.advance_to(30s);
  expect_ok(e.handle(SEAT_A, judge(v1::VERDICT_ACCURATE_DONE)));
  ASSERT_EQ(e.phase(), v1::PHASE_CHECK_IN);
  expect_ok(e.handle(SEAT_A, check_in(5)));
  const auto r = e.handle(SEAT_B, check_in(4));
  const v1::SessionSummary* summary = nullptr;
  for (const auto& o : r.out) {
    if (o.message.has_summary()) summary = &o.message.summary();
  }
  ASSERT_NE(summary, nullptr);
  EXPECT_EQ(summary->duration_ms(), 120'000u) << "90 s before the restart, 30 s after";
  std::uint64_t speaking = 0, paraphrasing = 0;
  for (const auto& t : summary->phase_times()) {
    if (t.phase() == v1::PHASE_SPEAKING) speaking = t.ms();
    if (t.phase() == v1::PHASE_PARAPHRASING) paraphrasing = t.ms();
  }
  EXPECT_EQ(speaking, 60'000u);
  EXPECT_EQ(paraphrasing, 50'000u) << "30 s before the restart, 20 s after";
}

}  // namespace
}  // namespace heard
