#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heard::client {

/// One unfinished session seat kept on this machine: what `heard resume`
/// offers. One file per session seat, so two people on one account (the
/// README's two terminals) never share or take each other's seat.
struct saved_seat {
  std::string path;
  std::string my_name;
  std::string partner_name;  // the partner's (a counselor sees both: "Alex & Sam")
  std::string code;          // the invite code this seat handed out or used, if any
  std::int64_t saved_unix_ms = 0;
};

/// The state file for a session seat inside `folder`.
std::string seat_state_path(const std::string& folder, const std::string& session_key, char seat_letter);

/// Every unfinished seat saved in `folder`, by name (a stable order: the
/// numbers `heard resume` prints stay valid); files that are not a saved seat
/// are left alone.
std::vector<saved_seat> find_saved_seats(const std::string& folder);

/// Which seat `choice` names: its number in the list as `heard resume`
/// prints it, or its code (any spelling a person would type) when exactly
/// one seat has it. Nullopt when it names none of them, or more than one.
std::optional<std::size_t> choose_saved_seat(const std::vector<saved_seat>& seats, std::string_view choice);

/// One line for the list: "1  Alex with Sam, saved 3 minutes ago (code 7KQ2-M9XD-4TRB)".
std::string describe_saved_seat(const saved_seat& seat, std::size_t number, std::int64_t now_unix_ms);

}  // namespace heard::client
