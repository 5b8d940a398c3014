// heard: the Heard client. Wiring only: options, which saved seat to resume,
// the client library, and a UI (the full screen, or lines from stdin).
// Every way out is one sentence and a documented exit code (docs/client.md):
// 0 the session ended or you left, 1 it could not go on, 2 a usage mistake.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <csignal>
#include <exception>
#include <iostream>

#include "command_line.hpp"
#include "full_screen_ui.hpp"
#include "line_input.hpp"
#include "plain_ui.hpp"
#include "saved_seats.hpp"
#include "session_client.hpp"
#include "summary_format.hpp"
#include "terminal.hpp"

namespace net = boost::asio;
using namespace heard;

namespace {

/// The state file `heard resume` takes, or an exit code after saying why not.
struct resume_choice {
  std::string path;
  int exit_code = 0;
};

resume_choice choose_seat_to_resume(const client::command_line& args) {
  if (!args.state_file.empty()) {
    if (client::session_client::has_saved_session(args.state_file)) return {args.state_file};
    std::cerr << "heard: there is no unfinished session to resume in " << args.state_file << "\n";
    return {{}, 2};
  }
  const auto seats = client::find_saved_seats(args.state_dir);
  if (seats.empty()) {
    std::cerr << "heard: there is no unfinished session to resume (looked in " << args.state_dir << ")\n";
    return {{}, 2};
  }
  if (!args.code.empty()) {
    if (auto i = client::choose_saved_seat(seats, args.code)) return {seats[*i].path};
  } else if (seats.size() == 1) {
    return {seats.front().path};
  }
  const auto now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::cerr << (args.code.empty() ? "heard: several unfinished sessions are saved here; say which one:\n"
                                  : "heard: '" + args.code + "' is none of the saved sessions:\n");
  for (std::size_t i = 0; i < seats.size(); ++i) {
    std::cerr << "  " << client::describe_saved_seat(seats[i], i + 1, now) << "\n";
  }
  std::cerr << "       heard resume NUMBER (or the session's code)\n";
  return {{}, 2};
}

int run(const client::command_line& args) {
  std::string url_error;
  auto server = client::parse_server_url(args.server_url, url_error);
  if (!server) {
    std::cerr << "heard: --server: " << url_error << "\n";
    return 2;
  }
  client::client_options client_options;
  client_options.server = *server;
  client_options.tls.ca_file = args.ca_file;
  client_options.name = args.name;
  client_options.state_dir = args.state_dir;
  client_options.state_file = args.state_file;
  if (args.command == "resume") {
    auto chosen = choose_seat_to_resume(args);
    if (chosen.path.empty()) return chosen.exit_code;
    client_options.state_file = chosen.path;
  }

  // Plain or full screen is decided before anything connects: a terminal
  // curses cannot drive gets the line mode, never a half-made session.
  const bool full_screen = !args.plain && client::terminal_supports_full_screen();

  net::io_context ioc(1);
  std::shared_ptr<client::session_client> session;
  std::unique_ptr<client::session_ui> ui;
  std::string summary_saved;
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
  client::full_screen_ui* screen_ui = nullptr;
  std::unique_ptr<client::line_input> lines;
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
    // Standard input is read on the client's own thread; at its end heard
    // stays until the session ends, so a script can pipe its commands in.
    lines = std::make_unique<client::line_input>(
        ioc, [line_ui = p.get()](const std::string& line) { line_ui->on_line(line); });
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
  if (screen_ui) screen_ui->start();
  if (lines) lines->start();

  ioc.run();
  const int status = ui->exit_code();
  ui.reset();  // gives the terminal back first
  session->flush_state();
  if (!summary_saved.empty()) std::cout << summary_saved << std::endl;
  return status;
}

}  // namespace

int main(int argc, char* argv[]) {
  client::use_utf8_characters();
  try {
    auto parsed = client::parse_command_line(argc, argv, std::cout, std::cerr);
    if (!parsed.line) return parsed.exit_code;
    return run(*parsed.line);
  } catch (const std::exception& e) {
    // The full screen (if any) was given back as run() unwound.
    std::cerr << "heard: " << e.what() << "\n";
    return 1;
  } catch (...) {
    std::cerr << "heard: stopped by an unknown error; your words are in the state file, resume with heard resume\n";
    return 1;
  }
}
