#pragma once

#include <ostream>
#include <string>

#include "session_client.hpp"
#include "session_ui.hpp"

namespace heard::client {

/// The line mode of `heard`: one line per event, each starting with a word
/// that names its kind (documented in docs/client.md), and slash commands on
/// input. Scriptable and friendly to screen readers. Holds no turn logic:
/// what may happen is the server's to decide; this only prints and sends.
class plain_ui : public session_ui {
 public:
  plain_ui(session_client& client, std::ostream& out);

  void on_event(const client_event& event) override;
  /// One line the person typed.
  void on_line(const std::string& line);
  /// Leave now (/quit, Ctrl-C, SIGTERM): the partner is told, heard exits 0.
  void quit() override;

  bool finished() const override { return finished_; }
  int exit_code() const override { return exit_code_; }

  /// Makes text safe for one line: newlines become "\n", backslashes "\\",
  /// other control characters are dropped (they could drive the terminal).
  static std::string one_line(const std::string& text);

 private:
  void on_state(v1::Snapshot before, const v1::Snapshot& after);  // by value: `before` is often last_
  void on_server_message(const v1::ServerMessage& message);
  void print_floor(const v1::Snapshot& s);
  void print_help();
  void edit_draft(bool last_line_only);
  std::string who(v1::Seat seat) const;

  session_client& client_;
  std::ostream& out_;
  v1::Snapshot last_;
  bool finished_ = false;
  bool ended_ = false;
  bool quitting_ = false;
  int exit_code_ = 0;
};

}  // namespace heard::client
