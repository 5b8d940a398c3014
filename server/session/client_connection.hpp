#pragma once

#include <memory>
#include <string>

#include "link.hpp"
#include "logger.hpp"
#include "rate_limiter.hpp"
#include "relay_session.hpp"
#include "server_config.hpp"
#include "server_stats.hpp"

namespace heard::server {

class session_registry;

/// The application's side of one link: decodes each message, handles Hello
/// (create, join or resume), then forwards everything to the member's session,
/// which knows the link's seat.
class client_connection : public link_handler, public std::enable_shared_from_this<client_connection> {
 public:
  client_connection(session_registry& registry, std::shared_ptr<link> link, std::string route,
                    const server_config& config, server_stats& stats, logger& log);

  void on_message(std::string_view bytes) override;
  void on_close() override;
  /// The link's queue emptied: its session sends what waits (a paced replay).
  void on_drained() override;

 private:
  void on_hello(const v1::Hello& hello);
  /// Sends an Error and closes with 1008: the connection cannot go on.
  void refuse_and_close(v1::ErrorCode code, std::string message, const char* reason);
  void refuse_and_close(v1::ServerMessage refusal, const char* reason);
  void send(const v1::ServerMessage& message);

  session_registry& registry_;
  std::shared_ptr<link> link_;
  const std::string route_;  // the target's: every code and key used here must be on it
  const server_config& config_;
  server_stats& stats_;
  logger& log_;
  std::shared_ptr<relay_session> session_;
  rate_limiter rate_;
  bool closing_ = false;
};

}  // namespace heard::server
