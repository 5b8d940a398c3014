// The reliability protocol's pure parts, used by both ends: what is kept
// until acknowledged (outbox), what is taken once (inbox), and the resume
// token's rotation (credentials).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "credentials.hpp"
#include "outbox.hpp"

namespace heard {
namespace {

TEST(outbox, keeps_what_was_not_acknowledged_oldest_first) {
  outbox<std::string> box;
  EXPECT_TRUE(box.push(1, "one", 3));
  EXPECT_TRUE(box.push(4, "four", 4));  // gaps are fine: other seats' events
  EXPECT_TRUE(box.push(7, "seven", 5));
  EXPECT_EQ(box.bytes(), 12u);
  std::vector<std::string> dropped;
  EXPECT_EQ(box.acknowledge(4, [&](auto&& e) { dropped.push_back(e.item); }), 2u);
  EXPECT_EQ(dropped, (std::vector<std::string>{"one", "four"}));
  ASSERT_EQ(box.size(), 1u);
  EXPECT_EQ(box.entries().front().item, "seven");
  EXPECT_EQ(box.bytes(), 5u);
  EXPECT_EQ(box.last_id(), 7u) << "numbering goes on after acknowledgements";
}

TEST(outbox, refuses_what_would_break_the_order_and_acks_of_what_was_never_sent) {
  outbox<std::string> box;
  ASSERT_TRUE(box.push(5, "five", 4));
  EXPECT_FALSE(box.push(5, "again", 5));
  EXPECT_FALSE(box.push(3, "older", 5));
  EXPECT_EQ(box.size(), 1u);
  EXPECT_TRUE(box.can_acknowledge(5));
  EXPECT_FALSE(box.can_acknowledge(6)) << "nobody acknowledges what was never pushed";
  box.restore_numbering(9);
  EXPECT_FALSE(box.push(8, "before the restored numbering", 1));
  EXPECT_TRUE(box.push(10, "ten", 3));
}

TEST(outbox, the_newest_entry_can_be_amended_in_place) {
  outbox<std::string> box;
  box.push(1, "draft", 5);
  box.newest()->item = "longer draft";
  box.resize_newest(12);
  EXPECT_EQ(box.bytes(), 12u);
  EXPECT_EQ(box.entries().front().item, "longer draft");
}

// Nothing lost: through any mix of pushes and acknowledgements (some stale,
// some repeated), what is kept is exactly what was pushed and not yet
// acknowledged, in order, and its size is the sum of its sizes.
TEST(outbox, nothing_is_lost_through_any_order_of_pushes_and_acks) {
  std::mt19937 random(11);
  for (int run = 0; run < 200; ++run) {
    outbox<std::uint64_t> box;
    std::map<std::uint64_t, std::size_t> expected;  // id -> bytes
    std::uint64_t next = 1, acked = 0;
    for (int step = 0; step < 300; ++step) {
      if (random() % 3 != 0) {
        next += random() % 3;  // gaps
        const std::size_t bytes = random() % 100;
        ASSERT_TRUE(box.push(next, next, bytes));
        expected[next] = bytes;
        ++next;
      } else {
        const std::uint64_t ack = random() % (next + 1);  // stale, repeated or new
        if (!box.can_acknowledge(ack)) continue;
        box.acknowledge(ack);
        acked = std::max(acked, ack);
        expected.erase(expected.begin(), expected.upper_bound(acked));
      }
      ASSERT_EQ(box.size(), expected.size());
      std::size_t bytes = 0;
      auto it = expected.begin();
      for (const auto& e : box.entries()) {
        ASSERT_EQ(e.id, it->first);
        ASSERT_EQ(e.item, it->first);
        bytes += it->second;
        ++it;
      }
      ASSERT_EQ(box.bytes(), bytes);
    }
  }
}

TEST(inbox, takes_each_id_once_and_in_order) {
  inbox in;
  EXPECT_TRUE(in.take(1));
  EXPECT_FALSE(in.take(1)) << "a repeat after a reconnect";
  EXPECT_TRUE(in.take(5)) << "gaps are fine";
  EXPECT_FALSE(in.take(3)) << "an older id is a repeat too";
  EXPECT_EQ(in.last(), 5u);
  in.restore(9);
  EXPECT_FALSE(in.take(9));
  EXPECT_TRUE(in.take(10));
}

TEST(credentials, a_resume_rotates_the_token_and_the_old_one_dies_once_confirmed) {
  credentials c;
  EXPECT_FALSE(c.active());
  c.issue("t1");
  EXPECT_EQ(c.check("t1"), credentials::match::current);
  EXPECT_EQ(c.check("wrong"), credentials::match::none);
  EXPECT_EQ(c.check(""), credentials::match::none);
  c.rotate("t2", credentials::match::current);
  EXPECT_EQ(c.current(), "t2");
  EXPECT_EQ(c.check("t1"), credentials::match::previous) << "until the new connection speaks";
  c.confirm();
  EXPECT_EQ(c.check("t1"), credentials::match::none);
  EXPECT_EQ(c.check("t2"), credentials::match::current);
}

// The Welcome with t2 was lost: the client resumes with t1 again. That works,
// and t1 stays the fallback while t2 (never seen by the client) dies.
TEST(credentials, a_lost_welcome_never_strands_the_client) {
  credentials c;
  c.issue("t1");
  c.rotate("t2", credentials::match::current);
  const auto used = c.check("t1");
  ASSERT_EQ(used, credentials::match::previous);
  c.rotate("t3", used);
  EXPECT_EQ(c.check("t2"), credentials::match::none);
  EXPECT_EQ(c.check("t1"), credentials::match::previous);
  EXPECT_EQ(c.check("t3"), credentials::match::current);
}

TEST(credentials, of_two_resumes_racing_with_one_token_only_the_first_rotates_the_current_one) {
  credentials c;
  c.issue("t1");
  c.confirm();
  ASSERT_EQ(c.check("t1"), credentials::match::current);
  c.rotate("t2", credentials::match::current);
  c.confirm();  // the first resume's connection spoke
  EXPECT_EQ(c.check("t1"), credentials::match::none) << "the second finds its token dead";
}

TEST(credentials, a_seat_given_up_has_no_token) {
  credentials c;
  c.issue("t1");
  c.revoke();
  EXPECT_FALSE(c.active());
  EXPECT_EQ(c.check("t1"), credentials::match::none);
}

}  // namespace
}  // namespace heard
