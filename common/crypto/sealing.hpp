#pragma once

// The end-to-end primitives of docs/privacy.md, one function each, over
// OpenSSL 3's EVP (X25519, SHA-256, HKDF-SHA256, AES-256-GCM): nothing hand
// made. No I/O and no randomness of its own: callers pass random bytes in,
// so the doc's test vectors are reproduced exactly by a unit test.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "heard/v1/heard.pb.h"
#include "sealed_format.hpp"

namespace heard::sealing {

using key32 = std::array<unsigned char, sealed_format::key_bytes>;
using nonce12 = std::array<unsigned char, sealed_format::nonce_bytes>;

struct key_pair {
  key32 private_key{};
  key32 public_key{};
};

/// A key as the protocol carries it (32 bytes in a `bytes` field), and back:
/// nullopt when the field is not 32 bytes.
std::string bytes_of(const key32& key);
std::optional<key32> key_from_bytes(std::string_view bytes);

/// An X25519 key pair from 32 random bytes (the private key, as RFC 7748 takes it).
key_pair key_pair_from(const key32& random);

/// SHA-256 commitment to a member's public key for this session and seat,
/// sent before anyone's key is revealed.
key32 commitment(std::string_view session, v1::Seat seat, const key32& public_key);

/// The session's key transcript: every member's seat and public key, in seat
/// order (A, B, counselor). Salts every content key and makes the safety code.
key32 transcript_hash(std::string_view session, const std::vector<std::pair<v1::Seat, key32>>& keys);

/// The key for content from `sender` to `recipient`: HKDF-SHA256 over the
/// X25519 secret of the two (a member's key to itself uses its own public key),
/// salted with the transcript. nullopt when the peer's key is unusable (a
/// low-order point gives an all-zero secret, which OpenSSL refuses).
std::optional<key32> content_key(const key32& my_private, const key32& their_public, const key32& transcript,
                                 v1::Seat sender, v1::Seat recipient);

/// The short code every member reads aloud: six decimal digits ("042 917").
std::string safety_code(const key32& transcript);

/// What a box is bound to besides its key.
struct binding {
  std::string_view session;
  v1::Seat sender = v1::SEAT_UNSPECIFIED;
  v1::Seat recipient = v1::SEAT_UNSPECIFIED;
  sealed_format::content_kind kind = sealed_format::content_kind::draft;
  std::uint64_t counter = 0;
};
/// The associated data bytes for `b` (docs/privacy.md, "Associated data").
std::string associated_data(const binding& b);

/// Pads `content` to its bucket and seals it: nonce || ciphertext || tag.
/// nullopt when the content fits no bucket.
std::optional<std::string> seal(const key32& key, const binding& b, std::string_view content, const nonce12& nonce);

/// Why a box was not opened.
enum class open_failure : std::uint8_t {
  bad_size,       // not the size of any bucket's box
  not_authentic,  // tampered, truncated, or sealed for another session, sender, recipient, kind or counter
  bad_padding,    // authentic, but its length prefix or padding is wrong (a broken sender)
};
struct opened {
  std::optional<std::string> content;
  open_failure failure = open_failure::not_authentic;
};
opened open(const key32& key, const binding& b, std::string_view box);

}  // namespace heard::sealing
