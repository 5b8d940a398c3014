#include "fault_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <string>

#include "loopback.hpp"

namespace heard::testing {

fault_proxy::fault_proxy(std::uint16_t upstream_port, std::optional<int> upstream_receive_buffer)
    : upstream_port_(upstream_port), upstream_receive_buffer_(upstream_receive_buffer) {
  listener_ = listen_on_loopback(port_, "fault_proxy");
  if (::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("fault_proxy: pipe");
  thread_ = std::thread([this] { run(); });
}

fault_proxy::~fault_proxy() {
  stop_ = true;
  wake();
  thread_.join();
  for (auto& p : pairs_) close_pair(p, false);
  ::close(listener_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

void fault_proxy::wake() {
  const char c = 1;
  [[maybe_unused]] auto n = ::write(wake_pipe_[1], &c, 1);
}

void fault_proxy::reset_all() {
  {
    std::lock_guard lock(mutex_);
    reset_requested_ = true;
  }
  wake();
}

void fault_proxy::cut_after(std::size_t bytes, direction dir) {
  {
    std::lock_guard lock(mutex_);
    cut_requested_ = std::make_pair(bytes, dir);
    cut_next_ = std::make_pair(bytes, dir);
  }
  wake();
}

void fault_proxy::stall(bool on) {
  stalled_ = on;
  wake();
}

void fault_proxy::close_pair(pipe_pair& p, bool reset) {
  for (int* fd : {&p.client, &p.server}) {
    if (*fd < 0) continue;
    if (reset) {
      // SO_LINGER 0: close sends RST, as a dying NAT or a pulled cable might.
      linger l{1, 0};
      ::setsockopt(*fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    ::close(*fd);
    *fd = -1;
  }
  if (reset) ++cut_;
}

bool fault_proxy::forward(pipe_pair& p, bool to_server) {
  const int from = to_server ? p.client : p.server;
  const int to = to_server ? p.server : p.client;
  auto& budget = to_server ? p.cut_to_server : p.cut_to_client;
  char buf[16384];
  std::size_t want = sizeof buf;
  if (budget) want = std::min(want, *budget);
  if (want == 0) {
    close_pair(p, true);
    return false;
  }
  const ssize_t n = ::read(from, buf, want);
  if (n <= 0) {
    close_pair(p, false);
    return false;
  }
  for (ssize_t done = 0; done < n;) {
    const ssize_t w = ::write(to, buf + done, static_cast<std::size_t>(n - done));
    if (w <= 0) {
      close_pair(p, false);
      return false;
    }
    done += w;
  }
  if (budget) {
    *budget -= static_cast<std::size_t>(n);
    if (*budget == 0) {
      close_pair(p, true);
      return false;
    }
  }
  return true;
}

void fault_proxy::run() {
  while (!stop_) {
    {
      std::lock_guard lock(mutex_);
      if (reset_requested_) {
        for (auto& p : pairs_) close_pair(p, true);
        reset_requested_ = false;
      }
      if (cut_requested_) {
        for (auto& p : pairs_) {
          (cut_requested_->second == direction::to_server ? p.cut_to_server : p.cut_to_client) = cut_requested_->first;
        }
        cut_requested_.reset();
      }
    }
    std::erase_if(pairs_, [](const pipe_pair& p) { return p.client < 0; });

    std::vector<pollfd> fds{{wake_pipe_[0], POLLIN, 0}, {listener_, POLLIN, 0}};
    if (!stalled_) {
      for (const auto& p : pairs_) {
        fds.push_back({p.client, POLLIN, 0});
        fds.push_back({p.server, POLLIN, 0});
      }
    }
    if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) break;
    if (fds[0].revents) {
      char drain[64];
      while (::read(wake_pipe_[0], drain, sizeof drain) > 0) {
      }
    }
    if (fds[1].revents & POLLIN) {
      const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) {
        const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (upstream_receive_buffer_) {
          ::setsockopt(server, SOL_SOCKET, SO_RCVBUF, &*upstream_receive_buffer_, sizeof(int));
        }
        auto addr = loopback(upstream_port_);
        if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
          ::close(server);
          ::close(client);
        } else if (send_proxy_v2_ && !write_proxy_v2(client, server)) {
          ::close(server);
          ::close(client);
        } else {
          const int one = 1;
          ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          pipe_pair p{client, server, std::nullopt, std::nullopt};
          std::lock_guard lock(mutex_);
          if (cut_next_) {
            (cut_next_->second == direction::to_server ? p.cut_to_server : p.cut_to_client) = cut_next_->first;
            cut_next_.reset();
          }
          pairs_.push_back(p);
          ++accepted_;
        }
      }
    }
    if (stalled_) continue;
    // Index by position: forwarding may close a pair but never reshapes the vector.
    for (std::size_t i = 2, k = 0; i + 1 < fds.size(); i += 2, ++k) {
      auto& p = pairs_[k];
      if (p.client >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) forward(p, true);
      if (p.client >= 0 && (fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR))) forward(p, false);
    }
  }
}

bool fault_proxy::write_proxy_v2(int client, int server) {
  sockaddr_in from{};
  sockaddr_in to{};
  socklen_t from_size = sizeof from;
  socklen_t to_size = sizeof to;
  if (::getpeername(client, reinterpret_cast<sockaddr*>(&from), &from_size) != 0 ||
      ::getsockname(client, reinterpret_cast<sockaddr*>(&to), &to_size) != 0) {
    return false;
  }
  std::string header("\r\n\r\n\0\r\nQUIT\n", 12);
  header += "\x21\x11";                  // version 2, PROXY; TCP over IPv4
  header += std::string("\x00\x0c", 2);  // 12 bytes follow
  header.append(reinterpret_cast<const char*>(&from.sin_addr), 4);
  header.append(reinterpret_cast<const char*>(&to.sin_addr), 4);
  header.append(reinterpret_cast<const char*>(&from.sin_port), 2);
  header.append(reinterpret_cast<const char*>(&to.sin_port), 2);
  return ::send(server, header.data(), header.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(header.size());
}

}  // namespace heard::testing
