// heard-server: wiring only. See docs/architecture.md.
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <iostream>

#include "heard_server.hpp"

int main(int argc, char* argv[]) {
  auto parsed = heard::server::parse_server_config(argc, argv);
  if (!parsed.config) return parsed.exit_code;

  try {
    heard::server::heard_server server(*parsed.config, std::cerr);
    server.start();
    std::cout << "heard-server listening on " << server.listening_on() << std::endl;

    // A separate io_context for signals keeps the server's own one free to
    // run out of work once every link has closed.
    boost::asio::io_context signal_ioc;
    boost::asio::signal_set signals(signal_ioc, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int) {
      if (!ec) server.stop();
    });
    std::thread signal_thread([&] { signal_ioc.run(); });
    server.run();
    signals.cancel();
    signal_thread.join();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "heard-server: " << e.what() << std::endl;
    return 1;
  }
}
