#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "logger.hpp"
#include "server_config.hpp"
#include "server_stats.hpp"

namespace heard::server {

/// The operator's window: plain HTTP on a separate address (loopback unless
/// configured otherwise), never the public port. GET /metrics (Prometheus
/// text format), /healthz (200 while the process runs) and /readyz (200
/// while it accepts sessions, 503 once it is stopping). One request per
/// connection, within admin_max_request_bytes and admin_request_timeout.
class admin_listener {
 public:
  admin_listener(boost::asio::io_context& ioc, const server_config& config, const server_stats& stats, logger& log);
  ~admin_listener();
  admin_listener(const admin_listener&) = delete;
  admin_listener& operator=(const admin_listener&) = delete;

  /// Binds "ADDRESS:PORT" (port 0: any free one) and starts answering.
  /// Throws listen_error with a sentence if it cannot. Returns the port.
  std::uint16_t start(const std::string& address_and_port);
  /// /readyz answers 503 from now on; open requests finish; no new ones.
  void stop();

 private:
  void accept();

  boost::asio::io_context& ioc_;
  const server_config& config_;
  const server_stats& stats_;
  logger& log_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<std::atomic<bool>> ready_ = std::make_shared<std::atomic<bool>>(true);
};

}  // namespace heard::server
