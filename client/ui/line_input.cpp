#include "line_input.hpp"

#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>

#include <iostream>

#include <unistd.h>

namespace heard::client {
namespace net = boost::asio;

line_input::line_input(net::io_context& ioc, std::function<void(const std::string&)> on_line)
    : ioc_(ioc), on_line_(std::move(on_line)), stdin_(ioc) {}

void line_input::start() {
  // A terminal, a pipe or a socket waits in the reactor; a file or /dev/null
  // is read at once (Asio reads speculatively, and such reads never block).
  boost::system::error_code ec;
  const int fd = ::dup(STDIN_FILENO);
  if (fd >= 0) stdin_.assign(fd, ec);
  if (fd < 0 || ec) {
    if (fd >= 0 && !stdin_.is_open()) ::close(fd);
    // No descriptor to wait on: read what there is now, in order, on the client's thread.
    for (std::string line; std::getline(std::cin, line);) {
      net::post(ioc_, [this, line] { on_line_(line); });
    }
    return;
  }
  read_next();
}

void line_input::read_next() {
  net::async_read_until(stdin_, buffer_, '\n', [this](boost::system::error_code ec, std::size_t n) {
    if (!ec) {
      const auto begin = net::buffers_begin(buffer_.data());
      std::string line(begin, begin + static_cast<std::ptrdiff_t>(n - 1));
      buffer_.consume(n);
      on_line_(line);
      return read_next();
    }
    if (ec == net::error::eof && buffer_.size() > 0) {
      // A last line without its newline still counts.
      const auto begin = net::buffers_begin(buffer_.data());
      std::string line(begin, begin + static_cast<std::ptrdiff_t>(buffer_.size()));
      buffer_.consume(buffer_.size());
      on_line_(line);
    }
    // At the end of input heard stays until the session ends.
  });
}

}  // namespace heard::client
