#include "process_limits.hpp"

#include <sys/resource.h>

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

}  // namespace heard::server
