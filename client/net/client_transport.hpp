#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace heard::client {

/// Where a server is: only wss:// is accepted, never a plain ws:// fallback.
struct server_address {
  std::string host;
  std::string port = "443";
};

/// Parses "wss://host[:port]" (IPv6 as "[::1]"). On failure returns nullopt
/// and explains why in `error`.
std::optional<server_address> parse_server_url(std::string_view url, std::string& error);

struct tls_options {
  std::string ca_file;  // PEM bundle to trust; empty means the system store
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds idle_timeout{30'000};
  std::size_t max_message_bytes = 64 * 1024;
  std::string local_address;        // bind to this local IP first (tests: another loopback address)
  std::size_t max_frame_bytes = 0;  // 0: a message is one frame; tests send fragments (Beast's minimum is 8)
};

/// A TLS WebSocket connection to a Heard server, verified against the CA and
/// the host name. All of Beast lives behind this interface in
/// client/net/tls_client_transport.cpp. Callbacks run on the io_context's thread;
/// the client library runs that context on one thread.
class client_transport {
 public:
  struct handlers {
    std::function<void()> on_open;
    std::function<void(std::string_view message)> on_message;
    std::function<void(const std::string& reason)> on_close;  // once, after on_open or a failed connect
  };

  /// Throws std::runtime_error if the CA file cannot be loaded.
  static std::shared_ptr<client_transport> create(boost::asio::io_context& ioc, const tls_options& options);

  virtual ~client_transport() = default;
  virtual void connect(const server_address& server, std::string target, handlers callbacks) = 0;
  /// Queues one binary message; dropped if not open.
  virtual void send(std::string message) = 0;
  /// Closes with 1000 after what is queued.
  virtual void close() = 0;
};

}  // namespace heard::client
