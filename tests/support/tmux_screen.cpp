#include "tmux_screen.hpp"

#include "child_process.hpp"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace heard::testing {
namespace {

// A tmux server of the test's own, so nothing touches a person's sessions.
std::string socket_name() { return "heard-test-" + std::to_string(::getpid()); }

// tmux leaves its socket file behind when its server exits: a test process
// removes its own at exit, or every run would add one to /tmp/tmux-UID.
struct socket_file_cleanup {
  ~socket_file_cleanup() {
    const char* dir = std::getenv("TMUX_TMPDIR");
    const std::string path =
        std::string(dir && *dir ? dir : "/tmp") + "/tmux-" + std::to_string(::getuid()) + "/" + socket_name();
    std::remove(path.c_str());
  }
};

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  ::pclose(pipe);
  return out;
}

}  // namespace

bool tmux_screen::available() { return std::system("command -v tmux >/dev/null 2>&1") == 0; }

std::string tmux_screen::tmux(const std::string& args) const {
  return run("tmux -L " + socket_name() + " " + args + " 2>&1");
}

tmux_screen::tmux_screen(const std::string& name, const std::string& command, int width, int height) : name_(name) {
  static socket_file_cleanup cleanup;
  // When the screen before this one held the server's last session, that
  // server is exiting as this one starts: a new-session that reaches it goes
  // down with it ("server exited unexpectedly"). Start again until the
  // session is there. remain-on-exit is set in the same command, before the
  // program can exit, so its last screen stays readable.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    tmux("-f /dev/null new-session -d -s " + name_ + " -x " + std::to_string(width) + " -y " + std::to_string(height) +
         " " + shell_quote(command) + " \\; set-option -t " + name_ + " remain-on-exit on");
    if (tmux("has-session -t " + name_ + " && echo present").find("present") != std::string::npos) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < until);
}

tmux_screen::~tmux_screen() { tmux("kill-session -t " + name_); }

void tmux_screen::type(const std::string& text) { tmux("send-keys -t " + name_ + " -l " + shell_quote(text)); }

void tmux_screen::press(const std::string& key) { tmux("send-keys -t " + name_ + " " + key); }

void tmux_screen::resize(int width, int height) {
  tmux("resize-window -t " + name_ + " -x " + std::to_string(width) + " -y " + std::to_string(height));
}

std::string tmux_screen::screen() const { return tmux("capture-pane -p -t " + name_); }

bool tmux_screen::wait_for(const std::string& text, std::chrono::milliseconds deadline) const {
  const auto until = std::chrono::steady_clock::now() + deadline;
  // capture-pane has no "wait for change": poll it, backing off a little.
  for (auto pause = std::chrono::milliseconds(5);; pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
    if (screen().find(text) != std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(pause);
  }
}

bool tmux_screen::wait_gone(const std::string& text, std::chrono::milliseconds deadline) const {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (auto pause = std::chrono::milliseconds(5);; pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
    if (screen().find(text) == std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(pause);
  }
}

}  // namespace heard::testing
