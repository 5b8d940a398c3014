#include "text_check.hpp"

#include <gtest/gtest.h>

namespace heard {
namespace {

TEST(text_check, accepts_well_formed_utf8_of_every_length) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9"));       // 2 bytes
  EXPECT_TRUE(is_valid_utf8("\xE6\x84\x9B"));      // 3 bytes (CJK)
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x92\x9B"));  // 4 bytes (emoji)
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(text_check, rejects_malformed_utf8) {
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("ok\xE6\x84"));  // truncated at the end
}

TEST(text_check, counts_code_points_not_bytes) {
  EXPECT_EQ(count_code_points("caf\xC3\xA9"), 4u);
  EXPECT_EQ(count_code_points("\xF0\x9F\x92\x9B\xF0\x9F\x92\x9B"), 2u);
  EXPECT_FALSE(check_text("\xF0\x9F\x92\x9B\xF0\x9F\x92\x9B", 2));
  auto too_long = check_text("\xF0\x9F\x92\x9B\xF0\x9F\x92\x9B!", 2);
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->code, v1::ERROR_TEXT_TOO_LONG);
  EXPECT_EQ(too_long->message,
            "The text is 3 characters long; this server takes at most 2. Shorten it, then send it again.");
}

// A person cut off by a limit is told the limit and how long their text is.
TEST(text_check, a_length_error_names_the_limit_and_the_length) {
  const auto problem = check_text(std::string(4312, 'x'), 4000);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->message.find("4,312 characters"), std::string::npos) << problem->message;
  EXPECT_NE(problem->message.find("at most 4,000"), std::string::npos) << problem->message;
}

TEST(text_check, allows_newline_and_tab_in_text_but_not_other_controls) {
  EXPECT_FALSE(check_text("line one\nline\ttwo", 100));
  for (std::string text : {"esc\x1B[2J", "del\x7F", "c1\xC2\x9B"}) {
    auto problem = check_text(text, 100);
    ASSERT_TRUE(problem) << text;
    EXPECT_EQ(problem->code, v1::ERROR_INVALID_TEXT);
  }
  auto nul = check_text(std::string("a\0b", 3), 100);
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->code, v1::ERROR_INVALID_TEXT);
}

TEST(text_check, names_allow_no_layout_characters) {
  EXPECT_FALSE(
      check_name("Ana Mar\xC3\xAD"
                 "a",
                 64));
  ASSERT_TRUE(check_name("two\nlines", 64));
  EXPECT_EQ(check_name("two\nlines", 64)->code, v1::ERROR_INVALID_TEXT);
  EXPECT_EQ(check_name(std::string(65, 'x'), 64)->code, v1::ERROR_TEXT_TOO_LONG);
}

}  // namespace
TEST(text_check, a_check_in_is_three_numbers_from_1_to_5_and_words_as_text) {
  v1::CheckIn c;
  c.set_felt_safe(5);
  c.set_could_say_anything(1);
  c.set_partner_invested(3);
  c.set_words("Thank you.\n");
  EXPECT_FALSE(check_check_in(c, 100));
  for (std::uint32_t bad : {0u, 6u}) {
    auto wrong = c;
    wrong.set_could_say_anything(bad);
    ASSERT_TRUE(check_check_in(wrong, 100));
    EXPECT_EQ(check_check_in(wrong, 100)->code, v1::ERROR_INVALID_CHECK_IN);
  }
  c.set_words("bell\x07");
  EXPECT_EQ(check_check_in(c, 100)->code, v1::ERROR_INVALID_TEXT);
  c.set_words("too long");
  EXPECT_EQ(check_check_in(c, 3)->code, v1::ERROR_TEXT_TOO_LONG);
}

}  // namespace heard
