#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <variant>

#include "client_transport.hpp"
#include "heard/v1/client_state.pb.h"
#include "heard/v1/heard.pb.h"
#include "outbox.hpp"
#include "session_keys.hpp"
#include "session_view.hpp"
#include "state_file_writer.hpp"

namespace heard::client {

struct client_options {
  server_address server;
  tls_options tls;
  std::string name;  // how the partner sees you
  /// Where to keep what a restarted client needs to resume (mode 0600): one
  /// file per session seat in `state_dir` (client/saved_seats.hpp), or
  /// exactly `state_file` when that is set (a resume reads and keeps writing
  /// the file it came from). Both empty: nothing is kept on disk.
  std::string state_dir;
  std::string state_file;
  /// How often the state file may be rewritten at most: what is typed is on
  /// disk within about this long (client/state_file_writer.hpp).
  std::chrono::milliseconds state_write_interval{100};
  /// Reconnection back-off: doubles from `initial` up to `max`, each wait
  /// drawn between half and all of it (jitter), so a restarting server is not
  /// hit by every client at once.
  std::chrono::milliseconds reconnect_initial{250};
  std::chrono::milliseconds reconnect_max{8'000};
  // A start that gets no answer at all (behind a balancer, its route's node
  // may be down) tries a fresh route, this many times in all.
  unsigned max_start_attempts = 3;
  /// How long a received event may wait for its acknowledgement.
  std::chrono::milliseconds ack_delay{200};
  /// Makes the transport for each connection. Empty: TLS
  /// (client_transport::create). Unit tests put a fake here.
  std::function<std::shared_ptr<client_transport>(boost::asio::io_context&, const tls_options&)> make_transport;
};

/// The connection dropped; the client is reconnecting by itself.
struct connection_lost {
  std::string reason;
  std::chrono::milliseconds retry_in;
};

/// The connection is gone for good: the session ended, you left, or the
/// server refused the session. `saved_words` names a file holding everything
/// you wrote if the session was lost before the server confirmed it.
struct connection_closed {
  std::string reason;
  std::string saved_words;
};

/// What the client answered itself, without asking the server: text it kept
/// for later or did not send, and why (one sentence to show as it is).
struct local_notice {
  enum class kind : std::uint8_t {
    kept,         // the words stay in your own draft and go out when the floor goes on
    not_sent,     // nothing was sent and nothing is kept
    safety_code,  // every key is in: the code to compare (view().safety_code)
    warning,      // end to end: words that failed their seal check, or keys that do not match
  };
  kind what;
  std::string text;
};

/// What the client library reports: every message from the server, typed by
/// its oneof body, the state of the connection, and its own answers.
using client_event = std::variant<v1::ServerMessage, connection_lost, connection_closed, local_notice>;

/// An asynchronous Heard client on one io_context (run it on one thread).
/// Calls may come from any thread; they are dispatched to that context (run
/// at once when made on its thread, so a UI sees their effect on view()
/// right away). Events are delivered on the context's thread, after view()
/// is updated.
///
/// Nothing written is lost to a dropped connection: every input carries an
/// id and stays queued until the server acknowledges it; a drop reconnects
/// with back-off, resumes the seat, receives what was missed and resends what
/// was not acknowledged. With a state file the same holds across a restart
/// of the client (see resume_saved()).
class session_client : public std::enable_shared_from_this<session_client> {
 public:
  using event_handler = std::function<void(const client_event&)>;

  /// Throws std::runtime_error if the CA file cannot be loaded.
  session_client(boost::asio::io_context& ioc, client_options options, event_handler on_event);

  /// Creates a session; the Welcome carries the invite code.
  void start(v1::CreateOptions create);
  /// Joins with a code a partner gave you.
  void join(std::string code);
  /// Resumes the session kept in `state_file`. Returns false (and does
  /// nothing) if there is none.
  bool resume_saved();
  /// Waits until the state file holds everything so far (for a clean exit
  /// and for tests; the writer does this by itself within state_write_interval).
  void flush_state();
  /// Whether `state_file` holds an unfinished session.
  static bool has_saved_session(const std::string& state_file);

  void ready();
  /// The text so far, while typing. Sent at most once per the server's draft
  /// interval (the latest text wins); end_turn supersedes a pending draft.
  /// The floor is a promise, kept here for every screen: text over the
  /// server's limit, typed in a spoken session, or typed by the one who does
  /// not write while the floor is stopped is never sent (a local_notice says
  /// why) and never sent later; the writer's text typed while the floor is
  /// stopped stays in their draft and goes out when it goes on.
  void set_draft(std::string text);
  void end_turn(std::string text);
  void judge(v1::Verdict verdict, std::string missed = {});
  void time_out();
  void resume();
  void end_session();
  /// `share_words`: in a guided session, the counselor may read the words too.
  void check_in(std::uint32_t felt_safe, std::uint32_t could_say_anything, std::uint32_t partner_invested,
                std::string words = {}, bool share_words = false);
  /// A counselor's control (start, hold, release, note, next speaker, timer).
  void counsel(v1::Counsel control);
  /// The person compared the safety code with everyone else's and it matched.
  void mark_compared();
  /// Leaves for good: the partner is told and goes to the check-in.
  void leave();
  /// Drops the connection without leaving and without reconnecting (the
  /// server keeps the seat for a resume). For shutting down a process.
  void close();

  /// Only from the io_context's thread (e.g. inside the event handler).
  const session_view& view() const { return view_; }

 private:
  void connect(std::string target, v1::Hello hello);
  std::shared_ptr<client_transport> new_transport();
  void reconnect();
  void on_open();
  void on_message(std::string_view bytes);
  void on_close(const std::string& reason);
  /// Takes the Welcome in; trims from its history what the person already saw.
  void on_welcome(v1::Welcome& welcome);

  /// Numbers an input, queues it until acknowledged, and sends it when connected.
  void send_input(v1::ClientMessage message, bool first_time = true);
  /// send_input on the client's thread, from any thread.
  void queue_input(v1::ClientMessage message);
  void drop_acknowledged(std::uint64_t ack_input);
  /// What a refusal means for what this person wrote (kept, forgotten,
  /// held for the resume) and whether the client stops.
  void on_refused(const v1::Error& error);
  const v1::ClientMessage* sent_input(std::uint64_t input_id) const;
  void forget_refused_draft(std::uint64_t input_id);
  /// Whether `text` may become my draft now; if not, the person is told why.
  bool accepts_draft(const std::string& text);
  /// The writer's draft kept while the floor was stopped goes out once it
  /// goes on again.
  void send_kept_draft();
  void send_restored_draft();
  void notify(local_notice::kind what, std::string text);
  /// The server's own length rule, checked before sending: why `text` would
  /// be refused, naming the limit and the length, or nullopt.
  std::optional<std::string> too_long(const std::string& text) const;
  void transmit(v1::ClientMessage message);

  // End to end (session_client_sealing.cpp).
  /// Why the server or a partner's client would refuse this input's words
  /// (they check what they open); nullopt when it may go.
  std::optional<std::string> outgoing_problem(const v1::ClientMessage& m) const;
  /// Runs the key exchange on the current snapshot; what it sends waits in
  /// pending_keys_ for flush_keys (after any inputs still to resend).
  void step_keys();
  void flush_keys();
  /// Seals the words of `m` in place (its text fields emptied); false when
  /// they could not be sealed (then nothing of them goes).
  bool seal_input(v1::ClientMessage& m);
  /// Opens the words of an event in place; false when it must not be shown.
  bool open_event(v1::ServerMessage& m);
  void open_welcome(v1::Welcome& w);
  bool open_box(v1::Seat sender, sealed_format::content_kind kind, const v1::Sealed& box, std::string& text,
                session_keys::order where = session_keys::order::next);
  bool open_text(v1::Seat sender, sealed_format::content_kind kind, const v1::Sealed& box, std::string& text,
                 session_keys::order where = session_keys::order::next);
  bool open_check_ins(v1::CheckInResults& results, session_keys::order where);
  /// Opens the session's topic into `t.text` and the view; false when it may not be shown.
  bool open_topic(v1::TopicSet& t);
  void send_topic();
  void save_keys(v1::ClientState& state) const;
  void restore_keys(const v1::ClientState& state);
  void flush_draft();
  void arm_ack_timer();
  void arm_heartbeat();
  /// A new floor starts a new draft - unless the floor that ended was not
  /// ours: then what we typed was typed ahead for this one (see the .cpp).
  void update_draft_key(bool previous_floor_mine);
  void finish(std::string reason);
  std::string save_my_words() const;
  void save_state();
  void forget_state();
  /// The state file of this session seat ("" before the Welcome names it).
  std::string state_path() const;

  boost::asio::io_context& ioc_;
  client_options options_;
  event_handler on_event_;
  std::shared_ptr<client_transport> transport_;  // a fresh one per connection
  std::uint64_t generation_ = 0;                 // callbacks of older connections are ignored
  bool connecting_ = false;                      // a connection exists (opening or open)
  session_view view_;

  // Resumption.
  std::unique_ptr<state_file_writer> writer_;  // made at the first save
  std::string join_code_;                      // the code this seat was joined with
  std::string session_key_;
  std::string resume_token_;
  // The reliability protocol's two ends, shared with the server (common/reliability/outbox.hpp):
  // the events taken once each, the inputs kept until the server acknowledges them.
  inbox events_;
  std::uint64_t last_acked_seq_ = 0;       // the highest seq we told the server about
  std::uint64_t last_transmitted_id_ = 0;  // inputs above it were never on the wire
  outbox<v1::ClientMessage> inputs_;
  static constexpr std::uint64_t input_id_reserve = 10'000;  // far more than a person types between saves
  // Inputs the server processed lately, to find one it refused by id.
  std::deque<v1::ClientMessage> recent_;
  // Inputs refused only because a connection dropped (ERROR_PARTNER_AWAY):
  // sent again, in order, once the pause ends.
  std::vector<v1::ClientMessage> held_;
  std::uint64_t draft_key_ = 0;
  std::vector<std::string> my_words_;
  bool welcomed_once_ = false;
  // A start's Hello, for a fresh route if it gets no answer (options_.max_start_attempts).
  std::optional<v1::Hello> create_hello_;
  unsigned create_attempts_ = 0;
  // What a resume shows once: a restarted client asks for the conversation
  // so far; events the Welcome already covers are not shown again.
  bool want_history_ = false;
  std::uint64_t current_through_ = 0;  // events up to here are in the last Welcome
  bool history_given_ = false;         // ... and their content is in its history
  std::uint64_t shown_history_ = 0;    // conversation entries handed to the UI so far
  bool final_ = false;                 // no reconnecting: ended, left, refused, or closed
  bool leaving_ = false;
  bool session_gone_ = false;
  bool finished_ = false;  // connection_closed was reported
  std::string final_reason_;
  unsigned reconnect_attempt_ = 0;
  boost::asio::steady_timer reconnect_timer_;
  std::mt19937 jitter_{std::random_device{}()};

  // End to end: this seat's keys (made or restored at the Welcome).
  std::unique_ptr<session_keys> keys_;
  std::optional<session_keys::saved> kept_keys_;  // from the state file, until the Welcome
  std::optional<v1::Keys> pending_keys_;
  std::string pending_topic_;  // the creator's topic, until the snapshot says it was given
  bool topic_sent_ = false;    // by this process (the outbox resends it if a connection drops)

  // Acknowledgements and liveness.
  boost::asio::steady_timer ack_timer_;
  bool ack_timer_armed_ = false;
  boost::asio::steady_timer heartbeat_timer_;
  std::chrono::milliseconds heartbeat_interval_{10'000};
  std::chrono::steady_clock::time_point last_sent_{};

  // Drafts.
  std::chrono::milliseconds draft_interval_{300};
  boost::asio::steady_timer draft_timer_;
  std::optional<std::string> pending_draft_;
  bool draft_kept_ = false;      // my_draft waits for the stopped floor to go on
  bool restored_draft_ = false;  // my_draft came from the state file: sent again at the first Welcome
  std::chrono::steady_clock::time_point last_draft_sent_{};
  bool draft_timer_armed_ = false;
};

}  // namespace heard::client
