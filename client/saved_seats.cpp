#include "saved_seats.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "heard/v1/client_state.pb.h"
#include "invite_code.hpp"
#include "seat.hpp"

namespace heard::client {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view suffix = ".state";

std::string ago(std::int64_t ms) {
  const auto minutes = std::max<std::int64_t>(ms, 0) / 60'000;
  if (minutes < 1) return "just now";
  if (minutes < 120) return std::to_string(minutes) + (minutes == 1 ? " minute ago" : " minutes ago");
  const auto hours = minutes / 60;
  if (hours < 48) return std::to_string(hours) + " hours ago";
  return std::to_string(hours / 24) + " days ago";
}

}  // namespace

std::string seat_state_path(const std::string& folder, const std::string& session_key, char seat_letter) {
  return (fs::path(folder) / (session_key + "-" + seat_letter + std::string(suffix))).string();
}

std::vector<saved_seat> find_saved_seats(const std::string& folder) {
  std::vector<saved_seat> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const auto name = entry.path().filename().string();
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    v1::ClientState state;
    if (!in || !state.ParseFromIstream(&in) || state.resume_token().empty()) continue;
    saved_seat seat;
    seat.path = entry.path().string();
    seat.my_name = state.name();
    if (state.seat() == v1::SEAT_COUNSELOR) {
      seat.partner_name =
          member_of(state.snapshot(), v1::SEAT_A).name() + " & " + member_of(state.snapshot(), v1::SEAT_B).name();
    } else {
      seat.partner_name = member_of(state.snapshot(), other_partner(state.seat())).name();
    }
    seat.code = state.invite_code();
    seat.saved_unix_ms = state.saved_unix_ms();
    out.push_back(std::move(seat));
  }
  // A stable order, so the number a person read still names the same seat
  // while another seat in the folder is live and being rewritten (which can
  // also show a file twice while it is renamed over).
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.my_name, a.partner_name, a.path) < std::tie(b.my_name, b.partner_name, b.path);
  });
  out.erase(std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.path == b.path; }),
            out.end());
  return out;
}

std::optional<std::size_t> choose_saved_seat(const std::vector<saved_seat>& seats, std::string_view choice) {
  if (!choice.empty() && choice.find_first_not_of("0123456789") == std::string_view::npos && choice.size() <= 4) {
    const auto n = static_cast<std::size_t>(std::stoul(std::string(choice)));
    if (n >= 1 && n <= seats.size()) return n - 1;
    return std::nullopt;
  }
  const auto wanted = normalize_invite_code(choice);
  if (!wanted) return std::nullopt;
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < seats.size(); ++i) {
    if (normalize_invite_code(seats[i].code) != wanted) continue;
    if (found) return std::nullopt;  // both seats of one session on this machine: the number says which
    found = i;
  }
  return found;
}

std::string describe_saved_seat(const saved_seat& seat, std::size_t number, std::int64_t now_unix_ms) {
  std::string line = std::to_string(number) + "  " + (seat.my_name.empty() ? "you" : seat.my_name);
  line += " with " + (seat.partner_name.empty() ? std::string("your partner") : seat.partner_name);
  line += ", saved " + ago(now_unix_ms - seat.saved_unix_ms);
  if (!seat.code.empty()) line += " (code " + seat.code + ")";
  return line;
}

}  // namespace heard::client
