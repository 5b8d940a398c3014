#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace heard {

/// Invite codes are 12 Crockford base32 digits (60 bits from the CSPRNG),
/// shown in groups of four ("7KQ2-M9XD-4TRB") so they are easy to read aloud
/// and type. Crockford's alphabet has no I, L, O or U, and decoding forgives
/// the usual confusions (o -> 0, i/l -> 1) and any case.
inline constexpr std::size_t invite_code_digits = 12;

/// A fresh code in its display form (with dashes).
std::string generate_invite_code();

/// The canonical form of what a person typed (upper case, no dashes or
/// spaces, confusable letters mapped), or nullopt if it cannot be a code.
std::optional<std::string> normalize_invite_code(std::string_view typed);

/// Display form of a canonical code: groups of four joined by dashes.
std::string format_invite_code(std::string_view canonical);

}  // namespace heard
