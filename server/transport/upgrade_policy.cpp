#include "upgrade_policy.hpp"

#include <algorithm>

#include "link.hpp"
#include "session_target.hpp"

namespace heard::server {

upgrade_policy::upgrade_policy(std::vector<std::string> allowed_origins, const link_acceptor& app,
                               const web_assets* web)
    : allowed_origins_(std::move(allowed_origins)), app_(app), web_(web) {}

std::optional<http_answer> upgrade_policy::decide(const request_head& head) const {
  if (!head.is_websocket_upgrade) {
    if (head.is_get && head.target == "/healthz") {
      return http_answer{200, "ok\n", false, transport_event::plain_http_request};
    }
    if (auto answer = page(head)) return answer;
    if (web_ && head.is_get) {
      return http_answer{404, "No such page; Heard is at /.\n", false, transport_event::plain_http_request};
    }
    return http_answer{426, "Heard speaks WebSocket over TLS; use the heard client or open the page at /.\n", true,
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
  if (!origin_allowed(head)) {
    return http_answer{403, "This origin may not connect.\n", false, transport_event::origin_refused};
  }
  return std::nullopt;
}

std::optional<http_answer> upgrade_policy::page(const request_head& head) const {
  if (!web_ || !head.is_get) return std::nullopt;
  const auto* asset = web_->find(head.target);
  if (!asset) return std::nullopt;
  http_answer answer{200, asset->body, false, transport_event::page_request};
  answer.content_type = asset->content_type;
  answer.etag = asset->etag;
  answer.headers = web_assets::security_headers();
  answer.keep_alive = true;
  if (head.if_none_match == asset->etag) {
    answer.status = 304;
    answer.body = {};
  }
  return answer;
}

// Browsers always send Origin; a page on another site must not be able to
// open a session in someone's name. The native client sends none. The page
// this server (or nginx in front of it) serves is the request's own origin:
// https and the Host the browser asked for.
bool upgrade_policy::origin_allowed(const request_head& head) const {
  if (!head.origin) return true;
  const auto& origin = *head.origin;
  constexpr std::string_view https = "https://";
  if (!head.host.empty() && origin.size() == https.size() + head.host.size() && origin.starts_with(https) &&
      origin.substr(https.size()) == head.host) {
    return true;
  }
  return std::find(allowed_origins_.begin(), allowed_origins_.end(), origin) != allowed_origins_.end();
}

http_answer upgrade_policy::too_large() {
  return {431, "Request headers too large.\n", false, transport_event::upgrade_too_large};
}

http_answer upgrade_policy::has_body() {
  return {400, "An upgrade request has no body.\n", false, transport_event::upgrade_rejected};
}

}  // namespace heard::server
