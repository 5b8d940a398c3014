#include "transport_accounting.hpp"

namespace heard::server {

void transport_accounting::on_event(transport_event event) {
  switch (event) {
    case transport_event::link_created: ++stats_.connections_open; break;
    case transport_event::link_destroyed: --stats_.connections_open; break;
    case transport_event::refused_capacity: ++stats_.connections_refused_capacity; break;
    case transport_event::refused_per_address: ++stats_.connections_refused_per_ip; break;
    case transport_event::tls_handshake_failure: ++stats_.tls_handshake_failures; break;
    case transport_event::upgrade_rejected: ++stats_.upgrade_rejected; break;
    case transport_event::upgrade_too_large: ++stats_.upgrade_too_large; break;
    case transport_event::plain_http_request: ++stats_.plain_http_requests; break;
    case transport_event::page_request: ++stats_.page_requests; break;
    case transport_event::origin_refused: ++stats_.origins_refused; break;
    case transport_event::ping_flood: ++stats_.ping_floods; break;
    case transport_event::timeout: ++stats_.timeouts; break;
    case transport_event::message_in: ++stats_.messages_in; break;
    case transport_event::message_out: ++stats_.messages_out; break;
    case transport_event::slow_reader_close: ++stats_.slow_reader_closes; break;
    case transport_event::app_idle_close: ++stats_.app_idle_closes; break;
    case transport_event::no_hello_close: ++stats_.no_hello_closes; break;
    case transport_event::proxy_header_invalid: ++stats_.proxy_headers_invalid; break;
    case transport_event::tls_buffers_released: ++stats_.tls_buffer_releases; break;
  }
}

void transport_accounting::on_slow_reader(std::size_t queued_bytes) {
  log_.write(log_level::warn, "event=slow_reader_closed queued_bytes=", queued_bytes);
}

void transport_accounting::on_connection_error(std::string_view phase, std::string_view error) {
  log_.write(log_level::debug, "event=connection_error phase=", phase, " error=\"", error, "\"");
}

void transport_accounting::on_handler_exception(std::string_view what) {
  ++stats_.handler_exceptions;
  log_.write(log_level::error, "event=handler_exception what=\"", what, "\" action=link_closed_1011");
}

}  // namespace heard::server
