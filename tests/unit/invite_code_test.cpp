#include "invite_code.hpp"

#include <gtest/gtest.h>

#include <set>

#include "secure_random.hpp"

namespace heard {
namespace {

TEST(invite_code, has_twelve_crockford_digits_in_groups_of_four) {
  const std::string code = generate_invite_code();
  ASSERT_EQ(code.size(), 14u) << code;
  EXPECT_EQ(code[4], '-');
  EXPECT_EQ(code[9], '-');
  for (char c : code) {
    if (c == '-') continue;
    EXPECT_NE(std::string("0123456789ABCDEFGHJKMNPQRSTVWXYZ").find(c), std::string::npos) << c;
  }
}

TEST(invite_code, codes_do_not_repeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(generate_invite_code());
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(invite_code, every_digit_position_varies) {
  // 60 bits are used: each of the 12 positions takes many values.
  std::vector<std::set<char>> values(14);
  for (int i = 0; i < 2000; ++i) {
    const auto code = generate_invite_code();
    for (std::size_t k = 0; k < code.size(); ++k) values[k].insert(code[k]);
  }
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (k == 4 || k == 9) continue;
    EXPECT_GE(values[k].size(), 30u) << "position " << k;
  }
}

TEST(invite_code, is_made_from_the_random_bytes_it_is_given) {
  EXPECT_EQ(invite_code_from_random(std::string(8, '\0')), "0000-0000-0000");
  // 60 bits, least significant five first: 0x...01 gives a leading 1.
  EXPECT_EQ(invite_code_from_random(std::string(7, '\0') + '\x01'), "1000-0000-0000");
  EXPECT_EQ(invite_code_from_random(std::string(8, '\xFF')), "ZZZZ-ZZZZ-ZZZZ");
  EXPECT_EQ(invite_code_from_random(std::string(8, '\xFF') + "ignored"), "ZZZZ-ZZZZ-ZZZZ");
}

TEST(invite_code, normalizing_forgives_case_dashes_spaces_and_confusables) {
  EXPECT_EQ(normalize_invite_code("7kq2-m9xd-4trb"), "7KQ2M9XD4TRB");
  EXPECT_EQ(normalize_invite_code("7KQ2 M9XD 4TRB"), "7KQ2M9XD4TRB");
  EXPECT_EQ(normalize_invite_code("O1IL-0000-0000"), "011100000000");
  const auto code = generate_invite_code();
  EXPECT_EQ(format_invite_code(*normalize_invite_code(code)), code);
}

TEST(invite_code, normalizing_refuses_what_cannot_be_a_code) {
  EXPECT_FALSE(normalize_invite_code(""));
  EXPECT_FALSE(normalize_invite_code("7KQ2-M9XD-4TR"));    // too short
  EXPECT_FALSE(normalize_invite_code("7KQ2-M9XD-4TRBX"));  // too long
  EXPECT_FALSE(normalize_invite_code("7KQ2-M9XD-4TRU"));   // U is not a digit
  EXPECT_FALSE(normalize_invite_code("../../etc/passwd"));
}

TEST(secure_random, log_labels_are_stable_and_do_not_reveal_the_id) {
  const std::string id = to_hex(secure_random_bytes(16));
  EXPECT_EQ(log_label(id), log_label(id));
  EXPECT_EQ(log_label(id).size(), 12u);
  EXPECT_EQ(id.find(log_label(id)), std::string::npos);
  EXPECT_EQ(log_label("abc"), "ba7816bf8f01");  // SHA-256("abc")
}

}  // namespace
}  // namespace heard
