#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "heard/v1/heard.pb.h"

namespace heard {

/// The seats of a session, in table order: partner A, partner B, the
/// counselor. Every per-seat table in the code is indexed by seat_index.
inline constexpr std::array<v1::Seat, 3> all_seats{v1::SEAT_A, v1::SEAT_B, v1::SEAT_COUNSELOR};

/// A seat's row in a per-seat table. Callers check that a seat is one of
/// all_seats first; anything else maps to A's row.
constexpr std::size_t seat_index(v1::Seat seat) { return seat == v1::SEAT_B ? 1 : seat == v1::SEAT_COUNSELOR ? 2 : 0; }

/// A value per seat, indexed by seat.
template <typename T>
class seat_table {
 public:
  T& operator[](v1::Seat seat) { return rows_[seat_index(seat)]; }
  const T& operator[](v1::Seat seat) const { return rows_[seat_index(seat)]; }
  auto begin() { return rows_.begin(); }
  auto end() { return rows_.end(); }
  auto begin() const { return rows_.begin(); }
  auto end() const { return rows_.end(); }

 private:
  std::array<T, all_seats.size()> rows_{};
};

constexpr bool is_partner(v1::Seat seat) { return seat == v1::SEAT_A || seat == v1::SEAT_B; }

/// The other partner (A <-> B).
constexpr v1::Seat other_partner(v1::Seat seat) { return seat == v1::SEAT_A ? v1::SEAT_B : v1::SEAT_A; }

/// A seat's label in logs and in the protocol's documentation: "A", "B",
/// "counselor".
constexpr const char* seat_label(v1::Seat seat) {
  return seat == v1::SEAT_B ? "B" : seat == v1::SEAT_COUNSELOR ? "counselor" : "A";
}

/// Who an outbound message is for: a set of seats. Content only ever goes to
/// the session's own members; the state machine cannot name anyone else.
enum audience : unsigned {
  to_a = 1,
  to_b = 2,
  to_counselor = 4,
  everyone = to_a | to_b | to_counselor,
};

/// The audience bit of one seat (0 for none).
constexpr unsigned audience_of(v1::Seat seat) {
  return seat == v1::SEAT_A ? to_a : seat == v1::SEAT_B ? to_b : seat == v1::SEAT_COUNSELOR ? to_counselor : 0u;
}

/// Whether `to` includes `seat`.
constexpr bool addresses(unsigned to, v1::Seat seat) { return (to & audience_of(seat)) != 0; }

/// One seat's member as a snapshot describes it (an empty record for a seat
/// the session does not have).
const v1::Member& member_of(const v1::Snapshot& snapshot, v1::Seat seat);
/// The record for `seat`, added if missing: the server's way to fill a snapshot.
v1::Member& member_in(v1::Snapshot& snapshot, v1::Seat seat);

/// Who started a session: the counselor in a guided one, else seat A (who
/// gives its topic).
constexpr v1::Seat creator_seat(bool guided) { return guided ? v1::SEAT_COUNSELOR : v1::SEAT_A; }

/// The seats a session has: A and B, and the counselor when guided.
std::vector<v1::Seat> session_seats(const v1::Snapshot& s);

/// Every seat of the session is taken by a member who is here (or away for a while).
bool everyone_here(const v1::Snapshot& s);

/// Every seat of the session has revealed its end-to-end key
/// (docs/privacy.md): content can be sealed to all, so the exercise may begin.
bool keys_complete(const v1::Snapshot& s);

/// The code a Welcome carries for `seat` ("" when none).
const std::string& invite_code_for(const v1::Welcome& welcome, v1::Seat seat);

/// How a client names `seat` to the person in seat `me`: "you", the
/// member's name, or their role when they gave none. `line` words suit the
/// line format ("counselor", "A", "partner"); `sentence` words suit prose
/// ("your counselor", "partner A", "your partner").
enum class seat_naming { line, sentence };
std::string seat_name(const v1::Snapshot& snapshot, v1::Seat me, v1::Seat seat, seat_naming style);

}  // namespace heard
