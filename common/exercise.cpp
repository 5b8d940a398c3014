#include "exercise.hpp"

#include "text_check.hpp"

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

bool is_exercise_phase(v1::Phase phase) {
  return phase == v1::PHASE_SPEAKING || phase == v1::PHASE_PARAPHRASING || phase == v1::PHASE_CONFIRMING;
}

// Phases a time-out or a dropped connection can pause.
bool is_pausable(v1::Phase phase) { return phase == v1::PHASE_READY || is_exercise_phase(phase); }

}  // namespace

audience audience_of(v1::Seat seat) { return seat == v1::SEAT_B ? audience::seat_b : audience::seat_a; }

v1::Seat other_seat(v1::Seat seat) { return seat == v1::SEAT_A ? v1::SEAT_B : v1::SEAT_A; }

exercise::exercise(exercise_settings settings) : settings_(settings), speaker_(settings.first_speaker) {
  if (settings_.mode == v1::MODE_UNSPECIFIED) settings_.mode = v1::MODE_TEXT;
  if (speaker_ != v1::SEAT_B) speaker_ = v1::SEAT_A;
}

v1::ExerciseState exercise::save() const {
  v1::ExerciseState out;
  out.set_mode(settings_.mode);
  out.set_phase(phase_);
  out.set_paused_phase(paused_phase_);
  out.set_paused_by(paused_by_);
  out.set_pause_reason(pause_reason_);
  out.set_speaker(speaker_);
  out.set_round(round_);
  out.set_attempt(attempt_);
  for (const auto& p : partners_) {
    auto* saved = out.add_partners();
    saved->set_present(p.present);
    saved->set_ready(p.ready);
    saved->set_left(p.left);
    saved->set_link(p.link);
    saved->set_name(p.name);
    if (p.check_in) *saved->mutable_check_in() = *p.check_in;
  }
  return out;
}

exercise exercise::restore(const v1::ExerciseState& state, exercise_limits limits) {
  exercise e({state.mode(), state.speaker(), limits});
  e.phase_ = state.phase();
  e.paused_phase_ = state.paused_phase();
  e.paused_by_ = state.paused_by();
  e.pause_reason_ = state.pause_reason();
  e.round_ = state.round();
  e.attempt_ = state.attempt();
  for (int i = 0; i < state.partners_size() && i < 2; ++i) {
    const auto& saved = state.partners(i);
    auto& p = e.partners_[static_cast<std::size_t>(i)];
    p.present = saved.present();
    p.ready = saved.ready();
    p.left = saved.left();
    p.name = saved.name();
    if (saved.has_check_in()) p.check_in = saved.check_in();
    p.link = p.present ? (saved.link() == v1::LINK_OVERDUE ? v1::LINK_OVERDUE : v1::LINK_DROPPED)
                       : v1::LINK_UNSPECIFIED;
  }
  if (auto away = e.someone_away(); away && e.partner(other_seat(*away)).present) e.pause_for_absence(*away);
  return e;
}

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
  s.set_floor_holder(floor_holder());
  s.set_paused_phase(paused_phase_);
  s.set_paused_by(paused_by_);
  const auto& a = partner(v1::SEAT_A);
  const auto& b = partner(v1::SEAT_B);
  s.set_a_ready(a.ready);
  s.set_b_ready(b.ready);
  s.set_a_present(a.present);
  s.set_b_present(b.present);
  s.set_a_name(a.name);
  s.set_b_name(b.name);
  s.set_a_checked_in(a.check_in.has_value());
  s.set_b_checked_in(b.check_in.has_value());
  s.set_a_link(a.link);
  s.set_b_link(b.link);
  s.set_pause_reason(pause_reason_);
  return s;
}

void exercise::push_state(result& r) const {
  v1::ServerMessage m;
  *m.mutable_state_changed()->mutable_snapshot() = snapshot();
  r.out.push_back({audience::everyone, std::move(m)});
}

exercise::result exercise::join(v1::Seat seat, const std::string& name) {
  if (seat != v1::SEAT_A && seat != v1::SEAT_B) {
    return refused(v1::ERROR_INVALID_CODE, "There is no such seat in this session.");
  }
  auto& p = partner(seat);
  if (p.present || p.left || phase_ != v1::PHASE_WAITING_FOR_PARTNER) {
    // The registry hands out each seat once; this guards the machine anyway.
    return refused(v1::ERROR_INVALID_CODE, "That seat is taken.");
  }
  p.present = true;
  p.link = v1::LINK_CONNECTED;
  p.name = name;
  if (partner(other_seat(seat)).present) {
    phase_ = v1::PHASE_READY;
    if (auto away = someone_away()) pause_for_absence(*away);
  }
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::leave(v1::Seat seat) {
  auto& p = partner(seat);
  if (!p.present) return refused(v1::ERROR_WRONG_PHASE, "That partner is not in the session.");
  p.present = false;
  p.left = true;
  p.ready = false;
  p.link = v1::LINK_UNSPECIFIED;

  result r;
  const v1::Seat other = other_seat(seat);
  if (partner(other).present) {
    v1::ServerMessage m;
    m.mutable_partner_left()->set_seat(seat);
    r.out.push_back({audience_of(other), std::move(m)});
  }

  switch (phase_) {
    case v1::PHASE_ENDED: return r;
    case v1::PHASE_WAITING_FOR_PARTNER: phase_ = v1::PHASE_ENDED; break;
    case v1::PHASE_CHECK_IN: break;
    default:
      // Whatever was going on, the remaining partner still gets their check-in.
      go_to_check_in();
      break;
  }
  if (!partner(other).present) phase_ = v1::PHASE_ENDED;
  push_state(r);
  if (phase_ == v1::PHASE_CHECK_IN) finish_check_in_if_complete(r);
  return r;
}

exercise::result exercise::handle(v1::Seat from, const v1::ClientMessage& message) {
  if (!partner(from).present) return refused(v1::ERROR_WRONG_PHASE, "You are not in this session.");
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
    case v1::ClientMessage::BODY_NOT_SET: break;
  }
  return refused(v1::ERROR_MALFORMED, "The message has no known body.");
}

v1::Error exercise::paused_refusal() const {
  if (pause_reason_ == v1::PAUSE_REASON_PARTNER_AWAY) {
    return make_refusal(v1::ERROR_PARTNER_AWAY,
                        "A connection dropped, so the session is paused; this goes through once you are both back.");
  }
  return make_refusal(v1::ERROR_SESSION_PAUSED, "The session is paused; nobody holds the floor until it resumes.");
}

exercise::result exercise::on_ready(v1::Seat from) {
  if (phase_ == v1::PHASE_WAITING_FOR_PARTNER) {
    return refused(v1::ERROR_WRONG_PHASE, "Your partner has not joined yet.");
  }
  if (phase_ == v1::PHASE_PAUSED) return refused(paused_refusal());
  if (phase_ != v1::PHASE_READY) return refused(v1::ERROR_WRONG_PHASE, "The exercise has already begun.");
  auto& p = partner(from);
  if (p.ready) return refused(v1::ERROR_ALREADY_DONE, "You already said you are ready.");
  p.ready = true;
  if (partner(other_seat(from)).ready) {
    phase_ = v1::PHASE_SPEAKING;
    round_ = 1;
    attempt_ = 1;
  }
  result r;
  push_state(r);
  return r;
}

std::optional<v1::Error> exercise::check_floor(v1::Seat from) const {
  if (phase_ == v1::PHASE_PAUSED) return paused_refusal();
  if (phase_ != v1::PHASE_SPEAKING && phase_ != v1::PHASE_PARAPHRASING) {
    if (phase_ == v1::PHASE_CONFIRMING && from != speaker_) {
      return make_refusal(v1::ERROR_NOT_YOUR_TURN, "Your partner is deciding whether you heard them.");
    }
    return make_refusal(v1::ERROR_WRONG_PHASE, "Nobody is speaking or paraphrasing right now.");
  }
  if (from != floor_holder()) {
    return make_refusal(v1::ERROR_NOT_YOUR_TURN, phase_ == v1::PHASE_SPEAKING
                                                     ? "Your partner has the floor. Listen; you will say it back "
                                                       "when they are done."
                                                     : "Your partner is saying back what they heard. Wait for "
                                                       "them to finish, then tell them if it was accurate.");
  }
  return std::nullopt;
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
  if (auto e = check_floor(from)) return refused(std::move(*e));
  if (auto e = check_turn_text(draft.text(), false)) return refused(std::move(*e));
  result r;
  v1::ServerMessage m;
  auto* update = m.mutable_draft_update();
  update->set_author(from);
  update->set_text(draft.text());
  update->set_round(round_);
  update->set_attempt(attempt_);
  r.out.push_back({audience_of(other_seat(from)), std::move(m)});
  return r;
}

exercise::result exercise::on_end_turn(v1::Seat from, const v1::EndTurn& end) {
  if (auto e = check_floor(from)) return refused(std::move(*e));
  if (auto e = check_turn_text(end.text(), true)) return refused(std::move(*e));
  result r;
  v1::ServerMessage m;
  auto* turn = m.mutable_turn();
  turn->set_author(from);
  turn->set_kind(phase_ == v1::PHASE_SPEAKING ? v1::TURN_KIND_STATEMENT : v1::TURN_KIND_PARAPHRASE);
  turn->set_text(end.text());
  turn->set_round(round_);
  turn->set_attempt(attempt_);
  r.out.push_back({audience::everyone, std::move(m)});
  phase_ = phase_ == v1::PHASE_SPEAKING ? v1::PHASE_PARAPHRASING : v1::PHASE_CONFIRMING;
  push_state(r);
  return r;
}

exercise::result exercise::on_judge(v1::Seat from, const v1::Judge& judge) {
  if (phase_ == v1::PHASE_PAUSED) return refused(paused_refusal());
  if (phase_ != v1::PHASE_CONFIRMING) {
    return refused(v1::ERROR_WRONG_PHASE, "There is no paraphrase to confirm right now.");
  }
  if (from != speaker_) {
    return refused(v1::ERROR_NOT_YOUR_TURN, "Only the speaker says whether the paraphrase was accurate.");
  }
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
  r.out.push_back({audience::everyone, std::move(m)});

  switch (verdict) {
    case v1::VERDICT_ACCURATE_DONE:
      speaker_ = other_seat(speaker_);
      ++round_;
      attempt_ = 1;
      phase_ = v1::PHASE_SPEAKING;
      break;
    case v1::VERDICT_ACCURATE_MORE:
      attempt_ = 1;
      phase_ = v1::PHASE_SPEAKING;
      break;
    default:
      ++attempt_;
      phase_ = v1::PHASE_PARAPHRASING;
      break;
  }
  push_state(r);
  return r;
}

exercise::result exercise::on_time_out(v1::Seat from) {
  if (phase_ == v1::PHASE_PAUSED) return refused(v1::ERROR_ALREADY_DONE, "The session is already paused.");
  if (!is_pausable(phase_)) return refused(v1::ERROR_WRONG_PHASE, "There is nothing to pause right now.");
  paused_phase_ = phase_;
  paused_by_ = from;
  pause_reason_ = v1::PAUSE_REASON_TIME_OUT;
  phase_ = v1::PHASE_PAUSED;
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::on_resume(v1::Seat from) {
  if (phase_ != v1::PHASE_PAUSED) return refused(v1::ERROR_WRONG_PHASE, "The session is not paused.");
  if (pause_reason_ == v1::PAUSE_REASON_PARTNER_AWAY) return refused(paused_refusal());
  if (from != paused_by_) {
    return refused(v1::ERROR_NOT_PAUSED_BY_YOU,
                   "Your partner called this time-out; they resume when they are ready.");
  }
  end_pause(true);
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::on_end_session(v1::Seat /*from: either partner may end*/) {
  if (phase_ == v1::PHASE_CHECK_IN || phase_ == v1::PHASE_ENDED) {
    return refused(v1::ERROR_ALREADY_DONE, "The session has already ended.");
  }
  result r;
  if (phase_ == v1::PHASE_WAITING_FOR_PARTNER) {
    phase_ = v1::PHASE_ENDED;  // nobody to check in with
  } else {
    go_to_check_in();
  }
  push_state(r);
  return r;
}

void exercise::go_to_check_in() {
  phase_ = v1::PHASE_CHECK_IN;
  paused_phase_ = v1::PHASE_UNSPECIFIED;
  paused_by_ = v1::SEAT_UNSPECIFIED;
  pause_reason_ = v1::PAUSE_REASON_UNSPECIFIED;
}

std::optional<v1::Seat> exercise::someone_away() const {
  for (v1::Seat seat : {v1::SEAT_A, v1::SEAT_B}) {
    const auto& p = partner(seat);
    if (p.present && p.link != v1::LINK_CONNECTED) return seat;
  }
  return std::nullopt;
}

void exercise::pause_for_absence(v1::Seat away) {
  if (phase_ == v1::PHASE_PAUSED) {
    // A time-out in progress stays the caller's to end.
    return;
  }
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
  auto& p = partner(seat);
  if (!p.present || p.link != v1::LINK_CONNECTED) {
    return refused(v1::ERROR_WRONG_PHASE, "That partner is not connected.");
  }
  p.link = v1::LINK_DROPPED;
  if (partner(other_seat(seat)).present) pause_for_absence(seat);
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::reconnect(v1::Seat seat) {
  auto& p = partner(seat);
  if (!p.present || p.link == v1::LINK_CONNECTED) {
    return refused(v1::ERROR_WRONG_PHASE, "That partner is not away.");
  }
  p.link = v1::LINK_CONNECTED;
  if (phase_ == v1::PHASE_PAUSED && pause_reason_ == v1::PAUSE_REASON_PARTNER_AWAY) end_pause(true);
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::overdue(v1::Seat seat) {
  auto& p = partner(seat);
  if (!p.present || p.link != v1::LINK_DROPPED) {
    return refused(v1::ERROR_WRONG_PHASE, "That partner is not away.");
  }
  p.link = v1::LINK_OVERDUE;
  result r;
  push_state(r);
  if (phase_ == v1::PHASE_CHECK_IN) finish_check_in_if_complete(r);
  return r;
}

exercise::result exercise::on_check_in(v1::Seat from, const v1::CheckIn& check_in) {
  if (phase_ != v1::PHASE_CHECK_IN) {
    return refused(v1::ERROR_WRONG_PHASE, "The check-in comes once the session has ended.");
  }
  auto& p = partner(from);
  if (p.check_in) return refused(v1::ERROR_ALREADY_DONE, "You already answered the check-in.");
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

void exercise::finish_check_in_if_complete(result& r) {
  for (const auto& p : partners_) {
    // An overdue partner no longer holds up the other's results.
    if (p.present && !p.check_in && p.link != v1::LINK_OVERDUE) return;
  }
  v1::ServerMessage m;
  auto* results = m.mutable_check_in_results();
  for (v1::Seat seat : {v1::SEAT_A, v1::SEAT_B}) {
    const auto& p = partner(seat);
    auto* answer = results->add_answers();
    answer->set_seat(seat);
    answer->set_answered(p.check_in.has_value());
    if (p.check_in) *answer->mutable_answers() = *p.check_in;
  }
  r.out.push_back({audience::everyone, std::move(m)});
  phase_ = v1::PHASE_ENDED;
  push_state(r);
}

}  // namespace heard
