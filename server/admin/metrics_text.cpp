#include "metrics_text.hpp"

namespace heard::server {

std::string metrics_text(const server_stats& stats) {
  std::string out;
  const auto counter = [&](const char* name, std::uint64_t value) {
    out += "# HELP heard_";
    out += name;
    out += "_total Count of ";
    out += name;
    out += " (see docs/operations.md).\n# TYPE heard_";
    out += name;
    out += "_total counter\nheard_";
    out += name;
    out += "_total ";
    out += std::to_string(value);
    out += '\n';
  };
#define HEARD_METRIC_COUNTER(name) counter(#name, stats.name.load());
  HEARD_SERVER_COUNTERS(HEARD_METRIC_COUNTER)
#undef HEARD_METRIC_COUNTER
  const auto gauge = [&](const char* name, const char* help, std::int64_t value) {
    out += "# HELP heard_";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE heard_";
    out += name;
    out += " gauge\nheard_";
    out += name;
    out += ' ';
    out += std::to_string(value);
    out += '\n';
  };
  gauge("connections_open", "Connections open now.", stats.connections_open.load());
  gauge("sessions_live", "Sessions in memory now, ended ones still resumable included.", stats.sessions_live.load());
  return out;
}

}  // namespace heard::server
