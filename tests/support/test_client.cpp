#include "test_client.hpp"

#include <boost/asio/post.hpp>

#include <future>

namespace heard::testing {

std::string test_cert_dir() { return HEARD_TEST_CERT_DIR; }

test_client::test_client(std::uint16_t port, const std::string& ca_file, const std::string& name,
                         const std::function<void(client::client_options&)>& adjust)
    : work_(boost::asio::make_work_guard(ioc_)) {
  client::client_options options;
  options.server = {"localhost", std::to_string(port)};
  options.tls.ca_file = ca_file;
  options.name = name;
  // Reconnect quickly: tests break connections on purpose.
  options.reconnect_initial = std::chrono::milliseconds(5);
  options.reconnect_max = std::chrono::milliseconds(100);
  if (adjust) adjust(options);
  client_ = std::make_shared<client::session_client>(ioc_, options, [this](const client::client_event& e) {
    std::unique_lock lock(mutex_);
    if (const auto* m = std::get_if<v1::ServerMessage>(&e)) {
      messages_.push_back(*m);
      for (auto it = reactions_.begin(); it != reactions_.end(); ++it) {
        if (!it->first(*m)) continue;
        auto action = std::move(it->second);
        reactions_.erase(it);
        lock.unlock();
        action(*client_);
        lock.lock();
        break;
      }
      if (m->has_welcome()) {
        for (const auto& invite : m->welcome().invites()) {
          if (invite_code_.empty() || invite.seat() == v1::SEAT_A) invite_code_ = invite.code();
        }
        seat_ = m->welcome().your_seat();
      }
    } else if (const auto* closed = std::get_if<client::connection_closed>(&e)) {
      closed_ = closed->reason;
      saved_words_ = closed->saved_words;
    } else if (const auto* lost = std::get_if<client::connection_lost>(&e)) {
      ++drops_;
      if (first_drop_reason_.empty()) first_drop_reason_ = lost->reason;
    } else if (const auto& notice = std::get<client::local_notice>(e);
               notice.what == client::local_notice::kind::safety_code) {
      safety_codes_.push_back(notice.text);  // not an answer to an input
    } else {
      notices_.push_back(notice);
    }
    changed_.notify_all();
  });
  thread_ = std::thread([this] { ioc_.run(); });
}

test_client::~test_client() {
  client_->close();
  {
    // Let a clean close finish so the server sees a normal goodbye.
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 2s, [&] { return closed_.has_value(); });
  }
  work_.reset();
  ioc_.stop();
  thread_.join();
}

void test_client::when(predicate match, std::function<void(client::session_client&)> action) {
  std::lock_guard lock(mutex_);
  reactions_.emplace_back(std::move(match), std::move(action));
}

std::optional<client::local_notice> test_client::wait_notice(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, deadline, [&] { return notice_cursor_ < notices_.size(); })) return std::nullopt;
  return notices_[notice_cursor_++];
}

std::optional<std::string> test_client::wait_safety_code(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, deadline, [&] { return !safety_codes_.empty(); })) return std::nullopt;
  // "Safety code 123 456: ..." -> "123 456"
  const std::string& sentence = safety_codes_.front();
  const auto start = sentence.find_first_of("0123456789");
  return start == std::string::npos ? sentence : sentence.substr(start, 7);
}

std::string test_client::my_draft() {
  std::promise<std::string> draft;
  boost::asio::post(ioc_, [&] { draft.set_value(client_->view().my_draft); });
  return draft.get_future().get();
}

std::optional<v1::ServerMessage> test_client::wait_for(const predicate& match, std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    for (; cursor_ < messages_.size(); ++cursor_) {
      if (match(messages_[cursor_])) return messages_[cursor_++];
    }
    if (changed_.wait_until(lock, until) == std::cv_status::timeout && cursor_ == messages_.size()) {
      return std::nullopt;
    }
  }
}

std::optional<v1::ServerMessage> test_client::wait_for(v1::ServerMessage::BodyCase kind,
                                                       std::chrono::milliseconds deadline) {
  return wait_for([kind](const v1::ServerMessage& m) { return m.body_case() == kind; }, deadline);
}

std::optional<v1::Snapshot> test_client::wait_phase(v1::Phase phase, std::uint32_t round,
                                                    std::chrono::milliseconds deadline) {
  auto matches = [phase, round](const v1::Snapshot& s) {
    return s.phase() == phase && (round == 0 || s.round() == round);
  };
  auto m = wait_for(
      [&](const v1::ServerMessage& m) {
        return (m.has_state_changed() && matches(m.state_changed().snapshot())) ||
               (m.has_welcome() && matches(m.welcome().snapshot()));
      },
      deadline);
  if (!m) return std::nullopt;
  return m->has_welcome() ? m->welcome().snapshot() : m->state_changed().snapshot();
}

std::optional<v1::Error> test_client::wait_error(std::chrono::milliseconds deadline) {
  auto m = wait_for(v1::ServerMessage::kError, deadline);
  if (!m) return std::nullopt;
  return m->error();
}

std::optional<std::string> test_client::wait_closed(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, deadline, [&] { return closed_.has_value(); })) return std::nullopt;
  return closed_;
}

std::vector<v1::ServerMessage> test_client::history() {
  std::lock_guard lock(mutex_);
  return messages_;
}

int test_client::drops() {
  std::lock_guard lock(mutex_);
  return drops_;
}

std::optional<std::string> test_client::wait_drop(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, deadline, [&] { return drops_ > 0; })) return std::nullopt;
  return first_drop_reason_;
}

std::string test_client::saved_words() {
  std::lock_guard lock(mutex_);
  return saved_words_;
}

std::string test_client::invite_code() {
  std::lock_guard lock(mutex_);
  return invite_code_;
}

v1::Seat test_client::seat() {
  std::lock_guard lock(mutex_);
  return seat_;
}

}  // namespace heard::testing
