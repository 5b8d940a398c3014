// The client library against a fake transport: what it sends, what it keeps
// across a reconnect, and how it takes what a server says. No TLS, no
// socket; the io_context runs on the test's thread until each expected step.
#include "session_client.hpp"
#include "session_target.hpp"

#include <gtest/gtest.h>

#include <set>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <sstream>
#include <vector>

#include "codec.hpp"
#include "plain_ui.hpp"
#include "seat.hpp"

namespace heard::client {
namespace {

using namespace std::chrono_literals;

class fake_transport : public client_transport {
 public:
  void connect(const server_address&, std::string target, handlers callbacks) override {
    target_ = std::move(target);
    callbacks_ = std::move(callbacks);
  }
  void send(std::string message) override {
    auto decoded = decode_client(message);
    if (auto* m = std::get_if<v1::ClientMessage>(&decoded)) sent.push_back(*m);
  }
  void close() override {
    if (callbacks_.on_close) callbacks_.on_close("closed");
  }

  // The test plays the server and the network.
  void open() { callbacks_.on_open(); }
  void deliver(const v1::ServerMessage& m) { callbacks_.on_message(encode(m)); }
  void drop(const std::string& reason) { callbacks_.on_close(reason); }

  const std::string& target() const { return target_; }
  std::vector<v1::ClientMessage> sent;

 private:
  std::string target_;
  handlers callbacks_;
};

class session_client_test : public ::testing::Test {
 protected:
  void make_client() {
    client_options options;
    options.server = {"localhost", "8443"};
    options.reconnect_initial = 1ms;
    options.reconnect_max = 2ms;
    options.ack_delay = 1ms;
    options.make_transport = [this](boost::asio::io_context&, const tls_options&) {
      transports_.push_back(std::make_shared<fake_transport>());
      return transports_.back();
    };
    client_ = std::make_shared<session_client>(ioc_, options, [this](const client_event& e) { events_.push_back(e); });
  }

  /// Runs the client's io_context until `done` holds, 5 s at most.
  bool run_until(const std::function<bool()>& done) {
    const auto until = std::chrono::steady_clock::now() + 5s;
    ioc_.restart();
    while (!done()) {
      if (std::chrono::steady_clock::now() > until) return false;
      ioc_.run_one_for(10ms);
    }
    return true;
  }

  fake_transport& current() { return *transports_.back(); }

  static v1::ServerMessage welcome(bool resumed, std::uint64_t last_input_id = 0) {
    v1::ServerMessage m;
    auto* w = m.mutable_welcome();
    w->set_your_seat(v1::SEAT_A);
    w->set_session_key("7KQ2key");
    w->set_resume_token("token");
    w->set_resumed(resumed);
    w->set_last_input_id(last_input_id);
    w->mutable_snapshot()->set_phase(v1::PHASE_READY);
    return m;
  }

  /// Starts a session and has the server welcome it.
  void started() {
    make_client();
    client_->start(v1::CreateOptions{});
    ASSERT_TRUE(run_until([&] { return !transports_.empty() && !current().target().empty(); }));
    current().open();
    current().deliver(welcome(false));
    ASSERT_TRUE(run_until([&] { return client_->view().connected; }));
  }

  std::size_t server_messages() const {
    std::size_t n = 0;
    for (const auto& e : events_) n += std::holds_alternative<v1::ServerMessage>(e);
    return n;
  }

  boost::asio::io_context ioc_;
  std::vector<std::shared_ptr<fake_transport>> transports_;
  std::vector<client_event> events_;
  std::shared_ptr<session_client> client_;
};

// A newer server's message: its seq still counts (the client acknowledges it
// and would never ask for it again), and the person is shown nothing.
// The address a balancer (and its access log) sees carries the route and
// nothing secret: the code goes inside Hello.
TEST_F(session_client_test, a_join_goes_to_the_code_route_with_the_code_inside_hello) {
  make_client();
  client_->join("7kq2-m9xd 4trb");
  ASSERT_TRUE(run_until([&] { return !transports_.empty() && !current().target().empty(); }));
  EXPECT_EQ(current().target(), "/v2/7KQ2");
  current().open();
  ASSERT_FALSE(current().sent.empty());
  EXPECT_EQ(current().sent.front().hello().join_code(), "7KQ2M9XD4TRB");
  EXPECT_FALSE(current().sent.front().hello().has_rejoin());
}

// Behind a balancer a start's route may hash to a node that is down: with no
// answer at all, the client tries a fresh route (twice), then gives up.
TEST_F(session_client_test, a_start_with_no_answer_tries_fresh_routes_then_gives_up) {
  make_client();
  client_->start(v1::CreateOptions{});
  std::set<std::string> targets;
  for (std::size_t attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_TRUE(run_until([&] { return transports_.size() == attempt && !current().target().empty(); }));
    targets.insert(current().target());
    current().drop("502 Bad Gateway");
  }
  ASSERT_TRUE(run_until([&] {
    for (const auto& e : events_) {
      if (std::holds_alternative<connection_closed>(e)) return true;
    }
    return false;
  }));
  EXPECT_EQ(transports_.size(), 3u) << "three tries, no more";
  EXPECT_GE(targets.size(), 2u) << "on fresh routes";
}

TEST_F(session_client_test, a_start_goes_to_a_random_route) {
  std::set<std::string> targets;
  for (int i = 0; i < 20; ++i) {
    make_client();
    client_->start(v1::CreateOptions{});
    ASSERT_TRUE(run_until([&] { return !transports_.empty() && !current().target().empty(); }));
    const auto route = parse_session_target(current().target());
    ASSERT_TRUE(route) << current().target();
    targets.insert(*route);
  }
  EXPECT_GE(targets.size(), 18u) << "2^20 routes: twenty starts rarely share one";
}

TEST_F(session_client_test, a_body_from_a_newer_server_is_counted_and_not_shown) {
  ASSERT_NO_FATAL_FAILURE(started());
  const auto shown_before = server_messages();
  v1::ServerMessage unknown;
  unknown.set_seq(1);
  current().deliver(unknown);
  ASSERT_TRUE(run_until([&] {
    for (const auto& m : current().sent) {
      if (m.has_ack_only() && m.ack() == 1) return true;
    }
    return false;
  })) << "the unknown event is acknowledged";
  EXPECT_EQ(server_messages(), shown_before) << "and not shown";
}

// An error the server closes on: the client stops, tells the person why, and
// does not reconnect into the same refusal.
TEST_F(session_client_test, an_error_that_closes_stops_the_client) {
  ASSERT_NO_FATAL_FAILURE(started());
  current().deliver(make_error(v1::ERROR_SESSION_EXPIRED, "This session cannot be resumed.", true));
  current().drop("closed by server (1008: session expired)");
  ASSERT_TRUE(run_until([&] { return !events_.empty() && std::holds_alternative<connection_closed>(events_.back()); }));
  EXPECT_EQ(std::get<connection_closed>(events_.back()).reason, "This session cannot be resumed.");
  EXPECT_EQ(transports_.size(), 1u) << "no reconnect";
}

// What a person did while the connection was down goes out after the
// resume, in order, each under its own id; what the server had processed
// does not go again.
TEST_F(session_client_test, inputs_made_while_away_go_out_after_the_resume_and_only_once) {
  ASSERT_NO_FATAL_FAILURE(started());
  // Input 1 is this seat's key commitment, sent on the first Welcome.
  ASSERT_TRUE(run_until([&] { return !current().sent.empty() && current().sent.back().has_keys(); }));
  EXPECT_EQ(current().sent.back().input_id(), 1u);
  client_->ready();
  ASSERT_TRUE(run_until([&] { return !current().sent.empty() && current().sent.back().has_ready(); }));
  EXPECT_EQ(current().sent.back().input_id(), 2u);
  current().drop("connection lost: reset");
  ASSERT_TRUE(run_until([&] { return transports_.size() == 2; })) << "the client reconnects by itself";
  client_->time_out();
  client_->end_session();
  current().open();
  ASSERT_FALSE(current().sent.empty());
  ASSERT_TRUE(current().sent.front().has_hello());
  EXPECT_EQ(current().sent.front().hello().rejoin().resume_token(), "token");
  EXPECT_EQ(current().sent.front().hello().rejoin().session_key(), "7KQ2key");
  EXPECT_EQ(current().target(), "/v2/7KQ2") << "the route alone: no secret in the address";
  current().deliver(welcome(true, /*last_input_id=*/2));  // Ready was processed before the drop
  ASSERT_TRUE(run_until([&] { return current().sent.size() >= 4; }));
  std::vector<std::uint64_t> ids;
  for (const auto& m : current().sent) {
    if (m.input_id() != 0) ids.push_back(m.input_id());
    EXPECT_FALSE(m.has_ready()) << "the processed Ready is not sent again";
  }
  EXPECT_EQ(ids, (std::vector<std::uint64_t>{3, 4}));
  EXPECT_TRUE(current().sent[2].has_time_out());
  EXPECT_TRUE(current().sent[3].has_end_session());
}

// The client's own queue is bounded like the server's: minutes of typing
// while offline keep one draft, and the reconnect sends that one.
TEST_F(session_client_test, typing_offline_keeps_only_the_latest_draft) {
  ASSERT_NO_FATAL_FAILURE(started());
  v1::ServerMessage speaking;
  speaking.set_seq(1);
  auto* s = speaking.mutable_state_changed()->mutable_snapshot();
  s->set_phase(v1::PHASE_SPEAKING);
  s->set_speaker(v1::SEAT_A);
  s->set_floor_holder(v1::SEAT_A);
  member_in(*s, v1::SEAT_A).set_present(true);
  member_in(*s, v1::SEAT_B).set_present(true);
  current().deliver(speaking);
  ASSERT_TRUE(run_until([&] { return client_->view().snapshot.phase() == v1::PHASE_SPEAKING; }));
  current().drop("connection lost: reset");
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text += "w";
    client_->set_draft(text);
  }
  client_->end_turn("The whole statement.");
  ASSERT_TRUE(run_until([&] { return transports_.size() == 2; }));
  current().open();
  current().deliver(welcome(true));
  ASSERT_TRUE(run_until([&] { return client_->view().connected && current().sent.size() >= 3; }));
  std::size_t drafts = 0, turns = 0;
  for (const auto& m : current().sent) {
    drafts += m.has_draft();
    turns += m.has_end_turn();
  }
  EXPECT_LE(drafts, 1u) << "only the newest draft is kept";
  EXPECT_EQ(turns, 1u);
}

// After a resume the Welcome's snapshot is the newest state: replayed state
// changes it covers are not applied again (no stale "away"/"back" lines), and
// with a history, nothing it covers is shown twice.
TEST_F(session_client_test, events_a_welcome_covers_are_not_shown_again) {
  ASSERT_NO_FATAL_FAILURE(started());
  current().drop("connection lost: reset");
  ASSERT_TRUE(run_until([&] { return transports_.size() == 2; }));
  current().open();
  auto back = welcome(true);
  back.mutable_welcome()->set_current_through_seq(5);
  back.mutable_welcome()->mutable_snapshot()->set_phase(v1::PHASE_SPEAKING);
  current().deliver(back);
  ASSERT_TRUE(run_until([&] { return client_->view().connected; }));
  const auto shown = server_messages();

  v1::ServerMessage stale;
  stale.set_seq(4);
  stale.mutable_state_changed()->mutable_snapshot()->set_phase(v1::PHASE_READY);
  current().deliver(stale);
  v1::ServerMessage missed_turn;
  missed_turn.set_seq(5);
  missed_turn.mutable_turn()->set_text("said while you were away");
  current().deliver(missed_turn);
  ASSERT_TRUE(run_until([&] { return server_messages() == shown + 1; }));
  EXPECT_EQ(client_->view().snapshot.phase(), v1::PHASE_SPEAKING) << "the older state was not applied";
  EXPECT_TRUE(std::get<v1::ServerMessage>(events_.back()).has_turn())
      << "a missed turn is shown: it is new to this person";

  // The same, when the Welcome brought the history: the turn is in it.
  current().drop("connection lost: reset");
  ASSERT_TRUE(run_until([&] { return transports_.size() == 3; }));
  current().open();
  auto with_history = welcome(true);
  with_history.mutable_welcome()->set_current_through_seq(9);
  with_history.mutable_welcome()->set_history_sent(true);
  with_history.mutable_welcome()->add_history()->mutable_turn()->set_text("said while you were away");
  current().deliver(with_history);
  ASSERT_TRUE(run_until([&] { return client_->view().connected; }));
  ASSERT_TRUE(std::get<v1::ServerMessage>(events_.back()).has_welcome());
  EXPECT_EQ(std::get<v1::ServerMessage>(events_.back()).welcome().history_size(), 0)
      << "the entry this client already showed is not handed to the UI again";
  const auto before_replay = server_messages();
  v1::ServerMessage replayed = missed_turn;
  replayed.set_seq(8);
  current().deliver(replayed);
  v1::ServerMessage fresh;
  fresh.set_seq(10);
  fresh.mutable_judged()->set_verdict(v1::VERDICT_ACCURATE_DONE);
  current().deliver(fresh);
  ASSERT_TRUE(run_until([&] { return server_messages() == before_replay + 1; }));
  EXPECT_TRUE(std::get<v1::ServerMessage>(events_.back()).has_judged());
}

// --- Line mode on top of the client: what a screen reader hears ---------------

class plain_ui_test : public session_client_test {
 protected:
  /// Seat B, listening while Alex (seat A) speaks; events go to a plain_ui.
  void listening(draft_lines drafts) {
    client_options options;
    options.server = {"localhost", "8443"};
    options.make_transport = [this](boost::asio::io_context&, const tls_options&) {
      transports_.push_back(std::make_shared<fake_transport>());
      return transports_.back();
    };
    client_ = std::make_shared<session_client>(ioc_, options, [this](const client_event& e) { ui_->on_event(e); });
    ui_ = std::make_unique<plain_ui>(ioc_, *client_, out_, plain_options{drafts, 50ms});
    client_->join("7KQ2-M9XD-4TRB");
    ASSERT_TRUE(run_until([&] { return !transports_.empty() && !current().target().empty(); }));
    current().open();
    auto w = welcome(false);
    w.mutable_welcome()->set_your_seat(v1::SEAT_B);
    auto* s = w.mutable_welcome()->mutable_snapshot();
    s->set_phase(v1::PHASE_SPEAKING);
    s->set_speaker(v1::SEAT_A);
    s->set_floor_holder(v1::SEAT_A);
    s->set_round(1);
    member_in(*s, v1::SEAT_A).set_name("Alex");
    member_in(*s, v1::SEAT_A).set_present(true);
    member_in(*s, v1::SEAT_B).set_present(true);
    current().deliver(w);
    ASSERT_TRUE(run_until([&] { return client_->view().connected; }));
    // The key exchange, with Alex's real keys: Sam's client commits, sees
    // Alex's commitment, reveals; then both keys are in the snapshot.
    snapshot_ = *s;
    seq_ = 0;
    alex_counter_ = 0;
    alex_ = session_keys("7KQ2key", v1::SEAT_A, not_random);
    for (int step = 0; step < 2; ++step) {
      if (auto k = alex_.step(snapshot_)) {
        if (!k->commitment().empty()) member_in(snapshot_, v1::SEAT_A).set_key_commitment(k->commitment());
        if (!k->public_key().empty()) member_in(snapshot_, v1::SEAT_A).set_public_key(k->public_key());
      }
      ASSERT_TRUE(run_until([&] {
        for (const auto& m : current().sent) {
          if (m.has_keys() && (step == 0 ? !m.keys().commitment().empty() : !m.keys().public_key().empty())) {
            auto& b = member_in(snapshot_, v1::SEAT_B);
            if (step == 0) b.set_key_commitment(m.keys().commitment());
            if (step == 1) b.set_public_key(m.keys().public_key());
            return true;
          }
        }
        return false;
      })) << "Sam's client sends its key, step "
          << step;
      v1::ServerMessage changed;
      changed.set_seq(++seq_);
      *changed.mutable_state_changed()->mutable_snapshot() = snapshot_;
      current().deliver(changed);
    }
    if (auto k = alex_.step(snapshot_)) member_in(snapshot_, v1::SEAT_A).set_public_key(k->public_key());
    alex_.step(snapshot_);
    ASSERT_EQ(alex_.state(), session_keys::status::ready);
    ASSERT_TRUE(run_until([&] { return !client_->view().safety_code.empty(); }));
    EXPECT_EQ(client_->view().safety_code, alex_.safety_code()) << "nobody in the middle: the same code";
  }

  /// Alex's words, sealed for Sam as Alex's client would.
  v1::Sealed sealed_by_alex(sealed_format::content_kind kind, const std::string& text) {
    const auto boxes = alex_.seal(snapshot_, kind, ++alex_counter_, text);
    for (const auto& box : boxes.value()) {
      if (box.to() == v1::SEAT_B) return box;
    }
    return {};
  }

  /// Alex types `text` one character at a time, as the full screen sends it.
  void alex_types(const std::string& text, std::uint64_t& seq) {
    for (std::size_t n = 1; n <= text.size(); ++n) {
      v1::ServerMessage m;
      m.set_seq(++seq);
      m.mutable_draft_update()->set_author(v1::SEAT_A);
      *m.mutable_draft_update()->mutable_sealed() =
          sealed_by_alex(sealed_format::content_kind::draft, text.substr(0, n));
      current().deliver(m);
    }
  }

  // Fixed bytes: Alex's side of a test needs keys, not secrecy.
  static void not_random(unsigned char* out, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<unsigned char>(i * 7 + size);
  }
  session_keys alex_{"7KQ2key", v1::SEAT_A, not_random};
  v1::Snapshot snapshot_;
  std::uint64_t seq_ = 0;
  std::uint64_t alex_counter_ = 0;

  std::vector<std::string> lines_starting(const std::string& prefix) const {
    std::vector<std::string> out;
    std::istringstream in(out_.str());
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(prefix, 0) == 0) out.push_back(line);
    }
    return out;
  }

  std::ostringstream out_;
  std::unique_ptr<plain_ui> ui_;
};

// 160 characters typed one at a time used to be 160 draft lines read aloud.
// By default a finished line is printed once, and an unfinished one once the
// partner pauses.
TEST_F(plain_ui_test, a_partners_typing_is_printed_a_line_at_a_time_not_a_keystroke_at_a_time) {
  ASSERT_NO_FATAL_FAILURE(listening(draft_lines::lines));
  std::uint64_t seq = seq_;
  const std::string first = "I have missed you more than I know how to say, and the evenings are the hardest part.";
  const std::string second = "I keep setting two cups out.";
  alex_types(first + "\n" + second, seq);
  ASSERT_TRUE(run_until([&] { return lines_starting("draft ").size() == 2; })) << out_.str();
  EXPECT_EQ(lines_starting("draft "), (std::vector<std::string>{"draft Alex: " + first, "draft Alex: " + second}));

  v1::ServerMessage turn;
  turn.set_seq(++seq);
  turn.mutable_turn()->set_author(v1::SEAT_A);
  turn.mutable_turn()->set_kind(v1::TURN_KIND_STATEMENT);
  *turn.mutable_turn()->mutable_sealed() = sealed_by_alex(sealed_format::content_kind::turn, first + "\n" + second);
  current().deliver(turn);
  ASSERT_TRUE(run_until([&] { return !lines_starting("said ").empty(); }));
  // Multi-line text: continuation lines, indented, never a literal "\n".
  EXPECT_EQ(lines_starting("said "), (std::vector<std::string>{"said Alex: " + first}));
  EXPECT_EQ(lines_starting("  "), (std::vector<std::string>{"  " + second}));
  EXPECT_EQ(out_.str().find("\\n"), std::string::npos);
}

// A floor running out is told before it happens, quietly, in one line.
TEST_F(plain_ui_test, the_time_running_out_is_told_at_thirty_and_ten_seconds) {
  ASSERT_NO_FATAL_FAILURE(listening(draft_lines::lines));
  v1::ServerMessage m;
  m.set_seq(++seq_);
  auto* s = m.mutable_state_changed()->mutable_snapshot();
  *s = client_->view().snapshot;
  s->mutable_timer()->set_limit_ms(120'000);
  s->mutable_timer()->set_left_ms(10'080);
  s->mutable_timer()->set_running(true);
  current().deliver(m);
  ASSERT_TRUE(run_until([&] { return !lines_starting("time-left ").empty(); })) << out_.str();
  EXPECT_EQ(lines_starting("time-left "), (std::vector<std::string>{"time-left 10s"}));
}

TEST_F(plain_ui_test, every_update_or_none_when_asked) {
  ASSERT_NO_FATAL_FAILURE(listening(draft_lines::all));
  std::uint64_t seq = seq_;
  alex_types("Hello", seq);
  ASSERT_TRUE(run_until([&] { return lines_starting("draft ").size() == 5; })) << out_.str();

  out_.str("");
  ASSERT_NO_FATAL_FAILURE(listening(draft_lines::off));
  seq = seq_;
  alex_types("Hello", seq);
  ASSERT_TRUE(run_until([&] { return client_->view().snapshot.phase() == v1::PHASE_SPEAKING; }));
  ioc_.restart();
  ioc_.run_for(200ms);
  EXPECT_TRUE(lines_starting("draft ").empty()) << out_.str();
}

}  // namespace
}  // namespace heard::client
