#include "seat.hpp"

namespace heard {

member_view member_of(const v1::Snapshot& s, v1::Seat seat) {
  switch (seat) {
    case v1::SEAT_A: return {s.a_present(), s.a_ready(), s.a_checked_in(), s.a_link(), s.a_name()};
    case v1::SEAT_B: return {s.b_present(), s.b_ready(), s.b_checked_in(), s.b_link(), s.b_name()};
    case v1::SEAT_COUNSELOR: return {s.counselor_present(), false, false, s.counselor_link(), s.counselor_name()};
    default: return {};
  }
}

std::string seat_name(const v1::Snapshot& snapshot, v1::Seat me, v1::Seat seat, seat_naming style) {
  if (seat == me) return "you";
  std::string name = member_of(snapshot, seat).name;
  if (!name.empty()) return name;
  const bool line = style == seat_naming::line;
  if (seat == v1::SEAT_COUNSELOR) return line ? "counselor" : "your counselor";
  // A counselor tells the partners apart; a partner has only one.
  if (me == v1::SEAT_COUNSELOR) return std::string(line ? "" : "partner ") + seat_label(seat);
  return line ? "partner" : "your partner";
}

}  // namespace heard
