#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "session_client.hpp"

namespace heard::testing {

using namespace std::chrono_literals;

/// The default deadline for anything a test waits on.
inline constexpr std::chrono::milliseconds event_deadline = 5s;

/// A real session_client on its own I/O thread that records every event, so
/// a test can wait for one with a deadline instead of sleeping.
class test_client {
 public:
  test_client(std::uint16_t port, const std::string& ca_file, const std::string& name,
              const std::function<void(client::client_options&)>& adjust = {});
  ~test_client();

  client::session_client& operator*() { return *client_; }
  client::session_client* operator->() { return client_.get(); }

  using predicate = std::function<bool(const v1::ServerMessage&)>;

  /// The next message after the cursor that matches, within the deadline;
  /// the cursor moves past it. Messages skipped stay in history().
  std::optional<v1::ServerMessage> wait_for(const predicate& match,
                                            std::chrono::milliseconds deadline = event_deadline);
  std::optional<v1::ServerMessage> wait_for(v1::ServerMessage::BodyCase kind,
                                            std::chrono::milliseconds deadline = event_deadline);
  /// The next StateChanged (or Welcome) whose snapshot is in `phase` (and in
  /// `round`, unless 0).
  std::optional<v1::Snapshot> wait_phase(v1::Phase phase, std::uint32_t round = 0,
                                         std::chrono::milliseconds deadline = event_deadline);
  std::optional<v1::Error> wait_error(std::chrono::milliseconds deadline = event_deadline);
  /// Waits for the connection to end; returns its reason.
  std::optional<std::string> wait_closed(std::chrono::milliseconds deadline = event_deadline);

  /// Runs `action` once, on the client's own thread, as soon as a message
  /// matching `match` arrives - before the client handles the next one. This
  /// is a person reacting the moment something appears on screen.
  void when(predicate match, std::function<void(client::session_client&)> action);
  /// The client's own draft for the current floor, read on its thread.
  std::string my_draft();

  std::vector<v1::ServerMessage> history();
  /// How often the connection dropped and the client began reconnecting.
  int drops();
  /// Waits for the first drop; returns its reason (later retries may fail
  /// for other reasons).
  std::optional<std::string> wait_drop(std::chrono::milliseconds deadline = event_deadline);
  std::string saved_words();
  /// Waits for the client's next answer of its own (kept, not sent).
  std::optional<client::local_notice> wait_notice(std::chrono::milliseconds deadline = event_deadline);
  /// Waits until every key of the session is in; returns the safety code this client shows.
  std::optional<std::string> wait_safety_code(std::chrono::milliseconds deadline = event_deadline);
  std::string invite_code();
  v1::Seat seat();

 private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::shared_ptr<client::session_client> client_;
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<v1::ServerMessage> messages_;
  std::vector<std::pair<predicate, std::function<void(client::session_client&)>>> reactions_;
  std::size_t cursor_ = 0;
  std::optional<std::string> closed_;
  std::string saved_words_;
  int drops_ = 0;
  std::string first_drop_reason_;
  std::vector<client::local_notice> notices_;
  std::vector<std::string> safety_codes_;  // the client's "every key is in" sentences
  std::size_t notice_cursor_ = 0;
  std::string invite_code_;
  v1::Seat seat_ = v1::SEAT_UNSPECIFIED;
};

/// Where the generated test certificates are (see tests/CMakeLists.txt).
std::string test_cert_dir();

}  // namespace heard::testing
