#include "server_stats.hpp"

#include <algorithm>

namespace heard::server {

void latency_histogram::observe(std::chrono::nanoseconds elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  std::size_t i = 0;
  while (i < bounds_s.size() && seconds > bounds_s[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(elapsed.count(), 0)), std::memory_order_relaxed);
}

std::uint64_t latency_histogram::cumulative(std::size_t i) const {
  std::uint64_t total = 0;
  for (std::size_t k = 0; k <= i && k < buckets_.size(); ++k) total += buckets_[k].load(std::memory_order_relaxed);
  return total;
}

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
