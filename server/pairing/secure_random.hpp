#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "hex.hpp"  // to_hex, for session ids and labels

namespace heard {

// The server's randomness (OpenSSL's CSPRNG) and its one-way labels. Kept
// out of common/, which stays pure: it takes random bytes as arguments.

/// Bytes from OpenSSL's CSPRNG. Throws std::runtime_error if the generator
/// cannot be seeded: a session must never get a guessable code.
std::string secure_random_bytes(std::size_t count);

/// A uniformly random bit, from the same generator.
bool secure_random_bit();

/// A short, non-reversible label for a secret id, for logs: the first
/// 12 hex digits of its SHA-256.
std::string log_label(const std::string& secret_id);

}  // namespace heard
