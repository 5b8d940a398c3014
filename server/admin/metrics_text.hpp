#pragma once

#include <string>

#include "server_stats.hpp"

namespace heard::server {

/// The server's counters and gauges in the Prometheus text exposition format
/// (version 0.0.4): every failure mode's counter as heard_<name>_total, the
/// open connections and live sessions as gauges. Numbers only: never a name,
/// an address or a word. Pure.
std::string metrics_text(const server_stats& stats);

}  // namespace heard::server
