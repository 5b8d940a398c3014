#pragma once

#include <mutex>
#include <ostream>
#include <sstream>
#include <string_view>

#include "server_config.hpp"

namespace heard::server {

/// One line per event on stderr: time, level, then key=value pairs (or the
/// same fields as one JSON object, with log_format::json).
/// Callers pass only structure — event names, hashed session labels, sizes,
/// counts. Nothing a person wrote is ever handed to the logger (a test greps
/// the server's output for turn text at debug level to keep it so).
class logger {
 public:
  logger(log_level threshold, std::ostream& out, log_format format = log_format::text);

  bool enabled(log_level level) const { return level <= threshold_; }

  template <typename... Parts>
  void write(log_level level, const Parts&... parts) {
    if (!enabled(level)) return;
    std::ostringstream line;
    (line << ... << parts);
    emit(level, line.str());
  }

 private:
  void emit(log_level level, const std::string& line);

  log_level threshold_;
  log_format format_;
  std::ostream& out_;
  std::mutex mutex_;
};

}  // namespace heard::server
