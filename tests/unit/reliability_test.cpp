// The reliability protocol's pure parts, used by both ends: what is kept
// until acknowledged (outbox; the server's bounded, paced event_backlog),
// what is taken once (inbox), the resume token's rotation (credentials), and
// the conversation a returning seat gets back (conversation_history).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>

#include "conversation_history.hpp"
#include "credentials.hpp"
#include "event_backlog.hpp"
#include "outbox.hpp"
#include "seat.hpp"

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

TEST(outbox, superseded_entries_go_and_the_bytes_follow) {
  outbox<std::string> box;
  box.push(1, "draft one", 9);
  box.push(2, "turn", 4);
  box.push(3, "draft two", 9);
  EXPECT_EQ(box.erase_if([](const std::string& s) { return s.rfind("draft", 0) == 0; }), 2u);
  EXPECT_EQ(box.bytes(), 4u);
  ASSERT_EQ(box.size(), 1u);
  EXPECT_EQ(box.entries().front().id, 2u);
  EXPECT_TRUE(box.push(4, "draft three", 11)) << "numbering goes on";
}

// --- The server's per-seat backlog ---------------------------------------------

std::shared_ptr<const std::string> bytes_of(std::size_t n) { return std::make_shared<const std::string>(n, 'x'); }

// A member away for minutes of drafting comes back to the latest draft and
// every turn, not to thousands of drafts.
TEST(event_backlog, a_newer_draft_replaces_every_older_one_and_turns_stay) {
  event_backlog backlog(64 * 1024);
  std::uint64_t seq = 0;
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(backlog.push(++seq, bytes_of(200), true));
  ASSERT_TRUE(backlog.push(++seq, bytes_of(300), false));  // the turn
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(backlog.push(++seq, bytes_of(200), true));
  ASSERT_EQ(backlog.size(), 2u);
  EXPECT_FALSE(backlog.events()[0].draft);
  EXPECT_EQ(backlog.events()[1].seq, seq) << "the latest draft";
  EXPECT_EQ(backlog.bytes(), 500u);
  EXPECT_FALSE(backlog.resync_needed());
}

// The cap holds connected or away: past it nothing is kept until a resync.
TEST(event_backlog, past_the_cap_the_seat_is_resynced_instead_of_replayed) {
  event_backlog backlog(1000);
  std::uint64_t seq = 0;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(backlog.push(++seq, bytes_of(200), false));
  EXPECT_FALSE(backlog.push(++seq, bytes_of(300), false));
  EXPECT_TRUE(backlog.resync_needed());
  EXPECT_EQ(backlog.size(), 0u);
  EXPECT_EQ(backlog.bytes(), 0u);
  EXPECT_FALSE(backlog.push(++seq, bytes_of(10), false)) << "the resync covers it";
  EXPECT_TRUE(backlog.can_acknowledge(seq));
  backlog.resynced();
  EXPECT_FALSE(backlog.resync_needed());
  EXPECT_EQ(backlog.next_unsent(), nullptr) << "nothing before the resync is sent again";
  EXPECT_TRUE(backlog.push(++seq, bytes_of(10), false));
  ASSERT_NE(backlog.next_unsent(), nullptr);
  EXPECT_EQ(backlog.next_unsent()->seq, seq);
}

// Pacing: each event goes out once per link, oldest first; a new link
// starts again from the oldest unacknowledged.
TEST(event_backlog, each_link_is_sent_each_kept_event_once_in_order) {
  event_backlog backlog(1 << 20);
  for (std::uint64_t seq : {2, 5, 9}) backlog.push(seq, bytes_of(1), false);
  std::vector<std::uint64_t> sent;
  while (const auto* e = backlog.next_unsent()) {
    sent.push_back(e->seq);
    backlog.mark_sent();
  }
  EXPECT_EQ(sent, (std::vector<std::uint64_t>{2, 5, 9}));
  backlog.acknowledge(5);
  backlog.rewind();
  ASSERT_NE(backlog.next_unsent(), nullptr);
  EXPECT_EQ(backlog.next_unsent()->seq, 9u);
}

// --- The conversation a returning seat gets back ------------------------------

v1::ServerMessage turn_message(const std::string& text) {
  v1::ServerMessage m;
  m.mutable_turn()->set_text(text);
  return m;
}

TEST(conversation_history, each_seat_gets_what_it_saw_and_is_told_what_was_left_out) {
  conversation_history history(100);
  history.record(everyone, turn_message("first words"));
  v1::ServerMessage draft;
  draft.mutable_draft_update()->set_text("not kept");
  history.record(everyone, draft);
  v1::ServerMessage scores;
  scores.mutable_check_in_results()->add_answers()->set_seat(v1::SEAT_A);
  history.record(to_counselor, scores);
  v1::Welcome for_a;
  history.fill(v1::SEAT_A, for_a);
  ASSERT_EQ(for_a.history_size(), 1);
  EXPECT_EQ(for_a.history(0).turn().text(), "first words");
  v1::Welcome for_counselor;
  history.fill(v1::SEAT_COUNSELOR, for_counselor);
  EXPECT_EQ(for_counselor.history_size(), 2);

  for (int i = 0; i < 10; ++i) history.record(to_a | to_b, turn_message("more words " + std::to_string(i)));
  EXPECT_LE(history.bytes(), 100u);
  v1::Welcome later;
  history.fill(v1::SEAT_A, later);
  EXPECT_GT(later.history_dropped(), 0u);
  EXPECT_EQ(later.history_dropped() + static_cast<std::uint32_t>(later.history_size()), 11u) << "none lost unsaid";
  EXPECT_EQ(message_of(later.history(later.history_size() - 1)).turn().text(), "more words 9");
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
