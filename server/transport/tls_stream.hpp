#pragma once

// OpenSSL straight on the socket, as the stream under Beast's WebSocket.
//
// asio::ssl::stream keeps four 17 KiB buffers per connection (its own two
// and a BIO pair's), zero-filled, for as long as the connection lives:
// 68 KiB of an idle connection's 78. Here OpenSSL writes the socket itself
// and reads through a 1 KiB window the socket fills (a BIO of our own);
// its record buffers are freed when the link goes quiet (release_buffers),
// so an idle connection holds only its SSL state and that window.
// Reading through Asio's own read (not a wait and a read) lets Asio skip the
// syscalls a wait costs: one recv per message, as a bare relay does. Each
// operation tries OpenSSL first and goes to the socket only when OpenSSL
// asks to. Included only by tls_transport.cpp.
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/role.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tls_context.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <memory>

namespace heard::server {

class tls_stream {
 public:
  using tcp = boost::asio::ip::tcp;
  // A concrete strand, not Asio's type-erased any_io_executor: every
  // operation asks for its executor, and the erased one costs a copy, a
  // `prefer` and type comparisons each time.
  using executor_type = boost::asio::strand<boost::asio::io_context::executor_type>;
  using socket_type = boost::asio::basic_stream_socket<tcp, executor_type>;
  using error_code = boost::system::error_code;
  /// The most one write sends (one TLS record's plaintext).
  static constexpr std::size_t max_gather_bytes = 16 * 1024;

  /// Takes the accepted `socket` onto `strand` (non-blocking from here) and
  /// a server-side SSL from `context`, which the SSL keeps alive by its own
  /// reference.
  tls_stream(tcp::socket&& accepted, executor_type strand, SSL_CTX* context, std::chrono::milliseconds close_linger)
      : socket_(std::move(strand)), ssl_(SSL_new(context)), close_linger_(close_linger) {
    error_code ignored;
    const auto protocol = accepted.local_endpoint(ignored).protocol();
    socket_.assign(protocol, accepted.release(ignored), ignored);
    socket_.non_blocking(true, ignored);
    if (ssl_) {
      // Partial writes as a socket does. Not SSL_MODE_RELEASE_BUFFERS: it
      // frees and reallocates (zeroed) the 17 KiB record buffers for every
      // record; the link frees them when it goes quiet instead.
      SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                             (openssl_frees_buffers_safely() ? 0 : SSL_MODE_RELEASE_BUFFERS));
      BIO* bio = BIO_new(socket_bio());
      BIO_set_data(bio, this);
      SSL_set_bio(ssl_, bio, bio);  // one reference for both directions
      SSL_set_accept_state(ssl_);
    }
  }
  ~tls_stream() {
    if (ssl_) SSL_free(ssl_);
  }
  tls_stream(const tls_stream&) = delete;
  tls_stream& operator=(const tls_stream&) = delete;

  executor_type get_executor() noexcept { return socket_.get_executor(); }

  /// Frees OpenSSL's record buffers if they hold nothing: no record part read
  /// and no plaintext left unread, nothing left to write. Call between
  /// operations, with no write under way; OpenSSL allocates them again when
  /// the link next reads or writes. Never where openssl_frees_buffers_safely
  /// says no: there they are released per record (SSL_MODE_RELEASE_BUFFERS).
  bool release_buffers() {
    if (!ssl_ || !openssl_frees_buffers_safely() || SSL_pending(ssl_) > 0 || SSL_has_pending(ssl_) == 1) return false;
    return SSL_free_buffers(ssl_) == 1;
  }
  socket_type& socket() { return socket_; }
  std::chrono::milliseconds close_linger() const { return close_linger_; }

  template <class Handler>
  auto async_handshake(Handler&& handler) {
    return boost::asio::async_compose<Handler, void(error_code)>(step_op<handshake>{*this, false, false}, handler,
                                                                 socket_);
  }

  /// Sends close_notify (not waiting for the peer's: the TCP close that
  /// follows drains what it sends).
  template <class Handler>
  auto async_shutdown(Handler&& handler) {
    return boost::asio::async_compose<Handler, void(error_code)>(step_op<shutdown>{*this, false, false}, handler,
                                                                 socket_);
  }

  template <class MutableBuffers, class Handler>
  auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    return boost::asio::async_compose<Handler, void(error_code, std::size_t)>(
        io_op<true, boost::asio::mutable_buffer>{*this, first_buffer<boost::asio::mutable_buffer>(buffers), false,
                                                 nullptr, false},
        handler, socket_);
  }

  /// Gathers the buffers (a WebSocket frame's header and payload, say) into
  /// one TLS record: a record per buffer would double the encryptions and
  /// the bytes on the wire. The copy is into a per-thread scratch area, made
  /// the operation's own only if it has to wait (a full socket).
  template <class ConstBuffers, class Handler>
  auto async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    thread_local std::array<char, max_gather_bytes> scratch;
    const std::size_t size = boost::asio::buffer_copy(boost::asio::buffer(scratch), buffers);
    return boost::asio::async_compose<Handler, void(error_code, std::size_t)>(
        io_op<false, boost::asio::const_buffer>{*this, boost::asio::const_buffer(scratch.data(), size), false, nullptr,
                                                false},
        handler, socket_);
  }

  /// Stops sending, discards the peer's input until it closes or
  /// close_linger passes, then closes: closing with unread input would make
  /// the kernel send a reset, and the peer could lose our last words (the
  /// close frame that says why, an HTTP answer).
  template <class Handler>
  auto async_lingering_close(Handler&& handler) {
    return boost::asio::async_compose<Handler, void(error_code)>(
        linger_op{*this, std::make_unique<std::array<char, 4096>>(), nullptr}, handler, socket_);
  }

 private:
  enum step { handshake, shutdown };

  // The first non-empty buffer: one TLS record's worth at a time, as
  // asio::ssl does.
  template <class Out, class Buffers>
  static Out first_buffer(const Buffers& buffers) {
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      const Out buffer(*it);
      if (buffer.size() > 0) return buffer;
    }
    return Out{};
  }

  // --- The BIO: writes to the socket, reads from the window ---------------------
  static int bio_write(BIO* bio, const char* data, int size) {
    auto* s = static_cast<tls_stream*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    // MSG_NOSIGNAL: a peer that has gone is an error here, not a SIGPIPE.
    const auto sent = ::send(s->socket_.native_handle(), data, static_cast<std::size_t>(size), MSG_NOSIGNAL);
    if (sent >= 0) return static_cast<int>(sent);
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_write(bio);
    return -1;
  }

  static int bio_read(BIO* bio, char* out, int size) {
    auto* s = static_cast<tls_stream*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    if (s->window_at_ < s->window_end_) {
      const auto n = std::min<std::size_t>(static_cast<std::size_t>(size), s->window_end_ - s->window_at_);
      std::memcpy(out, s->window_.data() + s->window_at_, n);
      s->window_at_ += n;
      return static_cast<int>(n);
    }
    if (s->eof_) return 0;
    BIO_set_retry_read(bio);  // the operation fills the window, then OpenSSL reads again
    return -1;
  }

  static long bio_ctrl(BIO*, int command, long, void*) { return command == BIO_CTRL_FLUSH ? 1 : 0; }

  static int bio_create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
  }

  static BIO_METHOD* socket_bio() {
    static BIO_METHOD* method = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "heard tls_stream");
      BIO_meth_set_write(m, bio_write);
      BIO_meth_set_read(m, bio_read);
      BIO_meth_set_ctrl(m, bio_ctrl);
      BIO_meth_set_create(m, bio_create);
      return m;
    }();
    return method;
  }

  // SSL_get_error needs an empty error queue before each call; failure()
  // leaves it empty, so this is a cheap look, not a clearing, every time.
  static void clear_errors() {
    if (ERR_peek_error() != 0) ERR_clear_error();
  }

  /// Takes what a fill of the window brought; false (and `ec` set) if the
  /// socket failed.
  bool filled(error_code& ec, std::size_t bytes) {
    filling_ = false;
    if (ec == boost::asio::error::eof) {
      eof_ = true;  // OpenSSL says whether that was clean (close_notify) or cut
      ec = {};
      return true;
    }
    if (ec) return false;
    window_at_ = 0;
    window_end_ = bytes;
    return true;
  }

  /// What a failed OpenSSL call means, in the codes the rest of the server
  /// (and Beast) knows: eof for a clean close_notify, stream_truncated for a
  /// peer that just dropped TCP.
  error_code failure(int result) const {
    const int kind = SSL_get_error(ssl_, result);
    if (kind == SSL_ERROR_ZERO_RETURN) return boost::asio::error::eof;
    const unsigned long queued = ERR_peek_error();
    if (kind == SSL_ERROR_SYSCALL && queued == 0) {
      if (result == 0 || errno == 0) return boost::asio::ssl::error::stream_truncated;
      return error_code(errno, boost::system::system_category());
    }
    if (ERR_GET_REASON(queued) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
      ERR_clear_error();
      return boost::asio::ssl::error::stream_truncated;
    }
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    return error_code(static_cast<int>(code), boost::asio::error::get_ssl_category());
  }

  /// Goes to the socket the way OpenSSL asked: more bytes into the window
  /// (`filling` then says the next call brings them), or a wait until it can
  /// write; false if the failure is not a wait.
  template <class Self>
  bool wait_if_asked(Self& self, int result, bool& filling) {
    const int kind = SSL_get_error(ssl_, result);
    if (kind == SSL_ERROR_WANT_READ) {
      fill_window(self, filling);
      return true;
    }
    if (kind == SSL_ERROR_WANT_WRITE) {
      socket_.async_wait(socket_type::wait_write, std::move(self));
      return true;
    }
    return false;
  }

  /// OpenSSL has nothing to give until the socket does: the window is read
  /// out, no record is buffered, no close_notify came and the peer is still
  /// there. (A read then only asks for more; see io_op.)
  bool nothing_to_read() const {
    return window_at_ == window_end_ && !eof_ && SSL_has_pending(ssl_) == 0 &&
           (SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) == 0;
  }

  /// More bytes from the socket into the window; `filling` then says the
  /// operation's next call brings them.
  template <class Self>
  void fill_window(Self& self, bool& filling) {
    if (filling_) {
      // Another operation is filling the window (never seen with TLS 1.3,
      // where only reads read): wait for it to have filled it.
      socket_.async_wait(socket_type::wait_read, std::move(self));
      return;
    }
    filling_ = true;
    filling = true;
    socket_.async_read_some(boost::asio::buffer(window_), std::move(self));
  }

  // An operation that completes at once completes through the executor:
  // never inside the call that started it.
  template <class Self, class... Args>
  static void complete(Self& self, bool started, Args... args) {
    if (started) return self.complete(args...);
    auto executor = self.get_io_executor();
    boost::asio::post(executor, [self = std::move(self), args...]() mutable { self.complete(args...); });
  }

  template <step Step>
  struct step_op {
    tls_stream& s;
    bool started = false;
    bool filling = false;
    template <class Self>
    void operator()(Self& self, error_code ec = {}, std::size_t bytes = 0) {
      if (filling && !(filling = false, s.filled(ec, bytes))) return complete(self, started, ec);
      if (ec) return complete(self, started, ec);
      if (!s.ssl_) return complete(self, started, error_code(boost::asio::error::no_memory));
      clear_errors();
      const int result = Step == handshake ? SSL_do_handshake(s.ssl_) : SSL_shutdown(s.ssl_);
      if (result == 1 || (Step == shutdown && result == 0)) return complete(self, started, error_code{});
      const bool was_started = started;
      started = true;
      if (s.wait_if_asked(self, result, filling)) return;
      // A shutdown after a failed connection has nothing left to say.
      complete(self, was_started, Step == shutdown ? error_code{} : s.failure(result));
    }
  };

  template <bool Read, class Buffer>
  struct io_op {
    tls_stream& s;
    Buffer buffer;
    bool started = false;
    std::unique_ptr<char[]> owned;  // a write's bytes, once it waits (the scratch area is the thread's)
    bool filling = false;
    template <class Self>
    void operator()(Self& self, error_code ec = {}, std::size_t bytes = 0) {
      if (filling && !(filling = false, s.filled(ec, bytes))) return complete(self, started, ec, std::size_t{0});
      if (ec) return complete(self, started, ec, std::size_t{0});
      if (buffer.size() == 0) return complete(self, started, error_code{}, std::size_t{0});
      if (!s.ssl_) return complete(self, started, error_code(boost::asio::error::no_memory), std::size_t{0});
      if constexpr (Read) {
        // Nothing in the window and nothing OpenSSL holds: SSL_read could
        // only ask for more. To the socket at once: a call into OpenSSL
        // fewer for every message read.
        if (s.nothing_to_read()) {
          started = true;
          return s.fill_window(self, filling);
        }
      }
      clear_errors();
      const int size = static_cast<int>(std::min<std::size_t>(buffer.size(), INT_MAX));
      const int result = Read ? SSL_read(s.ssl_, const_cast<void*>(static_cast<const void*>(buffer.data())), size)
                              : SSL_write(s.ssl_, buffer.data(), size);
      if (result > 0) return complete(self, started, error_code{}, static_cast<std::size_t>(result));
      const bool was_started = started;
      started = true;
      if constexpr (!Read) {
        if (!owned) {
          // OpenSSL wants the same bytes again (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER lets them move).
          owned = std::make_unique<char[]>(buffer.size());
          std::memcpy(owned.get(), buffer.data(), buffer.size());
          buffer = Buffer(owned.get(), buffer.size());
        }
      }
      if (s.wait_if_asked(self, result, filling)) return;
      complete(self, was_started, s.failure(result), std::size_t{0});
    }
  };

  struct linger_op {
    tls_stream& s;
    std::unique_ptr<std::array<char, 4096>> discard;
    std::unique_ptr<boost::asio::steady_timer> deadline;
    template <class Self>
    void operator()(Self& self, error_code ec = {}, std::size_t = 0) {
      error_code ignored;
      if (!deadline) {
        s.socket_.shutdown(socket_type::shutdown_send, ignored);
        deadline = std::make_unique<boost::asio::steady_timer>(s.socket_.get_executor());
        deadline->expires_after(s.close_linger_);
        deadline->async_wait([&socket = s.socket_](error_code wait_ec) {
          error_code cancel_ignored;
          if (!wait_ec) socket.cancel(cancel_ignored);  // kept sending for close_linger: enough
        });
      } else if (ec) {
        // eof: the peer closed too; aborted: it kept sending. Either way done.
        deadline->cancel();
        s.socket_.close(ignored);
        return self.complete(error_code{});
      }
      s.socket_.async_read_some(boost::asio::buffer(*discard), std::move(self));
    }
  };

  socket_type socket_;
  SSL* ssl_;
  std::chrono::milliseconds close_linger_;
  // What the socket gave and OpenSSL has not read yet. Every idle
  // connection holds it, so it is small; but a typical draft's record (two
  // sealed boxes, about 620 bytes) must arrive in one recv: at 512 bytes it
  // took two, a syscall more per message than needed (about 1.4 us of
  // 14.7). A larger message takes a few fills.
  static constexpr std::size_t window_bytes = 1024;
  std::array<char, window_bytes> window_{};
  std::size_t window_at_ = 0;
  std::size_t window_end_ = 0;
  bool filling_ = false;  // a read into the window is under way
  bool eof_ = false;      // the peer closed TCP
};

// Found by argument-dependent lookup from Beast's WebSocket close: TLS
// close_notify, then the lingering TCP close.
template <class Handler>
void async_teardown(boost::beast::role_type, tls_stream& stream, Handler&& handler) {
  stream.async_shutdown([&stream, handler = std::forward<Handler>(handler)](boost::system::error_code) mutable {
    stream.async_lingering_close(std::move(handler));
  });
}

// Beast's way to close the lowest layer (a timeout, a failed handshake).
inline void beast_close_socket(tls_stream& stream) {
  boost::system::error_code ignored;
  stream.socket().close(ignored);
}

inline void teardown(boost::beast::role_type, tls_stream& stream, boost::system::error_code& ec) {
  boost::system::error_code ignored;
  stream.socket().shutdown(tls_stream::socket_type::shutdown_both, ignored);
  stream.socket().close(ec);
}

}  // namespace heard::server
