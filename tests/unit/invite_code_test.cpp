#include "invite_code.hpp"

#include <gtest/gtest.h>

#include <set>

#include "secure_random.hpp"

namespace heard {
namespace {

std::string generate_invite_code(std::string_view route = "7KQ2") {
  return invite_code_from_random(route, secure_random_bytes(invite_secret_random_bytes));
}

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

TEST(invite_code, begins_with_its_route_and_every_secret_digit_varies) {
  // 40 bits are used: each of the 8 secret positions takes many values.
  std::vector<std::set<char>> values(14);
  for (int i = 0; i < 2000; ++i) {
    const auto code = generate_invite_code();
    ASSERT_EQ(code.substr(0, 5), "7KQ2-");
    EXPECT_EQ(route_of(*normalize_invite_code(code)), "7KQ2");
    for (std::size_t k = 5; k < code.size(); ++k) values[k].insert(code[k]);
  }
  for (std::size_t k = 5; k < values.size(); ++k) {
    if (k == 9) continue;
    EXPECT_GE(values[k].size(), 30u) << "position " << k;
  }
}

TEST(invite_code, is_made_from_the_random_bytes_it_is_given) {
  EXPECT_EQ(invite_code_from_random("0000", std::string(5, '\0')), "0000-0000-0000");
  // 40 bits, least significant five first: 0x...01 gives a leading 1.
  EXPECT_EQ(invite_code_from_random("ABCD", std::string(4, '\0') + '\x01'), "ABCD-1000-0000");
  EXPECT_EQ(invite_code_from_random("ZZZZ", std::string(5, '\xFF')), "ZZZZ-ZZZZ-ZZZZ");
  EXPECT_EQ(invite_code_from_random("7KQ2", std::string(5, '\xFF') + "ignored"), "7KQ2-ZZZZ-ZZZZ");
}

TEST(route, is_four_canonical_digits_made_from_the_random_bytes_given) {
  EXPECT_EQ(route_from_random(std::string(3, '\0')), "0000");
  EXPECT_EQ(route_from_random(std::string(3, '\xFF')), "ZZZZ");
  EXPECT_EQ(route_from_random(std::string("\0\0\x01", 3)), "1000");
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const auto route = route_from_random(secure_random_bytes(route_random_bytes));
    EXPECT_TRUE(is_route(route)) << route;
    seen.insert(route);
  }
  EXPECT_GE(seen.size(), 1990u) << "2^20 routes: 2,000 draws rarely repeat";
  EXPECT_FALSE(is_route("7kq2"));
  EXPECT_FALSE(is_route("7KQU"));
  EXPECT_FALSE(is_route("7KQ"));
  EXPECT_EQ(route_of("7KQ2abcdef"), "7KQ2");
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
