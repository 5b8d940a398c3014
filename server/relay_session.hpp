#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <array>
#include <functional>
#include <memory>
#include <string>

#include "exercise.hpp"
#include "link.hpp"
#include "logger.hpp"
#include "server_config.hpp"
#include "server_stats.hpp"

namespace heard::server {

/// One private session: the pair's exercise and the links of its members.
/// Everything runs on the session's own strand, so the exercise needs no
/// lock and the order of what each member receives is the order the strand
/// produced it. Other threads only post to it.
class relay_session : public std::enable_shared_from_this<relay_session> {
 public:
  using ended_callback = std::function<void(const std::string& session_id)>;

  relay_session(boost::asio::io_context& ioc, std::string id, const exercise_settings& settings,
                const server_config& config, server_stats& stats, logger& log, ended_callback on_ended);
  ~relay_session();

  const std::string& id() const { return id_; }

  /// Seats `member` and sends it a Welcome (with `invite_code` for the creator).
  void join(v1::Seat seat, std::shared_ptr<link> member, std::string name, std::string invite_code);
  void handle(v1::Seat from, v1::ClientMessage message);
  /// The link of `seat` is gone. `member` guards against a stale link.
  void leave(v1::Seat seat, std::shared_ptr<link> member);
  /// Nobody claimed the invite in time: tell the creator and end.
  void expire_invite();

 private:
  void deliver(exercise::result result);
  void send_to(v1::Seat seat, const v1::ServerMessage& message);
  void finish_if_ended();
  std::shared_ptr<link>& link_of(v1::Seat seat) { return links_[seat == v1::SEAT_B ? 1 : 0]; }

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  const std::string id_;
  const std::string log_id_;
  const server_config& config_;
  server_stats& stats_;
  logger& log_;
  ended_callback on_ended_;
  exercise exercise_;
  std::array<std::shared_ptr<link>, 2> links_;
  bool finished_ = false;
};

}  // namespace heard::server
