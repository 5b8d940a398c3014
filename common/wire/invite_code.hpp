#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace heard {

/// Invite codes are 12 Crockford base32 digits, shown in groups of four
/// ("7KQ2-M9XD-4TRB") so they are easy to read aloud and type. Crockford's
/// alphabet has no I, L, O or U, and decoding forgives the usual confusions
/// (o -> 0, i/l -> 1) and any case.
inline constexpr std::size_t invite_code_digits = 12;

/// The first four digits are the session's route: public, chosen at random
/// by the creating client, shared by every code and every connection of the
/// session, and the only part a load balancer (or its access log) sees. The
/// other eight digits (40 random bits, from the server's CSPRNG) are the
/// secret; they travel only inside Hello. A join with the right route and a
/// wrong secret counts against every live code on that route, and a code
/// burns after a few (config), so a guesser's chance against one code is
/// max_wrong_attempts_per_code / 2^40 (about 1 in 2 x 10^11 for 5).
inline constexpr std::size_t route_digits = 4;
inline constexpr std::size_t invite_secret_digits = invite_code_digits - route_digits;

/// Random bytes that make a route (3 bytes: 24 bits, of which 20 used) and
/// a code's secret (5 bytes: 40 bits, all used).
inline constexpr std::size_t route_random_bytes = 3;
inline constexpr std::size_t invite_secret_random_bytes = 5;

/// A route in canonical form from `random` bytes (at least route_random_bytes).
/// common/ takes its randomness from the caller and stays pure and testable.
std::string route_from_random(std::string_view random);

/// Whether `text` is a route in canonical form (four upper-case digits).
bool is_route(std::string_view text);

/// The route of a canonical code, or of a session key (which begins with it).
std::string_view route_of(std::string_view canonical);

/// A code in its display form: `route` (canonical) followed by eight digits
/// from `random`, at least invite_secret_random_bytes of them, from a CSPRNG.
std::string invite_code_from_random(std::string_view route, std::string_view random);

/// The canonical form of what a person typed (upper case, no dashes or
/// spaces, confusable letters mapped), or nullopt if it cannot be a code.
std::optional<std::string> normalize_invite_code(std::string_view typed);

/// Display form of a canonical code: groups of four joined by dashes.
std::string format_invite_code(std::string_view canonical);

}  // namespace heard
