#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "heard/v1/heard.pb.h"

namespace heard::client {

/// What `heard` was asked to do, checked: built once from argv, with every
/// default in one place (command_line.cpp).
struct command_line {
  std::string command;  // start, join, guide or resume
  std::string code;     // join: the code; resume: which saved seat (a number or a code), if several
  std::string name;
  std::string server_url = "wss://localhost:8443";
  std::string ca_file;
  std::string first;       // start: me, partner, random; guide: a, b, random
  std::string state_dir;   // one state file per session seat in here (default: the XDG state folder)
  std::string state_file;  // or exactly this file (scripts, tests)
  std::string topic;
  std::string summary_path;
  bool spoken = false;
  bool plain = false;
  std::string drafts = "lines";  // line mode: all, lines or off (see plain_ui's draft_lines)
  unsigned rounds = 0;
  double speak_limit_min = 0;
  double reflect_limit_min = 0;

  /// The session a start or guide asks the server for.
  v1::CreateOptions create_options() const;
};

/// A command line to run, or the exit code after --help (0) or a usage
/// error (2), whose sentence has been written to `err`.
struct parsed_command_line {
  std::optional<command_line> line;
  int exit_code = 0;
};
parsed_command_line parse_command_line(int argc, const char* const argv[], std::ostream& out, std::ostream& err);

}  // namespace heard::client
