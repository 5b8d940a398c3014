// heard: the Heard client. Wiring only: options, the client library, and the
// line-mode UI fed from standard input.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include <csignal>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "full_screen_ui.hpp"
#include "plain_ui.hpp"
#include "session_client.hpp"
#include "summary_format.hpp"
#include "terminal.hpp"

namespace po = boost::program_options;
namespace net = boost::asio;
using namespace heard;

namespace {

constexpr const char* usage =
    "Usage:\n"
    "  heard start [--spoken] [--first me|partner|random] [--name NAME] [options]\n"
    "  heard join CODE [--name NAME] [options]\n"
    "  heard guide [--rounds N] [--first a|b|random] [--speak-limit MIN] [--reflect-limit MIN]\n"
    "              [--topic TEXT] [--spoken] [--summary FILE] [--name NAME] [options]\n"
    "  heard resume [options]       take your seat back after heard was closed or crashed\n"
    "\n"
    "Start a session and give the code it prints to your partner, who joins with it.\n"
    "Counselors guide a session: it prints one code for each partner.\n"
    "Then type /help for the commands.\n";

// $XDG_STATE_HOME/heard/session, or ~/.local/state/heard/session.
std::string default_state_file() {
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/heard/session";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/state/heard/session";
  return {};
}

}  // namespace

int main(int argc, char* argv[]) {
  client::use_utf8_characters();
  std::string command, code, name, server_url, ca_file, first, state_file = default_state_file(), topic, summary_path;
  bool spoken = false, abandon = false, plain = false;
  unsigned rounds = 0;
  double speak_limit_min = 0, reflect_limit_min = 0;

  po::options_description options("Options");
  // clang-format off
  options.add_options()
    ("help,h", "show this help")
    ("server", po::value(&server_url)->default_value("wss://localhost:8443"), "the Heard server (wss:// only)")
    ("ca", po::value(&ca_file), "trust this CA certificate (PEM) instead of the system store")
    ("name", po::value(&name), "how your partner sees you")
    ("spoken", po::bool_switch(&spoken), "start: talking-stick mode, no text; talk on the phone")
    ("first", po::value(&first), "who speaks first: start: me, partner or random; guide: a, b or random")
    ("rounds", po::value(&rounds), "start, guide: after this many rounds, the check-in")
    ("speak-limit", po::value(&speak_limit_min), "start, guide: minutes a speaker has the floor")
    ("reflect-limit", po::value(&reflect_limit_min), "start, guide: minutes to say it back")
    ("topic", po::value(&topic), "start, guide: shown to both partners before the first round")
    ("summary", po::value(&summary_path), "guide: write the session summary to FILE.json and FILE.md")
    ("plain", po::bool_switch(&plain), "line mode: one line per event (the default when not on a terminal)")
    ("state-file", po::value(&state_file)->default_value(state_file), "where heard keeps what it needs to resume")
    ("abandon", po::bool_switch(&abandon), "start or join even though an unfinished session is saved");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("command", po::value(&command))("code", po::value(&code));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("command", 1).add("code", 1);

  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
    if (vm.count("help") || command.empty()) {
      std::cout << usage << "\n" << options << "\n";
      return command.empty() && !vm.count("help") ? 2 : 0;
    }
    if (command != "start" && command != "join" && command != "resume" && command != "guide") {
      throw po::error("unknown command '" + command + "'");
    }
    if (command == "join" && code.empty()) throw po::error("join needs the CODE your partner gave you");
    if (first.empty()) first = command == "guide" ? "a" : "me";
    if (command == "guide" ? (first != "a" && first != "b" && first != "random")
                           : (first != "me" && first != "partner" && first != "random")) {
      throw po::error(command == "guide" ? "--first must be a, b or random" : "--first must be me, partner or random");
    }
    if (speak_limit_min < 0 || reflect_limit_min < 0 || speak_limit_min > 600 || reflect_limit_min > 600) {
      throw po::error("time limits are minutes, from 0 (none) to 600");
    }
    if (!summary_path.empty() && command != "guide") throw po::error("--summary is for guide");
  } catch (const po::error& e) {
    std::cerr << "heard: " << e.what() << "\n" << usage;
    return 2;
  }

  const bool saved = client::session_client::has_saved_session(state_file);
  if (command == "resume" && !saved) {
    std::cerr << "heard: there is no unfinished session to resume (" << state_file << ")\n";
    return 2;
  }
  if (command != "resume" && saved && !abandon) {
    std::cerr << "heard: you have an unfinished session. Take your seat back with 'heard resume',\n"
                 "       or start anyway with --abandon (your partner will see you as away).\n";
    return 2;
  }

  std::string url_error;
  auto server = client::parse_server_url(server_url, url_error);
  if (!server) {
    std::cerr << "heard: --server: " << url_error << "\n";
    return 2;
  }

  net::io_context ioc(1);
  client::client_options client_options;
  client_options.server = *server;
  client_options.tls.ca_file = ca_file;
  client_options.name = name;
  client_options.state_file = state_file;

  std::shared_ptr<client::session_client> session;
  std::unique_ptr<client::session_ui> ui;
  std::string summary_saved;
  try {
    session = std::make_shared<client::session_client>(ioc, client_options, [&](const client::client_event& e) {
      if (const auto* m = std::get_if<v1::ServerMessage>(&e); m && m->has_summary() && !summary_path.empty()) {
        try {
          const auto [json, md] = client::write_summary(m->summary(), summary_path);
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
  const bool full_screen = !plain && client::terminal_supports_full_screen();
  client::plain_ui* line_ui = nullptr;
  client::full_screen_ui* screen_ui = nullptr;
  if (full_screen) {
    auto s = std::make_unique<client::full_screen_ui>(ioc, *session);
    screen_ui = s.get();
    ui = std::move(s);
  } else {
    auto p = std::make_unique<client::plain_ui>(*session, std::cout);
    line_ui = p.get();
    ui = std::move(p);
  }

  if (command == "start" || command == "guide") {
    v1::CreateOptions create;
    create.set_mode(spoken ? v1::MODE_SPOKEN : v1::MODE_TEXT);
    create.set_first_speaker(first == "partner" || first == "b" ? v1::FIRST_SPEAKER_PARTNER
                             : first == "random"                ? v1::FIRST_SPEAKER_RANDOM
                                                                : v1::FIRST_SPEAKER_CREATOR);
    create.set_guided(command == "guide");
    create.set_rounds(rounds);
    create.set_speak_limit_s(static_cast<std::uint32_t>(speak_limit_min * 60 + 0.5));
    create.set_reflect_limit_s(static_cast<std::uint32_t>(reflect_limit_min * 60 + 0.5));
    create.set_topic(topic);
    session->start(create);
  } else if (command == "join") {
    session->join(code);
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
