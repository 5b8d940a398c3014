#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace heard::server {

// Every failure mode has a counter, so an operator can tell what went wrong
// without any log line carrying content.
// clang-format off
#define HEARD_SERVER_COUNTERS(X)                                                                  \
  X(connections_accepted)                                                                         \
  X(connections_refused_capacity)                                                                 \
  X(accept_errors)                                                                                \
  X(tls_handshake_failures)                                                                       \
  X(upgrade_rejected)                                                                             \
  X(upgrade_too_large)                                                                            \
  X(plain_http_requests)                                                                          \
  X(page_requests)                                                                                \
  X(timeouts)                                                                                     \
  X(messages_in)                                                                                  \
  X(messages_out)                                                                                 \
  X(inputs_refused)                                                                               \
  X(malformed_inputs)                                                                             \
  X(invalid_codes)                                                                                \
  X(version_mismatches)                                                                           \
  X(sessions_created)                                                                             \
  X(sessions_refused_capacity)                                                                    \
  X(sessions_paired)                                                                              \
  X(sessions_ended)                                                                               \
  X(invites_expired)                                                                              \
  X(slow_reader_closes)                                                                            \
  X(app_idle_closes)                                                                              \
  X(no_hello_closes)                                                                              \
  X(drops)                                                                                        \
  X(resumes)                                                                                      \
  X(resumes_refused)                                                                              \
  X(duplicate_inputs)                                                                             \
  X(bad_acks)                                                                                     \
  X(unacked_overflows)                                                                            \
  X(resyncs)                                                                                      \
  X(handler_exceptions)                                                                           \
  X(certificate_reload_failures)                                                                  \
  X(sessions_expired)                                                                             \
  X(sessions_restored)                                                                            \
  X(connections_refused_per_ip)                                                                   \
  X(origins_refused)                                                                              \
  X(rate_limited)                                                                                 \
  X(ping_floods)                                                                                  \
  X(joins_throttled)                                                                              \
  X(codes_burned)                                                                                  \
  X(proxy_headers_invalid)                                                                        \
  X(tls_buffer_releases)
// clang-format on

/// A latency histogram in the Prometheus sense: fixed bucket bounds, counts
/// in atomics, so any I/O thread may observe without a lock.
class latency_histogram {
 public:
  /// Upper bounds in seconds, from 100 us (a relay on an idle machine) to
  /// 10 s (a handshake over a poor mobile link).
  static constexpr std::array<double, 16> bounds_s{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};

  void observe(std::chrono::nanoseconds elapsed);

  /// Observations at or below bounds_s[i] (i < bounds_s.size()), or all of
  /// them (i == bounds_s.size()): the cumulative form Prometheus wants.
  std::uint64_t cumulative(std::size_t i) const;
  std::uint64_t count() const { return cumulative(bounds_s.size()); }
  double sum_s() const { return static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9; }

 private:
  std::array<std::atomic<std::uint64_t>, bounds_s.size() + 1> buckets_{};  // the last one: above every bound
  std::atomic<std::uint64_t> sum_ns_{0};
};

struct server_stats {
#define HEARD_DECLARE_COUNTER(name) std::atomic<std::uint64_t> name{0};
  HEARD_SERVER_COUNTERS(HEARD_DECLARE_COUNTER)
#undef HEARD_DECLARE_COUNTER
  std::atomic<std::int64_t> connections_open{0};
  std::atomic<std::int64_t> sessions_live{0};
  /// Live sessions by the phase they are in, indexed by v1::Phase.
  static constexpr std::size_t phase_slots = 16;
  std::array<std::atomic<std::int64_t>, phase_slots> sessions_by_phase{};
  /// Bytes written to links' queues and not yet to their sockets, and
  /// events kept for members until they acknowledge them (the replay
  /// backlogs): the server's two kinds of memory that grow with traffic.
  std::atomic<std::int64_t> outbound_queued_bytes{0};
  std::atomic<std::int64_t> unacked_bytes{0};
  /// TCP accept to the WebSocket upgrade done (TLS and HTTP included).
  latency_histogram handshake_latency;
  /// An input read from one member to its events queued for the others.
  latency_histogram relay_latency;

  /// "name=value" pairs of every non-zero counter, for the log.
  std::string describe() const;
};

}  // namespace heard::server
