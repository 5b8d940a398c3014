#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace heard {

/// What a WebSocket upgrade target asks for. The target is also the routing
/// key a load balancer can hash on.
struct session_target {
  enum class kind { create, join, resume };
  kind what;
  std::string value;  // join: the code as typed; resume: the session key; create: empty
};

/// Parses "/v1/sessions/new", "/v1/sessions/<code>" and
/// "/v1/sessions/<key>/resume". Only the shape is checked here: whether a
/// code or key is right is answered inside the protocol, the same way for
/// every wrong one. nullopt for anything else (answered 404).
std::optional<session_target> parse_session_target(std::string_view target);

}  // namespace heard
