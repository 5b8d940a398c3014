#include "session_target.hpp"

#include "invite_code.hpp"

namespace heard {

std::string session_target_for(std::string_view route) {
  std::string out(session_target_prefix);
  out += route;
  return out;
}

std::optional<std::string> parse_session_target(std::string_view target) {
  if (target.substr(0, session_target_prefix.size()) != session_target_prefix) return std::nullopt;
  const auto route = target.substr(session_target_prefix.size());
  if (!is_route(route)) return std::nullopt;
  return std::string(route);
}

bool is_retired_target(std::string_view target) { return target.substr(0, 4) == "/v1/"; }

}  // namespace heard
