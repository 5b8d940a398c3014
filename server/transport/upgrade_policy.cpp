#include "upgrade_policy.hpp"

#include <algorithm>

#include "link.hpp"
#include "session_target.hpp"

namespace heard::server {

upgrade_policy::upgrade_policy(std::vector<std::string> allowed_origins, const link_acceptor& app)
    : allowed_origins_(std::move(allowed_origins)), app_(app) {}

std::optional<http_answer> upgrade_policy::decide(const request_head& head) const {
  if (!head.is_websocket_upgrade) {
    if (head.is_get && head.target == "/healthz") {
      return http_answer{200, "ok\n", false, transport_event::plain_http_request};
    }
    return http_answer{426, "Heard speaks WebSocket over TLS; use the heard client.\n", true,
                       transport_event::plain_http_request};
  }
  if (is_retired_target(head.target)) {
    return http_answer{410,
                       "This server speaks Heard protocol 2; protocol 1 put the invite code in the address and is "
                       "no longer served. Update heard.\n",
                       false, transport_event::upgrade_rejected};
  }
  if (!app_.serves_target(head.target)) {
    return http_answer{404, "No such Heard endpoint.\n", false, transport_event::upgrade_rejected};
  }
  // Browsers always send Origin; a page on another site must not be able to
  // open a session in someone's name. The native client sends none.
  if (head.origin &&
      std::find(allowed_origins_.begin(), allowed_origins_.end(), *head.origin) == allowed_origins_.end()) {
    return http_answer{403, "This origin may not connect.\n", false, transport_event::origin_refused};
  }
  return std::nullopt;
}

http_answer upgrade_policy::too_large() {
  return {431, "Request headers too large.\n", false, transport_event::upgrade_too_large};
}

http_answer upgrade_policy::has_body() {
  return {400, "An upgrade request has no body.\n", false, transport_event::upgrade_rejected};
}

}  // namespace heard::server
