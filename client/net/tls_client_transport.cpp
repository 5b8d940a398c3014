// The client's only Beast/OpenSSL stream code (see server/transport/tls_transport.cpp
// for why it is kept to one file).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <deque>
#include <stdexcept>

#include "client_transport.hpp"

namespace heard::client {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  net::ip::make_address(host, ec);
  return !ec;
}

class tls_client_transport : public client_transport, public std::enable_shared_from_this<tls_client_transport> {
 public:
  tls_client_transport(net::io_context& ioc, const tls_options& options)
      : ioc_(ioc), options_(options), ctx_(ssl::context::tls_client), resolver_(ioc) {
    SSL_CTX_set_min_proto_version(ctx_.native_handle(), TLS1_3_VERSION);
    boost::system::error_code ec;
    if (options_.ca_file.empty()) {
      ctx_.set_default_verify_paths(ec);
    } else {
      ctx_.load_verify_file(options_.ca_file, ec);
    }
    if (ec) {
      throw std::runtime_error("cannot load the trusted certificates" +
                               (options_.ca_file.empty() ? std::string() : " from '" + options_.ca_file + "'") + ": " +
                               ec.message());
    }
    ctx_.set_verify_mode(ssl::verify_peer);
  }

  void connect(const server_address& server, std::string target, handlers callbacks) override {
    server_ = server;
    target_ = std::move(target);
    callbacks_ = std::move(callbacks);
    ws_.emplace(ioc_, ctx_);
    open_ = false;
    closed_ = false;
    queue_.clear();
    resolver_.async_resolve(server_.host, server_.port,
                            beast::bind_front_handler(&tls_client_transport::on_resolve, shared_from_this()));
  }

  void send(std::string message) override {
    if (!open_ || closing_) return;
    queue_.push_back(std::move(message));
    if (queue_.size() == 1) do_write();
  }

  void close() override {
    if (closed_) return;
    if (!open_) {
      closing_ = true;
      resolver_.cancel();
      if (ws_) beast::get_lowest_layer(*ws_).close();
      return;
    }
    closing_ = true;
    if (queue_.empty()) do_close();
  }

 private:
  void on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return finish("cannot resolve " + server_.host + ": " + ec.message() + " (check the host in --server)");
    auto& tcp_layer = beast::get_lowest_layer(*ws_);
    tcp_layer.expires_after(options_.connect_timeout);
    if (!options_.local_address.empty()) {
      // Connecting to a range would reopen the socket and lose the binding,
      // so one endpoint is picked: the first of the local address's family
      // (a stock /etc/hosts lists ::1 before 127.0.0.1 for localhost).
      const auto local = net::ip::make_address(options_.local_address, ec);
      if (ec) return finish("cannot bind to " + options_.local_address + ": " + ec.message());
      const auto same_family = std::find_if(results.begin(), results.end(), [&](const auto& entry) {
        return entry.endpoint().address().is_v6() == local.is_v6();
      });
      if (same_family == results.end()) {
        return finish("cannot bind to " + options_.local_address + ": " + server_.host +
                      " has no address of its family");
      }
      const auto endpoint = same_family->endpoint();
      tcp_layer.socket().open(endpoint.protocol(), ec);
      if (!ec) tcp_layer.socket().bind(tcp::endpoint(local, 0), ec);
      if (ec) return finish("cannot bind to " + options_.local_address + ": " + ec.message());
      tcp_layer.async_connect(endpoint,
                              beast::bind_front_handler(&tls_client_transport::on_connect_one, shared_from_this()));
      return;
    }
    tcp_layer.async_connect(results, beast::bind_front_handler(&tls_client_transport::on_connect, shared_from_this()));
  }

  void on_connect_one(beast::error_code ec) { on_connect(ec, {}); }

  void on_connect(beast::error_code ec, tcp::endpoint) {
    if (ec) {
      return finish("cannot connect to " + server_.host + ":" + server_.port + ": " + ec.message() +
                    " (is heard-server running there? see --server)");
    }
    // Small messages, sent as they are typed: Nagle's algorithm would hold
    // each one back until the previous is acknowledged (up to 40 ms).
    beast::error_code ignored;
    beast::get_lowest_layer(*ws_).socket().set_option(tcp::no_delay(true), ignored);
    auto& tls = ws_->next_layer();
    // SNI carries names only, never an IP literal (RFC 6066, section 3).
    if (!is_ip_literal(server_.host) && !SSL_set_tlsext_host_name(tls.native_handle(), server_.host.c_str())) {
      return finish("cannot set the TLS server name");
    }
    tls.set_verify_callback(ssl::host_name_verification(server_.host));
    beast::get_lowest_layer(*ws_).expires_after(options_.handshake_timeout);
    tls.async_handshake(ssl::stream_base::client,
                        beast::bind_front_handler(&tls_client_transport::on_tls_handshake, shared_from_this()));
  }

  void on_tls_handshake(beast::error_code ec) {
    if (ec) {
      return finish("TLS handshake with " + server_.host + " failed: " + ec.message() +
                    " (is the server's certificate trusted? see --ca)");
    }
    beast::get_lowest_layer(*ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.handshake_timeout;
    timeouts.idle_timeout = options_.idle_timeout;
    // Beast 1.81 clients without keep-alive pings drop idle links (#2716).
    timeouts.keep_alive_pings = true;
    ws_->set_option(timeouts);
    ws_->set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(http::field::user_agent, "heard/0.1"); }));
    ws_->read_message_max(options_.max_message_bytes);
    if (options_.max_frame_bytes > 0) {
      ws_->auto_fragment(true);
      ws_->write_buffer_bytes(std::max<std::size_t>(options_.max_frame_bytes, 8));
    }
    ws_->binary(true);
    const std::string host_header = server_.host.find(':') != std::string::npos
                                        ? "[" + server_.host + "]:" + server_.port
                                        : server_.host + ":" + server_.port;
    ws_->async_handshake(host_header, target_,
                         beast::bind_front_handler(&tls_client_transport::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return finish("WebSocket upgrade refused: " + ec.message());
    open_ = true;
    if (callbacks_.on_open) callbacks_.on_open();
    if (closing_ && queue_.empty()) do_close();
    do_read();
  }

  void do_read() {
    ws_->async_read(buffer_, beast::bind_front_handler(&tls_client_transport::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t bytes) {
    if (ec) {
      if (ec == websocket::error::closed) {
        const auto& reason = ws_->reason();
        return finish("closed by server (" + std::to_string(reason.code) +
                      (reason.reason.empty() ? std::string() : ": " + std::string(reason.reason.c_str())) + ")");
      }
      return finish(closing_ ? "closed" : "connection lost: " + ec.message());
    }
    const auto data = buffer_.cdata();
    if (callbacks_.on_message) callbacks_.on_message(std::string_view(static_cast<const char*>(data.data()), bytes));
    buffer_.consume(buffer_.size());
    if (!closed_) do_read();
  }

  void do_write() {
    ws_->async_write(net::buffer(queue_.front()),
                     beast::bind_front_handler(&tls_client_transport::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return;  // the read side reports the loss
    queue_.pop_front();
    if (!queue_.empty()) return do_write();
    if (closing_) do_close();
  }

  void do_close() {
    ws_->async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
  }

  void finish(const std::string& reason) {
    if (closed_) return;
    closed_ = true;
    open_ = false;
    if (callbacks_.on_close) callbacks_.on_close(reason);
  }

  net::io_context& ioc_;
  tls_options options_;
  ssl::context ctx_;
  tcp::resolver resolver_;
  std::optional<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> ws_;
  server_address server_;
  std::string target_;
  handlers callbacks_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool open_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<client_transport> client_transport::create(net::io_context& ioc, const tls_options& options) {
  return std::make_shared<tls_client_transport>(ioc, options);
}

}  // namespace heard::client
