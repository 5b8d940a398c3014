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

}  // namespace

std::string_view invite_code_handle(std::string_view canonical) {
  return canonical.substr(0, invite_code_handle_digits);
}

std::string invite_code_from_random(std::string_view random) {
  // 12 digits x 5 bits = 60 bits; 8 random bytes give 64, of which we use 60.
  unsigned long long bits = 0;
  for (unsigned char b : random.substr(0, invite_code_random_bytes)) bits = (bits << 8) | b;
  std::string canonical;
  for (std::size_t i = 0; i < invite_code_digits; ++i) {
    canonical.push_back(alphabet[bits & 31U]);
    bits >>= 5;
  }
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
