#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include "client_transport.hpp"
#include "heard/v1/heard.pb.h"

namespace heard::client {

struct client_options {
  server_address server;
  tls_options tls;
  std::string name;  // how the partner sees you
};

/// The connection is gone (closed by the server, lost, or refused).
struct connection_closed {
  std::string reason;
};

/// What the client library reports: every message from the server, typed by
/// its oneof body, and the end of the connection.
using client_event = std::variant<v1::ServerMessage, connection_closed>;

/// What a client knows of its session, kept current from the server's
/// messages so a UI never derives state itself.
struct session_view {
  bool connected = false;
  v1::Seat my_seat = v1::SEAT_UNSPECIFIED;
  std::string invite_code;
  std::uint32_t max_turn_chars = 0;
  v1::Snapshot snapshot;

  v1::Seat partner_seat() const { return my_seat == v1::SEAT_A ? v1::SEAT_B : v1::SEAT_A; }
  bool i_hold_floor() const { return my_seat != v1::SEAT_UNSPECIFIED && snapshot.floor_holder() == my_seat; }
  std::string name_of(v1::Seat seat) const { return seat == v1::SEAT_A ? snapshot.a_name() : snapshot.b_name(); }
};

/// An asynchronous Heard client on one io_context (run it on one thread).
/// Calls may come from any thread; they are posted to that context. Events
/// are delivered on the context's thread, after view() is updated.
class session_client : public std::enable_shared_from_this<session_client> {
 public:
  using event_handler = std::function<void(const client_event&)>;

  /// Throws std::runtime_error if the CA file cannot be loaded.
  session_client(boost::asio::io_context& ioc, client_options options, event_handler on_event);

  /// Creates a session; the Welcome carries the invite code.
  void start(v1::CreateOptions create);
  /// Joins with a code a partner gave you.
  void join(std::string code);

  void ready();
  /// The text so far, while typing. Sent at most once per the server's draft
  /// interval (the latest text wins); end_turn supersedes a pending draft.
  void set_draft(std::string text);
  void end_turn(std::string text);
  void judge(v1::Verdict verdict, std::string missed = {});
  void time_out();
  void resume();
  void end_session();
  void check_in(std::uint32_t felt_safe, std::uint32_t could_say_anything, std::uint32_t partner_invested,
                std::string words = {});
  void close();

  /// Only from the io_context's thread (e.g. inside the event handler).
  const session_view& view() const { return view_; }

 private:
  void connect(std::string target, v1::Hello hello);
  void send(v1::ClientMessage message);
  void on_message(std::string_view bytes);
  void flush_draft();

  boost::asio::io_context& ioc_;
  client_options options_;
  event_handler on_event_;
  std::shared_ptr<client_transport> transport_;
  session_view view_;

  std::chrono::milliseconds draft_interval_{300};
  boost::asio::steady_timer draft_timer_;
  std::optional<std::string> pending_draft_;
  std::chrono::steady_clock::time_point last_draft_sent_{};
  bool draft_timer_armed_ = false;
};

}  // namespace heard::client
