#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace heard {

/// The one UTF-8 decoder. Strict: decodes the code point at text[at]
/// following Unicode 15's table of well-formed sequences (section 3.9,
/// D92: no overlongs, no surrogates, nothing above U+10FFFF) and returns its
/// length in bytes, or 0 when the bytes there are not well formed.
std::size_t utf8_decode(std::string_view text, std::size_t at, char32_t& code_point);

/// Lenient, for display: the code point at text[at], advancing `at`. A byte
/// that does not start a well-formed sequence comes out alone as U+FFFD, so
/// a display always moves on.
char32_t utf8_next(std::string_view text, std::size_t& at);

inline constexpr char32_t replacement_character = 0xFFFD;

/// The UTF-8 bytes of a code point (U+FFFD for a surrogate or anything
/// above U+10FFFF).
std::string utf8_encode(char32_t code_point);

}  // namespace heard
