// The counselor's seat, controls, floor timers and summary, driven directly.
#include <gtest/gtest.h>

#include "client_messages.hpp"
#include "exercise.hpp"

namespace heard {
namespace {

using namespace std::chrono_literals;
using v1::SEAT_A;
using v1::SEAT_B;
constexpr auto COUNSELOR = v1::SEAT_COUNSELOR;
using namespace test_messages;

void expect_ok(const exercise::result& r) { ASSERT_TRUE(r.ok()) << r.error->message(); }

exercise guided(std::function<void(exercise_settings&)> adjust = {}) {
  exercise_settings settings;
  settings.guided = true;
  if (adjust) adjust(settings);
  exercise e(settings);
  join_keyed(e, COUNSELOR, "Dr. Rivera");
  join_keyed(e, SEAT_A, "Alex");
  join_keyed(e, SEAT_B, "Sam");
  e.handle(COUNSELOR, topic("Moving for work"));
  return e;
}

const v1::ServerMessage* find(const exercise::result& r, v1::ServerMessage::BodyCase kind) {
  for (const auto& o : r.out) {
    if (o.message.body_case() == kind) return &o.message;
  }
  return nullptr;
}

TEST(guided, partners_see_the_counselor_and_the_topic_before_the_first_round) {
  exercise e = guided();
  const auto s = e.snapshot();
  EXPECT_EQ(s.phase(), v1::PHASE_READY);
  EXPECT_TRUE(s.guided());
  EXPECT_TRUE(member_of(s, v1::SEAT_COUNSELOR).present());
  EXPECT_EQ(member_of(s, v1::SEAT_COUNSELOR).name(), "Dr. Rivera");
  EXPECT_TRUE(s.topic_given());
  EXPECT_TRUE(s.topic().empty()) << "the topic is sealed: the server never has it";
  const auto for_sam = e.topic_for(SEAT_B);
  ASSERT_TRUE(for_sam);
  EXPECT_EQ(for_sam->from(), COUNSELOR);
  EXPECT_EQ(for_sam->sealed().to(), SEAT_B);
  EXPECT_EQ(text_of(for_sam->sealed()), "Moving for work");
}

TEST(guided, only_the_creator_gives_the_topic_once_every_key_is_in_and_only_once) {
  exercise_settings settings;
  settings.guided = true;
  settings.topic_follows = true;
  exercise e(settings);
  join_keyed(e, COUNSELOR, "Dr. Rivera");
  join_keyed(e, SEAT_A, "Alex");
  EXPECT_EQ(e.handle(COUNSELOR, topic("Money")).error->code(), v1::ERROR_KEYS_PENDING) << "Sam has no key yet";
  join_keyed(e, SEAT_B, "Sam");
  EXPECT_EQ(e.phase(), v1::PHASE_WAITING_FOR_PARTNER) << "a topic follows: it comes before anything is said";
  EXPECT_EQ(e.handle(SEAT_A, topic("Money")).error->code(), v1::ERROR_INVALID_ARGUMENT);
  v1::ClientMessage in_the_clear;
  in_the_clear.mutable_topic()->set_text("Money");
  EXPECT_EQ(e.handle(COUNSELOR, in_the_clear).error->code(), v1::ERROR_MALFORMED);
  auto r = e.handle(COUNSELOR, topic("Money"));
  expect_ok(r);
  unsigned told = 0;
  for (const auto& o : r.out) {
    if (o.message.has_topic_set()) told |= o.to;
  }
  EXPECT_EQ(told, static_cast<unsigned>(everyone)) << "each member, with their own box";
  EXPECT_EQ(e.phase(), v1::PHASE_READY);
  EXPECT_EQ(e.handle(COUNSELOR, topic("Money")).error->code(), v1::ERROR_ALREADY_DONE);
}

TEST(guided, the_counselor_starts_the_exercise_not_the_partners_readiness) {
  exercise e = guided();
  expect_ok(e.handle(SEAT_A, ready()));
  expect_ok(e.handle(SEAT_B, ready()));
  EXPECT_EQ(e.phase(), v1::PHASE_READY);
  expect_ok(e.handle(COUNSELOR, start()));
  EXPECT_EQ(e.phase(), v1::PHASE_SPEAKING);
  EXPECT_EQ(e.snapshot().round(), 1u);
}

// A counselor who leaves before round 1 does not strand the pair: both
// ready, the round begins; and one still to say so starts it by saying so.
TEST(guided, a_counselor_who_leaves_before_round_one_leaves_the_pair_to_go_on) {
  exercise e = guided();
  expect_ok(e.handle(SEAT_A, ready()));
  expect_ok(e.handle(SEAT_B, ready()));
  expect_ok(e.leave(COUNSELOR));
  EXPECT_EQ(e.phase(), v1::PHASE_SPEAKING);
  EXPECT_EQ(e.snapshot().round(), 1u);

  exercise later = guided();
  expect_ok(later.handle(SEAT_A, ready()));
  expect_ok(later.leave(COUNSELOR));
  EXPECT_EQ(later.phase(), v1::PHASE_READY);
  expect_ok(later.handle(SEAT_B, ready()));
  EXPECT_EQ(later.phase(), v1::PHASE_SPEAKING);
}

// Every screen can say who ended the session early, and how.
TEST(guided, the_snapshot_says_who_ended_the_session) {
  exercise ended = guided();
  expect_ok(ended.handle(COUNSELOR, start()));
  expect_ok(ended.handle(SEAT_B, end_session()));
  EXPECT_EQ(ended.snapshot().ended_by(), SEAT_B);

  exercise left = guided();
  expect_ok(left.handle(COUNSELOR, start()));
  expect_ok(left.leave(SEAT_A));
  EXPECT_EQ(left.snapshot().phase(), v1::PHASE_CHECK_IN);
  EXPECT_EQ(left.snapshot().ended_by(), SEAT_A);
  EXPECT_FALSE(member_of(left.snapshot(), SEAT_A).present());
}

TEST(guided, each_role_is_refused_the_others_actions_and_nothing_changes) {
  exercise e = guided();
  EXPECT_EQ(e.handle(SEAT_A, start()).error->code(), v1::ERROR_COUNSELOR_ONLY);
  EXPECT_EQ(e.handle(SEAT_B, note("hi")).error->code(), v1::ERROR_COUNSELOR_ONLY);
  expect_ok(e.handle(COUNSELOR, start()));
  const auto before = e.snapshot().SerializeAsString();
  for (const auto& m :
       {draft("x"), end_turn("x"), judge(v1::VERDICT_ACCURATE_DONE), ready(), time_out(), check_in(3)}) {
    auto r = e.handle(COUNSELOR, m);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->code(), v1::ERROR_PARTNERS_ONLY);
    EXPECT_TRUE(r.out.empty());
  }
  EXPECT_EQ(e.snapshot().SerializeAsString(), before);
}

TEST(guided, the_counselor_sees_drafts_and_notes_reach_everyone) {
  exercise e = guided();
  expect_ok(e.handle(COUNSELOR, start()));
  auto r = e.handle(SEAT_A, draft("I feel"));
  ASSERT_EQ(r.out.size(), 2u) << "B and the counselor, each with their own box";
  EXPECT_EQ(r.out[0].to, static_cast<unsigned>(to_b));
  EXPECT_EQ(r.out[1].to, static_cast<unsigned>(to_counselor));
  EXPECT_EQ(r.out[1].message.draft_update().sealed().to(), COUNSELOR);
  r = e.handle(COUNSELOR, note("Slow down; take a breath."));
  ASSERT_EQ(r.out.size(), 3u) << "a note reaches every member, the counselor too";
  unsigned reached = 0;
  for (const auto& o : r.out) {
    ASSERT_TRUE(o.message.has_guidance());
    EXPECT_EQ(audience_of(o.message.guidance().sealed().to()), o.to) << "each gets the box sealed for them";
    EXPECT_EQ(text_of(o.message.guidance().sealed()), "Slow down; take a breath.");
    reached |= o.to;
  }
  EXPECT_EQ(reached, static_cast<unsigned>(everyone));
}

TEST(guided, holding_freezes_the_floor_but_partners_time_outs_still_work) {
  exercise e = guided();
  expect_ok(e.handle(COUNSELOR, start()));
  expect_ok(e.handle(COUNSELOR, hold()));
  EXPECT_TRUE(e.snapshot().held());
  EXPECT_EQ(e.snapshot().floor_holder(), v1::SEAT_UNSPECIFIED);
  EXPECT_EQ(e.handle(SEAT_A, draft("x")).error->code(), v1::ERROR_SESSION_PAUSED);
  expect_ok(e.handle(SEAT_B, time_out()));
  expect_ok(e.handle(SEAT_B, resume()));
  expect_ok(e.handle(COUNSELOR, release()));
  expect_ok(e.handle(SEAT_A, draft("x")));
}

TEST(guided, the_counselor_chooses_who_speaks_first_and_next) {
  exercise e = guided();
  expect_ok(e.handle(COUNSELOR, next(SEAT_B)));
  expect_ok(e.handle(COUNSELOR, start()));
  EXPECT_EQ(e.snapshot().speaker(), SEAT_B);
  expect_ok(e.handle(COUNSELOR, next(SEAT_B)));  // B again next round, not the usual switch
  expect_ok(e.handle(SEAT_B, end_turn("one")));
  expect_ok(e.handle(SEAT_A, end_turn("two")));
  expect_ok(e.handle(SEAT_B, judge(v1::VERDICT_ACCURATE_DONE)));
  EXPECT_EQ(e.snapshot().round(), 2u);
  EXPECT_EQ(e.snapshot().speaker(), SEAT_B);
  EXPECT_EQ(e.handle(COUNSELOR, next(COUNSELOR)).error->code(), v1::ERROR_INVALID_ARGUMENT);
}

TEST(timers, at_the_limit_the_floor_moves_on_with_what_was_written) {
  exercise e = guided([](auto& s) {
    s.speak_limit = 60s;
    s.reflect_limit = 30s;
  });
  expect_ok(e.handle(COUNSELOR, start()));
  ASSERT_TRUE(e.deadline());
  EXPECT_EQ(*e.deadline(), 60s);
  expect_ok(e.handle(SEAT_A, draft("Half a thought")));
  EXPECT_TRUE(e.advance_to(59s).out.empty());
  EXPECT_EQ(e.snapshot().timer().left_ms(), 1000u);
  auto r = e.advance_to(60s);
  const auto* turn = find(r, v1::ServerMessage::kTurn);
  ASSERT_TRUE(turn);
  EXPECT_EQ(text_of(turn->turn().sealed()), "Half a thought");
  EXPECT_EQ(e.phase(), v1::PHASE_PARAPHRASING);
  EXPECT_EQ(*e.deadline(), 90s);
  r = e.advance_to(95s);
  EXPECT_EQ(e.phase(), v1::PHASE_CONFIRMING);
  EXPECT_FALSE(e.deadline()) << "confirming has no limit";
}

TEST(timers, pauses_and_holds_stop_the_clock) {
  exercise e = guided([](auto& s) { s.speak_limit = 60s; });
  expect_ok(e.handle(COUNSELOR, start()));
  e.advance_to(10s);
  expect_ok(e.handle(SEAT_B, time_out()));
  EXPECT_FALSE(e.deadline());
  EXPECT_TRUE(e.advance_to(500s).out.empty());
  expect_ok(e.handle(SEAT_B, resume()));
  EXPECT_EQ(*e.deadline(), 550s);
  expect_ok(e.handle(COUNSELOR, hold()));
  e.advance_to(1000s);
  expect_ok(e.handle(COUNSELOR, release()));
  EXPECT_EQ(*e.deadline(), 1050s);
  EXPECT_EQ(e.phase(), v1::PHASE_SPEAKING);
}

TEST(timers, the_counselor_extends_or_skips) {
  exercise e = guided([](auto& s) { s.speak_limit = 60s; });
  expect_ok(e.handle(COUNSELOR, start()));
  expect_ok(e.handle(COUNSELOR, extend(30)));
  EXPECT_EQ(*e.deadline(), 90s);
  EXPECT_EQ(e.snapshot().timer().limit_ms(), 90'000u);
  EXPECT_EQ(e.handle(COUNSELOR, extend(0)).error->code(), v1::ERROR_INVALID_ARGUMENT);
  expect_ok(e.handle(COUNSELOR, skip()));
  EXPECT_EQ(e.phase(), v1::PHASE_PARAPHRASING);
  EXPECT_EQ(e.handle(COUNSELOR, extend(30)).error->code(), v1::ERROR_WRONG_PHASE) << "no reflect limit set";
}

TEST(timers, self_guided_sessions_have_timers_too) {
  exercise_settings settings;
  settings.speak_limit = 5s;
  exercise e(settings);
  join_keyed(e, SEAT_A, "Alex");
  join_keyed(e, SEAT_B, "Sam");
  e.handle(SEAT_A, ready());
  e.handle(SEAT_B, ready());
  e.advance_to(5s);
  EXPECT_EQ(e.phase(), v1::PHASE_PARAPHRASING);
}

TEST(guided, spoken_sessions_can_be_guided_too) {
  exercise e = guided([](auto& s) {
    s.mode = v1::MODE_SPOKEN;
    s.speak_limit = 120s;
  });
  expect_ok(e.handle(COUNSELOR, start()));
  EXPECT_EQ(e.handle(SEAT_A, draft("typed")).error->code(), v1::ERROR_TEXT_NOT_ALLOWED);
  e.advance_to(120s);  // talking-stick timer: the floor moves on, with no text
  EXPECT_EQ(e.phase(), v1::PHASE_PARAPHRASING);
  expect_ok(e.handle(SEAT_B, end_turn("")));
  expect_ok(e.handle(SEAT_A, judge(v1::VERDICT_ACCURATE_DONE)));
  EXPECT_EQ(e.snapshot().speaker(), SEAT_B);
}

TEST(guided, a_counselor_who_drops_does_not_disturb_the_pair) {
  exercise e = guided();
  expect_ok(e.handle(COUNSELOR, start()));
  expect_ok(e.disconnect(COUNSELOR));
  EXPECT_EQ(e.phase(), v1::PHASE_SPEAKING);
  EXPECT_EQ(member_of(e.snapshot(), v1::SEAT_COUNSELOR).link(), v1::LINK_DROPPED);
  expect_ok(e.reconnect(COUNSELOR));
}

TEST(guided, the_rounds_asked_for_lead_to_the_check_in_and_the_summary_holds_the_structure) {
  exercise e = guided([](auto& s) { s.rounds = 1; });
  e.advance_to(0s);
  expect_ok(e.handle(COUNSELOR, start()));
  e.advance_to(20s);
  expect_ok(e.handle(SEAT_A, end_turn("secret words")));
  e.advance_to(30s);
  expect_ok(e.handle(SEAT_B, end_turn("secret paraphrase")));
  expect_ok(e.handle(SEAT_A, judge(v1::VERDICT_NOT_QUITE)));
  expect_ok(e.handle(SEAT_B, end_turn("better")));
  expect_ok(e.handle(SEAT_A, time_out()));
  e.advance_to(40s);
  expect_ok(e.handle(SEAT_A, resume()));
  expect_ok(e.handle(SEAT_A, judge(v1::VERDICT_ACCURATE_DONE)));
  EXPECT_EQ(e.phase(), v1::PHASE_CHECK_IN);
  expect_ok(e.handle(SEAT_A, check_in(5)));
  auto r = e.handle(SEAT_B, check_in(4));
  const auto* summary = find(r, v1::ServerMessage::kSummary);
  ASSERT_TRUE(summary);
  for (const auto& o : r.out) {
    if (o.message.has_summary()) {
      EXPECT_EQ(o.to, static_cast<unsigned>(to_counselor)) << "the summary is the counselor's";
    }
  }
  const auto& s = summary->summary();
  EXPECT_EQ(s.rounds(), 1u);
  ASSERT_EQ(s.statements_size(), 1);
  EXPECT_EQ(s.statements(0).speaker(), SEAT_A);
  EXPECT_EQ(s.statements(0).attempts(), 2u);
  EXPECT_EQ(s.time_outs_a(), 1u);
  ASSERT_EQ(s.check_ins().answers(1).sealed().to(), COUNSELOR) << "the answers as B sealed them for the counselor";
  v1::CheckIn b_answers;
  ASSERT_TRUE(b_answers.ParseFromString(text_of(s.check_ins().answers(1).sealed())));
  EXPECT_EQ(b_answers.felt_safe(), 4u);
  EXPECT_EQ(s.duration_ms(), 40'000u);
  std::uint64_t speaking = 0, paused = 0;
  for (const auto& t : s.phase_times()) {
    if (t.phase() == v1::PHASE_SPEAKING) speaking = t.ms();
    if (t.phase() == v1::PHASE_PAUSED) paused = t.ms();
  }
  EXPECT_EQ(speaking, 20'000u);
  EXPECT_EQ(paused, 10'000u);
  EXPECT_EQ(summary->SerializeAsString().find("secret"), std::string::npos) << "the structure, not the words";
}

}  // namespace
}  // namespace heard
