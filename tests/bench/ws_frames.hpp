#pragma once

// Minimal WebSocket framing (RFC 6455) for the benchmark's own load
// generator and bare relay: whole binary messages, no fragmentation, no
// extensions. Not used by Heard itself (Beast does its framing).
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace heard::bench {

enum opcode : std::uint8_t { op_binary = 0x2, op_close = 0x8, op_ping = 0x9, op_pong = 0xA };

/// Appends one frame. A client masks (with a fixed key: the benchmark
/// measures the server, and XOR costs the same whatever the key).
inline void append_frame(std::string& out, std::uint8_t op, std::string_view payload, bool masked) {
  out.push_back(static_cast<char>(0x80 | op));
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(mask_bit | n));
  } else if (n < 65536) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xFF));
  }
  if (!masked) {
    out.append(payload);
    return;
  }
  static constexpr unsigned char key[4] = {0x37, 0x4b, 0x51, 0x32};
  out.append(reinterpret_cast<const char*>(key), 4);
  const std::size_t at = out.size();
  out.append(payload);
  for (std::size_t i = 0; i < n; ++i) out[at + i] = static_cast<char>(out[at + i] ^ key[i & 3]);
}

struct frame {
  std::uint8_t op = 0;
  std::string_view payload;  // unmasked in place, inside the buffer
  std::size_t size = 0;      // header and payload
};

/// The frame at `buffer[offset]`, if all of it is there (unmasking it in place).
inline std::optional<frame> next_frame(std::string& buffer, std::size_t offset) {
  const std::size_t have = buffer.size() - offset;
  if (have < 2) return std::nullopt;
  auto* p = reinterpret_cast<unsigned char*>(buffer.data() + offset);
  frame f;
  f.op = p[0] & 0x0F;
  const bool masked = (p[1] & 0x80) != 0;
  std::uint64_t n = p[1] & 0x7F;
  std::size_t header = 2;
  if (n == 126) {
    if (have < 4) return std::nullopt;
    n = (std::uint64_t(p[2]) << 8) | p[3];
    header = 4;
  } else if (n == 127) {
    if (have < 10) return std::nullopt;
    n = 0;
    for (int i = 0; i < 8; ++i) n = (n << 8) | p[2 + i];
    header = 10;
  }
  const std::size_t key_at = header;
  if (masked) header += 4;
  if (have < header + n) return std::nullopt;
  if (masked) {
    unsigned char key[4];
    std::memcpy(key, p + key_at, 4);
    for (std::size_t i = 0; i < n; ++i) p[header + i] ^= key[i & 3];
  }
  f.payload = std::string_view(buffer.data() + offset + header, n);
  f.size = header + n;
  return f;
}

}  // namespace heard::bench
