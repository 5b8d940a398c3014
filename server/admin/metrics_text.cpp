#include "metrics_text.hpp"

namespace heard::server {

std::string metrics_text(const server_stats& stats) {
  std::string out;
  // One family: its help, its type, its one sample.
  const auto family = [&](const std::string& name, const char* type, const std::string& help, std::int64_t value) {
    out += "# HELP heard_" + name + ' ' + help + "\n# TYPE heard_" + name + ' ' + type + "\nheard_" + name + ' ' +
           std::to_string(value) + '\n';
  };
#define HEARD_METRIC_COUNTER(name)                                                  \
  family(#name "_total", "counter", "Count of " #name " (see docs/operations.md).", \
         static_cast<std::int64_t>(stats.name.load()));
  HEARD_SERVER_COUNTERS(HEARD_METRIC_COUNTER)
#undef HEARD_METRIC_COUNTER
  family("connections_open", "gauge", "Connections open now.", stats.connections_open.load());
  family("sessions_live", "gauge", "Sessions in memory now, ended ones still resumable included.",
         stats.sessions_live.load());
  return out;
}

}  // namespace heard::server
