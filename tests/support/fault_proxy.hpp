#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace heard::testing {

/// A loopback TCP proxy that breaks connections on purpose: it can reset
/// every open connection, cut one after a chosen number of bytes in a chosen
/// direction (so inside a TLS record, a WebSocket frame, anywhere), or stall.
/// tc netem is not available on this kernel; a userspace proxy works anywhere.
class fault_proxy {
 public:
  enum class direction { to_server, to_client };

  /// `upstream_receive_buffer`: if set, the proxy's socket towards the server
  /// gets this SO_RCVBUF, so a stall backs up into the server quickly.
  explicit fault_proxy(std::uint16_t upstream_port, std::optional<int> upstream_receive_buffer = std::nullopt);
  ~fault_proxy();
  fault_proxy(const fault_proxy&) = delete;
  fault_proxy& operator=(const fault_proxy&) = delete;

  std::uint16_t port() const { return port_; }

  /// Resets (RST) every connection open now.
  void reset_all();
  /// Cuts (RST) each connection open now, and the next new one, after
  /// `bytes` more bytes have passed in `dir`.
  void cut_after(std::size_t bytes, direction dir);
  /// While stalled, nothing is forwarded either way (a tunnel, a closed lid).
  void stall(bool on);
  /// From now on each new connection to the server begins with a PROXY
  /// protocol v2 header naming the client's address, as HAProxy's
  /// send-proxy-v2 does: the proxy is then a load balancer the server trusts.
  void send_proxy_v2(bool on) { send_proxy_v2_ = on; }

  std::size_t connections_accepted() const { return accepted_.load(); }
  std::size_t connections_cut() const { return cut_.load(); }

 private:
  struct pipe_pair {
    int client = -1;
    int server = -1;
    std::optional<std::size_t> cut_to_server;  // bytes left before the cut
    std::optional<std::size_t> cut_to_client;
  };

  void run();
  void wake();
  void close_pair(pipe_pair& p, bool reset);
  /// Forwards what `from` has; false when the pair is finished.
  bool forward(pipe_pair& p, bool to_server);
  /// Sends the PROXY v2 header for `client` on `server`; false on failure.
  static bool write_proxy_v2(int client, int server);

  std::uint16_t upstream_port_;
  std::optional<int> upstream_receive_buffer_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> stalled_{false};
  std::atomic<bool> send_proxy_v2_{false};
  std::atomic<std::size_t> accepted_{0};
  std::atomic<std::size_t> cut_{0};

  std::mutex mutex_;  // guards the requests below
  bool reset_requested_ = false;
  std::optional<std::pair<std::size_t, direction>> cut_requested_;
  std::optional<std::pair<std::size_t, direction>> cut_next_;
  std::vector<pipe_pair> pairs_;  // only touched by the proxy thread
};

}  // namespace heard::testing
