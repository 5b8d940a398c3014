#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "exercise.hpp"
#include "heard/v1/heard.pb.h"
#include "seat.hpp"
#include "turn_rules.hpp"

namespace heard::client {

/// What a client knows of its session, kept current from the server's
/// messages so a UI never derives state itself.
struct session_view {
  bool connected = false;  // welcomed on a live connection
  v1::Seat my_seat = v1::SEAT_UNSPECIFIED;
  std::string invite_code;           // self-guided: the partner's; guided: seat A's
  std::string invite_code_b;         // guided: seat B's
  std::uint32_t max_turn_chars = 0;  // from the Welcome (0 before it)
  std::uint32_t max_check_in_chars = 0;
  /// The limits words are held to: the server's, or the defaults before its Welcome.
  std::size_t turn_chars() const { return max_turn_chars ? max_turn_chars : exercise_limits{}.max_turn_chars; }
  std::size_t note_chars() const {
    return max_check_in_chars ? max_check_in_chars : exercise_limits{}.max_check_in_chars;
  }
  // End to end (docs/privacy.md): the code every member compares, who holds
  // the keys it covers, and whether this person marked it compared.
  std::string safety_code;
  std::vector<v1::Seat> key_holders;
  bool keys_compared = false;
  std::string keys_problem;  // set: keys did not match; nothing more is sealed or shown
  std::string topic;         // the session's topic, as opened (it travels sealed)
  /// The one sentence about the keys, for every screen: the code and who
  /// holds the keys, that they have not all arrived, or that they do not match.
  std::string safety_code_sentence() const;
  v1::Snapshot snapshot;
  std::string my_draft;  // what I have written for the current floor so far
  /// What I was writing when the session ended under me (a partner left or
  /// ended it): never sent, shown so it is not lost. Until the floor changes again.
  std::string unsent_draft;

  bool counselor() const { return my_seat == v1::SEAT_COUNSELOR; }
  v1::Seat partner_seat() const { return other_partner(my_seat); }
  /// What I may do now and whether the words being written are mine: the
  /// server's own turn rules (common/exercise/turn_rules) read on its last snapshot.
  heard::moment moment() const { return moment_of(snapshot, my_seat); }
  /// Why the server would refuse `what` from me now (nullopt: it would not).
  std::optional<v1::Error> refusal_of(act what) const { return refusal(snapshot, my_seat, what); }
  bool i_write_now() const { return moment().writes; }
  /// A partner whose check-in is still to give (never the counselor).
  bool i_check_in() const {
    return snapshot.phase() == v1::PHASE_CHECK_IN && is_partner(my_seat) && !member_of(snapshot, my_seat).checked_in();
  }
  std::string name_of(v1::Seat seat) const { return member_of(snapshot, seat).name(); }
};

}  // namespace heard::client
