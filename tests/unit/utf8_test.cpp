#include "utf8.hpp"

#include <gtest/gtest.h>

namespace heard {
namespace {

TEST(utf8, encodes_and_decodes_every_length) {
  for (char32_t cp : {U'a', U'\u00E9', U'\u611B', U'\U0001F49B', U'\U0010FFFF'}) {
    const std::string bytes = utf8_encode(cp);
    char32_t back = 0;
    EXPECT_EQ(utf8_decode(bytes, 0, back), bytes.size());
    EXPECT_EQ(back, cp);
  }
  EXPECT_EQ(utf8_encode(0xD800), utf8_encode(replacement_character)) << "a surrogate is not encoded";
  EXPECT_EQ(utf8_encode(0x110000), utf8_encode(replacement_character));
}

TEST(utf8, the_strict_decoder_refuses_what_is_not_well_formed) {
  char32_t cp = 0;
  for (std::string bad : {"\x80", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE6\x84", ""}) {
    EXPECT_EQ(utf8_decode(bad, 0, cp), 0u) << bad.size();
  }
}

TEST(utf8, the_display_decoder_always_moves_on) {
  const std::string text = "a\xFF\xE6\x84\x9B\xC3";  // a, a stray byte, 愛, a truncated sequence
  std::size_t at = 0;
  EXPECT_EQ(utf8_next(text, at), U'a');
  EXPECT_EQ(utf8_next(text, at), replacement_character);
  EXPECT_EQ(utf8_next(text, at), U'\u611B');
  EXPECT_EQ(utf8_next(text, at), replacement_character);
  EXPECT_EQ(at, text.size());
}

}  // namespace
}  // namespace heard
