// heard: the Heard client. Wiring only: options, the client library, and the
// line-mode UI fed from standard input.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "command_line.hpp"
#include "full_screen_ui.hpp"
#include "plain_ui.hpp"
#include "session_client.hpp"
#include "summary_format.hpp"
#include "terminal.hpp"

namespace net = boost::asio;
using namespace heard;

int main(int argc, char* argv[]) {
  client::use_utf8_characters();
  auto parsed = client::parse_command_line(argc, argv, std::cout, std::cerr);
  if (!parsed.line) return parsed.exit_code;
  const client::command_line& args = *parsed.line;

  const bool saved = client::session_client::has_saved_session(args.state_file);
  if (args.command == "resume" && !saved) {
    std::cerr << "heard: there is no unfinished session to resume (" << args.state_file << ")\n";
    return 2;
  }
  if (args.command != "resume" && saved && !args.abandon) {
    std::cerr << "heard: you have an unfinished session. Take your seat back with 'heard resume',\n"
                 "       or start anyway with --abandon (your partner will see you as away).\n";
    return 2;
  }

  std::string url_error;
  auto server = client::parse_server_url(args.server_url, url_error);
  if (!server) {
    std::cerr << "heard: --server: " << url_error << "\n";
    return 2;
  }

  net::io_context ioc(1);
  client::client_options client_options;
  client_options.server = *server;
  client_options.tls.ca_file = args.ca_file;
  client_options.name = args.name;
  client_options.state_file = args.state_file;

  std::shared_ptr<client::session_client> session;
  std::unique_ptr<client::session_ui> ui;
  std::string summary_saved;
  try {
    session = std::make_shared<client::session_client>(ioc, client_options, [&](const client::client_event& e) {
      if (const auto* m = std::get_if<v1::ServerMessage>(&e); m && m->has_summary() && !args.summary_path.empty()) {
        try {
          const auto [json, md] = client::write_summary(m->summary(), args.summary_path);
          summary_saved = "Session summary saved: " + json + " and " + md;
        } catch (const std::exception& error) {
          summary_saved = std::string("heard: ") + error.what();
        }
      }
      ui->on_event(e);
      if (ui->finished()) ioc.stop();
    });
  } catch (const std::exception& e) {
    std::cerr << "heard: " << e.what() << "\n";
    return 1;
  }
  // The full screen when a person is at a terminal; lines for scripts, pipes
  // and screen readers (--plain).
  const bool full_screen = !args.plain && client::terminal_supports_full_screen();
  client::plain_ui* line_ui = nullptr;
  client::full_screen_ui* screen_ui = nullptr;
  if (full_screen) {
    auto s = std::make_unique<client::full_screen_ui>(ioc, *session);
    screen_ui = s.get();
    ui = std::move(s);
  } else {
    client::plain_options plain;
    plain.drafts = args.drafts == "all"   ? client::draft_lines::all
                   : args.drafts == "off" ? client::draft_lines::off
                                          : client::draft_lines::lines;
    auto p = std::make_unique<client::plain_ui>(ioc, *session, std::cout, plain);
    line_ui = p.get();
    ui = std::move(p);
  }

  if (args.command == "start" || args.command == "guide") {
    session->start(args.create_options());
  } else if (args.command == "join") {
    session->join(args.code);
  } else {
    session->resume_saved();
  }

  // Ctrl-C and SIGTERM leave the session cleanly (the partner is told).
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (!ec) ui->quit();
  });

  if (screen_ui) {
    screen_ui->start();
  } else {
    // Standard input is read on its own thread; each line is handed to the UI
    // on the client's thread. At end of input heard stays until the session
    // ends, so a script can pipe its commands in.
    std::thread input([&ioc, line_ui] {
      std::string line;
      while (std::getline(std::cin, line)) {
        net::post(ioc, [line_ui, line] { line_ui->on_line(line); });
      }
    });
    input.detach();
  }

  try {
    ioc.run();
  } catch (const std::exception& e) {
    ui.reset();  // gives the terminal back first
    std::cerr << "heard: " << e.what() << "\n";
    return 1;
  }
  const int status = ui->exit_code();
  ui.reset();  // gives the terminal back first
  if (!summary_saved.empty()) std::cout << summary_saved << std::endl;
  return status;
}
