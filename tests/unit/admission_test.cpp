#include <gtest/gtest.h>

#include "admission.hpp"

namespace heard::server {
namespace {

using verdict = admission::verdict;

TEST(admission, one_address_gets_its_share_and_no_more) {
  admission a(10, 2);
  EXPECT_EQ(a.admit("192.0.2.1"), verdict::admitted);
  EXPECT_EQ(a.admit("192.0.2.1"), verdict::admitted);
  EXPECT_EQ(a.admit("192.0.2.1"), verdict::over_per_address);
  EXPECT_EQ(a.admit("192.0.2.2"), verdict::admitted) << "another address is not affected";
  a.release("192.0.2.1");
  EXPECT_EQ(a.admit("192.0.2.1"), verdict::admitted) << "a place given back can be taken again";
  EXPECT_EQ(a.open(), 3u);
}

TEST(admission, the_total_caps_every_address_together) {
  admission a(3, 10);
  EXPECT_EQ(a.admit("a"), verdict::admitted);
  EXPECT_EQ(a.admit("b"), verdict::admitted);
  EXPECT_EQ(a.admit("c"), verdict::admitted);
  EXPECT_EQ(a.admit("d"), verdict::over_total);
  a.release("b");
  EXPECT_EQ(a.admit("d"), verdict::admitted);
}

TEST(admission, a_refusal_or_a_stray_release_changes_nothing) {
  admission a(1, 1);
  EXPECT_EQ(a.admit("a"), verdict::admitted);
  EXPECT_EQ(a.admit("b"), verdict::over_total);
  a.release("b");  // never admitted
  EXPECT_EQ(a.open(), 1u);
  a.release("a");
  a.release("a");  // twice
  EXPECT_EQ(a.open(), 0u);
  EXPECT_EQ(a.admit("a"), verdict::admitted);
}

TEST(admission, nobody_is_admitted_once_stopping) {
  admission a(10, 10);
  EXPECT_EQ(a.admit("a"), verdict::admitted);
  a.stop();
  EXPECT_EQ(a.admit("b"), verdict::stopping);
  a.release("a");
  EXPECT_EQ(a.open(), 0u);
}

// Through a trusted proxy the client is known only after the proxy says:
// the place counts in the total at once, per address from then on.
TEST(admission, a_place_from_a_proxy_counts_in_the_total_then_for_its_client) {
  admission a(3, 1);
  EXPECT_EQ(a.admit(""), verdict::admitted);
  EXPECT_EQ(a.admit(""), verdict::admitted);
  EXPECT_EQ(a.open(), 2u);
  EXPECT_EQ(a.attribute("client"), verdict::admitted);
  EXPECT_EQ(a.attribute("client"), verdict::over_per_address) << "the client's own limit, not the proxy's";
  EXPECT_EQ(a.admit("client"), verdict::over_per_address);
  EXPECT_EQ(a.attribute("other"), verdict::admitted);
  EXPECT_EQ(a.open(), 2u);
  EXPECT_EQ(a.admit(""), verdict::admitted);
  EXPECT_EQ(a.admit(""), verdict::over_total);
  a.release("");
  a.release("client");
  a.release("other");
  EXPECT_EQ(a.open(), 0u);
  a.release("");  // stray
  EXPECT_EQ(a.open(), 0u);
  EXPECT_EQ(a.attribute("client"), verdict::over_total) << "nothing left to attribute";
}

}  // namespace
}  // namespace heard::server
