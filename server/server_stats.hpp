#pragma once

#include <atomic>
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
  X(proxy_headers_invalid)
// clang-format on

struct server_stats {
#define HEARD_DECLARE_COUNTER(name) std::atomic<std::uint64_t> name{0};
  HEARD_SERVER_COUNTERS(HEARD_DECLARE_COUNTER)
#undef HEARD_DECLARE_COUNTER
  std::atomic<std::int64_t> connections_open{0};
  std::atomic<std::int64_t> sessions_live{0};

  /// "name=value" pairs of every non-zero counter, for the log.
  std::string describe() const;
};

}  // namespace heard::server
