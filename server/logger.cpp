#include "logger.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace heard::server {

namespace {

void json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
}

// The text line's `key=value key="a value"` pairs as JSON members; anything
// else goes under "text". Values stay strings, except whole numbers.
std::string json_members(std::string_view line) {
  std::string out, loose;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size()) break;
    const std::size_t start = i;
    const auto eq = line.find('=', i);
    const auto space = line.find(' ', i);
    if (eq == std::string_view::npos || (space != std::string_view::npos && space < eq)) {
      i = space == std::string_view::npos ? line.size() : space;
      if (!loose.empty()) loose += ' ';
      loose.append(line.substr(start, i - start));
      continue;
    }
    const auto key = line.substr(start, eq - start);
    std::string_view value;
    i = eq + 1;
    if (i < line.size() && line[i] == '"') {
      const auto close = line.find('"', i + 1);
      const auto end = close == std::string_view::npos ? line.size() : close;
      value = line.substr(i + 1, end - i - 1);
      i = close == std::string_view::npos ? line.size() : close + 1;
    } else {
      const auto end = line.find(' ', i);
      value = line.substr(i, (end == std::string_view::npos ? line.size() : end) - i);
      i = end == std::string_view::npos ? line.size() : end;
    }
    out += ',';
    json_string(out, key);
    out += ':';
    const bool number =
        !value.empty() && value.size() < 19 && value.find_first_not_of("0123456789") == std::string_view::npos;
    if (number) {
      out += value;
    } else {
      json_string(out, value);
    }
  }
  if (!loose.empty()) {
    out += ",\"text\":";
    json_string(out, loose);
  }
  return out;
}

}  // namespace

logger::logger(log_level threshold, std::ostream& out, log_format format)
    : threshold_(threshold), format_(format), out_(out) {}

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
  if (format_ == log_format::json) {
    std::string object = "{\"time\":\"";
    object += stamp;
    object += frac;
    object += "\",\"level\":\"";
    object += names[static_cast<int>(level)];
    object += '"';
    object += json_members(line);
    object += '}';
    std::lock_guard lock(mutex_);
    out_ << object << '\n';
    out_.flush();
    return;
  }
  std::lock_guard lock(mutex_);
  out_ << stamp << frac << ' ' << names[static_cast<int>(level)] << ' ' << line << '\n';
  out_.flush();
}

}  // namespace heard::server
