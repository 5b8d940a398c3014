#include "state_file_writer.hpp"

#include <cstdio>

#include "private_file.hpp"

namespace heard::client {

state_file_writer::state_file_writer(std::chrono::milliseconds min_interval)
    : min_interval_(min_interval), thread_([this] { run(); }) {}

state_file_writer::~state_file_writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void state_file_writer::write(const std::string& path, std::string bytes) {
  {
    std::lock_guard lock(mutex_);
    pending_[path] = std::move(bytes);
  }
  wake_.notify_all();
}

void state_file_writer::remove(const std::string& path) {
  {
    std::lock_guard lock(mutex_);
    pending_[path] = std::nullopt;
  }
  wake_.notify_all();
}

void state_file_writer::flush() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return pending_.empty() && !busy_; });
}

unsigned state_file_writer::failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

void state_file_writer::run() {
  std::unique_lock lock(mutex_);
  auto last_write = std::chrono::steady_clock::now() - min_interval_;
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) return;  // stopping, and everything is written
    if (!stopping_) {
      // At most one round of writes per interval: keystrokes in between
      // only replace the bytes that round will write.
      wake_.wait_until(lock, last_write + min_interval_, [&] { return stopping_; });
    }
    auto round = std::move(pending_);
    pending_.clear();
    busy_ = true;
    lock.unlock();
    unsigned failed = 0;
    for (const auto& [path, bytes] : round) {
      if (!bytes) {
        std::remove(path.c_str());
        continue;
      }
      std::string error;
      if (!write_private_file(path, *bytes, error, true)) ++failed;
    }
    last_write = std::chrono::steady_clock::now();
    lock.lock();
    busy_ = false;
    failures_ += failed;
    if (pending_.empty()) idle_.notify_all();
  }
}

}  // namespace heard::client
