#pragma once

// The sizes of sealed content (docs/privacy.md, "Wire format"): what the
// server may check without reading a word. Pure arithmetic, no crypto, so
// the server's exercise and the clients' sealing share one definition.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace heard::sealed_format {

inline constexpr std::size_t key_bytes = 32;           // X25519 keys, AES-256 keys, SHA-256 commitments
inline constexpr std::size_t nonce_bytes = 12;         // AES-GCM nonce, random per box
inline constexpr std::size_t tag_bytes = 16;           // AES-GCM tag
inline constexpr std::size_t length_prefix_bytes = 4;  // the content's length, before the content

/// Padded plaintext sizes: content (plus its length prefix) is padded with
/// zeros to the smallest bucket it fits, so a box tells only which bucket.
inline constexpr std::array<std::size_t, 5> buckets{64, 256, 1024, 4096, 16384};

/// A box's size for a bucket: nonce, ciphertext of the padded plaintext, tag.
constexpr std::size_t box_bytes(std::size_t bucket) { return nonce_bytes + bucket + tag_bytes; }

/// The bucket `content_bytes` of content is padded to; nullopt when it fits none.
constexpr std::optional<std::size_t> bucket_for(std::size_t content_bytes) {
  for (std::size_t b : buckets) {
    if (content_bytes + length_prefix_bytes <= b) return b;
  }
  return std::nullopt;
}

/// Whether `size` is the size of a box of some bucket no larger than `max_bucket`.
constexpr bool valid_box_size(std::size_t size, std::size_t max_bucket) {
  for (std::size_t b : buckets) {
    if (b <= max_bucket && size == box_bytes(b)) return true;
  }
  return false;
}

/// What a box holds, bound into its associated data so a box of one kind is
/// never accepted as another.
enum class content_kind : std::uint8_t {
  draft = 1,     // Draft.sealed -> DraftUpdate (and a Turn committed at the floor's time)
  turn = 2,      // EndTurn.sealed -> Turn
  missed = 3,    // Judge.sealed -> Judged (what the paraphrase missed)
  note = 4,      // Note.sealed -> Guidance
  check_in = 5,  // CheckIn.sealed (an encoded CheckIn) -> CheckInAnswer
  topic = 6,     // Topic.sealed -> TopicSet (and Welcome.topic)
};

}  // namespace heard::sealed_format
