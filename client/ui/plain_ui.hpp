#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <ostream>
#include <string>

#include "session_client.hpp"
#include "session_ui.hpp"

namespace heard::client {

/// The line mode of `heard`: one line per event, each starting with a word
/// that names its kind (documented in docs/client.md), and slash commands on
/// input. Scriptable and friendly to screen readers. Holds no turn logic:
/// what may happen is the server's to decide; this only prints and sends.
/// How much of a partner's live text line mode prints. A screen reader
/// reads every line aloud: `lines` (the default) prints a line once it is
/// finished, or once the partner pauses in the middle of one; `all` prints
/// every update (scripts, sighted readers); `off` only the committed turns.
enum class draft_lines { all, lines, off };

struct plain_options {
  draft_lines drafts = draft_lines::lines;
  /// How long the partner's text must stand still before an unfinished line
  /// is printed in `lines` mode.
  std::chrono::milliseconds draft_pause{1500};
};

class plain_ui : public session_ui {
 public:
  plain_ui(boost::asio::io_context& ioc, session_client& client, std::ostream& out, plain_options options = {});

  void on_event(const client_event& event) override;
  /// One line the person typed.
  void on_line(const std::string& line);
  /// Leave now (/quit, Ctrl-C, SIGTERM): the partner is told, heard exits 0.
  void quit() override;

  bool finished() const override { return finished_; }
  int exit_code() const override { return exit_code_; }

  /// Makes text safe for one line: newlines and tabs become spaces, other
  /// control characters are dropped (they could drive the terminal).
  static std::string one_line(const std::string& text);
  /// Makes a person's text safe to print: each line after the first goes on
  /// a line of its own, indented by two spaces (no event line starts with a
  /// space); control characters other than newline are dropped.
  static std::string text_block(const std::string& text);

 private:
  void on_state(v1::Snapshot before, const v1::Snapshot& after);  // by value: `before` is often last_
  void on_server_message(const v1::ServerMessage& message);
  void print_floor(const v1::Snapshot& s);
  void print_help();
  void on_draft(const v1::DraftUpdate& draft);
  void print_history(const v1::Welcome& welcome);
  /// out_, after the prefix of the lines being printed ("earlier " for history).
  std::ostream& line();
  /// `lines` mode: prints what the partner wrote since the last draft line,
  /// finished lines only unless `all_of_it`.
  void print_new_draft_lines(bool all_of_it);
  /// Prints "time-left 30s" and "time-left 10s" as a floor's time runs down,
  /// counted from a snapshot whose floor has `left_ms` left.
  void arm_time_warning(std::uint64_t left_ms);
  void edit_draft(bool last_line_only);
  std::string who(v1::Seat seat) const;

  session_client& client_;
  std::ostream& out_;
  plain_options options_;
  boost::asio::steady_timer draft_pause_timer_;
  boost::asio::steady_timer time_warning_timer_;
  std::string prefix_;
  v1::Seat draft_author_ = v1::SEAT_UNSPECIFIED;
  std::string draft_;            // the partner's latest text on this floor
  std::size_t draft_shown_ = 0;  // how much of draft_ is printed already
  v1::Snapshot last_;
  bool finished_ = false;
  bool ended_ = false;
  bool quitting_ = false;
  int exit_code_ = 0;
};

}  // namespace heard::client
