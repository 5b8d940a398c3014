#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace heard {

/// Every connection of a session, whatever it does (create, join, resume),
/// upgrades on the same target, "/v2/<route>": the route is the one thing a
/// load balancer hashes on and the one thing its access log records. What
/// the connection does and every secret (the rest of an invite code, the
/// session key, the resume token) travel inside Hello.
inline constexpr std::string_view session_target_prefix = "/v2/";

/// The target for a route.
std::string session_target_for(std::string_view route);

/// The route of a target, or nullopt for anything else (answered 404).
std::optional<std::string> parse_session_target(std::string_view target);

/// A target of protocol 1 ("/v1/sessions/..."), which carried the secret
/// code in the URL: answered 410 with a sentence saying to update.
bool is_retired_target(std::string_view target);

}  // namespace heard
