// The counselor's controls: start, hold and release, notes, who speaks next,
// more time, and moving the floor on.
#include "exercise_internal.hpp"
#include "turn_rules.hpp"

namespace heard {
using exercise_internal::make_refusal;
using exercise_internal::refused;

// --- The counselor ------------------------------------------------------------------------

exercise::result exercise::on_counsel(v1::Seat from, v1::Counsel& counsel) {
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
      if (auto e = rule(from, act::note)) return refused(std::move(*e));
      if (counsel.note().sealed().empty()) return refused(v1::ERROR_EMPTY_TEXT, "The note is empty.");
      sealed_boxes boxes;
      if (auto e = take_sealed(*counsel.mutable_note()->mutable_sealed(), boxes)) return refused(std::move(*e));
      fan_out(r, everyone, v1::ServerMessage{}, std::move(boxes), [](v1::ServerMessage& out, v1::Sealed&& box) {
        *out.mutable_guidance()->mutable_sealed() = std::move(box);
      });
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
      commit_floor(r, std::move(floor_draft_), floor_end::moved_on);
      return r;
    case v1::Counsel::ACTION_NOT_SET: return refused(v1::ERROR_MALFORMED, "The control has no action.");
  }
  push_state(r);
  return r;
}

}  // namespace heard
