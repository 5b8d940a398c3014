// The server's only Beast/OpenSSL stream code: TLS handshake,
// capped HTTP upgrade, WebSocket read loop and a bounded one-writer queue.
// Kept to this one file because each translation unit that instantiates
// Beast's WebSocket stream costs over a minute to compile. The TLS layer
// under it is tls_stream.hpp: OpenSSL on the socket, no per-connection
// buffers of its own.
#include "tls_transport.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "in_order.hpp"
#include "proxy_header.hpp"
#include "tls_stream.hpp"

namespace heard::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

class ws_link;

}  // namespace

struct tls_transport::impl : std::enable_shared_from_this<tls_transport::impl> {
  impl(net::io_context& ioc, tls_transport::parts with)
      : ioc_(ioc),
        options_(with.options),
        policy_(with.policy),
        admission_(with.admit),
        observer_(with.observer),
        app_(with.app),
        ssl_ctx_(std::make_shared<ssl::context>(ssl::context::tls_server)) {}

  void accept(tcp::socket socket);
  void stop(const std::string& reason);

  /// Registers an admitted link for stop(); false once stopping, checked
  /// under the lock stop() takes so that no link slips in after stop() has
  /// collected the ones to close.
  bool track(const std::shared_ptr<ws_link>& link);
  void untrack(const ws_link* link);

  net::io_context& ioc_;
  const ws_link_options options_;
  const upgrade_policy& policy_;
  admission& admission_;
  transport_observer& observer_;
  link_acceptor& app_;
  // The context new connections use; swapped whole by use_tls (a renewed
  // certificate). An SSL made from a context keeps that context alive.
  std::mutex ssl_ctx_mutex_;
  std::shared_ptr<ssl::context> ssl_ctx_;

  std::shared_ptr<ssl::context> current_tls() {
    std::lock_guard lock(ssl_ctx_mutex_);
    return ssl_ctx_;
  }

  std::mutex links_mutex_;
  bool stopping_ = false;
  std::unordered_map<const ws_link*, std::weak_ptr<ws_link>> links_;
};

namespace {

using transport_impl = tls_transport::impl;

class ws_link : public link, public std::enable_shared_from_this<ws_link> {
 public:
  /// `via_proxy`: the peer is a trusted proxy, which will say who the client
  /// is; until then the link's place is counted in the total only.
  ws_link(tcp::socket&& socket, std::string remote, bool via_proxy, std::shared_ptr<transport_impl> owner)
      : owner_(std::move(owner)),
        options_(owner_->options_),
        remote_(std::move(remote)),
        admitted_as_(via_proxy ? std::string() : remote_),
        via_proxy_(via_proxy),
        tls_(owner_->current_tls()),
        ws_(std::move(socket), net::make_strand(owner_->ioc_), tls_->native_handle(), options_.close_linger),
        request_buffer_(options_.max_upgrade_request_bytes + 1024),
        phase_timer_(ws_.get_executor()),
        idle_timer_(ws_.get_executor()),
        hello_timer_(ws_.get_executor()) {
    owner_->observer_.on_event(transport_event::link_created);
  }

  ~ws_link() override {
    // What was still queued when the link ended is not queued any more.
    if (const auto left = unsent_bytes_.load()) owner_->observer_.on_queued_bytes(-static_cast<std::int64_t>(left));
    owner_->untrack(this);
    owner_->admission_.release(admitted_as_);
    owner_->observer_.on_event(transport_event::link_destroyed);
  }

  const std::string& remote_address() const override { return remote_; }

  void run() { net::dispatch(ws_.get_executor(), beast::bind_front_handler(&ws_link::on_run, shared_from_this())); }

  std::size_t send(std::shared_ptr<const std::string> message) override {
    const std::size_t queued = unsent_bytes_.fetch_add(message->size(), std::memory_order_relaxed) + message->size();
    owner_->observer_.on_queued_bytes(static_cast<std::int64_t>(message->size()));
    dispatch_in_order(ws_.get_executor(),
                      beast::bind_front_handler(&ws_link::on_send, shared_from_this(), std::move(message)));
    return queued;
  }

  void want_drained() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->finished_ || self->pending_close_ || self->cut_) return;  // on_close follows instead
      if (!self->queue_.empty()) {
        self->drain_wanted_ = true;
      } else {
        self->tell_application([&] { self->handler_->on_drained(); });
      }
    });
  }

  void established() override {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      self->established_ = true;
      self->hello_timer_.cancel();
    });
  }

  void close(close_code code, std::string reason) override {
    net::post(ws_.get_executor(),
              beast::bind_front_handler(&ws_link::on_close_request, shared_from_this(), code, std::move(reason)));
  }

 private:
  // --- PROXY protocol v2 (a trusted balancer's first bytes) ------------------
  void on_run() {
    arm_phase_deadline(options_.tls_handshake_timeout);
    if (!via_proxy_ || options_.proxy_header != proxy_header_kind::proxy_v2) return start_tls();
    // Read exactly the header, never into the TLS bytes behind it.
    proxy_bytes_.resize(proxy_v2_fixed_bytes);
    net::async_read(socket(), net::buffer(proxy_bytes_),
                    beast::bind_front_handler(&ws_link::on_proxy_fixed, shared_from_this()));
  }

  void on_proxy_fixed(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "proxy_header");
    const auto rest = proxy_v2_rest_bytes(proxy_bytes_);
    if (!rest) return refuse_proxy_header();
    proxy_bytes_.resize(proxy_v2_fixed_bytes + *rest);
    net::async_read(socket(), net::buffer(proxy_bytes_.data() + proxy_v2_fixed_bytes, *rest),
                    beast::bind_front_handler(&ws_link::on_proxy_header, shared_from_this()));
  }

  void on_proxy_header(beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "proxy_header");
    const auto source = parse_proxy_v2(proxy_bytes_);
    proxy_bytes_ = std::string();
    if (!source) return refuse_proxy_header();
    // LOCAL (the balancer's own health check): the balancer is the client.
    if (!attribute(source->address.empty() ? remote_ : source->address)) return cut();
    start_tls();
  }

  void refuse_proxy_header() {
    count(transport_event::proxy_header_invalid);
    cut();
  }

  tls_stream::socket_type& socket() { return ws_.next_layer().socket(); }

  /// Ends the connection at once, without a word (nothing was said yet, or
  /// the peer is too far behind to read it); pending operations end aborted.
  void cut() {
    phase_timer_.cancel();
    beast::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }

  // Before the upgrade each phase has a deadline (after it, Beast's WebSocket
  // timeouts): past it the connection is cut and counted.
  void arm_phase_deadline(std::chrono::milliseconds limit) {
    phase_timer_.expires_after(limit);
    phase_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->upgraded_) return;
      self->count(transport_event::timeout);
      self->cut();
    });
  }

  /// Gives the link's place to the client the proxy named; false (counted)
  /// if that client has no room left.
  bool attribute(const std::string& client) {
    if (admitted_as_ == client) return true;
    if (owner_->admission_.attribute(client) != admission::verdict::admitted) {
      count(transport_event::refused_per_address);
      return false;
    }
    admitted_as_ = client;
    remote_ = client;
    return true;
  }

  // --- TLS handshake ---------------------------------------------------------
  void start_tls() {
    ws_.next_layer().async_handshake(beast::bind_front_handler(&ws_link::on_tls_handshake, shared_from_this()));
  }

  void on_tls_handshake(beast::error_code ec) {
    if (ec) {
      count(transport_event::tls_handshake_failure);
      return fail(ec, "tls_handshake");
    }
    read_request();
  }

  void read_request() {
    arm_phase_deadline(options_.upgrade_timeout);
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_upgrade_request_bytes));
    parser_->body_limit(0);
    http::async_read(ws_.next_layer(), request_buffer_, *parser_,
                     beast::bind_front_handler(&ws_link::on_upgrade_request, shared_from_this()));
  }

  // --- HTTP upgrade ----------------------------------------------------------
  // We read the request ourselves: websocket::stream::accept() alone reads it
  // into a ~1.5 KB buffer and resets larger (legitimate) requests.
  void on_upgrade_request(beast::error_code ec, std::size_t) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return respond(upgrade_policy::too_large(), 11);
    }
    if (ec == http::error::body_limit) return respond(upgrade_policy::has_body(), 11);
    if (ec) return fail(ec, "upgrade_read");

    const auto& req = parser_->get();
    if (via_proxy_ && options_.proxy_header == proxy_header_kind::x_forwarded_for) {
      // No header: a request of the balancer's own (a health check).
      std::optional<std::string> client = remote_;
      if (const auto forwarded = req.find("X-Forwarded-For"); forwarded != req.end()) {
        client = forwarded_client(std::string_view(forwarded->value().data(), forwarded->value().size()));
      }
      if (!client) {
        count(transport_event::proxy_header_invalid);
        return respond({400, "X-Forwarded-For names no client address.\n", false, std::nullopt}, req.version());
      }
      if (!attribute(*client)) {
        return respond(
            {503, "Too many connections from your address; close some and try again.\n", false, std::nullopt},
            req.version());
      }
    }
    request_head head;
    head.is_get = req.method() == http::verb::get;
    head.is_websocket_upgrade = websocket::is_upgrade(req);
    head.target = std::string_view(req.target().data(), req.target().size());
    if (const auto origin = req.find(http::field::origin); origin != req.end()) {
      head.origin = std::string_view(origin->value().data(), origin->value().size());
    }
    if (const auto host = req.find(http::field::host); host != req.end()) {
      head.host = std::string_view(host->value().data(), host->value().size());
    }
    if (const auto tag = req.find(http::field::if_none_match); tag != req.end()) {
      head.if_none_match = std::string_view(tag->value().data(), tag->value().size());
    }
    if (const auto answer = owner_->policy_.decide(head)) {
      return respond(*answer, req.version(), req.keep_alive());
    }

    // Beast guards the WebSocket handshake and the closing one. Not the open
    // connection: its idle timeout re-arms a timer at every read (a cancel,
    // a new wait and a handler run per message). The link's own idle timer
    // (arm_idle_timer) keeps that promise lazily instead.
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.upgrade_timeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "heard"); }));
    ws_.read_message_max(options_.max_message_bytes);
    ws_.auto_fragment(false);
    // Beast answers pings itself; counting them stops a ping flood (#1363).
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
      const auto now = std::chrono::steady_clock::now();
      last_frame_ = now;  // a ping or pong says the peer is there
      if (kind != websocket::frame_type::ping) return;
      if (now - ping_window_start_ > std::chrono::minutes(1)) {
        ping_window_start_ = now;
        pings_in_window_ = 0;
      }
      if (++pings_in_window_ > options_.max_pings_per_minute && !pending_close_) {
        count(transport_event::ping_flood);
        on_close_request(close_code::policy_violation, "too many pings");
      }
    });
    ws_.binary(true);
    target_ = std::string(head.target);
    ws_.async_accept(req, beast::bind_front_handler(&ws_link::on_accept, shared_from_this()));
  }

  // `wants_more`: the client asked to keep the connection (HTTP/1.1). A
  // browser then fetches the page's other files, or upgrades, on it; each
  // request has the upgrade deadline again, and there is a cap per connection.
  void respond(const http_answer& answer, unsigned version, bool wants_more = false) {
    if (answer.counted) count(*answer.counted);
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status), version);
    res->set(http::field::server, "heard");
    if (answer.status != 304) res->set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) res->set(name, value);
    if (!answer.etag.empty()) {
      res->set(http::field::etag, answer.etag);
      res->set(http::field::cache_control, "no-cache");
    }
    if (answer.upgrade_required) {
      res->set(http::field::upgrade, "websocket");
      res->set(http::field::connection, "Upgrade");
    }
    const bool again = answer.keep_alive && wants_more && ++requests_ < options_.max_requests_per_connection;
    res->keep_alive(again);
    res->body() = std::string(answer.body);
    if (answer.status != 304) res->prepare_payload();
    http::async_write(
        ws_.next_layer(), *res, [self = shared_from_this(), res, again](beast::error_code ec, std::size_t) {
          if (ec) return self->fail(ec, "http_response");
          if (again) return self->read_request();
          self->ws_.next_layer().async_shutdown([self](beast::error_code) {
            self->ws_.next_layer().async_lingering_close([self](beast::error_code) { self->phase_timer_.cancel(); });
          });
        });
  }

  void on_accept(beast::error_code ec) {
    if (ec) {
      count(transport_event::upgrade_rejected);
      return fail(ec, "ws_accept");
    }
    parser_.reset();
    request_buffer_ = beast::flat_buffer();
    upgraded_ = true;
    phase_timer_.cancel();
    owner_->observer_.on_upgraded(std::chrono::steady_clock::now() - accepted_at_);
    last_message_ = last_frame_ = std::chrono::steady_clock::now();
    arm_idle_timer();
    // The upgrade deadline also covers the Hello: until the application
    // says it came, nothing the peer sends keeps the link open.
    hello_timer_.expires_after(options_.upgrade_timeout);
    hello_timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (wait_ec || self->established_ || self->finished_ || self->pending_close_) return;
      self->count(transport_event::no_hello_close);
      self->on_close_request(close_code::policy_violation, "no hello");
    });
    guarded([&] { handler_ = owner_->app_.on_open(shared_from_this(), target_); });
    if (!handler_) return on_close_request(close_code::internal_error, "unavailable");
    if (pending_close_ && queue_.empty()) return do_close();
    do_read();
  }

  // --- Reading ---------------------------------------------------------------
  // Beast's read_some straight into the buffer until the message is whole:
  // its async_read is a loop around the same reads, a composed operation
  // (and a work guard) more for every message. Beast still holds each frame
  // to read_message_max.
  void do_read() {
    const auto space = read_buffer_.prepare(ws_.read_size_hint(read_buffer_));
    ws_.async_read_some(space, beast::bind_front_handler(&ws_link::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t bytes) {
    if (ec) return finish(ec, "read");
    read_buffer_.commit(bytes);
    if (!ws_.is_message_done()) return do_read();
    count(transport_event::message_in);
    last_message_ = last_frame_ = std::chrono::steady_clock::now();
    note_tls_busy();
    const auto data = read_buffer_.cdata();
    tell_application(
        [&] { handler_->on_message(std::string_view(static_cast<const char*>(data.data()), data.size())); });
    read_buffer_.consume(read_buffer_.size());
    do_read();  // on after a close request too: the peer's close frame ends the loop
  }

  // Two silences close a link: no frame at all for idle_timeout (a dead
  // peer), and no application message for app_idle_timeout (a client stuck
  // while its TCP stack still answers pings; clients send a heartbeat at
  // least every heartbeat_interval). Armed for the nearer of the two and
  // re-armed when it comes, never per message: a busy link costs nothing.
  //
  // The same timer frees OpenSSL's record buffers once the link has read
  // nothing for tls_buffer_release (an idle link holds none; a busy one
  // keeps them).
  void arm_idle_timer() {
    auto deadline = std::min(last_frame_ + options_.idle_timeout, last_message_ + options_.app_idle_timeout);
    if (tls_buffers_held_) {
      deadline = std::min(deadline, std::max(last_message_ + options_.tls_buffer_release, tls_release_not_before_));
    }
    idle_timer_.expires_at(deadline);
    idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->finished_ || self->pending_close_) return;
      const auto now = std::chrono::steady_clock::now();
      if (now - self->last_message_ >= self->options_.app_idle_timeout) {
        self->count(transport_event::app_idle_close);
        return self->on_close_request(close_code::policy_violation, "idle");
      }
      if (now - self->last_frame_ >= self->options_.idle_timeout) {
        self->count(transport_event::timeout);
        return self->on_close_request(close_code::policy_violation, "idle");
      }
      if (self->tls_buffers_held_ && now - self->last_message_ >= self->options_.tls_buffer_release) {
        // Not while a write is under way or a record is half read: then later.
        if (self->queue_.empty() && self->ws_.next_layer().release_buffers()) {
          self->tls_buffers_held_ = false;
          self->count(transport_event::tls_buffers_released);
        } else {
          self->tls_release_not_before_ = now + self->options_.tls_buffer_release;
        }
      }
      self->arm_idle_timer();
    });
  }

  // OpenSSL allocates its buffers again for this read or write: have the
  // idle timer free them when the link is quiet once more (where this
  // OpenSSL frees them per record itself, there is nothing to do).
  void note_tls_busy() {
    if (tls_buffers_held_ || !releases_tls_buffers_) return;
    tls_buffers_held_ = true;
    if (!pending_close_ && !finished_) arm_idle_timer();  // else the close timer owns idle_timer_
  }

  // --- Writing: one writer, a queue bounded in bytes ---------------------------
  void on_send(std::shared_ptr<const std::string> message) {
    if (pending_close_ || finished_ || cut_) return drop_unsent(message->size());
    if (queued_bytes_ + message->size() > options_.max_outbound_queue_bytes) {
      cut_ = true;  // once: the sends already posted behind this one are dropped quietly
      count(transport_event::slow_reader_close);
      owner_->observer_.on_slow_reader(queued_bytes_);
      drop_unsent(message->size());
      // A reader this far behind will not read a close frame in time either.
      cut();
      return;
    }
    queued_bytes_ += message->size();
    queue_.push_back(std::move(message));
    if (queue_.size() == 1 && upgraded_) do_write();
  }

  // A message send() counted that will never be written, or has been.
  void drop_unsent(std::size_t bytes) {
    unsent_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
    owner_->observer_.on_queued_bytes(-static_cast<std::int64_t>(bytes));
  }

  void do_write() {
    note_tls_busy();
    ws_.async_write(net::buffer(*queue_.front()), beast::bind_front_handler(&ws_link::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return finish(ec, "write");
    count(transport_event::message_out);
    queued_bytes_ -= queue_.front()->size();
    drop_unsent(queue_.front()->size());
    queue_.pop_front();
    if (!queue_.empty()) return do_write();
    if (pending_close_) return do_close();
    if (drain_wanted_) {
      drain_wanted_ = false;
      tell_application([&] { handler_->on_drained(); });
    }
  }

  // --- Closing ---------------------------------------------------------------
  void on_close_request(close_code code, std::string reason) {
    if (pending_close_ || finished_) return;
    pending_close_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (!upgraded_) {
      // Still in TLS or HTTP: there is no WebSocket to close politely.
      cut();
      return;
    }
    // A peer that stopped reading would keep a polite close waiting behind
    // its full queue for ever: after close_timeout the connection is cut.
    idle_timer_.expires_after(options_.close_timeout);
    idle_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->finished_) return;
      self->count(transport_event::timeout);
      self->cut();
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
      hello_timer_.cancel();
      if (handler_) {
        guarded([&] { handler_->on_close(); });
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
    phase_timer_.cancel();  // it would hold this link until its deadline
    if (ec == net::error::operation_aborted || ec == websocket::error::closed || ec == ssl::error::stream_truncated ||
        ec == net::error::eof) {
      return;
    }
    if (ec == beast::error::timeout) count(transport_event::timeout);
    owner_->observer_.on_connection_error(what, ec.message());
  }

  void count(transport_event event) { owner_->observer_.on_event(event); }

  // A message or a drained queue for the application; if it throws, this
  // link closes (1011) and the application hears nothing more but on_close.
  template <class Call>
  void tell_application(Call&& call) {
    if (!handler_ || handler_failed_) return;
    if (!guarded(std::forward<Call>(call))) {
      handler_failed_ = true;
      on_close_request(close_code::internal_error, "internal error");
    }
  }

  // The application runs inside this link's handlers. An exception from it
  // must not unwind through Asio: the link would stop reading and hang until
  // its idle timeout, and the log could not say which link. It is counted
  // and logged here, and the caller closes this link alone (1011), so its
  // client reconnects and resumes: inputs not yet acknowledged are sent again.
  template <class Call>
  bool guarded(Call&& call) {
    try {
      call();
      return true;
    } catch (const std::exception& e) {
      owner_->observer_.on_handler_exception(e.what());
    } catch (...) {
      owner_->observer_.on_handler_exception("not a std::exception");
    }
    return false;
  }

  std::shared_ptr<transport_impl> owner_;
  const ws_link_options& options_;
  const std::chrono::steady_clock::time_point accepted_at_ = std::chrono::steady_clock::now();
  std::string remote_;       // the client: the peer, or whom a trusted proxy names
  std::string admitted_as_;  // whose place in admission this link holds ("": the total only, until attribute())
  const bool via_proxy_;
  std::string proxy_bytes_;
  std::shared_ptr<ssl::context> tls_;  // the context this link started with (see use_tls)
  std::chrono::steady_clock::time_point ping_window_start_ = std::chrono::steady_clock::now();
  std::size_t pings_in_window_ = 0;
  std::size_t requests_ = 0;  // HTTP requests answered on this connection
  websocket::stream<tls_stream> ws_;
  beast::flat_buffer request_buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  beast::flat_buffer read_buffer_;
  std::string target_;
  std::shared_ptr<link_handler> handler_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;              // on the strand: what the cap checks
  bool drain_wanted_ = false;                 // on the strand: on_drained when the queue empties
  std::atomic<std::size_t> unsent_bytes_{0};  // any thread: what send() reports
  bool cut_ = false;
  bool handler_failed_ = false;  // the application threw: it is told nothing more but on_close
  std::optional<websocket::close_reason> pending_close_;
  using timer = net::basic_waitable_timer<std::chrono::steady_clock, net::wait_traits<std::chrono::steady_clock>,
                                          tls_stream::executor_type>;
  timer phase_timer_;  // before the upgrade: the deadline of each phase
  timer idle_timer_;
  timer hello_timer_;
  std::chrono::steady_clock::time_point last_message_;                // the last application message
  std::chrono::steady_clock::time_point last_frame_;                  // the last frame of any kind
  const bool releases_tls_buffers_ = openssl_frees_buffers_safely();  // else OpenSSL frees them per record
  bool tls_buffers_held_ = releases_tls_buffers_;                     // OpenSSL's record buffers may be allocated
  std::chrono::steady_clock::time_point tls_release_not_before_;      // a release that could not be done: retry then
  bool upgraded_ = false;
  bool established_ = false;
  bool finished_ = false;
};

}  // namespace

void transport_impl::accept(tcp::socket socket) {
  // Drafts, acks and close frames are small and go out back to back: with
  // Nagle's algorithm each would wait for the peer's delayed ACK (40 ms).
  beast::error_code nodelay_ec;
  socket.set_option(tcp::no_delay(true), nodelay_ec);
  beast::error_code peer_ec;
  const auto peer = socket.remote_endpoint(peer_ec);
  auto address = peer.address();
  // An IPv4 client on a dual-stack socket counts as the same client as on
  // an IPv4 one.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  std::string remote = peer_ec ? std::string("unknown") : address.to_string();
  const bool via_proxy = std::find(options_.trusted_proxies.begin(), options_.trusted_proxies.end(), remote) !=
                         options_.trusted_proxies.end();
  switch (admission_.admit(via_proxy ? std::string() : remote)) {
    case admission::verdict::admitted: break;
    case admission::verdict::over_total: observer_.on_event(transport_event::refused_capacity); return;
    case admission::verdict::over_per_address: observer_.on_event(transport_event::refused_per_address); return;
    case admission::verdict::stopping: return;  // accepted in the instant the server began to stop
  }
  // The socket closes with `socket` when refused; once admitted, the link
  // gives its place back when it goes.
  auto link = std::make_shared<ws_link>(std::move(socket), std::move(remote), via_proxy, shared_from_this());
  if (track(link)) link->run();
}

bool transport_impl::track(const std::shared_ptr<ws_link>& link) {
  std::lock_guard lock(links_mutex_);
  if (stopping_) return false;
  links_.emplace(link.get(), link);
  return true;
}

void transport_impl::untrack(const ws_link* link) {
  std::lock_guard lock(links_mutex_);
  links_.erase(link);
}

void transport_impl::stop(const std::string& reason) {
  admission_.stop();
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

tls_transport::tls_transport(net::io_context& ioc, parts with) : impl_(std::make_shared<impl>(ioc, with)) {}

tls_transport::~tls_transport() = default;

void tls_transport::use_tls(const std::function<void(ssl::context&)>& configure) {
  auto fresh = std::make_shared<ssl::context>(ssl::context::tls_server);
  configure(*fresh);  // throws: the context in use stays
  std::lock_guard lock(impl_->ssl_ctx_mutex_);
  impl_->ssl_ctx_ = std::move(fresh);
}

void tls_transport::accept(tcp::socket socket) { impl_->accept(std::move(socket)); }

void tls_transport::stop(const std::string& reason) { impl_->stop(reason); }

}  // namespace heard::server
