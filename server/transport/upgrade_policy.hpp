#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "transport_observer.hpp"
#include "web_assets.hpp"

namespace heard::server {

class link_acceptor;

/// The parts of an HTTP request head that decide what it gets.
struct request_head {
  bool is_get = false;
  bool is_websocket_upgrade = false;
  std::string_view target;
  std::optional<std::string_view> origin;  // absent: no Origin header (the native client)
  std::string_view host;                   // the Host header
  std::string_view if_none_match;          // a cached page's validator
};

/// An HTTP answer instead of an upgrade.
struct http_answer {
  int status = 0;
  std::string_view body;
  bool upgrade_required = false;  // also send "Upgrade: websocket"
  std::optional<transport_event> counted;
  std::string_view content_type = "text/plain; charset=utf-8";
  std::string_view etag{};                // with Cache-Control: no-cache
  std::span<const web_header> headers{};  // the page's security headers
  bool keep_alive = false;                // the browser may ask for the next file on this connection
};

/// What to do with a request head, before any WebSocket exists: answer it
/// over plain HTTP (health check, 426, 404, 403) or upgrade. Pure: no I/O,
/// unit-tested directly, and kept out of the Beast file.
class upgrade_policy {
 public:
  /// `web`: the browser client's files, or nullptr when the server has no
  /// page (no --web-root); it must outlive the policy.
  upgrade_policy(std::vector<std::string> allowed_origins, const link_acceptor& app, const web_assets* web = nullptr);

  /// nullopt: upgrade.
  std::optional<http_answer> decide(const request_head& head) const;

  /// The answers to request heads that could not be read whole.
  static http_answer too_large();
  static http_answer has_body();

 private:
  std::optional<http_answer> page(const request_head& head) const;
  bool origin_allowed(const request_head& head) const;

  std::vector<std::string> allowed_origins_;
  const link_acceptor& app_;
  const web_assets* web_;
};

}  // namespace heard::server
