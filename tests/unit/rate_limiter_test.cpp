#include "rate_limiter.hpp"

#include <gtest/gtest.h>

namespace heard {
namespace {

using namespace std::chrono_literals;

TEST(rate_limiter, allows_a_burst_then_refills_at_its_rate) {
  rate_limiter limiter(10, 5);  // 10 a second, 5 at once
  const auto t0 = rate_limiter::clock::time_point{} + 1h;
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow(t0)) << i;
  EXPECT_FALSE(limiter.allow(t0));
  EXPECT_FALSE(limiter.allow(t0 + 50ms));  // half a token
  EXPECT_TRUE(limiter.allow(t0 + 110ms));
  EXPECT_FALSE(limiter.allow(t0 + 110ms));
  // Idle for long: back to the burst, never more.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.allow(t0 + 10s)) << i;
  EXPECT_FALSE(limiter.allow(t0 + 10s));
}

TEST(rate_limiter, a_clock_going_backwards_grants_nothing) {
  rate_limiter limiter(1, 1);
  const auto t0 = rate_limiter::clock::time_point{} + 1h;
  EXPECT_TRUE(limiter.allow(t0));
  EXPECT_FALSE(limiter.allow(t0 - 10s));
}

}  // namespace
}  // namespace heard
