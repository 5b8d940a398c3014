#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "heard/v1/heard.pb.h"

namespace heard {

/// What a member can ask for. Partners: the exercise itself; the counselor:
/// the controls (start .. skip); both: end_session.
enum class act : std::uint8_t {
  ready,        // Ready
  write,        // Draft and EndTurn: words on the floor
  judge,        // Judge
  time_out,     // TimeOut
  resume,       // Resume
  end_session,  // EndSession
  check_in,     // CheckIn
  start,        // Counsel.start
  hold,         // Counsel.hold
  release,      // Counsel.release
  note,         // Counsel.note
  choose_next,  // Counsel.next_speaker
  extend,       // Counsel.extend_timer
  skip,         // Counsel.skip_timer
};
inline constexpr std::size_t act_count = 14;
// The wire's Act is this enum one up (0 is ACT_UNSPECIFIED).
static_assert(static_cast<int>(act::skip) + 1 == v1::ACT_SKIP && v1::Act_MAX == v1::ACT_SKIP);

/// Who may act now, in one place: nullopt when `seat` may do `what` in the
/// state `s` describes, else the refusal the server sends (its code and its
/// sentence). The server checks every input against it before the input's
/// own arguments (text, verdict, numbers) are looked at; clients read the
/// same answers to decide what to offer, so a client never shows a key the
/// server would refuse. Pure: a snapshot in, an answer out.
std::optional<v1::Error> refusal(const v1::Snapshot& s, v1::Seat seat, act what);

/// The whole moment for one seat, for clients: everything it may do now and
/// whether what is being written is its own.
struct moment {
  std::uint32_t allowed = 0;  // bit (1 << act) for each act the seat may do now

  /// The words being written now are this seat's: it holds the floor to
  /// write, or will again when the current pause or hold ends. A client
  /// keeps such words as the person's draft; anything else typed is refused.
  bool writes = false;

  bool may(act what) const { return (allowed >> static_cast<unsigned>(what)) & 1U; }
};
moment moment_of(const v1::Snapshot& s, v1::Seat seat);

/// The partner whose words are being written on this floor, now or when the
/// current pause or hold ends (SEAT_UNSPECIFIED when no floor is for
/// writing). Screens keep showing that partner's draft through a pause.
v1::Seat writer_of(const v1::Snapshot& s);

/// Whether `what` is refused only because the floor is stopped for now (a
/// time-out, a dropped connection, the counselor's hold): words the writer
/// types then are kept for when it goes on.
bool refused_for_now(const v1::Error& refusal);

/// The phases in which a floor is held: someone speaks, says back, or
/// confirms.
bool is_exercise_phase(v1::Phase phase);
/// A time-out, a dropped connection or the counselor's hold has stopped the
/// floor for now (its writer's words wait for it to go on).
bool floor_stopped(const v1::Snapshot& s);
/// The phases a time-out or a dropped connection can pause: READY and the
/// exercise phases.
bool is_pausable(v1::Phase phase);

}  // namespace heard
