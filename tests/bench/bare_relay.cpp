// The floor heard-bench measures Heard against: a bare relay doing only what
// any relay must - epoll, OpenSSL 3 (TLS 1.3, the same certificate), a
// WebSocket upgrade and framing - and nothing else: two connections on the
// same path are a pair and each binary message goes to the other as is. No
// protocol, no floor, no acknowledgements, no limits. One thread.
//   heard-bare-relay CERT KEY        prints "listening on 127.0.0.1:PORT"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ws_frames.hpp"

namespace {

using heard::bench::append_frame;
using heard::bench::next_frame;

struct connection {
  int fd = -1;
  SSL* ssl = nullptr;
  bool handshaken = false;
  bool upgraded = false;
  std::string in;
  std::string out;  // plaintext SSL_write could not take yet
  std::string path;
  connection* partner = nullptr;
};

std::unordered_map<std::string, connection*> waiting;  // path -> the first of a pair

std::string websocket_accept(const std::string& key) {
  const std::string magic = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(magic.data()), magic.size(), digest);
  unsigned char encoded[64];
  const int n = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
  return std::string(reinterpret_cast<char*>(encoded), static_cast<std::size_t>(n));
}

void close_connection(int epoll_fd, connection* c) {
  if (c->partner) c->partner->partner = nullptr;
  if (!c->path.empty()) {
    auto it = waiting.find(c->path);
    if (it != waiting.end() && it->second == c) waiting.erase(it);
  }
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, nullptr);
  SSL_free(c->ssl);
  close(c->fd);
  delete c;
}

// Writes what can be written now; the rest waits for EPOLLOUT.
bool send_plain(connection* c, std::string_view bytes) {
  if (!c->out.empty()) {
    c->out.append(bytes);
    return true;
  }
  while (!bytes.empty()) {
    const int n = SSL_write(c->ssl, bytes.data(), static_cast<int>(bytes.size()));
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    const int error = SSL_get_error(c->ssl, n);
    if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) {
      c->out.append(bytes);
      return true;
    }
    return false;
  }
  return true;
}

bool flush(connection* c) {
  std::string pending;
  pending.swap(c->out);
  return send_plain(c, pending);
}

// Handles what has arrived; false: close the connection.
bool on_input(connection* c) {
  if (!c->upgraded) {
    const auto end = c->in.find("\r\n\r\n");
    if (end == std::string::npos) return c->in.size() < 8192;
    const auto first_space = c->in.find(' ');
    const auto second_space = c->in.find(' ', first_space + 1);
    c->path = c->in.substr(first_space + 1, second_space - first_space - 1);
    const auto key_at = c->in.find("Sec-WebSocket-Key: ");
    if (key_at == std::string::npos) return false;
    const auto key_end = c->in.find("\r\n", key_at);
    const std::string key = c->in.substr(key_at + 19, key_end - key_at - 19);
    c->in.erase(0, end + 4);
    c->upgraded = true;
    const std::string response =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
        websocket_accept(key) + "\r\n\r\n";
    if (!send_plain(c, response)) return false;
    if (auto it = waiting.find(c->path); it != waiting.end()) {
      c->partner = it->second;
      it->second->partner = c;
      waiting.erase(it);
    } else {
      waiting[c->path] = c;
    }
  }
  std::size_t offset = 0;
  std::string relayed;
  while (auto f = next_frame(c->in, offset)) {
    offset += f->size;
    if (f->op == heard::bench::op_close) return false;
    if (f->op == heard::bench::op_ping) {
      std::string pong;
      append_frame(pong, heard::bench::op_pong, f->payload, false);
      if (!send_plain(c, pong)) return false;
      continue;
    }
    if (f->op != heard::bench::op_binary || !c->partner) continue;
    append_frame(relayed, heard::bench::op_binary, f->payload, false);
  }
  c->in.erase(0, offset);
  if (!relayed.empty() && c->partner && !send_plain(c->partner, relayed)) return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: heard-bare-relay CERT KEY\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx, 0);
  if (SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
    std::fprintf(stderr, "heard-bare-relay: cannot load the certificate or key\n");
    return 1;
  }
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 4096) != 0) {
    std::perror("heard-bare-relay: listen");
    return 1;
  }
  socklen_t size = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &size);
  std::printf("listening on 127.0.0.1:%u\n", ntohs(addr.sin_port));
  std::fflush(stdout);

  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  epoll_event listen_event{};
  listen_event.events = EPOLLIN;
  listen_event.data.ptr = nullptr;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &listen_event);
  std::vector<epoll_event> events(1024);
  char buffer[16384];
  for (;;) {
    const int n = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      auto* c = static_cast<connection*>(events[static_cast<std::size_t>(i)].data.ptr);
      if (!c) {
        for (int fd; (fd = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          auto* fresh = new connection;
          fresh->fd = fd;
          fresh->ssl = SSL_new(ctx);
          SSL_set_fd(fresh->ssl, fd);
          SSL_set_accept_state(fresh->ssl);
          epoll_event e{};
          e.events = EPOLLIN | EPOLLOUT | EPOLLET;
          e.data.ptr = fresh;
          epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &e);
        }
        continue;
      }
      bool alive = true;
      if (!c->handshaken) {
        const int r = SSL_do_handshake(c->ssl);
        if (r == 1) {
          c->handshaken = true;
        } else {
          const int error = SSL_get_error(c->ssl, r);
          if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) alive = false;
        }
      }
      if (alive && c->handshaken && !c->out.empty()) alive = flush(c);
      while (alive && c->handshaken) {
        const int r = SSL_read(c->ssl, buffer, sizeof buffer);
        if (r > 0) {
          c->in.append(buffer, static_cast<std::size_t>(r));
          continue;
        }
        const int error = SSL_get_error(c->ssl, r);
        if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) alive = false;
        break;
      }
      if (alive && !c->in.empty()) alive = on_input(c);
      if (!alive) close_connection(epoll_fd, c);
    }
  }
}
