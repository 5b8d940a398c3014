#pragma once

#include <cstddef>
#include <cstdint>

namespace heard::server {

struct open_file_limit {
  std::uint64_t before = 0;  // the soft limit heard-server was started with
  std::uint64_t now = 0;     // after raising it as far as the hard limit allows
};

/// Raises the soft limit on open files to the hard limit. Every connection
/// is a descriptor, and a stock system's soft limit (1,024) would cap the
/// server near 500 pairs whatever max_connections says, with each further
/// client left hanging in the accept backlog.
open_file_limit raise_open_file_limit();

/// When to hand freed heap back to the system. glibc keeps what sessions
/// freed for reuse, so after a busy hour a quiet server would hold its peak
/// for ever; malloc_trim gives it back but walks the heap, so it runs only
/// after the open connections have fallen well below their last peak.
class heap_trim_policy {
 public:
  explicit heap_trim_policy(std::int64_t min_drop_connections) : min_drop_(min_drop_connections) {}

  /// Called now and then with the connections open; true: trim now.
  bool should_trim(std::int64_t connections_open);

 private:
  std::int64_t min_drop_;
  std::int64_t peak_ = 0;
};

/// Returns the heap's free pages to the system.
void give_heap_back();

/// Lets glibc keep up to `bytes` free at the heap's top between trims.
void keep_heap_top(std::size_t bytes);

}  // namespace heard::server
