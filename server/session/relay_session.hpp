#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "conversation_history.hpp"
#include "credentials.hpp"
#include "event_backlog.hpp"
#include "exercise.hpp"
#include "heard/v1/server_state.pb.h"
#include "link.hpp"
#include "logger.hpp"
#include "outbox.hpp"
#include "server_config.hpp"
#include "server_stats.hpp"

namespace heard::server {

/// The one answer to joining with a wrong, expired, used or full code: the
/// same bytes whatever the reason, so a guesser learns nothing from it.
v1::ServerMessage invalid_code_refusal();
inline constexpr const char* invalid_code_close_reason = "invalid code";

/// One private session: the pair's exercise, the links of its members, and
/// for each member the events not yet acknowledged, so a member who drops
/// gets everything they missed when they resume.
///
/// Everything runs on the session's own strand, so the exercise needs no
/// lock and each member receives events in the order the strand made them.
/// Other threads only post to it.
class relay_session : public std::enable_shared_from_this<relay_session> {
 public:
  using ended_callback = std::function<void(const std::string& session_id)>;

  relay_session(boost::asio::io_context& ioc, std::string id, const exercise_settings& settings,
                const server_config& config, server_stats& stats, logger& log, ended_callback on_ended);
  /// A session saved by a graceful shutdown; every member is away until they resume.
  relay_session(boost::asio::io_context& ioc, const v1::SessionState& saved, const server_config& config,
                server_stats& stats, logger& log, ended_callback on_ended);
  ~relay_session();

  const std::string& id() const { return id_; }

  /// Seats `member` and sends it a Welcome (with the invite codes for the creator).
  void join(v1::Seat seat, std::shared_ptr<link> member, std::string name, std::string invite_code,
            std::string invite_code_b = {});
  /// Gives a seat back to a new link that shows the seat's resume token.
  void rejoin(std::shared_ptr<link> member, v1::Rejoin rejoin);
  void handle(std::shared_ptr<link> from, v1::ClientMessage message);
  /// `member`'s connection is gone without a Leave: keep the seat for a resume.
  void drop(std::shared_ptr<link> member);
  /// Nobody claimed the invite in time: tell the creator and end.
  void expire_invite();
  /// The code for `seat` burned: give the creator its replacement.
  void renew_invite(v1::Seat seat, std::string code);
  /// Everything queued on `member`'s link was written: send what waits.
  void drained(std::shared_ptr<link> member);
  /// Starts the grace timers of a restored session. Call once, after construction.
  void start_restored();
  /// The server is stopping: cancel the timers and start no new ones, so the
  /// io_context runs out of work once the links are closed.
  void shut_down();
  bool ended() const { return finished_; }
  bool guided() const { return guided_; }

  /// Writes the session's state for a restart. Call only once the
  /// io_context has stopped (no strand is running).
  void save(v1::SessionState& out) const;

 private:
  // The reliability protocol of one seat lives in common/ (pure, unit-tested):
  // its resume token, the input ids it has used, the events it has not
  // acknowledged (bounded and paced). Here only the link and the timer.
  struct member_state {
    std::shared_ptr<link> current_link;
    credentials token;
    inbox inputs;
    event_backlog events{0};
    std::size_t queued = 0;      // bytes on the link's queue, as its last send said
    bool drain_asked = false;    // the link will say when its queue has drained
    std::uint64_t ack_told = 0;  // the highest input id this member was told was processed
    bool ack_due = false;        // the ack timer is armed
    std::unique_ptr<boost::asio::steady_timer> ack_timer;
    std::unique_ptr<boost::asio::steady_timer> grace_timer;
  };

  /// Sends each outbound message, numbered, to its audience; returns whether
  /// `sender` got anything (so an input is always acknowledged).
  bool deliver(exercise::result result, v1::Seat sender = v1::SEAT_UNSPECIFIED);
  /// Numbers `message` as the next event for `seat`, keeps it until acked, sends it.
  /// Only its envelope fields (seq, ack_input) are set, in place: an event for
  /// several seats is encoded once for each, never copied.
  void send_event(v1::Seat seat, v1::ServerMessage& message, std::uint64_t seq);
  void send_event(v1::Seat seat, v1::ServerMessage&& message, std::uint64_t seq) { send_event(seat, message, seq); }
  /// Outside the event stream: Welcome, Ack, refusals of a Hello.
  void send_direct(const std::shared_ptr<link>& to, v1::ServerMessage message, v1::Seat seat);
  void acknowledge(v1::Seat seat, std::uint64_t ack);
  /// Brings the server-wide gauges this session feeds (its phase, its
  /// members' unacknowledged bytes) up to date; cheap, called as they change.
  void publish_gauges();
  /// An input of `seat` that sent it nothing: one Ack within ack_delay covers
  /// it and any that follow (unless an event carries the ack first).
  void acknowledge_later(v1::Seat seat);
  /// `with_history`: the conversation so far and the floor's words, for a
  /// seat with nothing on screen or one that was away past the backlog's cap.
  void welcome(v1::Seat seat, bool resumed, bool with_history = false);
  /// Sends `seat` what its link has not been sent yet, while the link's queue
  /// is under replay_window_bytes; on_drained brings the rest.
  void pump(v1::Seat seat);
  /// Brings the exercise's clock up to now (the floor may move on at its
  /// limit), then re-arms the floor timer for the next deadline.
  void advance_clock();
  void arm_floor_timer();
  exercise::clock_ms clock_now() const;
  void start_grace(v1::Seat seat);
  void on_grace_expired(v1::Seat seat);
  void finish_if_ended();
  void finish();
  std::optional<v1::Seat> seat_of(const std::shared_ptr<link>& l) const;
  member_state& member(v1::Seat seat) { return members_[seat]; }
  const member_state& member(v1::Seat seat) const { return members_[seat]; }

  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  const std::string id_;
  const std::string log_id_;
  const server_config& config_;
  server_stats& stats_;
  logger& log_;
  ended_callback on_ended_;
  exercise exercise_;
  seat_table<member_state> members_;
  conversation_history history_;
  std::uint64_t next_seq_ = 1;
  std::string invite_code_;  // display forms, for the creator's Welcome after a resume
  std::string invite_code_b_;
  std::chrono::steady_clock::time_point created_ = std::chrono::steady_clock::now();
  std::unique_ptr<boost::asio::steady_timer> floor_timer_;
  bool finished_ = false;
  bool shutting_down_ = false;
  const bool guided_;  // fixed at creation; read from other threads
  std::unique_ptr<boost::asio::steady_timer> linger_timer_;
  // What this session last added to the server-wide gauges (publish_gauges).
  int published_phase_ = -1;
  std::size_t published_unacked_bytes_ = 0;
};

}  // namespace heard::server
