// libFuzzer: the upgrade request as the server reads it - Beast's request
// parser with the server's header limit, then the target and Origin checks.
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <cstddef>
#include <cstdint>

#include "session_target.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
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
  (void)boost::beast::websocket::is_upgrade(req);
  return 0;
}
