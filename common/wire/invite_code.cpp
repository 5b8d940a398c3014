#include "invite_code.hpp"

namespace heard {
namespace {

constexpr std::string_view alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static_assert(alphabet.size() == 32);

std::optional<char> canonical_digit(char c) {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  switch (c) {
    case 'O': return '0';
    case 'I':
    case 'L': return '1';
    default: break;
  }
  if (alphabet.find(c) == std::string_view::npos) return std::nullopt;
  return c;
}

// `digits` base32 digits from the low bits of `random` read big-endian,
// least significant five bits first.
std::string digits_from_random(std::string_view random, std::size_t bytes, std::size_t digits) {
  unsigned long long bits = 0;
  for (unsigned char b : random.substr(0, bytes)) bits = (bits << 8) | b;
  std::string out;
  for (std::size_t i = 0; i < digits; ++i) {
    out.push_back(alphabet[bits & 31U]);
    bits >>= 5;
  }
  return out;
}

}  // namespace

std::string route_from_random(std::string_view random) {
  return digits_from_random(random, route_random_bytes, route_digits);
}

bool is_route(std::string_view text) {
  if (text.size() != route_digits) return false;
  for (char c : text) {
    if (alphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string_view route_of(std::string_view canonical) { return canonical.substr(0, route_digits); }

std::string invite_code_from_random(std::string_view route, std::string_view random) {
  std::string canonical(route);
  canonical += digits_from_random(random, invite_secret_random_bytes, invite_secret_digits);
  return format_invite_code(canonical);
}

std::optional<std::string> normalize_invite_code(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    auto d = canonical_digit(c);
    if (!d || out.size() == invite_code_digits) return std::nullopt;
    out.push_back(*d);
  }
  if (out.size() != invite_code_digits) return std::nullopt;
  return out;
}

std::string format_invite_code(std::string_view canonical) {
  std::string out;
  for (std::size_t i = 0; i < canonical.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(canonical[i]);
  }
  return out;
}

}  // namespace heard
