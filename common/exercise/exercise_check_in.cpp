// The end of the exercise: the check-in, its results, and the counselor's
// summary (the structure, never the words).
#include "exercise_internal.hpp"
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

exercise::result exercise::on_check_in(v1::Seat from, v1::CheckIn& check_in) {
  if (auto e = rule(from, act::check_in)) return refused(std::move(*e));
  // The answers are sealed: their numbers and words are checked by the
  // partner who gives them and by each one who opens them, never here.
  sealed_boxes boxes;
  if (auto e = take_sealed(*check_in.mutable_sealed(), boxes)) return refused(std::move(*e));
  auto& answer = member(from).check_in.emplace();
  for (auto& box : boxes) *answer.add_sealed() = std::move(box);
  result r;
  push_state(r);
  finish_check_in_if_complete(r);
  return r;
}

// Each answer as its partner sealed it for `reader` (the counselor's box
// holds the words only if that partner chose to share them).
static v1::CheckInResults check_in_results_of(const v1::CheckIn* a, const v1::CheckIn* b, v1::Seat reader) {
  v1::CheckInResults results;
  for (auto [seat, answer] : {std::pair{v1::SEAT_A, a}, std::pair{v1::SEAT_B, b}}) {
    auto* entry = results.add_answers();
    entry->set_seat(seat);
    entry->set_answered(answer != nullptr);
    if (!answer) continue;
    for (const auto& box : answer->sealed()) {
      if (box.to() == reader) *entry->mutable_sealed() = box;
    }
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
  for (v1::Seat reader : all_seats) {
    if (!member(reader).present) continue;  // a partner who left is not told
    v1::ServerMessage m;
    *m.mutable_check_in_results() = check_in_results_of(a_answer, b_answer, reader);
    r.out.push_back({audience_of(reader), std::move(m)});
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
      check_in_results_of(a.check_in ? &*a.check_in : nullptr, b.check_in ? &*b.check_in : nullptr, v1::SEAT_COUNSELOR);
  s.set_duration_ms(started_ ? static_cast<std::uint64_t>((now_ - *started_).count()) : 0);
  s.set_a_name(a.name);
  s.set_b_name(b.name);
  return s;
}

}  // namespace heard
