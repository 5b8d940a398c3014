#include "moment_words.hpp"

#include "seat.hpp"

namespace heard {

std::string capitalized(std::string text) {
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') text.front() = static_cast<char>(text.front() - 32);
  return text;
}

std::string ended_sentence(const v1::Snapshot& s, v1::Seat me) {
  const bool over = s.phase() == v1::PHASE_CHECK_IN || s.phase() == v1::PHASE_ENDED;
  if (!over || s.ended_by() == v1::SEAT_UNSPECIFIED) return {};
  if (s.ended_by() == me) return "You ended the session.";
  const std::string who = capitalized(seat_name(s, me, s.ended_by(), seat_naming::sentence));
  // Leaving takes the seat away; EndSession leaves it for the check-in.
  return who + (member_of(s, s.ended_by()).present() ? " ended the session." : " left the session.");
}

std::string guide_left_sentence(const v1::Snapshot& s, v1::Seat me) {
  if (!s.guided() || me == v1::SEAT_COUNSELOR) return {};
  const auto& guide = member_of(s, v1::SEAT_COUNSELOR);
  // Present once joined; a counselor who left is no longer present but has a seat record with a name.
  if (guide.present() || guide.seat() != v1::SEAT_COUNSELOR) return {};
  return capitalized(seat_name(s, me, v1::SEAT_COUNSELOR, seat_naming::sentence)) +
         " has left. The two of you go on by yourselves: " +
         (s.phase() == v1::PHASE_READY ? "say when now is a good time, and the first round begins."
                                       : "the floor works as before.");
}

}  // namespace heard
