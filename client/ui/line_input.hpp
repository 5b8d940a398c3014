#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/streambuf.hpp>

#include <functional>
#include <string>

namespace heard::client {

/// Lines from standard input, handed to `on_line` on the client's own
/// thread: read with Asio when stdin is a terminal, a pipe or a socket, and
/// read through at once when it is a file (or /dev/null), which never waits.
/// No thread of its own, so nothing outlives main.
class line_input {
 public:
  line_input(boost::asio::io_context& ioc, std::function<void(const std::string&)> on_line);
  /// Starts reading; each line goes to `on_line` without its newline.
  void start();

 private:
  void read_next();

  boost::asio::io_context& ioc_;
  std::function<void(const std::string&)> on_line_;
  boost::asio::posix::stream_descriptor stdin_;
  boost::asio::streambuf buffer_;
};

}  // namespace heard::client
