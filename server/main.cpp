// heard-server: wiring only. See docs/architecture.md.
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <functional>
#include <iostream>
#include <thread>

#include "heard_server.hpp"

int main(int argc, char* argv[]) {
  // A log reader that goes away (the far end of `| tee`, a collector that
  // died) must not kill the server with SIGPIPE at its next line: a Ctrl-C
  // would then take every session with it, unsaved. Writes to a closed pipe
  // fail quietly instead; sockets already send with MSG_NOSIGNAL.
  std::signal(SIGPIPE, SIG_IGN);
  auto parsed = heard::server::parse_server_config(argc, argv);
  if (!parsed.config) return parsed.exit_code;

  try {
    heard::server::heard_server server(*parsed.config, std::cerr);
    server.start();

    // A separate io_context for signals keeps the server's own one free to
    // run out of work once every link has closed.
    boost::asio::io_context signal_ioc;
    boost::asio::signal_set signals(signal_ioc, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int) {
      if (!ec) server.stop();
    });
    // SIGHUP: a renewed certificate (systemctl reload); every time it comes.
    boost::asio::signal_set hangups(signal_ioc, SIGHUP);
    std::function<void()> await_hangup = [&] {
      hangups.async_wait([&](boost::system::error_code ec, int) {
        if (ec) return;
        if (const auto error = server.reload_certificate(); !error.empty()) {
          std::cerr << "heard-server: the certificate was not reloaded (" << error
                    << "); the one in use stays. Check --cert and --key." << std::endl;
        }
        await_hangup();
      });
    };
    await_hangup();
    std::thread signal_thread([&] { signal_ioc.run(); });
    // Whatever leaves run(), the signal thread is stopped and joined first: a
    // joinable std::thread destroyed by an exception would abort the process.
    struct join_on_exit {
      boost::asio::io_context& ioc;
      std::thread& thread;
      ~join_on_exit() {
        ioc.stop();
        thread.join();
      }
    } joiner{signal_ioc, signal_thread};
    // Said only once SIGTERM is handled: a supervisor (or a test) that stops
    // the server as soon as it is up gets a clean stop, sessions saved.
    std::cout << "heard-server listening on " << server.listening_on() << std::endl;
    server.run();
    if (!server.save_error().empty()) {
      std::cerr << "heard-server: the sessions could not be saved (" << server.save_error()
                << "); clients will be told their sessions are gone. Check --state-file." << std::endl;
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "heard-server: " << e.what() << std::endl;
    return 1;
  }
}
