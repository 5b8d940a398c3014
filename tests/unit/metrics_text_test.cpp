// The Prometheus page: what a histogram and the gauges say, from numbers a
// test sets (the live page is checked by promtool in listen_test).
#include "metrics_text.hpp"

#include <gtest/gtest.h>

namespace heard::server {
namespace {

using namespace std::chrono_literals;

TEST(latency_histogram, counts_each_observation_in_its_bucket_cumulatively) {
  latency_histogram h;
  h.observe(50us);   // <= 100 us
  h.observe(100us);  // on a bound: that bucket
  h.observe(3ms);    // <= 5 ms
  h.observe(30s);    // above every bound
  EXPECT_EQ(h.cumulative(0), 2u);
  EXPECT_EQ(h.cumulative(4), 2u) << "2.5 ms";
  EXPECT_EQ(h.cumulative(5), 3u) << "5 ms";
  EXPECT_EQ(h.cumulative(latency_histogram::bounds_s.size() - 1), 3u) << "10 s";
  EXPECT_EQ(h.cumulative(latency_histogram::bounds_s.size()), 4u) << "+Inf";
  EXPECT_EQ(h.count(), 4u);
  EXPECT_NEAR(h.sum_s(), 30.00315, 1e-9);
}

TEST(metrics_text, renders_phases_gauges_and_histograms) {
  server_stats stats;
  stats.sessions_by_phase[3] = 2;  // PHASE_SPEAKING
  stats.unacked_bytes = 1234;
  stats.relay_latency.observe(200us);
  const auto page = metrics_text(stats);
  EXPECT_NE(page.find("heard_sessions{phase=\"speaking\"} 2\n"), std::string::npos) << page;
  EXPECT_NE(page.find("heard_sessions{phase=\"waiting_for_partner\"} 0\n"), std::string::npos) << page;
  EXPECT_EQ(page.find("phase=\"unspecified\""), std::string::npos);
  EXPECT_NE(page.find("heard_unacked_bytes 1234\n"), std::string::npos);
  EXPECT_NE(page.find("heard_relay_seconds_bucket{le=\"0.0001\"} 0\n"), std::string::npos) << page;
  EXPECT_NE(page.find("heard_relay_seconds_bucket{le=\"0.00025\"} 1\n"), std::string::npos) << page;
  EXPECT_NE(page.find("heard_relay_seconds_bucket{le=\"+Inf\"} 1\n"), std::string::npos);
  EXPECT_NE(page.find("heard_relay_seconds_count 1\n"), std::string::npos);
  EXPECT_NE(page.find("heard_relay_seconds_sum 0.0002\n"), std::string::npos) << page;
  EXPECT_NE(page.find("heard_handshake_seconds_count 0\n"), std::string::npos);
}

}  // namespace
}  // namespace heard::server
