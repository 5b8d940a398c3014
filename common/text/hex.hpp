#pragma once

#include <string>
#include <string_view>

namespace heard {

/// Lowercase hex of `bytes`: session ids, log labels, the sealing's test vectors.
inline std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0x0F]);
  }
  return out;
}

}  // namespace heard
