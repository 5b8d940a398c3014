#include "server_stats.hpp"

namespace heard::server {

std::string server_stats::describe() const {
  std::string out;
  auto add = [&](const char* name, auto value) {
    if (value == 0) return;
    if (!out.empty()) out += ' ';
    out += name;
    out += '=';
    out += std::to_string(value);
  };
#define HEARD_DESCRIBE_COUNTER(name) add(#name, name.load());
  HEARD_SERVER_COUNTERS(HEARD_DESCRIBE_COUNTER)
#undef HEARD_DESCRIBE_COUNTER
  add("connections_open", connections_open.load());
  add("sessions_live", sessions_live.load());
  return out.empty() ? "none" : out;
}

}  // namespace heard::server
