#include "recording_relay.hpp"

#include <fcntl.h>
#include <poll.h>

#include <optional>
#include <stdexcept>

#include "loopback.hpp"
#include "test_client.hpp"

namespace heard::testing {
namespace {

struct ws_frame {
  unsigned char first_byte;  // FIN and opcode
  std::string payload;       // unmasked
  std::size_t size;          // header and payload, as sent
};

// The complete frame at `at` of `stream`, if all of it is there (RFC 6455 5.2).
std::optional<ws_frame> frame_at(const std::string& stream, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(stream[i]); };
  if (at + 2 > stream.size()) return std::nullopt;
  const bool masked = (byte(at + 1) & 0x80) != 0;
  std::uint64_t length = byte(at + 1) & 0x7f;
  std::size_t header = 2;
  if (length == 126 || length == 127) {
    const std::size_t bytes = length == 126 ? 2 : 8;
    if (at + 2 + bytes > stream.size()) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | byte(at + 2 + i);
    header += bytes;
  }
  const std::size_t key_at = at + header;
  if (masked) header += 4;
  if (at + header + length > stream.size()) return std::nullopt;
  ws_frame f{byte(at), {}, header + length};
  f.payload.reserve(length);
  for (std::uint64_t i = 0; i < length; ++i) {
    const auto c = byte(at + header + i);
    f.payload.push_back(static_cast<char>(masked ? c ^ byte(key_at + i % 4) : c));
  }
  return f;
}

// The WebSocket payloads in one direction's bytes, after its HTTP head.
void append_payloads(const std::string& stream, std::string& out) {
  std::size_t at = stream.find("\r\n\r\n");
  if (at == std::string::npos) return;
  at += 4;
  while (auto f = frame_at(stream, at)) {
    out += f->payload;
    at += f->size;
  }
}

// An unmasked frame, as a server sends it.
std::string server_frame(unsigned char first_byte, const std::string& payload) {
  std::string out(1, static_cast<char>(first_byte));
  const auto n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xffff) {
    out.push_back(126);
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xff));
  } else {
    out.push_back(127);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  return out + payload;
}

}  // namespace

// What goes on towards a client: with a tamper, each whole binary message
// the server sends is handed to it and sent on as it leaves it.
std::string recording_relay::to_client_stream::feed(std::string_view bytes) {
  if (!tamper) return std::string(bytes);
  pending += bytes;
  std::string out;
  if (!head_done) {
    const auto end = pending.find("\r\n\r\n");
    if (end == std::string::npos) return out;
    out = pending.substr(0, end + 4);
    pending.erase(0, end + 4);
    head_done = true;
  }
  while (auto f = frame_at(pending, 0)) {
    const bool whole_binary = f->first_byte == 0x82;
    out += whole_binary && tamper(connection, f->payload) ? server_frame(f->first_byte, f->payload)
                                                          : pending.substr(0, f->size);
    pending.erase(0, f->size);
  }
  return out;
}

namespace {

// Reads what `from` has and writes it all to `to`; false once either side is done.
template <typename Transform>
bool pump(SSL* from, SSL* to, int to_fd, std::string& record, std::mutex& mutex, Transform&& transform) {
  char buf[16384];
  for (;;) {
    const int read = SSL_read(from, buf, sizeof buf);
    if (read <= 0) return SSL_get_error(from, read) == SSL_ERROR_WANT_READ;
    {
      std::lock_guard lock(mutex);
      record.append(buf, static_cast<std::size_t>(read));
    }
    const std::string out = transform(std::string_view(buf, static_cast<std::size_t>(read)));
    const int n = static_cast<int>(out.size());
    for (int sent = 0; sent < n;) {
      const int w = SSL_write(to, out.data() + sent, n - sent);
      if (w > 0) {
        sent += w;
        continue;
      }
      if (SSL_get_error(to, w) != SSL_ERROR_WANT_WRITE && SSL_get_error(to, w) != SSL_ERROR_WANT_READ) return false;
      pollfd p{to_fd, POLLOUT, 0};
      ::poll(&p, 1, 100);
    }
  }
}

// A TLS handshake on a blocking socket, then the socket goes non-blocking.
SSL* handshake(SSL_CTX* ctx, int fd, bool accept) {
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (!accept) SSL_set_tlsext_host_name(ssl, "localhost");
  if ((accept ? SSL_accept(ssl) : SSL_connect(ssl)) != 1) {
    SSL_free(ssl);
    return nullptr;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return ssl;
}

}  // namespace

recording_relay::recording_relay(std::uint16_t upstream_port, tamper_function tamper)
    : upstream_port_(upstream_port), tamper_(std::move(tamper)) {
  accept_ctx_ = SSL_CTX_new(TLS_server_method());
  connect_ctx_ = SSL_CTX_new(TLS_client_method());
  const std::string dir = test_cert_dir();
  if (SSL_CTX_use_certificate_chain_file(accept_ctx_, (dir + "/server.crt").c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(accept_ctx_, (dir + "/server.key").c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_load_verify_locations(connect_ctx_, (dir + "/ca.crt").c_str(), nullptr) != 1) {
    throw std::runtime_error("recording_relay: cannot load the test certificates from " + dir);
  }
  SSL_CTX_set_verify(connect_ctx_, SSL_VERIFY_PEER, nullptr);
  listener_ = listen_on_loopback(port_, "recording_relay");
  acceptor_ = std::thread([this] { accept_loop(); });
}

recording_relay::~recording_relay() {
  stop_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  for (auto& t : connections_) t.join();
  ::close(listener_);
  SSL_CTX_free(accept_ctx_);
  SSL_CTX_free(connect_ctx_);
}

void recording_relay::accept_loop() {
  while (!stop_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::lock_guard lock(mutex_);
    recordings_.emplace_back();
    connections_.emplace_back([this, client, index = recordings_.size() - 1] { serve(client, index); });
  }
}

void recording_relay::serve(int client_fd, std::size_t index) {
  const int server_fd = connect_to_loopback(upstream_port_);
  SSL* client = handshake(accept_ctx_, client_fd, true);
  SSL* server = server_fd >= 0 && client ? handshake(connect_ctx_, server_fd, false) : nullptr;
  if (client && server) {
    recorded* record = nullptr;
    {
      std::lock_guard lock(mutex_);
      record = &recordings_[index];
    }
    to_client_stream towards_client{index, tamper_, {}, false};
    const auto as_is = [](std::string_view bytes) { return std::string(bytes); };
    const auto tampered = [&](std::string_view bytes) { return towards_client.feed(bytes); };
    while (!stop_) {
      if (!pump(client, server, server_fd, record->to_server, mutex_, as_is) ||
          !pump(server, client, client_fd, record->to_client, mutex_, tampered)) {
        break;
      }
      pollfd fds[2] = {{client_fd, POLLIN, 0}, {server_fd, POLLIN, 0}};
      ::poll(fds, 2, 50);
    }
  }
  if (client) SSL_free(client);
  if (server) SSL_free(server);
  ::close(client_fd);
  if (server_fd >= 0) ::close(server_fd);
}

std::string recording_relay::payloads() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& r : recordings_) {
    append_payloads(r.to_server, out);
    append_payloads(r.to_client, out);
  }
  return out;
}

std::size_t recording_relay::bytes_forwarded() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& r : recordings_) n += r.to_server.size() + r.to_client.size();
  return n;
}

}  // namespace heard::testing
