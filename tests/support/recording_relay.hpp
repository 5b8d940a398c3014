#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace heard::testing {

/// A relay that sees what heard-server sees: it ends the clients' TLS with
/// the test certificate, opens its own TLS to the server, forwards every
/// byte, and keeps all of it in the clear. What a compromised operator could
/// record at the server's own socket is exactly what payloads() returns: the
/// WebSocket messages both ways, unmasked.
///
/// With a tamper it is also the server in the middle: each whole binary
/// message the server sends on connection N (numbered from 0 as clients
/// connect) is handed to it first; when it returns true the message goes on
/// as it was changed.
class recording_relay {
 public:
  using tamper_function = std::function<bool(std::size_t connection, std::string& message)>;
  explicit recording_relay(std::uint16_t upstream_port, tamper_function tamper = {});
  ~recording_relay();
  recording_relay(const recording_relay&) = delete;
  recording_relay& operator=(const recording_relay&) = delete;

  std::uint16_t port() const { return port_; }
  /// Every WebSocket payload forwarded so far, both directions, concatenated.
  std::string payloads() const;
  /// How many bytes went through, both ways (to show the recording is real).
  std::size_t bytes_forwarded() const;

 private:
  struct recorded {
    std::string to_server;
    std::string to_client;
  };
  struct to_client_stream {
    std::size_t connection;
    const tamper_function& tamper;
    std::string pending;
    bool head_done = false;
    std::string feed(std::string_view bytes);
  };
  void accept_loop();
  void serve(int client_fd, std::size_t index);

  std::uint16_t upstream_port_;
  tamper_function tamper_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  SSL_CTX* accept_ctx_ = nullptr;
  SSL_CTX* connect_ctx_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  mutable std::mutex mutex_;
  std::vector<std::thread> connections_;
  std::deque<recorded> recordings_;  // a deque: a connection's record stays put as others are added
};

}  // namespace heard::testing
