#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace heard::client {

/// Writes the client's state file on a thread of its own, so the network
/// thread never waits for a disk: the newest bytes for a path win, a write
/// starts at once when none ran in the last `min_interval`, and otherwise
/// when that interval has passed. So whatever was handed in is on disk
/// within about `min_interval` (plus the write itself), and a file is
/// rewritten at most 1 / `min_interval` times a second, however fast the
/// person types. Each write is private, atomic and fsynced
/// (common/private_file). Thread-safe.
class state_file_writer {
 public:
  explicit state_file_writer(std::chrono::milliseconds min_interval = std::chrono::milliseconds(100));
  /// Writes what is still pending, then stops.
  ~state_file_writer();
  state_file_writer(const state_file_writer&) = delete;
  state_file_writer& operator=(const state_file_writer&) = delete;

  /// `bytes` become `path`'s content (replacing anything still pending for it).
  void write(const std::string& path, std::string bytes);
  /// `path` goes (a pending write to it is dropped).
  void remove(const std::string& path);
  /// Waits until everything handed in so far is on disk (or removed).
  void flush();
  /// How many writes failed (a full disk, a folder that went away); the
  /// previous file then stays whole.
  unsigned failures() const;

 private:
  void run();

  const std::chrono::milliseconds min_interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::map<std::string, std::optional<std::string>> pending_;  // nullopt: remove
  bool busy_ = false;
  bool stopping_ = false;
  unsigned failures_ = 0;
  std::thread thread_;
};

}  // namespace heard::client
