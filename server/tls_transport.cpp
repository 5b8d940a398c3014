// The server's only Beast/OpenSSL stream code: TLS handshake,
// capped HTTP upgrade, WebSocket read loop and a bounded one-writer queue.
// Kept to this one file because each translation unit that instantiates
// websocket::stream<ssl_stream<...>> costs over a minute to compile.
#include "tls_transport.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace heard::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

// Mozilla's "modern" profile: TLS 1.3 only, its three AEAD suites, and
// X25519/P-256/P-384 for key exchange. The certificate is ECDSA P-256.
constexpr const char* tls13_suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* tls_groups = "X25519:P-256:P-384";

void configure_tls(ssl::context& ctx, const server_config& config) {
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION);
  SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION);
  if (SSL_CTX_set_ciphersuites(native, tls13_suites) != 1 || SSL_CTX_set1_groups_list(native, tls_groups) != 1) {
    throw std::runtime_error("OpenSSL refused the TLS 1.3 suites or groups");
  }
  // No resumption is used, so no tickets: each one would be state to protect.
  SSL_CTX_set_options(native, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_num_tickets(native, 0);
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  try {
    ctx.use_certificate_chain_file(config.cert_file);
    ctx.use_private_key_file(config.key_file, ssl::context::pem);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot load the TLS certificate '" + config.cert_file + "' and key '" + config.key_file +
                             "': " + e.what() + " (for development, run certs/make-dev-certs.sh)");
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    throw std::runtime_error("the TLS key '" + config.key_file + "' does not match the certificate");
  }
}

// The TCP layer under TLS. It differs from beast::tcp_stream in one thing:
// how it ends. Closing a socket with unread input makes the kernel send a
// reset, and the peer may then lose what we sent last - the close frame that
// says *why* (1009 for a message too big, 1008 for a flood). Beast's own
// teardown drains at most one 2 KiB read before closing, so a client still
// sending a large message often got a reset instead of its answer. Here the
// teardown stops sending, discards input until the peer closes or
// close_linger passes, and only then closes.
class lingering_tcp_stream : public beast::tcp_stream {
 public:
  lingering_tcp_stream(tcp::socket&& socket, std::chrono::milliseconds close_linger)
      : beast::tcp_stream(std::move(socket)), close_linger_(close_linger) {}

  std::chrono::milliseconds close_linger() const { return close_linger_; }

 private:
  std::chrono::milliseconds close_linger_;
};

struct lingering_close_op {
  lingering_tcp_stream& stream;
  std::unique_ptr<std::array<char, 4096>> discard = std::make_unique<std::array<char, 4096>>();
  bool reading = false;

  template <class Self>
  void operator()(Self& self, beast::error_code ec = {}, std::size_t = 0) {
    if (!reading) {
      reading = true;
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream.expires_after(stream.close_linger());
    } else if (ec) {
      // eof: the peer closed too; timeout: it kept sending for close_linger.
      // Either way the input is drained as far as it will be.
      stream.expires_never();
      beast::error_code ignored;
      stream.socket().close(ignored);
      return self.complete(ec == net::error::eof || ec == beast::error::timeout ? beast::error_code{} : ec);
    }
    stream.async_read_some(net::buffer(*discard), std::move(self));
  }
};

template <class Handler>
void async_lingering_close(lingering_tcp_stream& stream, Handler&& handler) {
  net::async_compose<Handler, void(beast::error_code)>(lingering_close_op{stream}, handler, stream);
}

// Found by argument-dependent lookup from Beast's TLS teardown, which calls
// async_teardown on the layer below the TLS stream. (The plain-HTTP answers,
// 426, 431 and the like, call async_lingering_close themselves.)
template <class TeardownHandler>
void async_teardown(beast::role_type, lingering_tcp_stream& stream, TeardownHandler&& handler) {
  async_lingering_close(stream, std::forward<TeardownHandler>(handler));
}

class ws_link;

}  // namespace

struct tls_transport::impl : std::enable_shared_from_this<tls_transport::impl> {
  impl(net::io_context& ioc, const server_config& config, server_stats& stats, logger& log, link_acceptor& acceptor)
      : ioc_(ioc), config_(config), stats_(stats), log_(log), app_(acceptor), ssl_ctx_(ssl::context::tls_server) {}

  void accept(tcp::socket socket);
  void stop(const std::string& reason);

  /// Registers a new link; false (and nothing registered) when its address
  /// already has max_connections_per_ip open.
  bool track(const std::shared_ptr<ws_link>& link, const std::string& remote);
  void untrack(const ws_link* link, const std::string& remote);

  net::io_context& ioc_;
  const server_config& config_;
  server_stats& stats_;
  logger& log_;
  link_acceptor& app_;
  ssl::context ssl_ctx_;
  std::atomic<bool> stopping_{false};

  std::mutex links_mutex_;
  std::unordered_map<const ws_link*, std::weak_ptr<ws_link>> links_;
  std::unordered_map<std::string, std::size_t> per_ip_;
};

namespace {

using transport_impl = tls_transport::impl;

class ws_link : public link, public std::enable_shared_from_this<ws_link> {
 public:
  ws_link(tcp::socket&& socket, std::string remote, std::shared_ptr<transport_impl> owner)
      : owner_(std::move(owner)),
        config_(owner_->config_),
        remote_(std::move(remote)),
        ws_(lingering_tcp_stream(std::move(socket), config_.close_linger), owner_->ssl_ctx_),
        request_buffer_(config_.max_upgrade_request_bytes + 1024),
        idle_timer_(ws_.get_executor()) {
    ++owner_->stats_.connections_open;
  }

  ~ws_link() override {
    --owner_->stats_.connections_open;
    owner_->untrack(this, remote_);
  }

  const std::string& remote_address() const override { return remote_; }

  void run() { net::dispatch(ws_.get_executor(), beast::bind_front_handler(&ws_link::on_run, shared_from_this())); }

  void send(std::shared_ptr<const std::string> message) override {
    net::post(ws_.get_executor(), beast::bind_front_handler(&ws_link::on_send, shared_from_this(), std::move(message)));
  }

  void close(close_code code, std::string reason) override {
    net::post(ws_.get_executor(),
              beast::bind_front_handler(&ws_link::on_close_request, shared_from_this(), code, std::move(reason)));
  }

 private:
  // --- TLS handshake ---------------------------------------------------------
  void on_run() {
    beast::get_lowest_layer(ws_).expires_after(config_.tls_handshake_timeout);
    ws_.next_layer().async_handshake(ssl::stream_base::server,
                                     beast::bind_front_handler(&ws_link::on_tls_handshake, shared_from_this()));
  }

  void on_tls_handshake(beast::error_code ec) {
    if (ec) {
      ++owner_->stats_.tls_handshake_failures;
      return fail(ec, "tls_handshake");
    }
    beast::get_lowest_layer(ws_).expires_after(config_.upgrade_timeout);
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(config_.max_upgrade_request_bytes));
    parser_->body_limit(0);
    http::async_read(ws_.next_layer(), request_buffer_, *parser_,
                     beast::bind_front_handler(&ws_link::on_upgrade_request, shared_from_this()));
  }

  // --- HTTP upgrade ----------------------------------------------------------
  // We read the request ourselves: websocket::stream::accept() alone reads it
  // into a ~1.5 KB buffer and resets larger (legitimate) requests.
  void on_upgrade_request(beast::error_code ec, std::size_t) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      ++owner_->stats_.upgrade_too_large;
      return respond(http::status::request_header_fields_too_large, "Request headers too large.\n", 11);
    }
    if (ec == http::error::body_limit) {
      ++owner_->stats_.upgrade_rejected;
      return respond(http::status::bad_request, "An upgrade request has no body.\n", 11);
    }
    if (ec) return fail(ec, "upgrade_read");

    const auto& req = parser_->get();
    const std::string target(req.target());
    if (!websocket::is_upgrade(req)) {
      ++owner_->stats_.plain_http_requests;
      if (req.method() == http::verb::get && target == "/healthz") {
        return respond(http::status::ok, "ok\n", req.version());
      }
      return respond(http::status::upgrade_required, "Heard speaks WebSocket over TLS; use the heard client.\n",
                     req.version(), true);
    }
    if (!owner_->app_.serves_target(target)) {
      ++owner_->stats_.upgrade_rejected;
      return respond(http::status::not_found, "No such Heard endpoint.\n", req.version());
    }
    // Browsers always send Origin; a page on another site must not be able to
    // open a session in someone's name. The native client sends none.
    if (const auto origin = req.find(http::field::origin); origin != req.end()) {
      const auto& allowed = config_.allowed_origins;
      if (std::find(allowed.begin(), allowed.end(), std::string(origin->value())) == allowed.end()) {
        ++owner_->stats_.origins_refused;
        return respond(http::status::forbidden, "This origin may not connect.\n", req.version());
      }
    }

    // From here Beast's own WebSocket timeouts take over, pings included.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = config_.upgrade_timeout;
    timeouts.idle_timeout = config_.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "heard"); }));
    ws_.read_message_max(config_.max_message_bytes);
    ws_.auto_fragment(false);
    // Beast answers pings itself; counting them stops a ping flood (#1363).
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      if (kind != websocket::frame_type::ping) return;
      const auto now = std::chrono::steady_clock::now();
      if (now - ping_window_start_ > std::chrono::minutes(1)) {
        ping_window_start_ = now;
        pings_in_window_ = 0;
      }
      if (++pings_in_window_ > config_.max_pings_per_minute && !pending_close_) {
        ++owner_->stats_.ping_floods;
        on_close_request(close_code::policy_violation, "too many pings");
      }
    });
    ws_.binary(true);
    target_ = target;
    ws_.async_accept(req, beast::bind_front_handler(&ws_link::on_accept, shared_from_this()));
  }

  void respond(http::status status, std::string body, unsigned version, bool upgrade_required = false) {
    auto res = std::make_shared<http::response<http::string_body>>(status, version);
    res->set(http::field::server, "heard");
    res->set(http::field::content_type, "text/plain; charset=utf-8");
    if (upgrade_required) {
      res->set(http::field::upgrade, "websocket");
      res->set(http::field::connection, "Upgrade");
    }
    res->keep_alive(false);
    res->body() = std::move(body);
    res->prepare_payload();
    http::async_write(ws_.next_layer(), *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec, "http_response");
      self->ws_.next_layer().async_shutdown([self](beast::error_code) {
        async_lingering_close(beast::get_lowest_layer(self->ws_), [self](beast::error_code) {});
      });
    });
  }

  void on_accept(beast::error_code ec) {
    if (ec) {
      ++owner_->stats_.upgrade_rejected;
      return fail(ec, "ws_accept");
    }
    parser_.reset();
    request_buffer_ = beast::flat_buffer();
    upgraded_ = true;
    last_message_ = std::chrono::steady_clock::now();
    arm_idle_timer();
    handler_ = owner_->app_.on_open(shared_from_this(), target_);
    if (!handler_) return on_close_request(close_code::internal_error, "unavailable");
    if (pending_close_ && queue_.empty()) return do_close();
    do_read();
  }

  // --- Reading ---------------------------------------------------------------
  void do_read() { ws_.async_read(read_buffer_, beast::bind_front_handler(&ws_link::on_read, shared_from_this())); }

  void on_read(beast::error_code ec, std::size_t bytes) {
    if (ec) return finish(ec, "read");
    ++owner_->stats_.messages_in;
    last_message_ = std::chrono::steady_clock::now();
    const auto data = read_buffer_.cdata();
    if (handler_) handler_->on_message(std::string_view(static_cast<const char*>(data.data()), bytes));
    read_buffer_.consume(read_buffer_.size());
    do_read();
  }

  // Beast's idle timeout is satisfied by pong replies alone, so a client that
  // is stuck but whose TCP stack still answers pings would stay forever.
  // Clients send at least a heartbeat every heartbeat_interval.
  void arm_idle_timer() {
    idle_timer_.expires_at(last_message_ + config_.app_idle_timeout);
    idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->finished_ || self->pending_close_) return;
      if (std::chrono::steady_clock::now() - self->last_message_ < self->config_.app_idle_timeout) {
        return self->arm_idle_timer();
      }
      ++self->owner_->stats_.app_idle_closes;
      self->on_close_request(close_code::policy_violation, "idle");
    });
  }

  // --- Writing: one writer, a queue bounded in bytes ---------------------------
  void on_send(std::shared_ptr<const std::string> message) {
    if (pending_close_ || finished_) return;
    if (queued_bytes_ + message->size() > config_.max_outbound_queue_bytes) {
      ++owner_->stats_.slow_reader_closes;
      owner_->log_.write(log_level::warn, "event=slow_reader_closed queued_bytes=", queued_bytes_);
      // A reader this far behind will not read a close frame in time either.
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(ws_).close();
      return;
    }
    queued_bytes_ += message->size();
    queue_.push_back(std::move(message));
    if (queue_.size() == 1 && upgraded_) do_write();
  }

  void do_write() {
    ws_.async_write(net::buffer(*queue_.front()), beast::bind_front_handler(&ws_link::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return finish(ec, "write");
    ++owner_->stats_.messages_out;
    queued_bytes_ -= queue_.front()->size();
    queue_.pop_front();
    if (!queue_.empty()) return do_write();
    if (pending_close_) do_close();
  }

  // --- Closing ---------------------------------------------------------------
  void on_close_request(close_code code, std::string reason) {
    if (pending_close_ || finished_) return;
    pending_close_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (!upgraded_) {
      // Still in TLS or HTTP: there is no WebSocket to close politely.
      beast::get_lowest_layer(ws_).close();
      return;
    }
    // A peer that stopped reading would keep a polite close waiting behind
    // its full queue for ever: after close_timeout the connection is cut.
    idle_timer_.expires_after(config_.close_timeout);
    idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->finished_) return;
      ++self->owner_->stats_.timeouts;
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
      beast::get_lowest_layer(self->ws_).close();
    });
    if (queue_.empty()) do_close();
  }

  void do_close() {
    ws_.async_close(*pending_close_, [self = shared_from_this()](beast::error_code ec) {
      // The read loop ends with websocket::error::closed once the peer answers.
      if (ec) self->finish(ec, "close");
    });
  }

  void finish(beast::error_code ec, const char* what) {
    if (!finished_) {
      finished_ = true;
      idle_timer_.cancel();
      if (handler_) {
        handler_->on_close();
        handler_.reset();  // the handler holds this link; break the cycle
      }
    }
    fail(ec, what);
  }

  // Reports a failure unless it is part of normal operation:
  // - operation_aborted: our own cancellation (shutdown, slow reader);
  // - websocket::error::closed: the peer closed the WebSocket cleanly;
  // - ssl::error::stream_truncated: the peer dropped TCP without a TLS
  //   close_notify, which browsers and mobile clients do all the time and
  //   which cannot truncate a WebSocket message undetected.
  void fail(beast::error_code ec, const char* what) {
    if (ec == net::error::operation_aborted || ec == websocket::error::closed || ec == ssl::error::stream_truncated ||
        ec == net::error::eof) {
      return;
    }
    if (ec == beast::error::timeout) ++owner_->stats_.timeouts;
    owner_->log_.write(log_level::debug, "event=connection_error phase=", what, " error=\"", ec.message(), "\"");
  }

  std::shared_ptr<transport_impl> owner_;
  const server_config& config_;
  const std::string remote_;
  std::chrono::steady_clock::time_point ping_window_start_ = std::chrono::steady_clock::now();
  std::size_t pings_in_window_ = 0;
  websocket::stream<beast::ssl_stream<lingering_tcp_stream>> ws_;
  beast::flat_buffer request_buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  beast::flat_buffer read_buffer_;
  std::string target_;
  std::shared_ptr<link_handler> handler_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  std::optional<websocket::close_reason> pending_close_;
  net::steady_timer idle_timer_;
  std::chrono::steady_clock::time_point last_message_;
  bool upgraded_ = false;
  bool finished_ = false;
};

}  // namespace

void transport_impl::accept(tcp::socket socket) {
  if (stopping_) {
    // Accepted in the instant the listener was told to stop.
    beast::error_code ignored;
    socket.close(ignored);
    return;
  }
  // Drafts, acks and close frames are small and go out back to back: with
  // Nagle's algorithm each would wait for the peer's delayed ACK (40 ms).
  beast::error_code nodelay_ec;
  socket.set_option(tcp::no_delay(true), nodelay_ec);
  beast::error_code peer_ec;
  const auto peer = socket.remote_endpoint(peer_ec);
  std::string remote = peer_ec ? std::string("unknown") : peer.address().to_string();
  if (static_cast<std::size_t>(stats_.connections_open.load()) >= config_.max_connections) {
    ++stats_.connections_refused_capacity;
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    auto link = std::make_shared<ws_link>(std::move(socket), remote, shared_from_this());
    if (track(link, remote)) {
      link->run();
    } else if (!stopping_) {
      // One address may not crowd out everyone else. The link object goes
      // with its socket at once.
      ++stats_.connections_refused_per_ip;
    }
  }
}

bool transport_impl::track(const std::shared_ptr<ws_link>& link, const std::string& remote) {
  std::lock_guard lock(links_mutex_);
  // Checked under the lock that stop() takes, so no link slips in after
  // stop() has collected the ones to close.
  if (stopping_) return false;
  auto& count = per_ip_[remote];
  if (count >= config_.max_connections_per_ip) return false;
  ++count;
  links_.emplace(link.get(), link);
  return true;
}

void transport_impl::untrack(const ws_link* link, const std::string& remote) {
  std::lock_guard lock(links_mutex_);
  if (links_.erase(link) == 0) return;  // never tracked: refused per address
  if (auto it = per_ip_.find(remote); it != per_ip_.end() && --it->second == 0) per_ip_.erase(it);
}

void transport_impl::stop(const std::string& reason) {
  std::vector<std::shared_ptr<ws_link>> open;
  {
    std::lock_guard lock(links_mutex_);
    stopping_ = true;
    for (auto& [key, weak] : links_) {
      if (auto l = weak.lock()) open.push_back(std::move(l));
    }
  }
  for (auto& l : open) l->close(close_code::going_away, reason);
}

tls_transport::tls_transport(net::io_context& ioc, const server_config& config, server_stats& stats, logger& log,
                             link_acceptor& acceptor)
    : impl_(std::make_shared<impl>(ioc, config, stats, log, acceptor)) {}

tls_transport::~tls_transport() = default;

void tls_transport::start() { configure_tls(impl_->ssl_ctx_, impl_->config_); }

void tls_transport::accept(tcp::socket socket) { impl_->accept(std::move(socket)); }

void tls_transport::stop(const std::string& reason) { impl_->stop(reason); }

}  // namespace heard::server
