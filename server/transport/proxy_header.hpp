#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace heard::server {

/// Behind a load balancer every connection comes from the balancer's
/// address, so per-address limits would throttle everyone together. A
/// balancer the operator trusts (--trusted-proxy) says who the client is,
/// in one of two ways; this is how we read them. Pure: no I/O, unit-tested
/// and fuzzed directly.
enum class proxy_header_kind {
  proxy_v2,         // HAProxy's PROXY protocol v2, a binary header before TLS
  x_forwarded_for,  // the last address of the X-Forwarded-For header (nginx)
};

/// The PROXY v2 header starts with 16 fixed bytes, then as many more as
/// they say (addresses and TLVs). Longer than this is refused.
inline constexpr std::size_t proxy_v2_fixed_bytes = 16;
inline constexpr std::size_t max_proxy_v2_rest_bytes = 1024;

/// From the first 16 bytes: how many bytes follow, or nullopt if this is
/// not a PROXY v2 header (wrong signature or version, an unknown command,
/// or more than max_proxy_v2_rest_bytes).
std::optional<std::size_t> proxy_v2_rest_bytes(std::string_view fixed);

/// What a whole, well-formed header says.
struct proxy_source {
  /// The client's address in the usual text form; empty for a LOCAL
  /// connection (the balancer's own health check) or an address family we
  /// do not carry (UNIX sockets): the balancer's own address then stands.
  std::string address;
};

/// From the whole header (fixed bytes and the rest): who the client is,
/// or nullopt if the header is malformed.
std::optional<proxy_source> parse_proxy_v2(std::string_view header);

/// The client an X-Forwarded-For value names: its last entry (the one our
/// trusted balancer appended; entries before it are the client's word),
/// in canonical text form, or nullopt if that is not an IP address.
std::optional<std::string> forwarded_client(std::string_view header_value);

}  // namespace heard::server
