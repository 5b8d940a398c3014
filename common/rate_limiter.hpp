#pragma once

#include <algorithm>
#include <chrono>

namespace heard {

/// A token bucket: `rate_per_s` tokens a second, holding at most `burst`.
/// Time comes in from the caller, so it is deterministic in tests.
class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  rate_limiter(double rate_per_s, double burst) : rate_per_s_(rate_per_s), burst_(burst), tokens_(burst) {}

  /// Takes one token if there is one; false means "too fast".
  bool allow(clock::time_point now) {
    if (started_) {
      const double seconds = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(burst_, tokens_ + std::max(0.0, seconds) * rate_per_s_);
    }
    started_ = true;
    last_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double rate_per_s_;
  double burst_;
  double tokens_;
  bool started_ = false;
  clock::time_point last_{};
};

}  // namespace heard
