#include "turn_rules.hpp"

#include "seat.hpp"

namespace heard {
namespace {

v1::Error refuse(v1::ErrorCode code, std::string message) {
  v1::Error e;
  e.set_code(code);
  e.set_message(std::move(message));
  return e;
}

bool is_counselor_control(act what) {
  switch (what) {
    case act::start:
    case act::hold:
    case act::release:
    case act::note:
    case act::choose_next:
    case act::extend:
    case act::skip: return true;
    default: return false;
  }
}

// Words are sealed to every member of the session, so nothing that needs
// them to read it begins before every key has arrived (docs/privacy.md).
v1::Error keys_pending() {
  return refuse(v1::ERROR_KEYS_PENDING,
                "Not everyone's key has arrived yet; the session's words are sealed to all of you. A moment.");
}

// Anything the floor needs, while a time-out, a dropped connection or the
// counselor's hold has stopped it.
v1::Error paused_refusal(const v1::Snapshot& s) {
  if (s.phase() == v1::PHASE_PAUSED && s.pause_reason() == v1::PAUSE_REASON_PARTNER_AWAY) {
    return refuse(v1::ERROR_PARTNER_AWAY,
                  "A connection dropped, so the session is paused; this goes through once you are both back.");
  }
  if (s.held() && s.phase() != v1::PHASE_PAUSED) {
    return refuse(v1::ERROR_SESSION_PAUSED, "The counselor has paused the exercise for a moment.");
  }
  return refuse(v1::ERROR_SESSION_PAUSED, "The session is paused; nobody holds the floor until it resumes.");
}

std::optional<v1::Error> partner_refusal(const v1::Snapshot& s, v1::Seat seat, act what) {
  const v1::Phase phase = s.phase();
  switch (what) {
    case act::ready:
      // Both here, keys still arriving: readiness is kept, and counts the
      // moment the session is ready (a person says it as soon as they see
      // their partner join).
      if (phase == v1::PHASE_WAITING_FOR_PARTNER && !member_of(s, other_partner(seat)).present()) {
        return refuse(v1::ERROR_WRONG_PHASE, "Your partner has not joined yet.");
      }
      if (phase == v1::PHASE_PAUSED) return paused_refusal(s);
      if (phase != v1::PHASE_READY && phase != v1::PHASE_WAITING_FOR_PARTNER) {
        return refuse(v1::ERROR_WRONG_PHASE, "The exercise has already begun.");
      }
      if (member_of(s, seat).ready()) return refuse(v1::ERROR_ALREADY_DONE, "You already said you are ready.");
      return std::nullopt;
    case act::write:
      if (floor_stopped(s)) return paused_refusal(s);
      if (phase != v1::PHASE_SPEAKING && phase != v1::PHASE_PARAPHRASING) {
        if (phase == v1::PHASE_CONFIRMING && seat != s.speaker()) {
          return refuse(v1::ERROR_NOT_YOUR_TURN, "Your partner is deciding whether you heard them.");
        }
        return refuse(v1::ERROR_WRONG_PHASE, "Nobody is speaking or paraphrasing right now.");
      }
      if (seat != s.floor_holder()) {
        return refuse(v1::ERROR_NOT_YOUR_TURN,
                      phase == v1::PHASE_SPEAKING
                          ? "Your partner has the floor. Listen; you will say it back when they are done."
                          : "Your partner is saying back what they heard. Wait for them to finish, then tell them "
                            "if it was accurate.");
      }
      return std::nullopt;
    case act::judge:
      if (floor_stopped(s)) return paused_refusal(s);
      if (phase != v1::PHASE_CONFIRMING) {
        return refuse(v1::ERROR_WRONG_PHASE, "There is no paraphrase to confirm right now.");
      }
      if (seat != s.speaker()) {
        return refuse(v1::ERROR_NOT_YOUR_TURN, "Only the speaker says whether the paraphrase was accurate.");
      }
      return std::nullopt;
    case act::time_out:
      if (phase == v1::PHASE_PAUSED) return refuse(v1::ERROR_ALREADY_DONE, "The session is already paused.");
      if (!is_pausable(phase)) return refuse(v1::ERROR_WRONG_PHASE, "There is nothing to pause right now.");
      return std::nullopt;
    case act::resume:
      if (phase != v1::PHASE_PAUSED) return refuse(v1::ERROR_WRONG_PHASE, "The session is not paused.");
      if (s.pause_reason() == v1::PAUSE_REASON_PARTNER_AWAY) return paused_refusal(s);
      if (seat != s.paused_by()) {
        return refuse(v1::ERROR_NOT_PAUSED_BY_YOU,
                      "Your partner called this time-out; they resume when they are ready.");
      }
      return std::nullopt;
    case act::check_in:
      if (phase != v1::PHASE_CHECK_IN) {
        return refuse(v1::ERROR_WRONG_PHASE, "The check-in comes once the session has ended.");
      }
      if (member_of(s, seat).checked_in()) return refuse(v1::ERROR_ALREADY_DONE, "You already answered the check-in.");
      return std::nullopt;
    default: return std::nullopt;
  }
}

std::optional<v1::Error> counselor_refusal(const v1::Snapshot& s, act what) {
  const v1::Phase phase = s.phase();
  switch (what) {
    case act::start:
      if (phase == v1::PHASE_PAUSED) return paused_refusal(s);
      if (phase != v1::PHASE_READY) {
        if (phase != v1::PHASE_WAITING_FOR_PARTNER)
          return refuse(v1::ERROR_WRONG_PHASE, "The exercise has already begun.");
        if (member_of(s, v1::SEAT_A).present() && member_of(s, v1::SEAT_B).present()) return keys_pending();
        return refuse(v1::ERROR_WRONG_PHASE, "Both partners need to join first.");
      }
      return std::nullopt;
    case act::hold:
      if (s.held()) return refuse(v1::ERROR_ALREADY_DONE, "The exercise is already paused.");
      if (!is_exercise_phase(phase) && phase != v1::PHASE_PAUSED && phase != v1::PHASE_READY) {
        return refuse(v1::ERROR_WRONG_PHASE, "There is nothing to pause right now.");
      }
      return std::nullopt;
    case act::release:
      if (!s.held()) return refuse(v1::ERROR_WRONG_PHASE, "The exercise is not paused by you.");
      return std::nullopt;
    case act::note:
      if (phase == v1::PHASE_ENDED) return refuse(v1::ERROR_WRONG_PHASE, "The session is over.");
      if (!keys_complete(s)) return keys_pending();
      return std::nullopt;
    case act::choose_next:
      if (phase == v1::PHASE_CHECK_IN || phase == v1::PHASE_ENDED) {
        return refuse(v1::ERROR_WRONG_PHASE, "The exercise is over.");
      }
      return std::nullopt;
    case act::extend:
      // The snapshot carries a timer exactly when the floor has a limit.
      if (!s.has_timer() || s.timer().limit_ms() == 0) {
        return refuse(v1::ERROR_WRONG_PHASE, "No timer is running for this part of the exercise.");
      }
      return std::nullopt;
    case act::skip:
      if (phase != v1::PHASE_SPEAKING && phase != v1::PHASE_PARAPHRASING) {
        return refuse(v1::ERROR_WRONG_PHASE, "The floor can only move on while someone speaks or says back.");
      }
      return std::nullopt;
    default: return std::nullopt;
  }
}

}  // namespace

bool is_exercise_phase(v1::Phase phase) {
  return phase == v1::PHASE_SPEAKING || phase == v1::PHASE_PARAPHRASING || phase == v1::PHASE_CONFIRMING;
}

bool floor_stopped(const v1::Snapshot& s) {
  return s.phase() == v1::PHASE_PAUSED || (s.held() && is_exercise_phase(s.phase()));
}

bool is_pausable(v1::Phase phase) { return phase == v1::PHASE_READY || is_exercise_phase(phase); }

std::optional<v1::Error> refusal(const v1::Snapshot& s, v1::Seat seat, act what) {
  if (!member_of(s, seat).present()) return refuse(v1::ERROR_WRONG_PHASE, "You are not in this session.");
  if (what == act::end_session) {
    if (s.phase() == v1::PHASE_CHECK_IN || s.phase() == v1::PHASE_ENDED) {
      return refuse(v1::ERROR_ALREADY_DONE, "The session has already ended.");
    }
    return std::nullopt;
  }
  const bool control = is_counselor_control(what);
  if (seat == v1::SEAT_COUNSELOR) {
    if (!control) {
      return refuse(v1::ERROR_PARTNERS_ONLY,
                    "The counselor guides; only the partners speak, say back, judge, pause or check in.");
    }
    return counselor_refusal(s, what);
  }
  if (control) return refuse(v1::ERROR_COUNSELOR_ONLY, "Only the counselor guiding this session can do that.");
  return partner_refusal(s, seat, what);
}

moment moment_of(const v1::Snapshot& s, v1::Seat seat) {
  moment m;
  for (std::size_t i = 0; i < act_count; ++i) {
    if (!refusal(s, seat, static_cast<act>(i))) m.allowed |= 1U << i;
  }
  m.writes = is_partner(seat) && writer_of(s) == seat;
  return m;
}

v1::Seat writer_of(const v1::Snapshot& s) {
  const v1::Phase phase = s.phase() == v1::PHASE_PAUSED ? s.paused_phase() : s.phase();
  if (phase == v1::PHASE_SPEAKING) return s.speaker();
  if (phase == v1::PHASE_PARAPHRASING) return other_partner(s.speaker());
  return v1::SEAT_UNSPECIFIED;
}

bool refused_for_now(const v1::Error& refusal) {
  return refusal.code() == v1::ERROR_SESSION_PAUSED || refusal.code() == v1::ERROR_PARTNER_AWAY;
}

}  // namespace heard
