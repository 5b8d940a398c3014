// The exercise's seats: joining, leaving, dropping and coming back, and the
// pauses an absence makes.
#include "exercise_internal.hpp"
#include "text_check.hpp"
#include "turn_rules.hpp"

namespace heard {
using exercise_internal::make_refusal;
using exercise_internal::refused;

// --- Seats ----------------------------------------------------------------------------

exercise::result exercise::join(v1::Seat seat, const std::string& name) {
  const forget_rules_view forget(rules_view_);
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
  ready_if_everyone_is_in();
  result r;
  push_state(r);
  return r;
}

exercise::result exercise::invites_expired() {
  const forget_rules_view forget(rules_view_);
  result r;
  if (phase_ != v1::PHASE_WAITING_FOR_PARTNER) return r;
  phase_ = v1::PHASE_ENDED;
  push_state(r);
  return r;
}

exercise::result exercise::leave(v1::Seat seat) {
  const forget_rules_view forget(rules_view_);
  auto& p = member(seat);
  if (!p.present) return refused(v1::ERROR_WRONG_PHASE, "That member is not in the session.");
  p.present = false;
  p.left = true;
  p.ready = false;
  p.link = v1::LINK_UNSPECIFIED;

  result r;
  if (seat == v1::SEAT_COUNSELOR) {
    // The pair goes on without their guide; nobody is left holding the floor
    // frozen, and a pair already ready for round 1 begins it now.
    held_ = false;
    start_if_both_ready();
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
      ended_by_ = seat;
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
  const forget_rules_view forget(rules_view_);
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
  const forget_rules_view forget(rules_view_);
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
  const forget_rules_view forget(rules_view_);
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

}  // namespace heard
