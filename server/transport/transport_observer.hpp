#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace heard::server {

/// What the transport reports. Each is counted; none carries content.
enum class transport_event : unsigned char {
  link_created,    // a TCP connection became a link (TLS handshake next)
  link_destroyed,  // ...and is gone
  refused_capacity,
  refused_per_address,
  tls_handshake_failure,
  upgrade_rejected,
  upgrade_too_large,
  plain_http_request,
  page_request,  // a file of the browser client (or its 304)
  origin_refused,
  ping_flood,
  timeout,
  message_in,
  message_out,
  slow_reader_close,
  app_idle_close,
  no_hello_close,        // no Hello by the upgrade deadline
  proxy_header_invalid,  // a trusted proxy's connection did not say who the client is
  tls_buffers_released,  // a quiet link gave its TLS record buffers back
};

/// How the transport's Beast file tells the rest of the server what
/// happened, without including the counters or the logger: a new counter
/// or log field then recompiles a cheap file, not the Beast one. Called
/// from any I/O thread; implementations must be thread-safe and cheap.
class transport_observer {
 public:
  virtual ~transport_observer() = default;
  virtual void on_event(transport_event event) = 0;
  /// A reader too slow for the outbound queue was cut with this much queued.
  virtual void on_slow_reader(std::size_t queued_bytes) = 0;
  /// Bytes queued on a link (positive) or written or dropped (negative).
  virtual void on_queued_bytes(std::int64_t delta) = 0;
  /// A link finished its TLS handshake and WebSocket upgrade this long after accept.
  virtual void on_upgraded(std::chrono::nanoseconds since_accept) = 0;
  /// A connection failed for a reason that is not part of normal operation.
  virtual void on_connection_error(std::string_view phase, std::string_view error) = 0;
  /// The application's handler threw `what`; the link closes with 1011.
  virtual void on_handler_exception(std::string_view what) = 0;
};

}  // namespace heard::server
