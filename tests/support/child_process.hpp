#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace heard::testing {

/// A child process with pipes on stdin and stdout (stderr goes to a file),
/// for end-to-end tests of the real binaries. Reads wait with a deadline.
class child_process {
 public:
  child_process(const std::vector<std::string>& argv, const std::string& stderr_file);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  void write_line(const std::string& line);
  /// As write_line, but false (not an exception) when the child has closed
  /// its input, e.g. a server that answered before reading everything.
  bool try_write_line(const std::string& line);
  void close_stdin();
  /// Stops reading the child's output, as a log reader that went away (a
  /// pipe into tee, say) would: its next write finds no reader.
  void close_stdout();

  /// Reads lines until one starts with `prefix`; returns it, or nullopt at
  /// the deadline or end of output. Every line read is kept in lines().
  std::optional<std::string> wait_line(const std::string& prefix,
                                       std::chrono::milliseconds deadline = std::chrono::seconds(10));
  const std::vector<std::string>& lines() const { return lines_; }

  void signal(int sig);
  pid_t pid() const { return pid_; }
  /// Waits for the exit; returns the exit status (128+signal if killed), or
  /// nullopt at the deadline.
  std::optional<int> wait_exit(std::chrono::milliseconds deadline = std::chrono::seconds(10));

 private:
  bool read_more(std::chrono::steady_clock::time_point until);

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
  std::vector<std::string> lines_;
  std::size_t next_line_ = 0;
  std::optional<int> status_;
};

/// A directory of this test process's own, ending in '/', for logs, state
/// files and summaries. ctest runs tests in parallel processes: a shared name
/// in TempDir() would let one test read or delete another's files. Removed at
/// exit when every test passed, kept for a look otherwise.
const std::string& scratch_dir();

/// Quotes a string for /bin/sh.
std::string shell_quote(const std::string& s);

/// The whole of a file ("" if it cannot be read): logs, summaries, state.
std::string read_file(const std::string& path);

/// Starts the built heard-server (HEARD_SERVER_BIN) with the test
/// certificates on 127.0.0.1 and `port` ("0": any free one), waits for it to
/// listen, and sets `bound_port`. Returns nullptr if it did not start.
std::unique_ptr<child_process> start_heard_server(const std::string& server_bin, const std::string& port,
                                                  const std::vector<std::string>& extra_args,
                                                  const std::string& stderr_file, std::string& bound_port);

}  // namespace heard::testing
