#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "link.hpp"
#include "logger.hpp"
#include "rate_limiter.hpp"
#include "relay_session.hpp"
#include "server_config.hpp"
#include "server_stats.hpp"

namespace heard::server {

/// Pairing: live sessions and their unclaimed invite codes. It is also the
/// transport's link_acceptor, giving each new link a client_connection.
/// Thread-safe; it never calls into a session while holding its lock.
class session_registry : public link_acceptor {
 public:
  using clock = std::chrono::steady_clock;

  session_registry(boost::asio::io_context& ioc, const server_config& config, server_stats& stats, logger& log);

  struct created {
    std::shared_ptr<relay_session> session;
    std::string invite_code;    // display form: seat B's (self-guided) or seat A's (guided)
    std::string invite_code_b;  // guided only: seat B's
  };

  /// A new session on `route` (canonical; the creating client chose it) with
  /// fresh invite codes on the same route; nullopt at max_sessions. Its key
  /// begins with the route, so a resume names the route it connects on.
  std::optional<created> create(const exercise_settings& settings, std::string_view route, clock::time_point now);

  struct claimed {
    std::shared_ptr<relay_session> session;
    v1::Seat seat = v1::SEAT_UNSPECIFIED;
  };
  /// Claims an invite code (canonical form), sent on `route`, for the seat it
  /// was made for. Single use: wrong, expired, used and full all give no
  /// session, alike, and so does a code on a route not its own (behind a
  /// balancer it would have reached another node, which has no such code).
  claimed claim(std::string_view canonical_code, std::string_view route, clock::time_point now);

  /// Whether `remote` may try another invite code now (at most
  /// max_joins_per_ip_per_minute): guessing codes takes a long time.
  bool allow_join_attempt(const std::string& remote, clock::time_point now);

  /// The session a resume names, if it is still here and `route` is its own.
  std::shared_ptr<relay_session> find(std::string_view session_key, std::string_view route) const;

  /// Drops codes past their time and tells their creators.
  void sweep(clock::time_point now);

  /// Tells every session the server is stopping; from now on no session is
  /// created or joined (a Hello that arrives during the stop would otherwise
  /// make a session that never heard of it, and hold the stop for its grace).
  void shut_down();
  bool stopping() const;
  /// Writes every live session to `path` (private permissions). Call after
  /// the io_context has stopped. Returns how many were saved.
  std::size_t save(const std::string& path) const;
  /// Reads sessions saved by save() and deletes the file. Returns how many.
  std::size_t restore(const std::string& path, clock::time_point now);

  std::size_t live_sessions() const;

  // link_acceptor
  bool serves_target(std::string_view target) const override;
  std::shared_ptr<link_handler> on_open(std::shared_ptr<link> link, std::string_view target) override;

 private:
  struct invite {
    std::weak_ptr<relay_session> session;
    clock::time_point expires_at;
    std::string display;
    v1::Seat seat;
    std::size_t wrong_attempts = 0;
  };

  /// A fresh code for `seat`, registered; the caller holds the lock.
  std::string add_invite(const std::shared_ptr<relay_session>& session, v1::Seat seat, clock::time_point expires_at);

  std::shared_ptr<relay_session> make_session(std::string id, const exercise_settings& settings);
  void remove(const std::string& session_id);

  boost::asio::io_context& ioc_;
  const server_config& config_;
  server_stats& stats_;
  logger& log_;

  mutable std::mutex mutex_;
  bool stopping_ = false;                                                     // under mutex_
  std::unordered_map<std::string, std::shared_ptr<relay_session>> sessions_;  // by session id (the key)
  std::unordered_map<std::string, invite> invites_;                           // by canonical code
  std::unordered_multimap<std::string, std::string> routes_;                  // route -> canonical code
  void erase_invite(const std::string& canonical);
  struct join_budget {
    rate_limiter limiter;
    clock::time_point last_used;
  };
  std::unordered_map<std::string, join_budget> join_budgets_;  // by remote address
};

}  // namespace heard::server
