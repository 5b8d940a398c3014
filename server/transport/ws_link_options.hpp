#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "proxy_header.hpp"

namespace heard::server {

struct server_config;

/// The few settings the Beast file reads, copied once from server_config
/// (where every default lives), so that adding an unrelated option does not
/// recompile tls_transport.cpp.
struct ws_link_options {
  std::chrono::milliseconds tls_handshake_timeout{};
  std::chrono::milliseconds upgrade_timeout{};
  std::chrono::milliseconds idle_timeout{};
  std::chrono::milliseconds app_idle_timeout{};
  std::chrono::milliseconds close_timeout{};
  std::chrono::milliseconds tls_buffer_release{};
  std::chrono::milliseconds close_linger{};
  std::size_t max_upgrade_request_bytes = 0;
  std::size_t max_message_bytes = 0;
  std::size_t max_outbound_queue_bytes = 0;
  std::size_t max_pings_per_minute = 0;
  std::size_t max_requests_per_connection = 0;
  std::vector<std::string> trusted_proxies;  // see server_config
  proxy_header_kind proxy_header = proxy_header_kind::proxy_v2;

  static ws_link_options from(const server_config& config);
};

}  // namespace heard::server
