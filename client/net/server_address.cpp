#include <charconv>

#include "client_transport.hpp"

namespace heard::client {

std::optional<server_address> parse_server_url(std::string_view url, std::string& error) {
  constexpr std::string_view scheme = "wss://";
  if (url.substr(0, scheme.size()) != scheme) {
    error = url.substr(0, 5) == "ws://" ? "Heard only connects over TLS: use wss://, not ws://"
                                        : "the server must be given as wss://host[:port]";
    return std::nullopt;
  }
  std::string_view rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  server_address out;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) {
      error = "unclosed '[' in the server address";
      return std::nullopt;
    }
    out.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        error = "expected ':port' after the IPv6 address";
        return std::nullopt;
      }
      port = rest.substr(1);
    }
  } else {
    const auto colon = rest.rfind(':');
    out.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
  }
  if (out.host.empty() || out.host.find('/') != std::string::npos) {
    error = "the server address has no host";
    return std::nullopt;
  }
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      error = "the port must be a number from 1 to 65535";
      return std::nullopt;
    }
    out.port = std::string(port);
  }
  return out;
}

}  // namespace heard::client
