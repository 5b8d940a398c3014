#include "proxy_header.hpp"

#include <arpa/inet.h>

#include <array>

namespace heard::server {
namespace {

constexpr std::string_view signature{"\r\n\r\n\0\r\nQUIT\n", 12};

unsigned byte_at(std::string_view bytes, std::size_t i) { return static_cast<unsigned char>(bytes[i]); }

// The address in the form a direct connection's would have, so that limits
// count one client once: an IPv4 client seen through an IPv6 socket
// (::ffff:192.0.2.1) is 192.0.2.1.
std::string text_of(int family, const char* raw) {
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (inet_ntop(family, raw, out.data(), static_cast<socklen_t>(out.size())) == nullptr) return {};
  std::string address = out.data();
  if (family == AF_INET6 && address.starts_with("::ffff:") && address.find('.') != std::string::npos) {
    address.erase(0, 7);
  }
  return address;
}

}  // namespace

std::optional<std::size_t> proxy_v2_rest_bytes(std::string_view fixed) {
  if (fixed.size() < proxy_v2_fixed_bytes || fixed.substr(0, signature.size()) != signature) return std::nullopt;
  const unsigned version_command = byte_at(fixed, 12);
  if ((version_command >> 4) != 2) return std::nullopt;
  if ((version_command & 0x0F) > 1) return std::nullopt;  // 0 LOCAL, 1 PROXY
  const std::size_t rest = (byte_at(fixed, 14) << 8) | byte_at(fixed, 15);
  if (rest > max_proxy_v2_rest_bytes) return std::nullopt;
  return rest;
}

std::optional<proxy_source> parse_proxy_v2(std::string_view header) {
  const auto rest = proxy_v2_rest_bytes(header);
  if (!rest || header.size() != proxy_v2_fixed_bytes + *rest) return std::nullopt;
  const bool local = (byte_at(header, 12) & 0x0F) == 0;
  const unsigned family = byte_at(header, 13) >> 4;
  const unsigned transport = byte_at(header, 13) & 0x0F;
  const auto body = header.substr(proxy_v2_fixed_bytes);
  if (local) return proxy_source{};
  // Source and destination addresses, then ports; TLVs may follow (ignored).
  if (family == 1 && transport <= 2) {  // IPv4
    if (body.size() < 12) return std::nullopt;
    auto address = text_of(AF_INET, body.data());
    if (address.empty()) return std::nullopt;
    return proxy_source{std::move(address)};
  }
  if (family == 2 && transport <= 2) {  // IPv6
    if (body.size() < 36) return std::nullopt;
    auto address = text_of(AF_INET6, body.data());
    if (address.empty()) return std::nullopt;
    return proxy_source{std::move(address)};
  }
  if (family == 0 || family == 3) return proxy_source{};  // UNSPEC or UNIX: no address to use
  return std::nullopt;
}

std::optional<std::string> forwarded_client(std::string_view header_value) {
  const auto comma = header_value.rfind(',');
  auto last = comma == std::string_view::npos ? header_value : header_value.substr(comma + 1);
  while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
  while (!last.empty() && (last.back() == ' ' || last.back() == '\t')) last.remove_suffix(1);
  if (last.empty() || last.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string text(last);
  std::array<char, 16> raw{};
  if (inet_pton(AF_INET, text.c_str(), raw.data()) == 1) return text_of(AF_INET, raw.data());
  if (inet_pton(AF_INET6, text.c_str(), raw.data()) == 1) return text_of(AF_INET6, raw.data());
  return std::nullopt;
}

}  // namespace heard::server
