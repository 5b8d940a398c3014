#include "exercise.hpp"
#include "client_messages.hpp"
#include "moment_words.hpp"
#include "turn_rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

namespace heard {
namespace {

using namespace test_messages;

using v1::SEAT_A;
using v1::SEAT_B;

// --- Reaching each phase (A speaks first) ------------------------------------

exercise_settings settings_for(v1::Mode mode, v1::Seat first, exercise_limits limits = {}) {
  exercise_settings s;
  s.mode = mode;
  s.first_speaker = first;
  s.limits = limits;
  return s;
}

void expect_ok(const exercise::result& r) { ASSERT_TRUE(r.ok()) << r.error->message(); }

exercise in_phase(v1::Phase phase, v1::Mode mode = v1::MODE_TEXT) {
  exercise e(settings_for(mode, SEAT_A));
  const bool text = mode == v1::MODE_TEXT;
  join_keyed(e, SEAT_A, "Alex");
  if (phase == v1::PHASE_WAITING_FOR_PARTNER) return e;
  join_keyed(e, SEAT_B, "Sam");
  if (phase == v1::PHASE_READY) return e;
  if (phase == v1::PHASE_CHECK_IN || phase == v1::PHASE_ENDED) {
    e.handle(SEAT_A, end_session());
    if (phase == v1::PHASE_ENDED) {
      e.handle(SEAT_A, check_in());
      e.handle(SEAT_B, check_in());
    }
    return e;
  }
  e.handle(SEAT_A, ready());
  e.handle(SEAT_B, ready());
  if (phase == v1::PHASE_SPEAKING) return e;
  if (phase == v1::PHASE_PAUSED) {
    e.handle(SEAT_A, time_out());
    return e;
  }
  e.handle(SEAT_A, end_turn(text ? "I miss you." : ""));
  if (phase == v1::PHASE_PARAPHRASING) return e;
  e.handle(SEAT_B, end_turn(text ? "You miss me." : ""));
  return e;  // CONFIRMING
}

// --- Every state x event x role ----------------------------------------------

enum class input { ready, draft, end_turn, judge, time_out, resume, end_session, check_in, hello };

const char* input_name(input i) {
  static const char* names[] = {"ready",  "draft",       "end_turn", "judge", "time_out",
                                "resume", "end_session", "check_in", "hello"};
  return names[static_cast<int>(i)];
}

v1::ClientMessage make(input i) {
  switch (i) {
    case input::ready: return ready();
    case input::draft: return draft("words");
    case input::end_turn: return end_turn("words");
    case input::judge: return judge(v1::VERDICT_ACCURATE_DONE);
    case input::time_out: return time_out();
    case input::resume: return resume();
    case input::end_session: return end_session();
    case input::check_in: return check_in();
    case input::hello: return hello();
  }
  return {};
}

struct row {
  v1::Phase phase;
  v1::Seat from;  // in the phases below, A is the speaker
  input what;
  v1::ErrorCode error;    // ERROR_CODE_UNSPECIFIED: accepted
  v1::Phase phase_after;  // when accepted
};

constexpr auto OK = v1::ERROR_CODE_UNSPECIFIED;
constexpr auto WRONG = v1::ERROR_WRONG_PHASE;
constexpr auto TURN = v1::ERROR_NOT_YOUR_TURN;
constexpr auto PAUSED = v1::ERROR_SESSION_PAUSED;
constexpr auto DONE = v1::ERROR_ALREADY_DONE;
constexpr auto HELLO = v1::ERROR_HELLO_REQUIRED;

using P = v1::Phase;
constexpr P WAIT = v1::PHASE_WAITING_FOR_PARTNER, READY = v1::PHASE_READY, SPEAK = v1::PHASE_SPEAKING,
            PARA = v1::PHASE_PARAPHRASING, CONF = v1::PHASE_CONFIRMING, PAUSE = v1::PHASE_PAUSED,
            CHECK = v1::PHASE_CHECK_IN, ENDED = v1::PHASE_ENDED, NONE = v1::PHASE_UNSPECIFIED;

// clang-format off
const std::vector<row> table = {
  // Waiting: only the creator (A) is seated.
  {WAIT, SEAT_A, input::ready,       WRONG, NONE},
  {WAIT, SEAT_A, input::draft,       WRONG, NONE},
  {WAIT, SEAT_A, input::end_turn,    WRONG, NONE},
  {WAIT, SEAT_A, input::judge,       WRONG, NONE},
  {WAIT, SEAT_A, input::time_out,    WRONG, NONE},
  {WAIT, SEAT_A, input::resume,      WRONG, NONE},
  {WAIT, SEAT_A, input::check_in,    WRONG, NONE},
  {WAIT, SEAT_A, input::hello,       HELLO, NONE},
  {WAIT, SEAT_A, input::end_session, OK,    ENDED},
  {WAIT, SEAT_B, input::ready,       WRONG, NONE},  // not seated yet
  // Ready: both seated, nobody said ready yet.
  {READY, SEAT_A, input::ready,       OK,    READY},
  {READY, SEAT_B, input::ready,       OK,    READY},
  {READY, SEAT_A, input::draft,       WRONG, NONE},
  {READY, SEAT_B, input::end_turn,    WRONG, NONE},
  {READY, SEAT_A, input::judge,       WRONG, NONE},
  {READY, SEAT_B, input::time_out,    OK,    PAUSE},
  {READY, SEAT_A, input::resume,      WRONG, NONE},
  {READY, SEAT_B, input::check_in,    WRONG, NONE},
  {READY, SEAT_A, input::hello,       HELLO, NONE},
  {READY, SEAT_B, input::end_session, OK,    CHECK},
  // Speaking: A holds the floor.
  {SPEAK, SEAT_A, input::ready,       WRONG, NONE},
  {SPEAK, SEAT_B, input::ready,       WRONG, NONE},
  {SPEAK, SEAT_A, input::draft,       OK,    SPEAK},
  {SPEAK, SEAT_B, input::draft,       TURN,  NONE},
  {SPEAK, SEAT_A, input::end_turn,    OK,    PARA},
  {SPEAK, SEAT_B, input::end_turn,    TURN,  NONE},
  {SPEAK, SEAT_A, input::judge,       WRONG, NONE},
  {SPEAK, SEAT_B, input::judge,       WRONG, NONE},
  {SPEAK, SEAT_A, input::time_out,    OK,    PAUSE},
  {SPEAK, SEAT_B, input::time_out,    OK,    PAUSE},
  {SPEAK, SEAT_A, input::resume,      WRONG, NONE},
  {SPEAK, SEAT_B, input::check_in,    WRONG, NONE},
  {SPEAK, SEAT_B, input::hello,       HELLO, NONE},
  {SPEAK, SEAT_A, input::end_session, OK,    CHECK},
  {SPEAK, SEAT_B, input::end_session, OK,    CHECK},
  // Paraphrasing: B holds the floor.
  {PARA, SEAT_A, input::ready,       WRONG, NONE},
  {PARA, SEAT_A, input::draft,       TURN,  NONE},
  {PARA, SEAT_B, input::draft,       OK,    PARA},
  {PARA, SEAT_A, input::end_turn,    TURN,  NONE},
  {PARA, SEAT_B, input::end_turn,    OK,    CONF},
  {PARA, SEAT_A, input::judge,       WRONG, NONE},
  {PARA, SEAT_B, input::judge,       WRONG, NONE},
  {PARA, SEAT_A, input::time_out,    OK,    PAUSE},
  {PARA, SEAT_B, input::time_out,    OK,    PAUSE},
  {PARA, SEAT_B, input::resume,      WRONG, NONE},
  {PARA, SEAT_A, input::check_in,    WRONG, NONE},
  {PARA, SEAT_B, input::end_session, OK,    CHECK},
  // Confirming: A judges.
  {CONF, SEAT_A, input::ready,       WRONG, NONE},
  {CONF, SEAT_A, input::draft,       WRONG, NONE},
  {CONF, SEAT_B, input::draft,       TURN,  NONE},
  {CONF, SEAT_A, input::end_turn,    WRONG, NONE},
  {CONF, SEAT_B, input::end_turn,    TURN,  NONE},
  {CONF, SEAT_A, input::judge,       OK,    SPEAK},
  {CONF, SEAT_B, input::judge,       TURN,  NONE},
  {CONF, SEAT_A, input::time_out,    OK,    PAUSE},
  {CONF, SEAT_B, input::time_out,    OK,    PAUSE},
  {CONF, SEAT_A, input::resume,      WRONG, NONE},
  {CONF, SEAT_B, input::check_in,    WRONG, NONE},
  {CONF, SEAT_A, input::end_session, OK,    CHECK},
  // Paused by A during speaking.
  {PAUSE, SEAT_A, input::ready,       PAUSED, NONE},
  {PAUSE, SEAT_A, input::draft,       PAUSED, NONE},
  {PAUSE, SEAT_B, input::draft,       PAUSED, NONE},
  {PAUSE, SEAT_A, input::end_turn,    PAUSED, NONE},
  {PAUSE, SEAT_A, input::judge,       PAUSED, NONE},
  {PAUSE, SEAT_A, input::time_out,    DONE,   NONE},
  {PAUSE, SEAT_B, input::time_out,    DONE,   NONE},
  {PAUSE, SEAT_A, input::resume,      OK,     SPEAK},
  {PAUSE, SEAT_B, input::resume,      v1::ERROR_NOT_PAUSED_BY_YOU, NONE},
  {PAUSE, SEAT_B, input::check_in,    WRONG,  NONE},
  {PAUSE, SEAT_B, input::end_session, OK,     CHECK},
  // Check-in.
  {CHECK, SEAT_A, input::ready,       WRONG, NONE},
  {CHECK, SEAT_B, input::draft,       WRONG, NONE},
  {CHECK, SEAT_A, input::end_turn,    WRONG, NONE},
  {CHECK, SEAT_A, input::judge,       WRONG, NONE},
  {CHECK, SEAT_B, input::time_out,    WRONG, NONE},
  {CHECK, SEAT_A, input::resume,      WRONG, NONE},
  {CHECK, SEAT_A, input::end_session, DONE,  NONE},
  {CHECK, SEAT_A, input::check_in,    OK,    CHECK},
  {CHECK, SEAT_B, input::check_in,    OK,    CHECK},
  {CHECK, SEAT_B, input::hello,       HELLO, NONE},
  // Ended.
  {ENDED, SEAT_A, input::ready,       WRONG, NONE},
  {ENDED, SEAT_B, input::draft,       WRONG, NONE},
  {ENDED, SEAT_A, input::judge,       WRONG, NONE},
  {ENDED, SEAT_A, input::time_out,    WRONG, NONE},
  {ENDED, SEAT_B, input::end_session, DONE,  NONE},
  {ENDED, SEAT_A, input::check_in,    WRONG, NONE},
};
// clang-format on

class exercise_table : public testing::TestWithParam<row> {};

TEST_P(exercise_table, accepts_or_refuses_without_side_effects) {
  const row& r = GetParam();
  exercise e = in_phase(r.phase);
  ASSERT_EQ(e.phase(), r.phase);
  const std::string before = e.snapshot().SerializeAsString();

  const auto result = e.handle(r.from, make(r.what));
  if (r.error == OK) {
    ASSERT_TRUE(result.ok()) << result.error->message();
    EXPECT_EQ(e.phase(), r.phase_after);
    EXPECT_FALSE(result.out.empty());
  } else {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error->code(), r.error) << v1::ErrorCode_Name(result.error->code());
    EXPECT_FALSE(result.error->message().empty());
    EXPECT_TRUE(result.out.empty()) << "a refused input must relay nothing";
    EXPECT_EQ(e.snapshot().SerializeAsString(), before) << "a refused input must change nothing";
  }
}

std::string row_name(const testing::TestParamInfo<row>& info) {
  const row& r = info.param;
  return std::string(v1::Phase_Name(r.phase)).substr(6) + "_" + (r.from == SEAT_A ? "A" : "B") + "_" +
         input_name(r.what) + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(all, exercise_table, testing::ValuesIn(table), row_name);

// --- Scenarios ---------------------------------------------------------------

std::vector<const outbound*> of_kind(const exercise::result& r, v1::ServerMessage::BodyCase kind) {
  std::vector<const outbound*> out;
  for (const auto& o : r.out) {
    if (o.message.body_case() == kind) out.push_back(&o);
  }
  return out;
}

TEST(exercise, pairing_moves_to_ready_and_shows_names) {
  exercise e(settings_for(v1::MODE_TEXT, SEAT_A));
  auto r = join_keyed(e, SEAT_A, "Alex");
  expect_ok(r);
  EXPECT_EQ(e.phase(), v1::PHASE_WAITING_FOR_PARTNER);
  r = join_keyed(e, SEAT_B, "Sam");
  expect_ok(r);
  EXPECT_EQ(e.phase(), v1::PHASE_READY);
  EXPECT_EQ(member_of(e.snapshot(), v1::SEAT_A).name(), "Alex");
  EXPECT_EQ(member_of(e.snapshot(), v1::SEAT_B).name(), "Sam");
  EXPECT_FALSE(e.join(SEAT_B, "Intruder").ok());
}

TEST(exercise, round_starts_only_when_both_are_ready) {
  exercise e = in_phase(v1::PHASE_READY);
  expect_ok(e.handle(SEAT_B, ready()));
  EXPECT_EQ(e.phase(), v1::PHASE_READY);
  EXPECT_EQ(e.handle(SEAT_B, ready()).error->code(), v1::ERROR_ALREADY_DONE);
  expect_ok(e.handle(SEAT_A, ready()));
  EXPECT_EQ(e.phase(), v1::PHASE_SPEAKING);
  EXPECT_EQ(e.snapshot().round(), 1u);
  EXPECT_EQ(e.snapshot().floor_holder(), SEAT_A);
}

TEST(exercise, partner_can_be_chosen_to_speak_first) {
  exercise e(settings_for(v1::MODE_TEXT, SEAT_B));
  join_keyed(e, SEAT_A, "Alex");
  join_keyed(e, SEAT_B, "Sam");
  e.handle(SEAT_A, ready());
  e.handle(SEAT_B, ready());
  EXPECT_EQ(e.snapshot().speaker(), SEAT_B);
  EXPECT_EQ(e.handle(SEAT_A, draft("hi")).error->code(), v1::ERROR_NOT_YOUR_TURN);
  expect_ok(e.handle(SEAT_B, draft("hi")));
}

TEST(exercise, each_member_is_sent_its_own_view_of_the_snapshot_from_the_rules_it_meets) {
  exercise e = in_phase(v1::PHASE_READY);
  expect_ok(e.handle(SEAT_B, ready()));
  const auto r = e.handle(SEAT_A, ready());
  const auto states = of_kind(r, v1::ServerMessage::kStateChanged);
  ASSERT_EQ(states.size(), 2u) << "one per member";
  for (const auto* o : states) {
    const auto& s = o->message.state_changed().snapshot();
    const v1::Seat seat = o->to == to_a ? SEAT_A : SEAT_B;
    ASSERT_EQ(o->to, audience_of(seat));
    EXPECT_EQ(s.you().seat(), seat);
    EXPECT_EQ(s.phase(), v1::PHASE_SPEAKING);
    const auto may = [&](v1::Act a) {
      return std::find(s.you().allowed().begin(), s.you().allowed().end(), a) != s.you().allowed().end();
    };
    // What `you` offers is exactly what the exercise accepts from that seat.
    const auto moment = moment_of(s, seat);
    for (std::size_t i = 0; i < act_count; ++i) {
      EXPECT_EQ(may(static_cast<v1::Act>(i + 1)), moment.may(static_cast<act>(i))) << seat << " act " << i;
    }
    EXPECT_EQ(may(v1::ACT_WRITE), seat == SEAT_A) << "A speaks first";
    EXPECT_TRUE(may(v1::ACT_TIME_OUT));
    EXPECT_EQ(s.you().writes(), seat == SEAT_A);
    EXPECT_EQ(s.you().headline(), headline(s, seat));
  }
  EXPECT_EQ(e.snapshot_for(SEAT_B).you().headline(),
            "Alex is speaking - listen. You'll say it back when Alex is done.");
  EXPECT_FALSE(e.snapshot().has_you()) << "the shared snapshot (the state file's) is no one's view";
}

TEST(exercise, the_rules_read_the_state_as_it_is_after_every_kind_of_change) {
  // The rules' snapshot is kept between drafts; everything else renews it.
  exercise e = in_phase(v1::PHASE_SPEAKING);
  expect_ok(e.handle(SEAT_A, draft("a")));
  EXPECT_TRUE(e.rules_view_is_current());
  expect_ok(e.handle(SEAT_A, end_turn("a.")));
  EXPECT_TRUE(e.rules_view_is_current());
  EXPECT_EQ(e.handle(SEAT_A, draft("interrupting")).error->code(), v1::ERROR_NOT_YOUR_TURN) << "B holds the floor now";
  expect_ok(e.handle(SEAT_B, draft("you said a")));
  e.disconnect(SEAT_A);
  EXPECT_TRUE(e.rules_view_is_current());
  EXPECT_EQ(e.handle(SEAT_B, draft("you said a.")).error->code(), v1::ERROR_PARTNER_AWAY);
  e.reconnect(SEAT_A);
  expect_ok(e.handle(SEAT_B, draft("you said a..")));
  expect_ok(e.handle(SEAT_B, time_out()));
  EXPECT_EQ(e.handle(SEAT_B, draft("during the time-out")).error->code(), v1::ERROR_SESSION_PAUSED);
  EXPECT_TRUE(e.rules_view_is_current());
}

TEST(exercise, drafts_go_only_to_the_other_partner) {
  exercise e = in_phase(v1::PHASE_SPEAKING);
  auto r = e.handle(SEAT_A, draft("I have been"));
  expect_ok(r);
  ASSERT_EQ(r.out.size(), 1u);
  EXPECT_EQ(r.out[0].to, to_b) << "the speaker's own draft is not echoed (a counselor's is in guided_test)";
  EXPECT_EQ(r.out[0].message.draft_update().sealed().to(), SEAT_B) << "B's own box, and only that";
  EXPECT_EQ(text_of(r.out[0].message.draft_update().sealed()), "I have been");
  EXPECT_EQ(r.out[0].message.draft_update().author(), SEAT_A);
}

TEST(exercise, a_full_round_with_retry_and_more_switches_roles) {
  exercise e = in_phase(v1::PHASE_SPEAKING);
  auto r = e.handle(SEAT_A, end_turn("I felt alone last week."));
  expect_ok(r);
  auto turns = of_kind(r, v1::ServerMessage::kTurn);
  ASSERT_EQ(turns.size(), 2u) << "one for each partner, each with the box sealed for them";
  EXPECT_EQ(turns[0]->to, to_a);
  EXPECT_EQ(turns[1]->to, to_b);
  EXPECT_EQ(turns[1]->message.turn().sealed().to(), SEAT_B);
  EXPECT_EQ(turns[0]->message.turn().kind(), v1::TURN_KIND_STATEMENT);
  EXPECT_EQ(e.snapshot().floor_holder(), SEAT_B);

  expect_ok(e.handle(SEAT_B, end_turn("You were busy.")));
  EXPECT_EQ(e.phase(), v1::PHASE_CONFIRMING);

  r = e.handle(SEAT_A, judge(v1::VERDICT_NOT_QUITE, "I said alone, not busy."));
  expect_ok(r);
  auto judged = of_kind(r, v1::ServerMessage::kJudged);
  ASSERT_EQ(judged.size(), 2u);
  EXPECT_EQ(judged[1]->to, to_b);
  EXPECT_EQ(text_of(judged[1]->message.judged().sealed()), "I said alone, not busy.");
  EXPECT_EQ(e.phase(), v1::PHASE_PARAPHRASING);
  EXPECT_EQ(e.snapshot().attempt(), 2u);

  expect_ok(e.handle(SEAT_B, end_turn("You felt alone last week.")));
  expect_ok(e.handle(SEAT_A, judge(v1::VERDICT_ACCURATE_MORE)));
  EXPECT_EQ(e.phase(), v1::PHASE_SPEAKING);
  EXPECT_EQ(e.snapshot().speaker(), SEAT_A);
  EXPECT_EQ(e.snapshot().round(), 1u);
  EXPECT_EQ(e.snapshot().attempt(), 1u);

  expect_ok(e.handle(SEAT_A, end_turn("And I missed our walks.")));
  expect_ok(e.handle(SEAT_B, end_turn("You missed our walks too.")));
  expect_ok(e.handle(SEAT_A, judge(v1::VERDICT_ACCURATE_DONE)));
  EXPECT_EQ(e.phase(), v1::PHASE_SPEAKING);
  EXPECT_EQ(e.snapshot().speaker(), SEAT_B);
  EXPECT_EQ(e.snapshot().round(), 2u);
  EXPECT_EQ(e.snapshot().floor_holder(), SEAT_B);
}

TEST(exercise, missed_words_only_go_with_not_quite) {
  exercise e = in_phase(v1::PHASE_CONFIRMING);
  EXPECT_EQ(e.handle(SEAT_A, judge(v1::VERDICT_ACCURATE_DONE, "extra")).error->code(), v1::ERROR_INVALID_VERDICT);
  EXPECT_EQ(e.handle(SEAT_A, judge(v1::VERDICT_UNSPECIFIED)).error->code(), v1::ERROR_INVALID_VERDICT);
  EXPECT_EQ(e.handle(SEAT_A, judge(static_cast<v1::Verdict>(99))).error->code(), v1::ERROR_INVALID_VERDICT);
  expect_ok(e.handle(SEAT_A, judge(v1::VERDICT_NOT_QUITE)));
}

TEST(exercise, pause_freezes_the_floor_and_resume_returns_to_it) {
  exercise e = in_phase(v1::PHASE_PARAPHRASING);
  expect_ok(e.handle(SEAT_B, time_out()));
  EXPECT_EQ(e.snapshot().paused_phase(), v1::PHASE_PARAPHRASING);
  EXPECT_EQ(e.snapshot().paused_by(), SEAT_B);
  EXPECT_EQ(e.snapshot().floor_holder(), v1::SEAT_UNSPECIFIED);
  EXPECT_EQ(e.handle(SEAT_B, draft("x")).error->code(), v1::ERROR_SESSION_PAUSED);
  EXPECT_EQ(e.handle(SEAT_A, resume()).error->code(), v1::ERROR_NOT_PAUSED_BY_YOU);
  expect_ok(e.handle(SEAT_B, resume()));
  EXPECT_EQ(e.phase(), v1::PHASE_PARAPHRASING);
  EXPECT_EQ(e.snapshot().floor_holder(), SEAT_B);
}

// The server cannot read the words: it checks what it can see of them, the
// boxes (one per member, of a padded size within its limit), and refuses
// words in the clear. The text rules are the clients' (session_client_test).
TEST(exercise, sealed_words_are_checked_for_what_the_server_can_see) {
  exercise e(settings_for(v1::MODE_TEXT, SEAT_A, {10, 5}));  // 10 characters: boxes up to the 256-byte bucket
  join_keyed(e, SEAT_A, "Alex");
  join_keyed(e, SEAT_B, "Sam");
  e.handle(SEAT_A, ready());
  e.handle(SEAT_B, ready());
  const auto before = e.snapshot().SerializeAsString();
  EXPECT_EQ(e.handle(SEAT_A, draft(std::string(300, 'x'))).error->code(), v1::ERROR_TEXT_TOO_LONG);
  EXPECT_EQ(e.handle(SEAT_A, end_turn("")).error->code(), v1::ERROR_EMPTY_TEXT);

  v1::ClientMessage in_the_clear;
  in_the_clear.mutable_draft()->set_text("I never told you");
  EXPECT_EQ(e.handle(SEAT_A, in_the_clear).error->code(), v1::ERROR_MALFORMED);

  auto odd_size = draft("hello");
  odd_size.mutable_draft()->mutable_sealed(1)->mutable_box()->pop_back();
  EXPECT_EQ(e.handle(SEAT_A, odd_size).error->code(), v1::ERROR_BAD_SEALING);

  auto missing_b = draft("hello");
  missing_b.mutable_draft()->mutable_sealed()->DeleteSubrange(1, 1);  // A, (B), counselor
  EXPECT_EQ(e.handle(SEAT_A, missing_b).error->code(), v1::ERROR_BAD_SEALING);

  auto twice_for_a = draft("hello");
  twice_for_a.mutable_draft()->mutable_sealed(1)->set_to(SEAT_A);
  EXPECT_EQ(e.handle(SEAT_A, twice_for_a).error->code(), v1::ERROR_BAD_SEALING);
  EXPECT_EQ(e.snapshot().SerializeAsString(), before) << "a refusal changes nothing";

  auto r = e.handle(SEAT_A, draft("hello"));
  expect_ok(r);
  ASSERT_EQ(r.out.size(), 1u) << "the counselor's box is dropped: this session has none";
  EXPECT_EQ(text_of(r.out[0].message.draft_update().sealed()), "hello");
  expect_ok(e.handle(SEAT_A, end_turn("\xE2\x9D\xA4\xEF\xB8\x8F")));  // an emoji a person typed
}

TEST(exercise, keys_are_given_once_in_order_and_the_round_waits_for_them) {
  exercise e(settings_for(v1::MODE_TEXT, SEAT_A));
  e.join(SEAT_A, "Alex");
  e.join(SEAT_B, "Sam");
  EXPECT_EQ(e.handle(SEAT_A, reveal_key(SEAT_A)).error->code(), v1::ERROR_WRONG_PHASE) << "commit first";
  expect_ok(e.handle(SEAT_A, commit_key(SEAT_A)));
  expect_ok(e.handle(SEAT_A, commit_key(SEAT_A)));  // a resend is harmless
  EXPECT_EQ(e.handle(SEAT_A, commit_key(SEAT_B)).error->code(), v1::ERROR_BAD_SEALING) << "never changed";
  EXPECT_EQ(e.handle(SEAT_A, reveal_key(SEAT_A)).error->code(), v1::ERROR_KEYS_PENDING) << "B has not committed";
  v1::ClientMessage short_key;
  short_key.mutable_keys()->set_commitment("short");
  EXPECT_EQ(e.handle(SEAT_B, short_key).error->code(), v1::ERROR_BAD_SEALING);
  expect_ok(e.handle(SEAT_B, commit_key(SEAT_B)));
  EXPECT_EQ(e.phase(), v1::PHASE_WAITING_FOR_PARTNER) << "both here, but nothing can be sealed to all yet";
  expect_ok(e.handle(SEAT_A, ready()));  // said on seeing the partner join: kept
  expect_ok(e.handle(SEAT_A, reveal_key(SEAT_A)));
  EXPECT_EQ(e.phase(), v1::PHASE_WAITING_FOR_PARTNER);
  expect_ok(e.handle(SEAT_B, reveal_key(SEAT_B)));
  EXPECT_EQ(member_of(e.snapshot(), SEAT_B).public_key(), test_key(SEAT_B, 'k'));
  EXPECT_EQ(e.phase(), v1::PHASE_READY) << "the last key in makes the session ready";
  expect_ok(e.handle(SEAT_B, ready()));
  EXPECT_EQ(e.phase(), v1::PHASE_SPEAKING);
}

TEST(exercise, spoken_mode_carries_no_text) {
  exercise e = in_phase(v1::PHASE_SPEAKING, v1::MODE_SPOKEN);
  EXPECT_EQ(e.handle(SEAT_A, draft("words")).error->code(), v1::ERROR_TEXT_NOT_ALLOWED);
  EXPECT_EQ(e.handle(SEAT_A, end_turn("words")).error->code(), v1::ERROR_TEXT_NOT_ALLOWED);
  expect_ok(e.handle(SEAT_A, end_turn("")));
  expect_ok(e.handle(SEAT_B, end_turn("")));
  EXPECT_EQ(e.handle(SEAT_A, judge(v1::VERDICT_NOT_QUITE, "words")).error->code(), v1::ERROR_TEXT_NOT_ALLOWED);
  expect_ok(e.handle(SEAT_A, judge(v1::VERDICT_ACCURATE_DONE)));
  EXPECT_EQ(e.snapshot().speaker(), SEAT_B);
}

TEST(exercise, check_in_results_go_to_both_once_both_answered) {
  exercise e = in_phase(v1::PHASE_CHECK_IN);
  // The numbers are sealed: the partner's client checks them, not the server.
  auto r = e.handle(SEAT_A, check_in(5, 4, 5, "Thank you."));
  expect_ok(r);
  EXPECT_TRUE(of_kind(r, v1::ServerMessage::kCheckInResults).empty()) << "no results before both answered";
  EXPECT_TRUE(member_of(e.snapshot(), v1::SEAT_A).checked_in());
  EXPECT_EQ(e.handle(SEAT_A, check_in()).error->code(), v1::ERROR_ALREADY_DONE);

  r = e.handle(SEAT_B, check_in(3, 3, 4));
  expect_ok(r);
  auto results = of_kind(r, v1::ServerMessage::kCheckInResults);
  ASSERT_EQ(results.size(), 2u) << "each partner gets the answers as sealed for them";
  EXPECT_EQ(results[0]->to, to_a);
  EXPECT_EQ(results[1]->to, to_b);
  const auto& answers = results[1]->message.check_in_results().answers();
  ASSERT_EQ(answers.size(), 2);
  EXPECT_EQ(answers[0].seat(), SEAT_A);
  EXPECT_EQ(answers[0].sealed().to(), SEAT_B);
  v1::CheckIn a_answers;
  ASSERT_TRUE(a_answers.ParseFromString(text_of(answers[0].sealed())));
  EXPECT_EQ(a_answers.words(), "Thank you.");
  v1::CheckIn b_answers;
  ASSERT_TRUE(b_answers.ParseFromString(text_of(answers[1].sealed())));
  EXPECT_EQ(b_answers.partner_invested(), 4u);
  EXPECT_TRUE(e.ended());
  // The results come before the final state, so a client shows them first.
  EXPECT_EQ(r.out.back().message.state_changed().snapshot().phase(), v1::PHASE_ENDED);
}

TEST(exercise, a_partner_leaving_mid_round_sends_the_other_to_check_in) {
  exercise e = in_phase(v1::PHASE_PARAPHRASING);
  auto r = e.leave(SEAT_B);
  expect_ok(r);
  auto left = of_kind(r, v1::ServerMessage::kPartnerLeft);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_TRUE(addresses(left[0]->to, SEAT_A));
  EXPECT_FALSE(addresses(left[0]->to, SEAT_B));
  EXPECT_EQ(e.phase(), v1::PHASE_CHECK_IN);
  r = e.handle(SEAT_A, check_in(2, 2, 2));
  expect_ok(r);
  auto results = of_kind(r, v1::ServerMessage::kCheckInResults);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0]->message.check_in_results().answers(1).answered());
  EXPECT_TRUE(e.ended());
}

TEST(exercise, leaving_after_the_other_answered_completes_the_check_in) {
  exercise e = in_phase(v1::PHASE_CHECK_IN);
  expect_ok(e.handle(SEAT_A, check_in()));
  auto r = e.leave(SEAT_B);
  expect_ok(r);
  EXPECT_EQ(of_kind(r, v1::ServerMessage::kCheckInResults).size(), 1u);
  EXPECT_TRUE(e.ended());
}

TEST(exercise, the_creator_leaving_before_anyone_joined_ends_it) {
  exercise e = in_phase(v1::PHASE_WAITING_FOR_PARTNER);
  expect_ok(e.leave(SEAT_A));
  EXPECT_TRUE(e.ended());
  EXPECT_FALSE(e.join(SEAT_B, "late").ok());
}

TEST(exercise, a_partner_who_left_can_do_nothing) {
  exercise e = in_phase(v1::PHASE_SPEAKING);
  expect_ok(e.leave(SEAT_A));
  EXPECT_FALSE(e.handle(SEAT_A, check_in()).ok());
  EXPECT_FALSE(e.leave(SEAT_A).ok());
}

}  // namespace
}  // namespace heard

namespace heard {
namespace {

TEST(exercise_links, a_drop_pauses_the_floor_and_the_return_resumes_it) {
  exercise e = in_phase(v1::PHASE_PARAPHRASING);
  auto r = e.disconnect(SEAT_B);
  expect_ok(r);
  auto s = e.snapshot();
  EXPECT_EQ(s.phase(), v1::PHASE_PAUSED);
  EXPECT_EQ(s.pause_reason(), v1::PAUSE_REASON_PARTNER_AWAY);
  EXPECT_EQ(s.paused_by(), SEAT_B);
  EXPECT_EQ(member_of(s, v1::SEAT_B).link(), v1::LINK_DROPPED);
  // The one still here can neither type into the frozen floor nor lift the pause.
  EXPECT_EQ(e.handle(SEAT_A, resume()).error->code(), v1::ERROR_PARTNER_AWAY);
  EXPECT_EQ(e.handle(SEAT_A, time_out()).error->code(), v1::ERROR_ALREADY_DONE);
  EXPECT_EQ(e.handle(SEAT_A, judge(v1::VERDICT_ACCURATE_DONE)).error->code(), v1::ERROR_PARTNER_AWAY);
  expect_ok(e.reconnect(SEAT_B));
  EXPECT_EQ(e.phase(), v1::PHASE_PARAPHRASING);
  EXPECT_EQ(member_of(e.snapshot(), v1::SEAT_B).link(), v1::LINK_CONNECTED);
  EXPECT_EQ(e.snapshot().floor_holder(), SEAT_B);
}

TEST(exercise_links, a_time_out_outlives_a_drop_of_the_other_partner) {
  exercise e = in_phase(v1::PHASE_SPEAKING);
  expect_ok(e.handle(SEAT_A, time_out()));
  expect_ok(e.disconnect(SEAT_B));
  EXPECT_EQ(e.snapshot().pause_reason(), v1::PAUSE_REASON_TIME_OUT);
  // A resumes their time-out while B is still away: the session stays paused for B.
  expect_ok(e.handle(SEAT_A, resume()));
  EXPECT_EQ(e.phase(), v1::PHASE_PAUSED);
  EXPECT_EQ(e.snapshot().pause_reason(), v1::PAUSE_REASON_PARTNER_AWAY);
  expect_ok(e.reconnect(SEAT_B));
  EXPECT_EQ(e.phase(), v1::PHASE_SPEAKING);
}

TEST(exercise_links, a_time_out_called_before_dropping_survives_the_return) {
  exercise e = in_phase(v1::PHASE_SPEAKING);
  expect_ok(e.handle(SEAT_B, time_out()));
  expect_ok(e.disconnect(SEAT_B));
  expect_ok(e.reconnect(SEAT_B));
  EXPECT_EQ(e.phase(), v1::PHASE_PAUSED);
  EXPECT_EQ(e.snapshot().paused_by(), SEAT_B);
  expect_ok(e.handle(SEAT_B, resume()));
  EXPECT_EQ(e.phase(), v1::PHASE_SPEAKING);
}

TEST(exercise_links, both_dropping_needs_both_back) {
  exercise e = in_phase(v1::PHASE_CONFIRMING);
  expect_ok(e.disconnect(SEAT_A));
  expect_ok(e.disconnect(SEAT_B));
  expect_ok(e.reconnect(SEAT_A));
  EXPECT_EQ(e.phase(), v1::PHASE_PAUSED);
  EXPECT_EQ(e.snapshot().paused_by(), SEAT_B);
  expect_ok(e.reconnect(SEAT_B));
  EXPECT_EQ(e.phase(), v1::PHASE_CONFIRMING);
}

TEST(exercise_links, a_partner_joining_while_the_creator_is_away_waits_paused) {
  exercise e = in_phase(v1::PHASE_WAITING_FOR_PARTNER);
  expect_ok(e.disconnect(SEAT_A));
  EXPECT_EQ(e.phase(), v1::PHASE_WAITING_FOR_PARTNER);
  expect_ok(join_keyed(e, SEAT_B, "Sam"));
  EXPECT_EQ(e.phase(), v1::PHASE_PAUSED);
  EXPECT_EQ(e.snapshot().paused_phase(), v1::PHASE_READY);
  expect_ok(e.reconnect(SEAT_A));
  EXPECT_EQ(e.phase(), v1::PHASE_READY);
}

TEST(exercise_links, overdue_is_told_and_no_longer_holds_up_the_check_in) {
  exercise e = in_phase(v1::PHASE_SPEAKING);
  expect_ok(e.disconnect(SEAT_B));
  expect_ok(e.overdue(SEAT_B));
  EXPECT_EQ(member_of(e.snapshot(), v1::SEAT_B).link(), v1::LINK_OVERDUE);
  expect_ok(e.handle(SEAT_A, end_session()));
  EXPECT_EQ(e.phase(), v1::PHASE_CHECK_IN);
  auto r = e.handle(SEAT_A, check_in());
  expect_ok(r);
  EXPECT_TRUE(e.ended());
}

TEST(exercise_links, an_overdue_partner_may_still_come_back) {
  exercise e = in_phase(v1::PHASE_SPEAKING);
  expect_ok(e.disconnect(SEAT_B));
  expect_ok(e.overdue(SEAT_B));
  expect_ok(e.reconnect(SEAT_B));
  EXPECT_EQ(e.phase(), v1::PHASE_SPEAKING);
}

TEST(exercise_links, link_events_out_of_order_are_refused_without_change) {
  exercise e = in_phase(v1::PHASE_SPEAKING);
  EXPECT_FALSE(e.reconnect(SEAT_A).ok());
  EXPECT_FALSE(e.overdue(SEAT_A).ok());
  expect_ok(e.disconnect(SEAT_A));
  EXPECT_FALSE(e.disconnect(SEAT_A).ok());
}

}  // namespace
}  // namespace heard
