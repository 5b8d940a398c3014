#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>

#include "link.hpp"
#include "logger.hpp"
#include "server_config.hpp"
#include "server_stats.hpp"

namespace heard::server {

/// Accepts TLS connections, reads the HTTP upgrade request itself (capped),
/// upgrades to WebSocket and hands each link to the application. All of
/// Beast's and OpenSSL's stream templates live behind this class.
class tls_transport {
 public:
  tls_transport(boost::asio::io_context& ioc, const server_config& config, server_stats& stats, logger& log,
                link_acceptor& acceptor);
  ~tls_transport();
  tls_transport(const tls_transport&) = delete;
  tls_transport& operator=(const tls_transport&) = delete;

  /// Loads the certificate, binds and starts accepting. Throws on a bad
  /// certificate or an address in use. Returns the bound port.
  std::uint16_t start();

  /// Stops accepting and closes every open link with 1001 (going away) and
  /// `reason`.
  void stop(const std::string& reason);

  struct impl;  // opaque: Beast and OpenSSL types stay in the .cpp

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace heard::server
