#include "logger.hpp"

#include <chrono>
#include <ctime>

namespace heard::server {

logger::logger(log_level threshold, std::ostream& out) : threshold_(threshold), out_(out) {}

void logger::emit(log_level level, const std::string& line) {
  static constexpr const char* names[] = {"error", "warn", "info", "debug"};
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(millis));
  std::lock_guard lock(mutex_);
  out_ << stamp << frac << ' ' << names[static_cast<int>(level)] << ' ' << line << '\n';
  out_.flush();
}

}  // namespace heard::server
