#pragma once

#include "logger.hpp"
#include "server_stats.hpp"
#include "transport_observer.hpp"

namespace heard::server {

/// The transport's events as counters and log lines (never content).
class transport_accounting : public transport_observer {
 public:
  transport_accounting(server_stats& stats, logger& log) : stats_(stats), log_(log) {}

  void on_event(transport_event event) override;
  void on_slow_reader(std::size_t queued_bytes) override;
  void on_queued_bytes(std::int64_t delta) override { stats_.outbound_queued_bytes += delta; }
  void on_upgraded(std::chrono::nanoseconds since_accept) override { stats_.handshake_latency.observe(since_accept); }
  void on_connection_error(std::string_view phase, std::string_view error) override;
  void on_handler_exception(std::string_view what) override;

 private:
  server_stats& stats_;
  logger& log_;
};

}  // namespace heard::server
