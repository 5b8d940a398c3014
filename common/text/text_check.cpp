#include "text_check.hpp"

#include "utf8.hpp"

namespace heard {
namespace {

bool is_control(char32_t cp) { return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0); }

std::optional<text_problem> check(std::string_view text, std::size_t max_chars, bool allow_layout) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t n = utf8_decode(text, i, cp);
    if (n == 0) {
      return text_problem{v1::ERROR_INVALID_UTF8, "The text is not valid UTF-8."};
    }
    if (is_control(cp) && !(allow_layout && (cp == U'\n' || cp == U'\t'))) {
      return text_problem{v1::ERROR_INVALID_TEXT,
                          allow_layout ? "The text contains control characters; only newline and tab are allowed."
                                       : "The name contains control characters."};
    }
    i += n;
    ++chars;
  }
  // Counted to the end (the frame limit bounds it) so the sentence can say by how much.
  if (chars > max_chars) return text_problem{v1::ERROR_TEXT_TOO_LONG, too_long_sentence(chars, max_chars)};
  return std::nullopt;
}

// 4000 -> "4,000": people read limits, not digits.
std::string with_commas(std::size_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

std::string too_long_sentence(std::size_t chars, std::size_t max_chars) {
  return "The text is " + with_commas(chars) + " characters long; this server takes at most " + with_commas(max_chars) +
         ". Shorten it, then send it again.";
}

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
    const std::size_t n = utf8_decode(text, i, cp);
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

std::optional<text_problem> check_check_in(const v1::CheckIn& answers, std::size_t max_chars) {
  for (std::uint32_t v : {answers.felt_safe(), answers.could_say_anything(), answers.partner_invested()}) {
    if (v < 1 || v > 5)
      return text_problem{v1::ERROR_INVALID_CHECK_IN, "Each check-in answer is a number from 1 to 5."};
  }
  return check_text(answers.words(), max_chars);
}

}  // namespace heard
