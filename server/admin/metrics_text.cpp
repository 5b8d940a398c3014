#include "metrics_text.hpp"

#include <cctype>
#include <cstdio>

#include "codec.hpp"

namespace heard::server {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string metrics_text(const server_stats& stats) {
  std::string out;
  const auto header = [&](const std::string& name, const char* type, const std::string& help) {
    out += "# HELP heard_" + name + ' ' + help + "\n# TYPE heard_" + name + ' ' + type + '\n';
  };
  // One family: its help, its type, its one sample.
  const auto family = [&](const std::string& name, const char* type, const std::string& help, std::int64_t value) {
    header(name, type, help);
    out += "heard_" + name + ' ' + std::to_string(value) + '\n';
  };
  const auto histogram = [&](const std::string& name, const std::string& help, const latency_histogram& h) {
    header(name, "histogram", help);
    const auto& bounds = latency_histogram::bounds_s;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      out += "heard_" + name + "_bucket{le=\"" + number(bounds[i]) + "\"} " + std::to_string(h.cumulative(i)) + '\n';
    }
    // +Inf and the count are the same read, so they always agree.
    const auto all = h.count();
    out += "heard_" + name + "_bucket{le=\"+Inf\"} " + std::to_string(all) + '\n';
    out += "heard_" + name + "_sum " + number(h.sum_s()) + '\n';
    out += "heard_" + name + "_count " + std::to_string(all) + '\n';
  };
#define HEARD_METRIC_COUNTER(name)                                                  \
  family(#name "_total", "counter", "Count of " #name " (see docs/operations.md).", \
         static_cast<std::int64_t>(stats.name.load()));
  HEARD_SERVER_COUNTERS(HEARD_METRIC_COUNTER)
#undef HEARD_METRIC_COUNTER
  family("connections_open", "gauge", "Connections open now.", stats.connections_open.load());
  family("sessions_live", "gauge", "Sessions in memory now, ended ones still resumable included.",
         stats.sessions_live.load());
  header("sessions", "gauge", "Live sessions by the phase they are in.");
  for (int p = v1::Phase_MIN + 1; p <= v1::Phase_MAX; ++p) {
    if (!v1::Phase_IsValid(p) || static_cast<std::size_t>(p) >= server_stats::phase_slots) continue;
    out += "heard_sessions{phase=\"" + lower(phase_name(static_cast<v1::Phase>(p))) + "\"} " +
           std::to_string(stats.sessions_by_phase[static_cast<std::size_t>(p)].load()) + '\n';
  }
  family("outbound_queued_bytes", "gauge", "Bytes queued on connections and not yet written to their sockets.",
         stats.outbound_queued_bytes.load());
  family("unacked_bytes", "gauge", "Bytes of events kept for members until they acknowledge them.",
         stats.unacked_bytes.load());
  histogram("handshake_seconds", "From TCP accept to the WebSocket upgrade done (TLS and HTTP included).",
            stats.handshake_latency);
  histogram("relay_seconds", "From an input read to its events queued for the session's members.", stats.relay_latency);
  return out;
}

}  // namespace heard::server
