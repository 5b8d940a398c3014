#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "session_client.hpp"
#include "session_ui.hpp"
#include "tui_model.hpp"

namespace heard::client {

/// The full-screen terminal client (ncurses, wide characters): one screen,
/// one turn. All drawing and key handling runs on the client's io_context
/// thread; the screen itself comes from tui::layout, a pure function.
/// The terminal is restored on every way out: normal end, Ctrl-C, SIGTERM,
/// a lost connection, or an exception unwinding through main.
class full_screen_ui : public session_ui {
 public:
  full_screen_ui(boost::asio::io_context& ioc, session_client& client);
  ~full_screen_ui() override;
  full_screen_ui(const full_screen_ui&) = delete;
  full_screen_ui& operator=(const full_screen_ui&) = delete;

  /// Takes over the terminal and starts reading keys.
  void start();

  void on_event(const client_event& event) override;
  void quit() override;
  bool finished() const override { return finished_; }
  int exit_code() const override { return exit_code_; }

 private:
  void wait_for_keys();
  void read_keys();
  void on_key(unsigned key, bool function_key);
  void on_text_key(unsigned key);
  void on_check_in_key(unsigned key, bool function_key);
  /// The counselor's keys; true when the key was one of them.
  bool on_counselor_key(unsigned key, bool function_key);
  void tick();
  void insert_text(const std::string& text);
  std::string current_text() const;
  void set_current_text(std::string text);
  void on_resize();
  /// Something that happened to the session, kept in the history in a sentence.
  void tell(std::string sentence);
  /// Whether leaving now would leave someone behind (then it is confirmed).
  bool someone_else_here() const;
  void render();
  void restore_terminal();

  boost::asio::io_context& ioc_;
  session_client& client_;
  boost::asio::posix::stream_descriptor input_;
  boost::asio::signal_set winch_;
  boost::asio::steady_timer ticker_;  // redraws the time left once a second
  std::chrono::steady_clock::time_point snapshot_at_ = std::chrono::steady_clock::now();
  tui::ui_state ui_;
  std::uint64_t floor_key_ = 0;
  v1::Snapshot before_;  // the snapshot of the last message shown
  bool screen_on_ = false;
  bool finished_ = false;
  bool quitting_ = false;
  bool ended_ = false;
  int exit_code_ = 0;
  std::string final_message_;  // printed after the screen is restored
  std::string closing_error_;  // the server's reason when it ends the session on an error
};

}  // namespace heard::client
