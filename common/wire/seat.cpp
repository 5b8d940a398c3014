#include "seat.hpp"

namespace heard {

const v1::Member& member_of(const v1::Snapshot& s, v1::Seat seat) {
  for (const auto& m : s.members()) {
    if (m.seat() == seat) return m;
  }
  return v1::Member::default_instance();
}

v1::Member& member_in(v1::Snapshot& s, v1::Seat seat) {
  for (auto& m : *s.mutable_members()) {
    if (m.seat() == seat) return m;
  }
  auto* added = s.add_members();
  added->set_seat(seat);
  return *added;
}

const std::string& invite_code_for(const v1::Welcome& welcome, v1::Seat seat) {
  for (const auto& invite : welcome.invites()) {
    if (invite.seat() == seat) return invite.code();
  }
  static const std::string none;
  return none;
}

std::string seat_name(const v1::Snapshot& snapshot, v1::Seat me, v1::Seat seat, seat_naming style) {
  if (seat == me) return "you";
  std::string name = member_of(snapshot, seat).name();
  if (!name.empty()) return name;
  const bool line = style == seat_naming::line;
  if (seat == v1::SEAT_COUNSELOR) return line ? "counselor" : "your counselor";
  // A counselor tells the partners apart; a partner has only one.
  if (me == v1::SEAT_COUNSELOR) return std::string(line ? "" : "partner ") + seat_label(seat);
  return line ? "partner" : "your partner";
}

std::vector<v1::Seat> session_seats(const v1::Snapshot& s) {
  if (s.guided()) return {v1::SEAT_A, v1::SEAT_B, v1::SEAT_COUNSELOR};
  return {v1::SEAT_A, v1::SEAT_B};
}

bool everyone_here(const v1::Snapshot& s) {
  for (v1::Seat seat : session_seats(s)) {
    if (!member_of(s, seat).present()) return false;
  }
  return true;
}

bool keys_complete(const v1::Snapshot& s) {
  for (v1::Seat seat : session_seats(s)) {
    if (member_of(s, seat).public_key().empty()) return false;
  }
  return true;
}

}  // namespace heard
