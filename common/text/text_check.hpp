#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "heard/v1/heard.pb.h"

namespace heard {

/// Why a piece of user text was refused, with the words a person reads.
struct text_problem {
  v1::ErrorCode code;
  std::string message;
};

/// The one sentence for text over a limit, naming both numbers, so a person
/// knows how much to cut: the server's refusal and a client's own check say
/// the same thing.
std::string too_long_sentence(std::size_t chars, std::size_t max_chars);

/// Counts Unicode code points; only meaningful for valid UTF-8.
std::size_t count_code_points(std::string_view text);

/// True when `text` is well-formed UTF-8 (no overlongs, surrogates or
/// code points above U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// Checks text that a person typed for a turn, a note or a check-in: valid
/// UTF-8, at most `max_chars` code points, and no control characters except
/// newline and tab (they could drive the partner's terminal).
std::optional<text_problem> check_text(std::string_view text, std::size_t max_chars);

/// Like check_text, for a display name: no newlines or tabs either.
std::optional<text_problem> check_name(std::string_view name, std::size_t max_chars);

/// A check-in's answers: each a number from 1 to 5, and words as check_text
/// takes them. Checked by the partner who gives them and again by each one
/// who opens them (they travel sealed; the server cannot look).
std::optional<text_problem> check_check_in(const v1::CheckIn& answers, std::size_t max_chars);

}  // namespace heard
