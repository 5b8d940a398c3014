#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace heard::server {

/// WebSocket close codes the application uses (RFC 6455, section 7.4.1).
enum class close_code : std::uint16_t {
  normal = 1000,
  going_away = 1001,
  policy_violation = 1008,
  too_big = 1009,
  internal_error = 1011,
};

/// One client connection as the application sees it: a way to send whole
/// messages and to close. Implemented by the TLS WebSocket transport, so
/// nothing outside server/transport/tls_transport.cpp sees a Beast type.
class link {
 public:
  virtual ~link() = default;

  /// Queues one binary message and returns the bytes queued on this link and
  /// not yet written, this message included, so a sender can pace itself
  /// (want_drained). Safe from any thread. A link whose queue would pass max_outbound_queue_bytes is
  /// cut: a reader that slow must not grow the server's memory, and its
  /// partner is not held up.
  virtual std::size_t send(std::shared_ptr<const std::string> message) = 0;

  /// Asks for one link_handler::on_drained once everything sent so far has
  /// been written (at once if it has). Asked, not always told: telling every
  /// emptied queue would cost a hop to the handler for every message. Safe
  /// from any thread.
  virtual void want_drained() = 0;

  /// Sends everything already queued, then closes with `code`. Safe from any
  /// thread; later sends are dropped.
  virtual void close(close_code code, std::string reason) = 0;

  /// The peer's IP address, for per-address limits (never logged).
  virtual const std::string& remote_address() const = 0;

  /// The peer said a well-formed Hello. A link that has not by the upgrade
  /// deadline is closed with 1008: answering its garbage must not keep it
  /// open for ever. Safe from any thread.
  virtual void established() = 0;
};

/// What the application does with one open link. The transport calls these on
/// the link's strand, one at a time.
class link_handler {
 public:
  virtual ~link_handler() = default;
  virtual void on_message(std::string_view message) = 0;
  /// Called exactly once, after which the link sends nothing more.
  virtual void on_close() = 0;
  /// Everything queued has been written, after link::want_drained asked.
  virtual void on_drained() {}
};

/// The application as the transport sees it.
class link_acceptor {
 public:
  virtual ~link_acceptor() = default;
  /// Before the upgrade: is this a target the application serves?
  virtual bool serves_target(std::string_view target) const = 0;
  /// After the upgrade: the handler for a new link.
  virtual std::shared_ptr<link_handler> on_open(std::shared_ptr<link> link, std::string_view target) = 0;
};

}  // namespace heard::server
