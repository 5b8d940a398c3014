// The end of the exercise: the check-in, its results, and the counselor's
// summary (the structure, never the words).
#include "exercise_internal.hpp"
#include "text_check.hpp"
#include "turn_rules.hpp"

namespace heard {
using exercise_internal::make_refusal;
using exercise_internal::refused;

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

// `for_counselor`: a partner's words only if they chose to share them.
static v1::CheckInResults check_in_results_of(const v1::CheckIn* a, const v1::CheckIn* b, bool for_counselor) {
  v1::CheckInResults results;
  for (auto [seat, answer] : {std::pair{v1::SEAT_A, a}, std::pair{v1::SEAT_B, b}}) {
    auto* entry = results.add_answers();
    entry->set_seat(seat);
    entry->set_answered(answer != nullptr);
    if (!answer) continue;
    *entry->mutable_answers() = *answer;
    if (for_counselor && !answer->share_words()) entry->mutable_answers()->clear_words();
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
  const auto* a_answer = a.check_in ? &*a.check_in : nullptr;
  const auto* b_answer = b.check_in ? &*b.check_in : nullptr;
  v1::ServerMessage m;
  *m.mutable_check_in_results() = check_in_results_of(a_answer, b_answer, false);
  r.out.push_back({to_a | to_b, std::move(m)});
  if (settings_.guided) {
    v1::ServerMessage scores;
    *scores.mutable_check_in_results() = check_in_results_of(a_answer, b_answer, true);
    r.out.push_back({to_counselor, std::move(scores)});
  }
  phase_ = v1::PHASE_ENDED;
  push_state(r);
  if (settings_.guided) {
    v1::ServerMessage s;
    *s.mutable_summary() = summary();
    r.out.push_back({to_counselor, std::move(s)});
  }
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
      check_in_results_of(a.check_in ? &*a.check_in : nullptr, b.check_in ? &*b.check_in : nullptr, true);
  s.set_duration_ms(started_ ? static_cast<std::uint64_t>((now_ - *started_).count()) : 0);
  s.set_topic(settings_.topic);
  s.set_a_name(a.name);
  s.set_b_name(b.name);
  return s;
}

}  // namespace heard
