#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace heard::testing {

/// A program running in a real terminal (a detached tmux session on a
/// private tmux server), driven with send-keys and read with capture-pane,
/// as a person at the keyboard would use it.
class tmux_screen {
 public:
  tmux_screen(const std::string& name, const std::string& command, int width = 80, int height = 24);
  ~tmux_screen();
  tmux_screen(const tmux_screen&) = delete;
  tmux_screen& operator=(const tmux_screen&) = delete;

  /// Types text literally.
  void type(const std::string& text);
  /// Presses keys by tmux name: "Enter", "C-d", "F2", "Up", "Escape"...
  void press(const std::string& key);
  void resize(int width, int height);

  /// The screen now, one string per row.
  std::string screen() const;
  /// Waits until the screen contains `text`; returns false at the deadline.
  bool wait_for(const std::string& text, std::chrono::milliseconds deadline = std::chrono::seconds(10)) const;
  /// Waits until the screen no longer contains `text`.
  bool wait_gone(const std::string& text, std::chrono::milliseconds deadline = std::chrono::seconds(10)) const;

  static bool available();

 private:
  std::string tmux(const std::string& args) const;
  std::string name_;
};

}  // namespace heard::testing
