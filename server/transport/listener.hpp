#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "logger.hpp"
#include "server_stats.hpp"

namespace heard::server {

/// Why the server could not listen, in one sentence that says what to do.
class listen_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Accepts TCP connections on one or more addresses, all on one port, and
/// hands each socket (already on a strand of its own) to the transport. Plain
/// Asio: no TLS, no Beast, so it compiles in seconds.
class listener {
 public:
  using socket_handler = std::function<void(boost::asio::ip::tcp::socket socket)>;

  /// Out of descriptors, accepting pauses `backoff_min`, doubling up to
  /// `backoff_max` (server_config::accept_backoff_min/max).
  listener(boost::asio::io_context& ioc, server_stats& stats, logger& log, std::chrono::milliseconds backoff_min,
           std::chrono::milliseconds backoff_max, socket_handler on_socket);
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  /// Binds `addresses` (IP literals) on `port` (0: a free port, the same for
  /// every address) and starts accepting. An empty list means the loopback
  /// addresses: 127.0.0.1, and ::1 where the host has IPv6. Throws
  /// listen_error naming the address and what to do.
  std::uint16_t start(const std::vector<std::string>& addresses, std::uint16_t port);

  /// Stops accepting; connections already accepted are not touched.
  void stop();

  /// Where it listens, e.g. "127.0.0.1:8443, [::1]:8443".
  std::string describe() const;

  struct acceptor_loop;  // one per address

 private:
  boost::asio::io_context& ioc_;
  server_stats& stats_;
  logger& log_;
  std::chrono::milliseconds backoff_min_;
  std::chrono::milliseconds backoff_max_;
  socket_handler on_socket_;
  std::vector<std::shared_ptr<acceptor_loop>> loops_;
};

}  // namespace heard::server
