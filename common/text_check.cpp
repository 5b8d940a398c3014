#include "text_check.hpp"

#include <cstdint>

namespace heard {
namespace {

// Decodes one code point starting at text[i]; returns its length in bytes, or
// 0 when the sequence is malformed. Follows the table of well-formed byte
// sequences in Unicode 15, section 3.9 (D92).
std::size_t decode_one(std::string_view text, std::size_t i, char32_t& cp) {
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t b0 = byte(i);
  const std::size_t left = text.size() - i;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  auto cont = [&](std::size_t k, std::uint8_t lo = 0x80, std::uint8_t hi = 0xBF) {
    return k < text.size() && byte(k) >= lo && byte(k) <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (left < 2 || !cont(i + 1)) return 0;
    cp = (char32_t(b0 & 0x1F) << 6) | (byte(i + 1) & 0x3F);
    return 2;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const std::uint8_t lo = b0 == 0xE0 ? 0xA0 : 0x80;  // no overlongs
    const std::uint8_t hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
    if (left < 3 || !cont(i + 1, lo, hi) || !cont(i + 2)) return 0;
    cp = (char32_t(b0 & 0x0F) << 12) | (char32_t(byte(i + 1) & 0x3F) << 6) | (byte(i + 2) & 0x3F);
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const std::uint8_t lo = b0 == 0xF0 ? 0x90 : 0x80;  // no overlongs
    const std::uint8_t hi = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing above U+10FFFF
    if (left < 4 || !cont(i + 1, lo, hi) || !cont(i + 2) || !cont(i + 3)) return 0;
    cp = (char32_t(b0 & 0x07) << 18) | (char32_t(byte(i + 1) & 0x3F) << 12) | (char32_t(byte(i + 2) & 0x3F) << 6) |
         (byte(i + 3) & 0x3F);
    return 4;
  }
  return 0;
}

bool is_control(char32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0); }

std::optional<text_problem> check(std::string_view text, std::size_t max_chars, bool allow_layout) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = decode_one(text, i, cp);
    if (n == 0) {
      return text_problem{v1::ERROR_INVALID_UTF8, "The text is not valid UTF-8."};
    }
    if (is_control(cp) && !(allow_layout && (cp == U'\n' || cp == U'\t'))) {
      return text_problem{v1::ERROR_INVALID_TEXT,
                          allow_layout ? "The text contains control characters; only newline and tab are allowed."
                                       : "The name contains control characters."};
    }
    i += n;
    if (++chars > max_chars) {
      return text_problem{v1::ERROR_TEXT_TOO_LONG, "The text is longer than this server allows."};
    }
  }
  return std::nullopt;
}

}  // namespace

std::size_t count_code_points(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    // Every code point has exactly one byte that is not a continuation byte.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = decode_one(text, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::optional<text_problem> check_text(std::string_view text, std::size_t max_chars) {
  return check(text, max_chars, true);
}

std::optional<text_problem> check_name(std::string_view name, std::size_t max_chars) {
  return check(name, max_chars, false);
}

}  // namespace heard
