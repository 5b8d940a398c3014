#include "process_limits.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <climits>

namespace heard::server {

open_file_limit raise_open_file_limit() {
  open_file_limit out;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return out;
  out.before = out.now = limit.rlim_cur;
  if (limit.rlim_cur == limit.rlim_max) return out;
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) out.now = raised.rlim_cur;
  return out;
}

bool heap_trim_policy::should_trim(std::int64_t connections_open) {
  if (connections_open > peak_) {
    peak_ = connections_open;
    return false;
  }
  // A quarter gone, and enough of them to matter.
  if (peak_ - connections_open < min_drop_ || connections_open * 4 > peak_ * 3) return false;
  peak_ = connections_open;
  return true;
}

void give_heap_back() { ::malloc_trim(0); }

void keep_heap_top(std::size_t bytes) {
  // An explicit threshold also fixes the mmap threshold at 128 KiB, where
  // glibc would otherwise raise it after large frees; nothing per message is
  // that large.
  const auto clamped = bytes > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(bytes);
  ::mallopt(M_TRIM_THRESHOLD, clamped);
}

}  // namespace heard::server
