#pragma once

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/post.hpp>
#include "client_transport.hpp"
#include "codec.hpp"

#include "heard_server.hpp"
#include "invite_code.hpp"
#include "session_keys.hpp"
#include "session_target.hpp"
#include "test_client.hpp"

namespace heard::testing {

using namespace std::chrono_literals;

/// A real heard_server with real TLS on 127.0.0.1, port 0, run on its own
/// thread, with timeouts shrunk so tests take seconds (cpp-httplib's fixture
/// pattern). Clients are real session_clients.
class relay_test : public ::testing::Test {
 protected:
  void serve(const std::function<void(server::server_config&)>& adjust = {}) {
    server::server_config config;
    config.port = 0;
    config.cert_file = test_cert_dir() + "/server.crt";
    config.key_file = test_cert_dir() + "/server.key";
    config.io_threads = 2;
    config.tls_handshake_timeout = 2s;
    config.upgrade_timeout = 2s;
    config.idle_timeout = 10s;
    config.shutdown_grace = 2s;
    config.invite_sweep_interval = 50ms;
    config.level = server::log_level::debug;
    if (adjust) adjust(config);
    config_ = config;
    server_ = std::make_unique<server::heard_server>(config, log_);
    port_ = server_->start();
    thread_ = std::thread([this] { server_->run(); });
  }

  void TearDown() override {
    clients_.clear();
    stop_server();
  }

  void stop_server() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }

  /// Stops the server gracefully and starts a new one on the same port with
  /// the same settings, as an operator's restart would.
  void restart_server() {
    stop_server();
    auto config = config_;
    config.port = port_;
    server_ = std::make_unique<server::heard_server>(config, log_);
    port_ = server_->start();
    thread_ = std::thread([this] { server_->run(); });
  }

  /// The server's log, read once the server has stopped writing to it.
  std::string server_log() {
    stop_server();
    return log_.str();
  }

  /// A client of this server (through `port`, e.g. a fault proxy's, if given).
  test_client& client(const std::string& name, std::uint16_t port = 0,
                      const std::function<void(client::client_options&)>& adjust = {}) {
    clients_.push_back(std::make_unique<test_client>(port ? port : port_, ca_file(), name, adjust));
    return *clients_.back();
  }

  static std::string ca_file() { return test_cert_dir() + "/ca.crt"; }

  std::string start(test_client& creator, v1::FirstSpeaker first = v1::FIRST_SPEAKER_CREATOR,
                    v1::Mode mode = v1::MODE_TEXT) {
    v1::CreateOptions options;
    options.set_first_speaker(first);
    options.set_mode(mode);
    creator->start(options);
    auto welcome = creator.wait_for(v1::ServerMessage::kWelcome);
    EXPECT_TRUE(welcome);
    return welcome ? invite_code_for(welcome->welcome(), v1::SEAT_B) : std::string();
  }

  void pair(test_client& a, test_client& b, v1::FirstSpeaker first = v1::FIRST_SPEAKER_CREATOR,
            v1::Mode mode = v1::MODE_TEXT) {
    const auto code = start(a, first, mode);
    b->join(code);
    ASSERT_TRUE(a.wait_phase(v1::PHASE_READY));
    ASSERT_TRUE(b.wait_phase(v1::PHASE_READY));
  }

  /// `raw` creates a session (seat A) and `partner` joins it (seat B); both
  /// exchange keys (the raw client's Keys take input ids 1 and 2).
  void raw_session_with(class raw_client& raw, test_client& partner, std::unique_ptr<class raw_keys>& keys);

  void both_ready(test_client& a, test_client& b) {
    a->ready();
    b->ready();
    ASSERT_TRUE(a.wait_phase(v1::PHASE_SPEAKING));
    ASSERT_TRUE(b.wait_phase(v1::PHASE_SPEAKING));
  }

  std::ostringstream log_;
  server::server_config config_;
  std::unique_ptr<server::heard_server> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  std::vector<std::unique_ptr<test_client>> clients_;
};

/// A client below the client library: sends whatever bytes a test wants and
/// records what comes back, for protocol abuse and races.
class raw_client {
 public:
  raw_client(std::uint16_t port, const std::string& target, const std::string& local_address = {},
             const std::function<void(client::tls_options&)>& adjust = {})
      : work_(boost::asio::make_work_guard(ioc_)) {
    client::tls_options tls;
    tls.ca_file = test_cert_dir() + "/ca.crt";
    tls.local_address = local_address;
    if (adjust) adjust(tls);
    transport_ = client::client_transport::create(ioc_, tls);
    client::client_transport::handlers h;
    h.on_open = [this] { notify([&] { open_ = true; }); };
    h.on_message = [this](std::string_view bytes) {
      auto decoded = decode_server(bytes);
      notify([&] { messages_.push_back(std::get<v1::ServerMessage>(decoded)); });
    };
    h.on_close = [this](const std::string& reason) { notify([&] { closed_ = reason; }); };
    transport_->connect({"localhost", std::to_string(port)}, target, std::move(h));
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~raw_client() {
    boost::asio::post(ioc_, [this] { transport_->close(); });
    work_.reset();
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 2s, [&] { return closed_.has_value(); });
    lock.unlock();
    ioc_.stop();
    thread_.join();
  }
  bool wait_open() {
    return wait([&] { return open_ || closed_; }) && open_;
  }
  void send(std::string bytes) {
    boost::asio::post(ioc_, [this, bytes = std::move(bytes)] { transport_->send(bytes); });
  }
  std::optional<v1::ServerMessage> wait_message(std::size_t index) {
    if (!wait([&] { return messages_.size() > index; })) return std::nullopt;
    std::lock_guard lock(mutex_);
    return messages_[index];
  }
  std::optional<std::string> wait_closed(std::chrono::milliseconds deadline = event_deadline) {
    if (!wait([&] { return closed_.has_value(); }, deadline)) return std::nullopt;
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  template <typename F>
  void notify(F&& f) {
    std::lock_guard lock(mutex_);
    f();
    changed_.notify_all();
  }
  template <typename P>
  bool wait(P&& p, std::chrono::milliseconds deadline = event_deadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, deadline, p);
  }

  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::shared_ptr<client::client_transport> transport_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  std::vector<v1::ServerMessage> messages_;
  std::optional<std::string> closed_;
};

inline std::string hello_bytes(std::uint32_t version = protocol_version);

/// A raw client's end-to-end keys, kept as a real client keeps them: it
/// commits, reveals once every member has committed, and seals what the test
/// sends, so the real clients in the session open it.
class raw_keys {
 public:
  raw_keys(raw_client& raw, const v1::Welcome& welcome)
      : raw_(raw),
        keys_(welcome.session_key(), welcome.your_seat(),
              [](unsigned char* out, std::size_t size) {
                for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<unsigned char>(std::rand());
              }),
        snapshot_(welcome.snapshot()) {}

  /// Reads what the raw client received, sending its Keys (numbered from
  /// `input_id`) as they are due, until every key of the session is in.
  bool exchange(std::uint64_t& input_id) {
    for (;;) {
      if (auto k = keys_.step(snapshot_)) {
        v1::ClientMessage m;
        *m.mutable_keys() = *k;
        m.set_input_id(++input_id);
        raw_.send(encode(m));
      }
      if (keys_.state() != session_keys::status::exchanging) return keys_.state() == session_keys::status::ready;
      auto next = raw_.wait_message(read_++);
      if (!next) return false;
      if (next->has_state_changed()) snapshot_ = next->state_changed().snapshot();
    }
  }

  /// `text` sealed for every member, under `counter` (the input's id).
  google::protobuf::RepeatedPtrField<v1::Sealed> seal(sealed_format::content_kind kind, std::uint64_t counter,
                                                      const std::string& text) const {
    google::protobuf::RepeatedPtrField<v1::Sealed> out;
    auto boxes = keys_.seal(snapshot_, kind, counter, text);  // held: a loop over a temporary's value() dangles
    for (auto& box : boxes.value()) *out.Add() = std::move(box);
    return out;
  }
  /// Where the raw client's own reading goes on from (the messages the exchange read).
  std::size_t read() const { return read_; }

 private:
  raw_client& raw_;
  session_keys keys_;
  v1::Snapshot snapshot_;
  std::size_t read_ = 1;  // message 0 is the Welcome
};

inline void relay_test::raw_session_with(raw_client& raw, test_client& partner, std::unique_ptr<raw_keys>& keys) {
  ASSERT_TRUE(raw.wait_open());
  raw.send(hello_bytes());
  auto welcome = raw.wait_message(0);
  ASSERT_TRUE(welcome && welcome->has_welcome());
  partner->join(invite_code_for(welcome->welcome(), v1::SEAT_B));
  keys = std::make_unique<raw_keys>(raw, welcome->welcome());
  std::uint64_t input_id = 0;
  ASSERT_TRUE(keys->exchange(input_id));
  ASSERT_TRUE(partner.wait_phase(v1::PHASE_READY)) << "ready once both keys are in";
}

/// The target a creating raw client uses (any route will do).
inline const std::string create_target = session_target_for("7KQ2");

/// The target a client uses to join with `typed`: the code's route, or any
/// route when it cannot be a code (the server answers it like a wrong one).
inline std::string join_target(std::string_view typed) {
  const auto canonical = normalize_invite_code(typed);
  return session_target_for(canonical ? route_of(*canonical) : std::string_view("7KQ2"));
}

/// An encoded Hello that joins with `typed`.
inline std::string join_hello_bytes(std::string_view typed) {
  v1::ClientMessage m;
  m.mutable_hello()->set_protocol_version(protocol_version);
  m.mutable_hello()->set_join_code(std::string(typed));
  return encode(m);
}

/// An encoded Hello that takes a seat back.
inline std::string rejoin_hello_bytes(const std::string& session_key, const std::string& resume_token,
                                      std::uint64_t last_seq = 0) {
  v1::ClientMessage m;
  m.mutable_hello()->set_protocol_version(protocol_version);
  m.mutable_hello()->mutable_rejoin()->set_session_key(session_key);
  m.mutable_hello()->mutable_rejoin()->set_resume_token(resume_token);
  m.mutable_hello()->mutable_rejoin()->set_last_seq(last_seq);
  return encode(m);
}

/// An encoded Hello with `version`.
inline std::string hello_bytes(std::uint32_t version) {
  v1::ClientMessage m;
  m.mutable_hello()->set_protocol_version(version);
  m.mutable_hello()->set_display_name("Raw");
  return encode(m);
}

}  // namespace heard::testing
