// End to end: the primitives against docs/privacy.md's test vectors, and the
// session keys of two and three members - the exchange, the safety code, and
// every way a box is refused (tampered, replayed, reordered, spliced from
// another session, sealed for someone else), each with nothing shown.
#include <gtest/gtest.h>

#include <map>

#include "hex.hpp"
#include "key_relay.hpp"
#include "session_keys.hpp"

namespace heard {
namespace {

using sealed_format::content_kind;
using sealing::key32;

key32 filled(unsigned char first) {
  key32 k{};
  for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<unsigned char>(first + i);
  return k;
}

// Deterministic "randomness" per member, so runs are repeatable.
session_keys::random_fill counter_fill(unsigned char seed) {
  auto state = std::make_shared<unsigned>(seed);
  return [state](unsigned char* out, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<unsigned char>((*state)++ * 131 + 17);
  };
}

// --- The doc's test vectors (docs/privacy.md, "Test vectors") ----------------------
// Checked once against an independent implementation (Python's
// `cryptography`: X25519, HKDF, AESGCM); the doc shows that script.

TEST(sealing_vectors, match_the_doc) {
  const std::string session = "7KQ2b1946ac92492d2347c6235b4d2611184";
  const auto a = sealing::key_pair_from(filled(0x01));
  const auto b = sealing::key_pair_from(filled(0x41));
  EXPECT_EQ(to_hex(sealing::bytes_of(a.public_key)),
            "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c");
  EXPECT_EQ(to_hex(sealing::bytes_of(b.public_key)),
            "64b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd128d9846d48466");
  EXPECT_EQ(to_hex(sealing::bytes_of(sealing::commitment(session, v1::SEAT_A, a.public_key))),
            "88f99d7bfd14d2845c6f281b8040265639271c44ee0b53f25c881b374a516801");
  const auto transcript = sealing::transcript_hash(session, {{v1::SEAT_A, a.public_key}, {v1::SEAT_B, b.public_key}});
  EXPECT_EQ(to_hex(sealing::bytes_of(transcript)), "862bce7d017449014a36f4e6b888777af7ac6207a2b99e7d9ec4633fb13cc693");
  EXPECT_EQ(sealing::safety_code(transcript), "276 142");
  const auto a_to_b = sealing::content_key(a.private_key, b.public_key, transcript, v1::SEAT_A, v1::SEAT_B);
  ASSERT_TRUE(a_to_b);
  EXPECT_EQ(to_hex(sealing::bytes_of(*a_to_b)), "755e4068cc6f6880dcdc339b287335a6960f1b00969adab6508e283370d14a54");
  const auto same = sealing::content_key(b.private_key, a.public_key, transcript, v1::SEAT_A, v1::SEAT_B);
  EXPECT_EQ(same, a_to_b) << "B derives A's sending key from its own private key";
  const sealing::binding bind{session, v1::SEAT_A, v1::SEAT_B, content_kind::turn, 7};
  EXPECT_EQ(to_hex(sealing::associated_data(bind)),
            "000b68656172642f626f782f310024374b513262313934366163393234393264323334376336323335623464323631313138340102"
            "020000000000000007");
  sealing::nonce12 nonce{};
  for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<unsigned char>(0xa0 + i);
  const auto box = sealing::seal(*a_to_b, bind, "I miss you.", nonce);
  ASSERT_TRUE(box);
  EXPECT_EQ(box->size(), 12u + 64u + 16u);
  EXPECT_EQ(to_hex(*box),
            "a0a1a2a3a4a5a6a7a8a9aaab540d479ed6b8cfddcd4fea7939c275290090bc77f779261d7c3f84fd2c7e06c324425ee4f2f2a50871"
            "fd8e77a152d8330edeca69f4885a0691ba19281b90e447ac14b0343cbd48354df860f885c228d1");
  const auto opened = sealing::open(*same, bind, *box);
  ASSERT_TRUE(opened.content);
  EXPECT_EQ(*opened.content, "I miss you.");
}

// --- Session keys between members ---------------------------------------------------

class session_keys_test : public ::testing::Test {
 protected:
  const std::string session_ = "7KQ2b1946ac92492d2347c6235b4d2611184";
  session_keys a_{session_, v1::SEAT_A, counter_fill(1)};
  session_keys b_{session_, v1::SEAT_B, counter_fill(2)};
  testing::key_relay relay_{false};

  void SetUp() override {
    relay_.members = {{v1::SEAT_A, &a_}, {v1::SEAT_B, &b_}};
    relay_.exchange();
    ASSERT_EQ(a_.state(), session_keys::status::ready) << a_.problem();
    ASSERT_EQ(b_.state(), session_keys::status::ready) << b_.problem();
  }
  v1::Sealed from_a_to_b(content_kind kind, std::uint64_t counter, const std::string& text) {
    const auto boxes = a_.seal(relay_.shared, kind, counter, text);
    for (const auto& box : boxes.value()) {
      if (box.to() == v1::SEAT_B) return box;
    }
    return {};
  }
};

TEST_F(session_keys_test, both_see_the_same_code_and_words_go_through) {
  EXPECT_EQ(a_.safety_code(), b_.safety_code());
  EXPECT_EQ(a_.safety_code().size(), 7u) << "six digits in two groups";
  EXPECT_EQ(a_.key_holders(), (std::vector<v1::Seat>{v1::SEAT_A, v1::SEAT_B}));
  auto boxes = a_.seal(relay_.shared, content_kind::turn, 1, "I felt alone last week.");
  ASSERT_TRUE(boxes);
  ASSERT_EQ(boxes->size(), 2u) << "one for B, one for A itself (its turn comes back in its history)";
  for (const auto& box : *boxes) {
    EXPECT_EQ(box.box().find("alone"), std::string::npos) << "sealed, not in the clear";
    auto& reader = box.to() == v1::SEAT_A ? a_ : b_;
    auto opened = reader.open(v1::SEAT_A, content_kind::turn, box);
    ASSERT_TRUE(opened.content);
    EXPECT_EQ(*opened.content, "I felt alone last week.");
  }
}

TEST_F(session_keys_test, tampered_truncated_replayed_reordered_or_misdirected_boxes_are_refused) {
  const auto first = from_a_to_b(content_kind::draft, 1, "I have");
  const auto second = from_a_to_b(content_kind::draft, 2, "I have been");
  const auto third = from_a_to_b(content_kind::draft, 3, "I have been lonely");

  auto tampered = second;
  (*tampered.mutable_box())[20] ^= 0x01;
  EXPECT_EQ(b_.open(v1::SEAT_A, content_kind::draft, tampered).why, session_keys::refusal::not_authentic);
  auto truncated = second;
  truncated.mutable_box()->resize(second.box().size() - 1);
  EXPECT_FALSE(b_.open(v1::SEAT_A, content_kind::draft, truncated).content);
  auto other_counter = second;
  other_counter.set_counter(9);
  EXPECT_EQ(b_.open(v1::SEAT_A, content_kind::draft, other_counter).why, session_keys::refusal::not_authentic)
      << "the counter is bound in";
  EXPECT_EQ(b_.open(v1::SEAT_A, content_kind::turn, second).why, session_keys::refusal::not_authentic)
      << "a draft is not accepted as a turn";
  EXPECT_EQ(b_.open(v1::SEAT_B, content_kind::draft, second).why, session_keys::refusal::not_authentic)
      << "nor as someone else's words";
  EXPECT_EQ(a_.open(v1::SEAT_A, content_kind::draft, second).why, session_keys::refusal::not_for_me);

  ASSERT_TRUE(b_.open(v1::SEAT_A, content_kind::draft, second).content);
  EXPECT_EQ(b_.open(v1::SEAT_A, content_kind::draft, second).why, session_keys::refusal::replayed);
  EXPECT_EQ(b_.open(v1::SEAT_A, content_kind::draft, first).why, session_keys::refusal::replayed) << "reordered";
  ASSERT_TRUE(b_.open(v1::SEAT_A, content_kind::draft, third).content);
  EXPECT_TRUE(b_.open(v1::SEAT_A, content_kind::draft, third, session_keys::order::last_again).content)
      << "a floor's last draft, committed at its time, comes once more";
}

TEST_F(session_keys_test, a_box_from_another_session_is_refused) {
  // The same two people, keys and all, in another session: nothing crosses over.
  session_keys a2{"7KQ2ffffffffffffffffffffffffffffffff", v1::SEAT_A, counter_fill(1)};
  session_keys b2{"7KQ2ffffffffffffffffffffffffffffffff", v1::SEAT_B, counter_fill(2)};
  testing::key_relay other(false);
  other.members = {{v1::SEAT_A, &a2}, {v1::SEAT_B, &b2}};
  other.exchange();
  ASSERT_EQ(b2.state(), session_keys::status::ready);
  const auto box = from_a_to_b(content_kind::turn, 1, "only for the first session");
  EXPECT_EQ(b2.open(v1::SEAT_A, content_kind::turn, box).why, session_keys::refusal::not_authentic);
  EXPECT_NE(a2.safety_code(), a_.safety_code());
}

TEST(session_keys_exchange, a_relay_that_swaps_keys_is_caught_by_the_codes) {
  // The relay puts its own keys in the middle: A sees M_B as B, B sees M_A as A.
  const std::string session = "7KQ2b1946ac92492d2347c6235b4d2611184";
  session_keys a{session, v1::SEAT_A, counter_fill(1)};
  session_keys b{session, v1::SEAT_B, counter_fill(2)};
  const auto m_a = sealing::key_pair_from(filled(0x90));
  const auto m_b = sealing::key_pair_from(filled(0xb0));
  testing::key_relay r(false);
  r.members = {{v1::SEAT_A, &a}, {v1::SEAT_B, &b}};
  r.tamper = [&](v1::Seat viewer, v1::Snapshot& s) {
    const v1::Seat other = viewer == v1::SEAT_A ? v1::SEAT_B : v1::SEAT_A;
    const auto& mine = viewer == v1::SEAT_A ? m_b : m_a;
    auto& m = member_in(s, other);
    if (!m.key_commitment().empty())
      m.set_key_commitment(sealing::bytes_of(sealing::commitment(session, other, mine.public_key)));
    if (!m.public_key().empty()) m.set_public_key(sealing::bytes_of(mine.public_key));
  };
  r.exchange();
  ASSERT_EQ(a.state(), session_keys::status::ready);
  ASSERT_EQ(b.state(), session_keys::status::ready);
  EXPECT_NE(a.safety_code(), b.safety_code()) << "the people compare codes and see someone in the middle";
}

TEST(session_keys_exchange, a_key_that_does_not_match_its_commitment_breaks_the_exchange) {
  const std::string session = "7KQ2b1946ac92492d2347c6235b4d2611184";
  session_keys a{session, v1::SEAT_A, counter_fill(1)};
  session_keys b{session, v1::SEAT_B, counter_fill(2)};
  const auto m = sealing::key_pair_from(filled(0x90));
  testing::key_relay r(false);
  r.members = {{v1::SEAT_A, &a}, {v1::SEAT_B, &b}};
  // A relay that lets the commitment through but swaps the key once it sees
  // A's: it would need to have committed before seeing it.
  r.tamper = [&](v1::Seat viewer, v1::Snapshot& s) {
    if (viewer != v1::SEAT_A) return;
    auto& other = member_in(s, v1::SEAT_B);
    if (!other.public_key().empty()) other.set_public_key(sealing::bytes_of(m.public_key));
  };
  r.exchange();
  EXPECT_EQ(a.state(), session_keys::status::broken);
  EXPECT_NE(a.problem().find("does not match"), std::string::npos) << a.problem();
  EXPECT_FALSE(a.seal(r.shared, content_kind::turn, 1, "x")) << "nothing is sealed once broken";
}

TEST(session_keys_exchange, a_counselor_is_a_third_key_holder_in_every_code) {
  const std::string session = "7KQ2b1946ac92492d2347c6235b4d2611184";
  session_keys a{session, v1::SEAT_A, counter_fill(1)};
  session_keys b{session, v1::SEAT_B, counter_fill(2)};
  session_keys c{session, v1::SEAT_COUNSELOR, counter_fill(3)};
  testing::key_relay r(true);
  r.members = {{v1::SEAT_A, &a}, {v1::SEAT_B, &b}, {v1::SEAT_COUNSELOR, &c}};
  r.exchange();
  ASSERT_EQ(c.state(), session_keys::status::ready);
  EXPECT_EQ(a.safety_code(), c.safety_code());
  EXPECT_EQ(b.safety_code(), c.safety_code());
  EXPECT_EQ(a.key_holders().size(), 3u);
  auto boxes = c.seal(r.shared, content_kind::note, 4, "Slow down.");
  ASSERT_TRUE(boxes);
  EXPECT_EQ(boxes->size(), 3u);
  for (const auto& box : *boxes) {
    auto& reader = box.to() == v1::SEAT_A ? a : box.to() == v1::SEAT_B ? b : c;
    EXPECT_EQ(reader.open(v1::SEAT_COUNSELOR, content_kind::note, box).content.value_or(""), "Slow down.");
  }
}

TEST(session_keys_exchange, keys_kept_on_disk_resume_the_same_session) {
  const std::string session = "7KQ2b1946ac92492d2347c6235b4d2611184";
  session_keys a{session, v1::SEAT_A, counter_fill(1)};
  session_keys b{session, v1::SEAT_B, counter_fill(2)};
  testing::key_relay r(false);
  r.members = {{v1::SEAT_A, &a}, {v1::SEAT_B, &b}};
  r.exchange();
  session_keys restarted{session, v1::SEAT_B, b.save(), counter_fill(9)};
  EXPECT_FALSE(restarted.step(r.shared)) << "nothing to send again: the server has both";
  ASSERT_EQ(restarted.state(), session_keys::status::ready);
  EXPECT_EQ(restarted.safety_code(), a.safety_code());
  const auto boxes = a.seal(r.shared, content_kind::turn, 1, "still here");
  for (const auto& box : boxes.value()) {
    if (box.to() != v1::SEAT_B) continue;
    EXPECT_EQ(restarted.open(v1::SEAT_A, content_kind::turn, box).content.value_or(""), "still here");
  }
}

}  // namespace
}  // namespace heard
