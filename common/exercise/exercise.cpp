// The exercise: its clock, its snapshot, and the turn itself (ready, the
// floor, the verdict, time-outs). Seats, the check-in and the counselor's
// controls are in exercise_presence.cpp, exercise_check_in.cpp and
// exercise_counsel.cpp; who may act when is common/exercise/turn_rules.
#include "codec.hpp"
#include "exercise_internal.hpp"
#include "moment_words.hpp"
#include "sealed_format.hpp"
#include "turn_rules.hpp"

namespace heard {
using exercise_internal::make_refusal;
using exercise_internal::refused;

namespace {

// Up to four bytes a character, and a check-in's scores and flags beside its words.
std::size_t content_bytes_for(const exercise_limits& l) {
  return std::max(l.max_turn_chars, l.max_check_in_chars) * 4 + 32;
}

}  // namespace

std::size_t exercise_limits::max_bucket() const {
  return sealed_format::bucket_for(content_bytes_for(*this)).value_or(sealed_format::buckets.back());
}

bool exercise_limits::fit_buckets() const { return sealed_format::bucket_for(content_bytes_for(*this)).has_value(); }

std::size_t exercise_limits::max_input_bytes() const {
  constexpr std::size_t per_box_fields = 16;  // Sealed's seat, counter and the box's length
  constexpr std::size_t envelope = 256;       // the input's id, ack and body tags
  return all_seats.size() * (sealed_format::box_bytes(max_bucket()) + per_box_fields) + envelope;
}

exercise::exercise(exercise_settings settings) : settings_(std::move(settings)), speaker_(settings_.first_speaker) {
  if (settings_.mode == v1::MODE_UNSPECIFIED) settings_.mode = v1::MODE_TEXT;
  if (speaker_ != v1::SEAT_B) speaker_ = v1::SEAT_A;
}

// --- Time ---------------------------------------------------------------------------

std::chrono::milliseconds exercise::floor_limit() const {
  const v1::Phase phase = phase_ == v1::PHASE_PAUSED ? paused_phase_ : phase_;
  std::chrono::milliseconds base{0};
  if (phase == v1::PHASE_SPEAKING) base = settings_.speak_limit;
  if (phase == v1::PHASE_PARAPHRASING) base = settings_.reflect_limit;
  return base.count() > 0 ? base + floor_extension_ : base;
}

bool exercise::timer_running() const {
  return (phase_ == v1::PHASE_SPEAKING || phase_ == v1::PHASE_PARAPHRASING) && !held_ && floor_limit().count() > 0;
}

std::optional<exercise::clock_ms> exercise::deadline() const {
  if (!timer_running()) return std::nullopt;
  const auto left = floor_limit() - floor_used_;
  return now_ + (left.count() > 0 ? left : clock_ms{0});
}

exercise::result exercise::advance_to(clock_ms now) {
  result r;
  if (now < now_) return r;  // never backwards
  const auto step = now - now_;
  if (started_ && !ended()) phase_ms_[phase_] += static_cast<std::uint64_t>(step.count());
  if (timer_running()) floor_used_ += step;
  now_ = now;
  if (timer_running() && floor_used_ >= floor_limit()) {
    // Time is up: the floor moves on with whatever was written so far.
    const forget_rules_view forget(rules_view_);
    commit_floor(r, std::move(floor_draft_), floor_end::timed_out);
  }
  return r;
}

void exercise::new_floor() {
  floor_used_ = clock_ms{0};
  floor_extension_ = clock_ms{0};
  floor_draft_.clear();
}

// --- The snapshot -----------------------------------------------------------------

v1::Seat exercise::floor_holder() const {
  switch (phase_) {
    case v1::PHASE_SPEAKING:
    case v1::PHASE_CONFIRMING: return speaker_;
    case v1::PHASE_PARAPHRASING: return listener();
    default: return v1::SEAT_UNSPECIFIED;
  }
}

std::optional<v1::DraftUpdate> exercise::current_draft(v1::Seat seat) const {
  const v1::Snapshot s = snapshot();
  const v1::Seat writer = writer_of(s);
  if (writer == v1::SEAT_UNSPECIFIED || writer == seat) return std::nullopt;
  for (const auto& box : floor_draft_) {
    if (box.to() != seat) continue;
    v1::DraftUpdate d;
    d.set_author(writer);
    *d.mutable_sealed() = box;
    d.set_round(round_);
    d.set_attempt(attempt_);
    return d;
  }
  return std::nullopt;
}

v1::Snapshot exercise::snapshot() const {
  v1::Snapshot s;
  s.set_phase(phase_);
  s.set_mode(settings_.mode);
  s.set_round(round_);
  s.set_attempt(attempt_);
  s.set_speaker(speaker_);
  s.set_floor_holder(held_ ? v1::SEAT_UNSPECIFIED : floor_holder());
  s.set_paused_phase(paused_phase_);
  s.set_paused_by(paused_by_);
  s.set_ended_by(ended_by_);
  for (const v1::Seat seat : all_seats) {
    if (seat == v1::SEAT_COUNSELOR && !settings_.guided) continue;
    const auto& from = member(seat);
    auto& to = member_in(s, seat);
    to.set_present(from.present);
    to.set_ready(from.ready);
    to.set_checked_in(from.check_in.has_value());
    to.set_link(from.link);
    to.set_name(from.name);
    to.set_key_commitment(from.key_commitment);
    to.set_public_key(from.public_key);
  }
  s.set_pause_reason(pause_reason_);
  s.set_guided(settings_.guided);
  s.set_held(held_);
  s.set_topic_given(!topic_.empty());
  s.set_rounds_limit(settings_.rounds);
  s.set_next_speaker(next_speaker_ != v1::SEAT_UNSPECIFIED ? next_speaker_ : other_partner(speaker_));
  if (const auto limit = floor_limit();
      limit.count() > 0 && is_exercise_phase(phase_ == v1::PHASE_PAUSED ? paused_phase_ : phase_)) {
    auto* t = s.mutable_timer();
    t->set_limit_ms(static_cast<std::uint32_t>(limit.count()));
    const auto left = limit - floor_used_;
    t->set_left_ms(static_cast<std::uint32_t>(left.count() > 0 ? left.count() : 0));
    t->set_running(timer_running());
  }
  return s;
}

v1::Snapshot exercise::snapshot_for(v1::Seat seat) const {
  v1::Snapshot s = snapshot();
  describe_for(s, seat);
  return s;
}

// Each member gets its own copy: the snapshot is the same, `you` is theirs.
void exercise::push_state(result& r) const {
  const v1::Snapshot s = snapshot();
  for (const v1::Seat seat : session_seats(s)) {
    v1::ServerMessage m;
    auto* mine = m.mutable_state_changed()->mutable_snapshot();
    *mine = s;
    describe_for(*mine, seat);
    r.out.push_back({audience_of(seat), std::move(m)});
  }
}

// --- Inputs -----------------------------------------------------------------------------

exercise::result exercise::handle(v1::Seat from, v1::ClientMessage message) {
  // A draft changes nothing a snapshot shows; anything else may.
  std::optional<forget_rules_view> forget;
  if (!message.has_draft()) forget.emplace(rules_view_);
  if (!member(from).present) return refused(*rule(from, act::end_session));  // "not in this session"
  if (carries_plaintext(message)) {
    return refused(v1::ERROR_MALFORMED, "Words travel sealed since protocol 3: a text field was set in the clear.");
  }
  switch (message.body_case()) {
    case v1::ClientMessage::kHello:
      return refused(v1::ERROR_HELLO_REQUIRED, "Hello is only the first message of a connection.");
    case v1::ClientMessage::kReady: return on_ready(from);
    case v1::ClientMessage::kDraft: return on_draft(from, *message.mutable_draft());
    case v1::ClientMessage::kEndTurn: return on_end_turn(from, *message.mutable_end_turn());
    case v1::ClientMessage::kJudge: return on_judge(from, *message.mutable_judge());
    case v1::ClientMessage::kTimeOut: return on_time_out(from);
    case v1::ClientMessage::kResume: return on_resume(from);
    case v1::ClientMessage::kEndSession: return on_end_session(from);
    case v1::ClientMessage::kCheckIn: return on_check_in(from, *message.mutable_check_in());
    case v1::ClientMessage::kCounsel: return on_counsel(from, *message.mutable_counsel());
    case v1::ClientMessage::kKeys: return on_keys(from, message.keys());
    case v1::ClientMessage::kTopic: return on_topic(from, *message.mutable_topic());
    default: break;
  }
  return refused(v1::ERROR_MALFORMED, "The message has no known body.");
}

std::optional<v1::Error> exercise::rule(v1::Seat from, act what) const {
  if (!rules_view_) rules_view_ = snapshot();
  return refusal(*rules_view_, from, what);
}

bool exercise::rules_view_is_current() const {
  if (!rules_view_) return true;
  // The timer's time left moves with the clock and no rule reads it.
  v1::Snapshot now = snapshot();
  v1::Snapshot kept = *rules_view_;
  now.mutable_timer()->clear_left_ms();
  kept.mutable_timer()->clear_left_ms();
  return now.SerializeAsString() == kept.SerializeAsString();
}

void exercise::start_round(std::uint32_t round, v1::Seat speaker) {
  if (!started_) started_ = now_;
  round_ = round;
  speaker_ = speaker;
  attempt_ = 1;
  next_speaker_ = v1::SEAT_UNSPECIFIED;
  phase_ = v1::PHASE_SPEAKING;
  new_floor();
}

exercise::result exercise::on_ready(v1::Seat from) {
  if (auto e = rule(from, act::ready)) return refused(std::move(*e));
  auto& p = member(from);
  p.ready = true;
  start_if_both_ready();
  result r;
  push_state(r);
  return r;
}

void exercise::ready_if_everyone_is_in() {
  // Ready means every member is here with a key (and the topic, if one
  // follows, has come): every word from then on can be sealed to all of them,
  // so nothing that needs words waits on keys.
  if (phase_ != v1::PHASE_WAITING_FOR_PARTNER || !member(v1::SEAT_A).present || !member(v1::SEAT_B).present ||
      !keys_complete(snapshot()) || (settings_.topic_follows && topic_.empty())) {
    return;
  }
  phase_ = v1::PHASE_READY;
  if (auto away = someone_away()) return pause_for_absence(*away);
  start_if_both_ready();  // both said so while the keys were arriving
}

void exercise::start_if_both_ready() {
  // Self-guided, the pair begins when both are ready; guided, the counselor
  // starts - unless the counselor has left, and the pair goes on by themselves.
  if (phase_ == v1::PHASE_READY && !counselor_starts() && member(v1::SEAT_A).ready && member(v1::SEAT_B).ready) {
    start_round(1, speaker_);
  }
}

exercise::result exercise::on_keys(v1::Seat from, const v1::Keys& keys) {
  auto& me = member(from);
  const bool commit = !keys.commitment().empty();
  if (commit == !keys.public_key().empty()) {
    return refused(v1::ERROR_MALFORMED, "Keys carries a commitment or a public key: exactly one.");
  }
  const std::string& value = commit ? keys.commitment() : keys.public_key();
  if (value.size() != sealed_format::key_bytes) {
    return refused(v1::ERROR_BAD_SEALING, "A key or commitment is 32 bytes.");
  }
  std::string& slot = commit ? me.key_commitment : me.public_key;
  if (slot == value) return {};  // a resend of what we have
  if (!slot.empty()) return refused(v1::ERROR_BAD_SEALING, "Your key for this session is given; it cannot change.");
  if (!commit) {
    if (me.key_commitment.empty()) return refused(v1::ERROR_WRONG_PHASE, "Commit to your key before revealing it.");
    for (v1::Seat seat : session_seats(snapshot())) {
      if (member(seat).key_commitment.empty()) {
        return refused(v1::ERROR_KEYS_PENDING, "Not everyone has committed to a key yet; reveal yours after.");
      }
    }
  }
  slot = value;
  ready_if_everyone_is_in();
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::on_topic(v1::Seat from, v1::Topic& topic) {
  if (from != creator()) {
    return refused(v1::ERROR_INVALID_ARGUMENT, "Only the one who started the session gives its topic.");
  }
  if (ended()) return refused(v1::ERROR_WRONG_PHASE, "The session is over.");
  if (!topic_.empty()) return refused(v1::ERROR_ALREADY_DONE, "The topic is already given.");
  if (!keys_complete(snapshot())) {
    return refused(v1::ERROR_KEYS_PENDING, "The topic is sealed to everyone: it goes once every key is in.");
  }
  if (topic.sealed().empty()) return refused(v1::ERROR_EMPTY_TEXT, "The topic is empty.");
  sealed_boxes boxes;
  if (auto e = take_sealed(*topic.mutable_sealed(), boxes)) return refused(std::move(*e));
  result r;
  v1::ServerMessage m;
  m.mutable_topic_set()->set_from(from);
  topic_ = std::move(boxes);  // kept for every later Welcome
  fan_out(r, everyone, std::move(m), std::as_const(topic_), [](v1::ServerMessage& out, v1::Sealed&& box) {
    *out.mutable_topic_set()->mutable_sealed() = std::move(box);
  });
  ready_if_everyone_is_in();  // the topic is shown before anything else is said
  push_state(r);
  return r;
}

std::optional<v1::TopicSet> exercise::topic_for(v1::Seat seat) const {
  for (const auto& box : topic_) {
    if (box.to() != seat) continue;
    v1::TopicSet t;
    t.set_from(creator());
    *t.mutable_sealed() = box;
    return t;
  }
  return std::nullopt;
}

std::optional<v1::Error> exercise::take_sealed(google::protobuf::RepeatedPtrField<v1::Sealed>& in,
                                               sealed_boxes& out) const {
  out.clear();
  out.reserve(static_cast<std::size_t>(in.size()));
  unsigned seen = 0;
  for (auto& box : in) {
    const unsigned bit = audience_of(box.to());
    if (bit == 0 || (seen & bit) != 0) {
      return make_refusal(v1::ERROR_BAD_SEALING, "Each member gets exactly one sealed box.");
    }
    seen |= bit;
    if (!sealed_format::valid_box_size(box.box().size(), sealed_format::buckets.back())) {
      return make_refusal(v1::ERROR_BAD_SEALING, "A sealed box is not of a padded size.");
    }
    if (!sealed_format::valid_box_size(box.box().size(), settings_.limits.max_bucket())) {
      return make_refusal(v1::ERROR_TEXT_TOO_LONG, "That is longer than this server takes.");
    }
    const auto& m = member(box.to());
    if (m.present && !m.public_key.empty()) out.push_back(std::move(box));
  }
  for (v1::Seat seat : all_seats) {
    const auto& m = member(seat);
    if (m.present && !m.public_key.empty() && (seen & audience_of(seat)) == 0) {
      return make_refusal(v1::ERROR_BAD_SEALING,
                          std::string("Nothing was sealed for ") + seat_label(seat) + ", who is in the session.");
    }
  }
  return std::nullopt;
}

std::optional<v1::Error> exercise::check_turn_boxes(google::protobuf::RepeatedPtrField<v1::Sealed>& in, bool final,
                                                    sealed_boxes& out) const {
  if (settings_.mode == v1::MODE_SPOKEN) {
    if (in.empty() && final) return std::nullopt;
    return make_refusal(v1::ERROR_TEXT_NOT_ALLOWED, "This is a spoken session: talk, and Heard holds the floor.");
  }
  if (in.empty()) return make_refusal(v1::ERROR_EMPTY_TEXT, "There is nothing to send yet.");
  return take_sealed(in, out);
}

exercise::result exercise::on_draft(v1::Seat from, v1::Draft& draft) {
  if (auto e = rule(from, act::write)) return refused(std::move(*e));
  sealed_boxes boxes;
  if (auto e = check_turn_boxes(*draft.mutable_sealed(), false, boxes)) return refused(std::move(*e));
  result r;
  v1::ServerMessage m;
  auto* update = m.mutable_draft_update();
  update->set_author(from);
  update->set_round(round_);
  update->set_attempt(attempt_);
  // The partner sees it grow, and so does a counselor.
  // The floor keeps the draft (the time-up commits it): the events get copies.
  floor_draft_ = std::move(boxes);
  fan_out(
      r, audience_of(other_partner(from)) | to_counselor, std::move(m), std::as_const(floor_draft_),
      [](v1::ServerMessage& out, v1::Sealed&& box) { *out.mutable_draft_update()->mutable_sealed() = std::move(box); });
  return r;
}

exercise::result exercise::on_end_turn(v1::Seat from, v1::EndTurn& end) {
  if (auto e = rule(from, act::write)) return refused(std::move(*e));
  sealed_boxes boxes;
  if (auto e = check_turn_boxes(*end.mutable_sealed(), true, boxes)) return refused(std::move(*e));
  result r;
  commit_floor(r, std::move(boxes), floor_end::finished);
  return r;
}

void exercise::commit_floor(result& r, sealed_boxes text, floor_end how) {
  const bool timed_out = how == floor_end::timed_out;
  const bool moved_on = how == floor_end::moved_on;
  const v1::Seat author = floor_holder();
  v1::ServerMessage m;
  auto* turn = m.mutable_turn();
  turn->set_author(author);
  turn->set_kind(phase_ == v1::PHASE_SPEAKING ? v1::TURN_KIND_STATEMENT : v1::TURN_KIND_PARAPHRASE);
  turn->set_round(round_);
  turn->set_attempt(attempt_);
  turn->set_timed_out(timed_out);
  turn->set_moved_on(moved_on);
  fan_out(r, everyone, std::move(m), std::move(text),
          [](v1::ServerMessage& out, v1::Sealed&& box) { *out.mutable_turn()->mutable_sealed() = std::move(box); });
  if (phase_ == v1::PHASE_SPEAKING) {
    v1::SessionSummary::Statement s;
    s.set_round(round_);
    s.set_speaker(speaker_);
    s.set_timed_out(timed_out);
    s.set_moved_on(moved_on);
    statements_.push_back(s);
    phase_ = v1::PHASE_PARAPHRASING;
  } else {
    phase_ = v1::PHASE_CONFIRMING;
  }
  if (!statements_.empty()) statements_.back().set_attempts(attempt_);
  new_floor();
  push_state(r);
}

exercise::result exercise::on_judge(v1::Seat from, v1::Judge& judge) {
  if (auto e = rule(from, act::judge)) return refused(std::move(*e));
  const v1::Verdict verdict = judge.verdict();
  if (verdict != v1::VERDICT_ACCURATE_DONE && verdict != v1::VERDICT_ACCURATE_MORE &&
      verdict != v1::VERDICT_NOT_QUITE) {
    return refused(v1::ERROR_INVALID_VERDICT, "Say accurate, there is more, or not quite.");
  }
  sealed_boxes missed;
  if (!judge.sealed().empty()) {
    if (verdict != v1::VERDICT_NOT_QUITE) {
      return refused(v1::ERROR_INVALID_VERDICT, "Words on what was missed only go with \"not quite\".");
    }
    if (settings_.mode == v1::MODE_SPOKEN) {
      return refused(v1::ERROR_TEXT_NOT_ALLOWED, "This is a spoken session: say what was missed aloud.");
    }
    if (auto e = take_sealed(*judge.mutable_sealed(), missed)) return refused(std::move(*e));
  }

  result r;
  v1::ServerMessage m;
  auto* judged = m.mutable_judged();
  judged->set_by(from);
  judged->set_verdict(verdict);
  judged->set_round(round_);
  judged->set_attempt(attempt_);
  fan_out(r, everyone, std::move(m), std::move(missed),
          [](v1::ServerMessage& out, v1::Sealed&& box) { *out.mutable_judged()->mutable_sealed() = std::move(box); });

  switch (verdict) {
    case v1::VERDICT_ACCURATE_DONE:
      if (settings_.rounds > 0 && round_ >= settings_.rounds) {
        go_to_check_in();  // the rounds the session was made for are done
        break;
      }
      start_round(round_ + 1, next_speaker_ != v1::SEAT_UNSPECIFIED ? next_speaker_ : other_partner(speaker_));
      break;
    case v1::VERDICT_ACCURATE_MORE:
      attempt_ = 1;
      phase_ = v1::PHASE_SPEAKING;
      new_floor();
      break;
    default:
      ++attempt_;
      phase_ = v1::PHASE_PARAPHRASING;
      new_floor();
      break;
  }
  push_state(r);
  return r;
}

exercise::result exercise::on_time_out(v1::Seat from) {
  if (auto e = rule(from, act::time_out)) return refused(std::move(*e));
  paused_phase_ = phase_;
  paused_by_ = from;
  pause_reason_ = v1::PAUSE_REASON_TIME_OUT;
  phase_ = v1::PHASE_PAUSED;
  ++time_outs_[seat_index(from)];
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::on_resume(v1::Seat from) {
  if (auto e = rule(from, act::resume)) return refused(std::move(*e));
  end_pause(true);
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::on_end_session(v1::Seat from) {
  if (auto e = rule(from, act::end_session)) return refused(std::move(*e));
  result r;
  if (phase_ == v1::PHASE_WAITING_FOR_PARTNER) {
    phase_ = v1::PHASE_ENDED;  // nobody to check in with
  } else {
    go_to_check_in();
  }
  ended_by_ = from;
  push_state(r);
  if (ended() && settings_.guided) {
    v1::ServerMessage m;
    *m.mutable_summary() = summary();
    r.out.push_back({to_counselor, std::move(m)});
  }
  return r;
}

}  // namespace heard
