#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <memory>

#include "link.hpp"
#include "logger.hpp"
#include "server_config.hpp"
#include "server_stats.hpp"

namespace heard::server {

/// Takes accepted TCP connections, reads the HTTP upgrade request itself (capped),
/// upgrades to WebSocket and hands each link to the application. All of
/// Beast's and OpenSSL's stream templates live behind this class.
class tls_transport {
 public:
  tls_transport(boost::asio::io_context& ioc, const server_config& config, server_stats& stats, logger& log,
                link_acceptor& acceptor);
  ~tls_transport();
  tls_transport(const tls_transport&) = delete;
  tls_transport& operator=(const tls_transport&) = delete;

  /// Loads the certificate. Throws std::runtime_error saying what to do
  /// when it or its key cannot be used.
  void start();

  /// Takes one accepted connection (on a strand of its own): the capacity
  /// and per-address limits, then TLS, the upgrade and a link. Safe from
  /// any thread.
  void accept(boost::asio::ip::tcp::socket socket);

  /// Refuses further connections and closes every open link with 1001
  /// (going away) and `reason`.
  void stop(const std::string& reason);

  struct impl;  // opaque: Beast and OpenSSL types stay in the .cpp

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace heard::server
