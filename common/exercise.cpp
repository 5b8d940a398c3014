#include "exercise.hpp"

#include "text_check.hpp"
#include "turn_rules.hpp"

namespace heard {
namespace {

v1::Error make_refusal(v1::ErrorCode code, std::string message) {
  v1::Error error;
  error.set_code(code);
  error.set_message(std::move(message));
  return error;
}

exercise::result refused(v1::ErrorCode code, std::string message) {
  exercise::result r;
  r.error = make_refusal(code, std::move(message));
  return r;
}

exercise::result refused(v1::Error error) {
  exercise::result r;
  r.error = std::move(error);
  return r;
}

// Phases a time-out or a dropped connection can pause.
bool is_pausable(v1::Phase phase) { return phase == v1::PHASE_READY || is_exercise_phase(phase); }

}  // namespace

exercise::exercise(exercise_settings settings) : settings_(std::move(settings)), speaker_(settings_.first_speaker) {
  if (settings_.mode == v1::MODE_UNSPECIFIED) settings_.mode = v1::MODE_TEXT;
  if (speaker_ != v1::SEAT_B) speaker_ = v1::SEAT_A;
}

// --- Saving and restoring -------------------------------------------------------------

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
    commit_floor(r, floor_draft_, true);
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
  for (const v1::Seat seat : all_seats) {
    if (seat == v1::SEAT_COUNSELOR && !settings_.guided) continue;
    const auto& from = member(seat);
    auto& to = member_in(s, seat);
    to.set_present(from.present);
    to.set_ready(from.ready);
    to.set_checked_in(from.check_in.has_value());
    to.set_link(from.link);
    to.set_name(from.name);
  }
  s.set_pause_reason(pause_reason_);
  s.set_guided(settings_.guided);
  s.set_held(held_);
  s.set_topic(settings_.topic);
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

void exercise::push_state(result& r) const {
  v1::ServerMessage m;
  *m.mutable_state_changed()->mutable_snapshot() = snapshot();
  r.out.push_back({everyone, std::move(m)});
}

// --- Seats ----------------------------------------------------------------------------

exercise::result exercise::join(v1::Seat seat, const std::string& name) {
  if (seat != v1::SEAT_A && seat != v1::SEAT_B && seat != v1::SEAT_COUNSELOR) {
    return refused(v1::ERROR_INVALID_CODE, "There is no such seat in this session.");
  }
  if (seat == v1::SEAT_COUNSELOR && !settings_.guided) {
    return refused(v1::ERROR_INVALID_CODE, "This session has no counselor's seat.");
  }
  auto& p = member(seat);
  const bool late = is_partner(seat) && phase_ != v1::PHASE_WAITING_FOR_PARTNER;
  if (p.present || p.left || late || ended()) {
    // The registry hands out each seat once; this guards the machine anyway.
    return refused(v1::ERROR_INVALID_CODE, "That seat is taken.");
  }
  p.present = true;
  p.link = v1::LINK_CONNECTED;
  p.name = name;
  if (member(v1::SEAT_A).present && member(v1::SEAT_B).present && phase_ == v1::PHASE_WAITING_FOR_PARTNER) {
    phase_ = v1::PHASE_READY;
    if (auto away = someone_away()) pause_for_absence(*away);
  }
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::leave(v1::Seat seat) {
  auto& p = member(seat);
  if (!p.present) return refused(v1::ERROR_WRONG_PHASE, "That member is not in the session.");
  p.present = false;
  p.left = true;
  p.ready = false;
  p.link = v1::LINK_UNSPECIFIED;

  result r;
  if (seat == v1::SEAT_COUNSELOR) {
    // The pair goes on without their guide; nobody is left holding the floor frozen.
    held_ = false;
    push_state(r);
    return r;
  }
  const v1::Seat other = other_partner(seat);
  v1::ServerMessage m;
  m.mutable_partner_left()->set_seat(seat);
  r.out.push_back({audience_of(other) | to_counselor, std::move(m)});

  switch (phase_) {
    case v1::PHASE_ENDED: return r;
    case v1::PHASE_WAITING_FOR_PARTNER:
      // Self-guided: the creator left, nobody can join. Guided: the seat stays empty for good.
      phase_ = v1::PHASE_ENDED;
      break;
    case v1::PHASE_CHECK_IN: break;
    default:
      // Whatever was going on, the remaining partner still gets their check-in.
      go_to_check_in();
      break;
  }
  if (!member(other).present && phase_ != v1::PHASE_ENDED) phase_ = v1::PHASE_ENDED;
  push_state(r);
  if (phase_ == v1::PHASE_CHECK_IN) finish_check_in_if_complete(r);
  return r;
}

std::optional<v1::Seat> exercise::someone_away() const {
  for (v1::Seat seat : {v1::SEAT_A, v1::SEAT_B}) {
    const auto& p = member(seat);
    if (p.present && p.link != v1::LINK_CONNECTED) return seat;
  }
  return std::nullopt;
}

void exercise::pause_for_absence(v1::Seat away) {
  if (phase_ == v1::PHASE_PAUSED) return;  // a time-out in progress stays the caller's to end
  if (!is_pausable(phase_)) return;
  paused_phase_ = phase_;
  paused_by_ = away;
  pause_reason_ = v1::PAUSE_REASON_PARTNER_AWAY;
  phase_ = v1::PHASE_PAUSED;
}

void exercise::end_pause(bool keep_if_someone_away) {
  if (keep_if_someone_away) {
    if (auto away = someone_away()) {
      paused_by_ = *away;
      pause_reason_ = v1::PAUSE_REASON_PARTNER_AWAY;
      return;
    }
  }
  phase_ = paused_phase_;
  paused_phase_ = v1::PHASE_UNSPECIFIED;
  paused_by_ = v1::SEAT_UNSPECIFIED;
  pause_reason_ = v1::PAUSE_REASON_UNSPECIFIED;
}

exercise::result exercise::disconnect(v1::Seat seat) {
  auto& p = member(seat);
  if (!p.present || p.link != v1::LINK_CONNECTED) {
    return refused(v1::ERROR_WRONG_PHASE, "That member is not connected.");
  }
  p.link = v1::LINK_DROPPED;
  // A counselor who drops does not disturb the pair.
  if (is_partner(seat) && member(other_partner(seat)).present) pause_for_absence(seat);
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::reconnect(v1::Seat seat) {
  auto& p = member(seat);
  if (!p.present || p.link == v1::LINK_CONNECTED) {
    return refused(v1::ERROR_WRONG_PHASE, "That member is not away.");
  }
  p.link = v1::LINK_CONNECTED;
  if (phase_ == v1::PHASE_PAUSED && pause_reason_ == v1::PAUSE_REASON_PARTNER_AWAY) end_pause(true);
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::overdue(v1::Seat seat) {
  auto& p = member(seat);
  if (!p.present || p.link != v1::LINK_DROPPED) {
    return refused(v1::ERROR_WRONG_PHASE, "That member is not away.");
  }
  p.link = v1::LINK_OVERDUE;
  result r;
  push_state(r);
  if (phase_ == v1::PHASE_CHECK_IN) finish_check_in_if_complete(r);
  return r;
}

// --- Inputs -----------------------------------------------------------------------------

exercise::result exercise::handle(v1::Seat from, const v1::ClientMessage& message) {
  if (!member(from).present) return refused(*rule(from, act::end_session));  // "not in this session"
  switch (message.body_case()) {
    case v1::ClientMessage::kHello:
      return refused(v1::ERROR_HELLO_REQUIRED, "Hello is only the first message of a connection.");
    case v1::ClientMessage::kReady: return on_ready(from);
    case v1::ClientMessage::kDraft: return on_draft(from, message.draft());
    case v1::ClientMessage::kEndTurn: return on_end_turn(from, message.end_turn());
    case v1::ClientMessage::kJudge: return on_judge(from, message.judge());
    case v1::ClientMessage::kTimeOut: return on_time_out(from);
    case v1::ClientMessage::kResume: return on_resume(from);
    case v1::ClientMessage::kEndSession: return on_end_session(from);
    case v1::ClientMessage::kCheckIn: return on_check_in(from, message.check_in());
    case v1::ClientMessage::kCounsel: return on_counsel(from, message.counsel());
    default: break;
  }
  return refused(v1::ERROR_MALFORMED, "The message has no known body.");
}

std::optional<v1::Error> exercise::rule(v1::Seat from, act what) const { return refusal(snapshot(), from, what); }

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
  // Self-guided, the pair begins when both are ready; guided, the counselor starts.
  if (!settings_.guided && member(other_partner(from)).ready) start_round(1, speaker_);
  result r;
  push_state(r);
  return r;
}

std::optional<v1::Error> exercise::check_turn_text(const std::string& text, bool final) const {
  if (settings_.mode == v1::MODE_SPOKEN) {
    if (text.empty() && final) return std::nullopt;
    return make_refusal(v1::ERROR_TEXT_NOT_ALLOWED, "This is a spoken session: talk, and Heard holds the floor.");
  }
  if (auto problem = check_text(text, settings_.limits.max_turn_chars)) {
    return make_refusal(problem->code, problem->message);
  }
  if (final && text.empty()) return make_refusal(v1::ERROR_EMPTY_TEXT, "There is nothing to send yet.");
  return std::nullopt;
}

exercise::result exercise::on_draft(v1::Seat from, const v1::Draft& draft) {
  if (auto e = rule(from, act::write)) return refused(std::move(*e));
  if (auto e = check_turn_text(draft.text(), false)) return refused(std::move(*e));
  floor_draft_ = draft.text();
  result r;
  v1::ServerMessage m;
  auto* update = m.mutable_draft_update();
  update->set_author(from);
  update->set_text(draft.text());
  update->set_round(round_);
  update->set_attempt(attempt_);
  // The partner sees it grow, and so does a counselor.
  r.out.push_back({audience_of(other_partner(from)) | to_counselor, std::move(m)});
  return r;
}

exercise::result exercise::on_end_turn(v1::Seat from, const v1::EndTurn& end) {
  if (auto e = rule(from, act::write)) return refused(std::move(*e));
  if (auto e = check_turn_text(end.text(), true)) return refused(std::move(*e));
  result r;
  commit_floor(r, end.text(), false);
  return r;
}

void exercise::commit_floor(result& r, std::string text, bool timed_out) {
  const v1::Seat author = floor_holder();
  v1::ServerMessage m;
  auto* turn = m.mutable_turn();
  turn->set_author(author);
  turn->set_kind(phase_ == v1::PHASE_SPEAKING ? v1::TURN_KIND_STATEMENT : v1::TURN_KIND_PARAPHRASE);
  turn->set_text(std::move(text));
  turn->set_round(round_);
  turn->set_attempt(attempt_);
  turn->set_timed_out(timed_out);
  r.out.push_back({everyone, std::move(m)});
  if (phase_ == v1::PHASE_SPEAKING) {
    v1::SessionSummary::Statement s;
    s.set_round(round_);
    s.set_speaker(speaker_);
    s.set_timed_out(timed_out);
    statements_.push_back(s);
    phase_ = v1::PHASE_PARAPHRASING;
  } else {
    phase_ = v1::PHASE_CONFIRMING;
  }
  if (!statements_.empty()) statements_.back().set_attempts(attempt_);
  new_floor();
  push_state(r);
}

exercise::result exercise::on_judge(v1::Seat from, const v1::Judge& judge) {
  if (auto e = rule(from, act::judge)) return refused(std::move(*e));
  const v1::Verdict verdict = judge.verdict();
  if (verdict != v1::VERDICT_ACCURATE_DONE && verdict != v1::VERDICT_ACCURATE_MORE &&
      verdict != v1::VERDICT_NOT_QUITE) {
    return refused(v1::ERROR_INVALID_VERDICT, "Say accurate, there is more, or not quite.");
  }
  if (!judge.missed().empty()) {
    if (verdict != v1::VERDICT_NOT_QUITE) {
      return refused(v1::ERROR_INVALID_VERDICT, "Words on what was missed only go with \"not quite\".");
    }
    if (auto e = check_turn_text(judge.missed(), false)) return refused(std::move(*e));
  }

  result r;
  v1::ServerMessage m;
  auto* judged = m.mutable_judged();
  judged->set_by(from);
  judged->set_verdict(verdict);
  judged->set_missed(judge.missed());
  judged->set_round(round_);
  judged->set_attempt(attempt_);
  r.out.push_back({everyone, std::move(m)});

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
  push_state(r);
  if (ended() && settings_.guided) {
    v1::ServerMessage m;
    *m.mutable_summary() = summary();
    r.out.push_back({to_counselor, std::move(m)});
  }
  return r;
}

void exercise::go_to_check_in() {
  phase_ = v1::PHASE_CHECK_IN;
  paused_phase_ = v1::PHASE_UNSPECIFIED;
  paused_by_ = v1::SEAT_UNSPECIFIED;
  pause_reason_ = v1::PAUSE_REASON_UNSPECIFIED;
  held_ = false;
}

exercise::result exercise::on_check_in(v1::Seat from, const v1::CheckIn& check_in) {
  if (auto e = rule(from, act::check_in)) return refused(std::move(*e));
  auto& p = member(from);
  for (std::uint32_t v : {check_in.felt_safe(), check_in.could_say_anything(), check_in.partner_invested()}) {
    if (v < 1 || v > 5) {
      return refused(v1::ERROR_INVALID_CHECK_IN, "Each check-in answer is a number from 1 to 5.");
    }
  }
  if (auto problem = check_text(check_in.words(), settings_.limits.max_check_in_chars)) {
    return refused(problem->code, problem->message);
  }
  p.check_in = check_in;
  result r;
  push_state(r);
  finish_check_in_if_complete(r);
  return r;
}

static v1::CheckInResults check_in_results_of(const v1::CheckIn* a, const v1::CheckIn* b) {
  v1::CheckInResults results;
  for (auto [seat, answer] : {std::pair{v1::SEAT_A, a}, std::pair{v1::SEAT_B, b}}) {
    auto* entry = results.add_answers();
    entry->set_seat(seat);
    entry->set_answered(answer != nullptr);
    if (answer) *entry->mutable_answers() = *answer;
  }
  return results;
}

void exercise::finish_check_in_if_complete(result& r) {
  for (v1::Seat seat : {v1::SEAT_A, v1::SEAT_B}) {
    const auto& p = member(seat);
    // An overdue partner no longer holds up the other's results.
    if (p.present && !p.check_in && p.link != v1::LINK_OVERDUE) return;
  }
  const auto& a = member(v1::SEAT_A);
  const auto& b = member(v1::SEAT_B);
  v1::ServerMessage m;
  *m.mutable_check_in_results() =
      check_in_results_of(a.check_in ? &*a.check_in : nullptr, b.check_in ? &*b.check_in : nullptr);
  r.out.push_back({everyone, std::move(m)});
  phase_ = v1::PHASE_ENDED;
  push_state(r);
  if (settings_.guided) {
    v1::ServerMessage s;
    *s.mutable_summary() = summary();
    r.out.push_back({to_counselor, std::move(s)});
  }
}

// --- The counselor ------------------------------------------------------------------------

exercise::result exercise::on_counsel(v1::Seat from, const v1::Counsel& counsel) {
  // A partner's control is refused for who they are, whatever it says.
  if (from != v1::SEAT_COUNSELOR) return refused(*rule(from, act::start));
  result r;
  switch (counsel.action_case()) {
    case v1::Counsel::kStart:
      if (auto e = rule(from, act::start)) return refused(std::move(*e));
      start_round(1, next_speaker_ != v1::SEAT_UNSPECIFIED ? next_speaker_ : speaker_);
      break;
    case v1::Counsel::kHold:
      if (auto e = rule(from, act::hold)) return refused(std::move(*e));
      held_ = true;
      ++holds_;
      break;
    case v1::Counsel::kRelease:
      if (auto e = rule(from, act::release)) return refused(std::move(*e));
      held_ = false;
      break;
    case v1::Counsel::kNote: {
      if (counsel.note().text().empty()) return refused(v1::ERROR_EMPTY_TEXT, "The note is empty.");
      if (auto problem = check_text(counsel.note().text(), settings_.limits.max_check_in_chars)) {
        return refused(problem->code, problem->message);
      }
      if (auto e = rule(from, act::note)) return refused(std::move(*e));
      v1::ServerMessage m;
      m.mutable_guidance()->set_text(counsel.note().text());
      r.out.push_back({everyone, std::move(m)});
      return r;  // a note changes no state
    }
    case v1::Counsel::kNextSpeaker: {
      const v1::Seat seat = counsel.next_speaker().seat();
      if (!is_partner(seat)) return refused(v1::ERROR_INVALID_ARGUMENT, "Choose partner A or partner B.");
      if (auto e = rule(from, act::choose_next)) return refused(std::move(*e));
      if (phase_ == v1::PHASE_WAITING_FOR_PARTNER || phase_ == v1::PHASE_READY) {
        speaker_ = seat;  // before the first round: who speaks first
      } else {
        next_speaker_ = seat;
      }
      break;
    }
    case v1::Counsel::kExtendTimer: {
      const auto seconds = counsel.extend_timer().seconds();
      if (seconds == 0 || seconds > 3600) return refused(v1::ERROR_INVALID_ARGUMENT, "Extend by 1 to 3600 seconds.");
      if (auto e = rule(from, act::extend)) return refused(std::move(*e));
      floor_extension_ += std::chrono::seconds(seconds);
      break;
    }
    case v1::Counsel::kSkipTimer:
      if (auto e = rule(from, act::skip)) return refused(std::move(*e));
      commit_floor(r, floor_draft_, true);
      return r;
    case v1::Counsel::ACTION_NOT_SET: return refused(v1::ERROR_MALFORMED, "The control has no action.");
  }
  push_state(r);
  return r;
}

v1::SessionSummary exercise::summary() const {
  v1::SessionSummary s;
  s.set_rounds(round_);
  for (const auto& st : statements_) *s.add_statements() = st;
  for (const auto& [phase, ms] : phase_ms_) {
    auto* t = s.add_phase_times();
    t->set_phase(phase);
    t->set_ms(ms);
  }
  s.set_time_outs_a(time_outs_[0]);
  s.set_time_outs_b(time_outs_[1]);
  s.set_holds(holds_);
  const auto& a = member(v1::SEAT_A);
  const auto& b = member(v1::SEAT_B);
  *s.mutable_check_ins() =
      check_in_results_of(a.check_in ? &*a.check_in : nullptr, b.check_in ? &*b.check_in : nullptr);
  s.set_duration_ms(started_ ? static_cast<std::uint64_t>((now_ - *started_).count()) : 0);
  s.set_topic(settings_.topic);
  s.set_a_name(a.name);
  s.set_b_name(b.name);
  return s;
}

}  // namespace heard
