#include "session_view.hpp"

namespace heard::client {

std::string session_view::safety_code_sentence() const {
  if (!keys_problem.empty()) {
    return "Keys do not match: " + keys_problem +
           " Someone may be in the middle; nothing more is sealed or shown. End the session and start a new one.";
  }
  if (safety_code.empty()) return "Not every key has arrived yet; the safety code shows once they have.";
  std::string who;
  for (std::size_t i = 0; i < key_holders.size(); ++i) {
    if (i > 0) who += i + 1 == key_holders.size() ? " and " : ", ";
    who += seat_name(snapshot, my_seat, key_holders[i], seat_naming::sentence);
    // A third key is a counselor's: say so, so nobody takes it for a stranger's.
    if (key_holders[i] == v1::SEAT_COUNSELOR && my_seat != v1::SEAT_COUNSELOR &&
        !member_of(snapshot, v1::SEAT_COUNSELOR).name().empty()) {
      who += " (your counselor)";
    }
  }
  return "Safety code " + safety_code + ": " + who +
         " hold this session's keys. Read it aloud to each other by phone or video; the same code on every screen "
         "means nobody is in the middle. " +
         (keys_compared ? "You marked it compared." : "Then mark it compared.");
}

}  // namespace heard::client
