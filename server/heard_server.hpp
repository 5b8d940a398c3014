#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <thread>
#include <vector>

#include "admission.hpp"
#include "logger.hpp"
#include "process_limits.hpp"
#include "server_config.hpp"
#include "server_stats.hpp"
#include "transport_accounting.hpp"
#include "upgrade_policy.hpp"

namespace heard::server {

/// The whole relay: I/O threads, the TLS transport, pairing and sessions.
/// main() builds one from the command line; integration tests build one
/// with port 0 and short timeouts.
class heard_server {
 public:
  explicit heard_server(server_config config, std::ostream& log_out);
  ~heard_server();

  /// Binds and starts accepting. Throws std::runtime_error (listen_error
  /// for an address) saying what to do if the certificate or an address is
  /// unusable. Returns the bound port.
  std::uint16_t start();

  /// Where it listens, e.g. "127.0.0.1:8443, [::1]:8443" (after start()).
  std::string listening_on() const;
  /// The admin endpoints' port (after start(); 0 when --admin-listen is off).
  std::uint16_t admin_port() const { return admin_port_; }

  /// Runs the I/O threads until the server has stopped; the calling thread is
  /// one of them.
  void run();

  /// Reads --cert and --key again (SIGHUP; a renewed certificate): new
  /// connections use them, open ones keep theirs and are never dropped. If
  /// they cannot be loaded the ones in use stay, the log says why, and so
  /// does the answer ("" when reloaded). Safe from any thread.
  std::string reload_certificate();

  /// Graceful stop, safe from any thread and from a signal handler's
  /// completion: stop accepting, close every link with 1001, then let run()
  /// return (forcibly after shutdown_grace).
  void stop();

  const server_config& config() const { return config_; }
  /// After run(): why the sessions could not be saved to the state file
  /// (empty when they were, or when none is configured).
  const std::string& save_error() const { return save_error_; }
  const server_stats& stats() const { return stats_; }
  std::size_t live_sessions() const;

 private:
  void schedule_sweep();
  void wait_for_links_to_close();

  // How often shutdown checks whether every link has closed.
  static constexpr std::chrono::milliseconds shutdown_poll_interval{10};

  const server_config config_;
  // What the I/O parts (and the handlers still queued in them) use. They
  // outlive the parts whatever the declaration order: ~heard_server destroys
  // the parts first, explicitly (io_parts in the .cpp), so the links and
  // sessions the last handlers release still count, log and give back their
  // admission on the way out.
  server_stats stats_;
  logger log_;
  transport_accounting accounting_;
  admission admission_;
  heap_trim_policy heap_trim_;  // used on the control strand (the sweep)
  struct io_parts;
  std::unique_ptr<io_parts> io_;
  bool stopping_ = false;
  std::uint16_t admin_port_ = 0;
  std::string save_error_;
  std::chrono::steady_clock::time_point grace_deadline_;
};

}  // namespace heard::server
