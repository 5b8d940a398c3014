#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace heard {

/// Invite codes are 12 Crockford base32 digits (60 random bits),
/// shown in groups of four ("7KQ2-M9XD-4TRB") so they are easy to read aloud
/// and type. Crockford's alphabet has no I, L, O or U, and decoding forgives
/// the usual confusions (o -> 0, i/l -> 1) and any case.
inline constexpr std::size_t invite_code_digits = 12;

/// The first digits of a canonical code are its public handle: a join whose
/// handle matches a live code but whose rest does not counts as a wrong
/// attempt against that code, which burns after a few (config).
inline constexpr std::size_t invite_code_handle_digits = 4;

/// The handle of a canonical code.
std::string_view invite_code_handle(std::string_view canonical);

/// How many random bytes make a code (8 bytes = 64 bits, of which 60 used).
inline constexpr std::size_t invite_code_random_bytes = 8;

/// A code in its display form (with dashes) from `random` bytes, at least
/// invite_code_random_bytes of them, from a CSPRNG: common/ takes its
/// randomness from the caller and stays pure and testable.
std::string invite_code_from_random(std::string_view random);

/// The canonical form of what a person typed (upper case, no dashes or
/// spaces, confusable letters mapped), or nullopt if it cannot be a code.
std::optional<std::string> normalize_invite_code(std::string_view typed);

/// Display form of a canonical code: groups of four joined by dashes.
std::string format_invite_code(std::string_view canonical);

}  // namespace heard
