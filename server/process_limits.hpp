#pragma once

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

}  // namespace heard::server
