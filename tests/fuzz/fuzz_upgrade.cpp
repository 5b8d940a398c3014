// libFuzzer: what a connection's first bytes meet - a trusted proxy's PROXY
// v2 header, then the upgrade request as the server reads it (Beast's request
// parser with the server's header limit), the target, Origin and
// X-Forwarded-For checks.
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <cstddef>
#include <cstdint>

#include "proxy_header.hpp"
#include "session_target.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (const auto rest = heard::server::proxy_v2_rest_bytes(bytes.substr(0, heard::server::proxy_v2_fixed_bytes))) {
    (void)heard::server::parse_proxy_v2(bytes.substr(0, heard::server::proxy_v2_fixed_bytes + *rest));
  }
  http::request_parser<http::empty_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(0);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& req = parser.get();
  (void)heard::parse_session_target(std::string_view(req.target().data(), req.target().size()));
  (void)req.find(http::field::origin);
  if (const auto forwarded = req.find("X-Forwarded-For"); forwarded != req.end()) {
    (void)heard::server::forwarded_client(std::string_view(forwarded->value().data(), forwarded->value().size()));
  }
  (void)boost::beast::websocket::is_upgrade(req);
  return 0;
}
