#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "heard/v1/heard.pb.h"
#include "heard/v1/server_state.pb.h"

namespace heard {

/// Who an outbound message is for. Content only ever goes to the session's
/// own members; the state machine cannot name anyone else.
enum class audience { everyone, seat_a, seat_b };

audience audience_of(v1::Seat seat);
v1::Seat other_seat(v1::Seat seat);

struct outbound {
  audience to;
  v1::ServerMessage message;
};

/// The limits a session's text is held to; set by the server's config.
struct exercise_limits {
  std::size_t max_turn_chars = 4000;
  std::size_t max_check_in_chars = 1000;
};

struct exercise_settings {
  v1::Mode mode = v1::MODE_TEXT;
  v1::Seat first_speaker = v1::SEAT_A;  // "random" is resolved before this
  exercise_limits limits;
};

/// The speak -> paraphrase -> confirm exercise for one pair, as a pure state
/// machine: no I/O, no clock, no randomness. Every input either changes the
/// state and yields the messages to send, or is refused with an Error that
/// changes nothing and relays nothing. The server owns one per session and
/// feeds it on the session's strand; tests drive it directly.
class exercise {
 public:
  struct result {
    std::optional<v1::Error> error;  // set: refused, nothing changed, `out` is empty
    std::vector<outbound> out;
    bool ok() const { return !error; }
  };

  explicit exercise(exercise_settings settings);

  /// Everything needed to carry the exercise across a server restart.
  v1::ExerciseState save() const;
  /// The inverse of save(). Every seated partner comes back as away (their
  /// links are gone), which pauses an exercise in progress.
  static exercise restore(const v1::ExerciseState& state, exercise_limits limits);

  /// A partner takes their seat. The session's registry decides who may.
  result join(v1::Seat seat, const std::string& name);

  /// A partner left for good (said Leave). The other one is told and goes on
  /// to the check-in.
  result leave(v1::Seat seat);

  /// A partner's connection dropped: they keep their seat, and an exercise
  /// in progress pauses until they are back.
  result disconnect(v1::Seat seat);
  /// A dropped partner resumed.
  result reconnect(v1::Seat seat);
  /// A dropped partner stayed away past the grace window: the other is told
  /// and may keep waiting or end; the check-in no longer waits for them.
  result overdue(v1::Seat seat);

  /// Any message after Hello, from a seated partner.
  result handle(v1::Seat from, const v1::ClientMessage& message);

  v1::Snapshot snapshot() const;
  v1::Phase phase() const { return phase_; }
  bool ended() const { return phase_ == v1::PHASE_ENDED; }
  bool present(v1::Seat seat) const { return partner(seat).present; }
  bool connected(v1::Seat seat) const { return partner(seat).link == v1::LINK_CONNECTED; }

 private:
  struct partner_state {
    bool present = false;
    bool ready = false;
    bool left = false;
    v1::LinkState link = v1::LINK_UNSPECIFIED;
    std::string name;
    std::optional<v1::CheckIn> check_in;
  };

  result on_ready(v1::Seat from);
  result on_draft(v1::Seat from, const v1::Draft& draft);
  result on_end_turn(v1::Seat from, const v1::EndTurn& end);
  result on_judge(v1::Seat from, const v1::Judge& judge);
  result on_time_out(v1::Seat from);
  result on_resume(v1::Seat from);
  result on_end_session(v1::Seat from);
  result on_check_in(v1::Seat from, const v1::CheckIn& check_in);

  /// Refuses `from` unless they hold the floor for text now.
  std::optional<v1::Error> check_floor(v1::Seat from) const;
  std::optional<v1::Error> check_turn_text(const std::string& text, bool final) const;
  /// The refusal for anything the floor needs while paused: a time-out, or a
  /// partner whose connection dropped (which a client may hold and resend).
  v1::Error paused_refusal() const;

  v1::Seat listener() const { return other_seat(speaker_); }
  v1::Seat floor_holder() const;
  partner_state& partner(v1::Seat seat) { return partners_[seat == v1::SEAT_B ? 1 : 0]; }
  const partner_state& partner(v1::Seat seat) const { return partners_[seat == v1::SEAT_B ? 1 : 0]; }

  void push_state(result& r) const;
  /// Pauses an exercise in progress because `away` dropped.
  void pause_for_absence(v1::Seat away);
  /// Ends a pause once every seated partner is connected again.
  void end_pause(bool keep_if_someone_away);
  std::optional<v1::Seat> someone_away() const;
  void go_to_check_in();
  /// Once every present partner answered: the results, then ENDED.
  void finish_check_in_if_complete(result& r);

  exercise_settings settings_;
  v1::Phase phase_ = v1::PHASE_WAITING_FOR_PARTNER;
  v1::Phase paused_phase_ = v1::PHASE_UNSPECIFIED;
  v1::Seat paused_by_ = v1::SEAT_UNSPECIFIED;
  v1::PauseReason pause_reason_ = v1::PAUSE_REASON_UNSPECIFIED;
  v1::Seat speaker_;
  std::uint32_t round_ = 0;
  std::uint32_t attempt_ = 0;
  std::array<partner_state, 2> partners_;
};

}  // namespace heard
