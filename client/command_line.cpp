#include "command_line.hpp"

#include <boost/program_options.hpp>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "codec.hpp"
#include "version.hpp"

namespace heard::client {
namespace po = boost::program_options;

namespace {

constexpr const char* usage =
    "Usage:\n"
    "  heard start [--spoken] [--first me|partner|random] [--name NAME] [options]\n"
    "  heard join CODE [--name NAME] [options]\n"
    "  heard guide [--rounds N] [--first a|b|random] [--speak-limit MIN] [--reflect-limit MIN]\n"
    "              [--topic TEXT] [--spoken] [--summary FILE] [--name NAME] [options]\n"
    "  heard resume [NUMBER|CODE] [options]   take your seat back after heard was closed or crashed\n"
    "\n"
    "Start a session and give the code it prints to your partner, who joins with it\n"
    "(a code read aloud works with spaces or dashes: heard join nrtb tmhk z7of).\n"
    "Counselors guide a session: it prints one code for each partner.\n"
    "Then type /help for the commands.\n";

// $XDG_STATE_HOME/heard, or ~/.local/state/heard.
std::string default_state_dir() {
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg) return std::string(xdg) + "/heard";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.local/state/heard";
  return {};
}

// Saved paths must work from any folder `heard resume` is run in.
std::string absolute(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  const auto full = std::filesystem::absolute(path, ec);
  return ec ? path : full.lexically_normal().string();
}

}  // namespace

v1::CreateOptions command_line::create_options() const {
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
  return create;
}

parsed_command_line parse_command_line(int argc, const char* const argv[], std::ostream& out, std::ostream& err) {
  command_line c;
  c.state_dir = default_state_dir();
  auto& command = c.command;
  auto& first = c.first;
  po::options_description options("Options");
  // clang-format off
  options.add_options()
    ("help,h", "show this help")
    ("version", "show the version")
    ("server", po::value(&c.server_url)->default_value(c.server_url), "the Heard server (wss:// only)")
    ("ca", po::value(&c.ca_file), "trust this CA certificate (PEM) instead of the system store")
    ("name", po::value(&c.name), "how your partner sees you")
    ("spoken", po::bool_switch(&c.spoken), "start: talking-stick mode, no text; talk on the phone")
    ("first", po::value(&first), "who speaks first: start: me, partner or random; guide: a, b or random")
    ("rounds", po::value(&c.rounds), "start, guide: after this many rounds, the check-in")
    ("speak-limit", po::value(&c.speak_limit_min), "start, guide: minutes a speaker has the floor")
    ("reflect-limit", po::value(&c.reflect_limit_min), "start, guide: minutes to say it back")
    ("topic", po::value(&c.topic), "start, guide: shown to both partners before the first round")
    ("summary", po::value(&c.summary_path), "guide: write the session summary to FILE.json and FILE.md")
    ("plain", po::bool_switch(&c.plain), "line mode: one line per event (the default when not on a terminal)")
    ("drafts", po::value(&c.drafts)->default_value(c.drafts),
     "line mode: the partner's live text - lines (each finished line, or after a pause in typing), all, or off")
    ("state-dir", po::value(&c.state_dir)->default_value(c.state_dir),
     "where heard keeps what it needs to resume: one file per session seat")
    ("state-file", po::value(&c.state_file), "keep (or resume) exactly this one file instead");
  // clang-format on
  po::options_description hidden;
  // A code read aloud may arrive in pieces: heard join nrtb tmhk z7of.
  std::vector<std::string> code_parts;
  hidden.add_options()("command", po::value(&command))("code", po::value(&code_parts)->multitoken());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("command", 1).add("code", -1);

  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
    if (vm.count("version")) {
      out << "heard " << release_version << " (protocol " << protocol_version << ")\n";
      return {std::nullopt, 0};
    }
    if (vm.count("help") || command.empty()) {
      out << usage << "\n" << options << "\n";
      return {std::nullopt, command.empty() && !vm.count("help") ? 2 : 0};
    }
    if (command != "start" && command != "join" && command != "resume" && command != "guide") {
      throw po::error("unknown command '" + command + "'");
    }
    for (const auto& part : code_parts) c.code += part;
    if (command != "join" && command != "resume" && !c.code.empty()) {
      throw po::error("only join and resume take a code ('" + c.code + "')");
    }
    if (command == "join" && c.code.empty()) throw po::error("join needs the CODE your partner gave you");
    if (c.drafts != "lines" && c.drafts != "all" && c.drafts != "off")
      throw po::error("--drafts must be lines, all or off");
    if (first.empty()) first = command == "guide" ? "a" : "me";
    if (command == "guide" ? (first != "a" && first != "b" && first != "random")
                           : (first != "me" && first != "partner" && first != "random")) {
      throw po::error(command == "guide" ? "--first must be a, b or random" : "--first must be me, partner or random");
    }
    if (c.speak_limit_min < 0 || c.reflect_limit_min < 0 || c.speak_limit_min > 600 || c.reflect_limit_min > 600) {
      throw po::error("time limits are minutes, from 0 (none) to 600");
    }
    if (!c.summary_path.empty() && command != "guide") throw po::error("--summary is for guide");
    c.ca_file = absolute(c.ca_file);
    c.state_dir = absolute(c.state_dir);
    c.state_file = absolute(c.state_file);
    c.summary_path = absolute(c.summary_path);
  } catch (const po::error& e) {
    err << "heard: " << e.what() << "\n" << usage;
    return {std::nullopt, 2};
  }
  return {c, 0};
}

}  // namespace heard::client
