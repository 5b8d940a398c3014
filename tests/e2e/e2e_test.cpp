// End to end: the built heard-server and two `heard` processes in plain mode,
// driven line by line through their standard input, checked by the lines
// they print. Every read has a deadline.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <thread>

#include <fstream>
#include <sstream>

#include "child_process.hpp"

namespace heard {
namespace {

// The binaries under test: the build's, or (HEARD_E2E_SERVER_BIN,
// HEARD_E2E_CLIENT_BIN) the ones a package installed, so that
// tests/deploy/verify_package.sh runs a session through what ships.
std::string binary(const char* variable, const char* built) {
  const char* chosen = std::getenv(variable);
  return chosen && *chosen ? chosen : built;
}
std::string server_bin() { return binary("HEARD_E2E_SERVER_BIN", HEARD_SERVER_BIN); }
std::string client_bin() { return binary("HEARD_E2E_CLIENT_BIN", HEARD_CLIENT_BIN); }

using testing::child_process;

std::string certs(const std::string& file) { return std::string(HEARD_TEST_CERT_DIR) + "/" + file; }

using testing::read_file;

/// `count` idle TCP connections to 127.0.0.1:`port` (no TLS), open until
/// the object goes; empty if one could not be made.
class tcp_crowd {
 public:
  tcp_crowd(const std::string& port, int count) {
    for (int i = 0; i < count; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      if (fd < 0) {
        release();
        return;
      }
      fds_.push_back(fd);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(port)));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        release();
        return;
      }
    }
  }
  ~tcp_crowd() { release(); }
  tcp_crowd(const tcp_crowd&) = delete;
  tcp_crowd& operator=(const tcp_crowd&) = delete;
  std::size_t size() const { return fds_.size(); }
  void release() {
    for (int fd : fds_) ::close(fd);
    fds_.clear();
  }

 private:
  std::vector<int> fds_;
};

/// Whether the server on `port` answers GET /healthz over TLS within `wait`.
bool healthz_answers(const std::string& port, const std::string& log_name, std::chrono::seconds wait) {
  std::vector<std::string> s_client{"/usr/bin/openssl", "s_client",  "-quiet",  "-connect",     "127.0.0.1:" + port,
                                    "-servername",      "localhost", "-CAfile", certs("ca.crt")};
  child_process probe(s_client, testing::scratch_dir() + log_name);
  probe.write_line("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r");
  return probe.wait_line("HTTP/1.1 200", wait).has_value();
}

class e2e_test : public ::testing::Test {
 protected:
  void SetUp() override {
    server_state_ = testing::scratch_dir() + "heard-e2e-server.state";
    std::remove(server_state_.c_str());
    start_server("0");
  }

  void start_server(const std::string& port, const std::vector<std::string>& extra = {}) {
    server_log_ = testing::scratch_dir() + "heard-e2e-server-" + std::to_string(++server_starts_) + ".log";
    std::vector<std::string> args{"--log-level", "debug", "--state-file", server_state_};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = testing::start_heard_server(server_bin(), port, args, server_log_, port_);
    ASSERT_TRUE(server_) << read_file(server_log_);
    url_ = "wss://localhost:" + port_;
  }

  void TearDown() override {
    if (server_) {
      server_->signal(SIGTERM);
      EXPECT_EQ(server_->wait_exit(), 0) << "heard-server should stop cleanly on SIGTERM";
    }
  }

  /// Each person gets their own state file, as on their own machine.
  static std::string state_file(const std::string& name) {
    return testing::scratch_dir() + "heard-e2e-" + name + ".state";
  }

  std::unique_ptr<child_process> heard(std::vector<std::string> args, const std::string& name,
                                       bool fresh_state = true) {
    if (fresh_state) std::remove(state_file(name).c_str());
    std::vector<std::string> argv{client_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const auto& extra : {std::string("--server"), url_, std::string("--ca"), certs("ca.crt"),
                              std::string("--plain"), std::string("--state-file"), state_file(name)}) {
      argv.push_back(extra);
    }
    return std::make_unique<child_process>(argv, testing::scratch_dir() + "heard-e2e-" + name + ".log");
  }

  std::string server_log_;
  std::string server_state_;
  int server_starts_ = 0;
  std::unique_ptr<child_process> server_;
  std::string port_;
  std::string url_;
};

std::string all_lines(const child_process& p) {
  std::string out;
  for (const auto& l : p.lines()) out += "  | " + l + "\n";
  return out;
}

#define EXPECT_LINE(proc, text)                                                                     \
  ASSERT_TRUE((proc)->wait_line(text)) << "no line starting \"" << (text) << "\" from " #proc ":\n" \
                                       << all_lines(*(proc))

TEST_F(e2e_test, two_people_complete_a_round_with_a_retry_and_the_check_in) {
  auto alex = heard({"start", "--name", "Alex"}, "alex");
  auto code_line = alex->wait_line("code ");
  ASSERT_TRUE(code_line);
  const std::string code = code_line->substr(5);

  auto sam = heard({"join", code, "--name", "Sam"}, "sam");
  EXPECT_LINE(sam, "welcome seat=B mode=text");
  EXPECT_LINE(sam, "joined Alex");
  EXPECT_LINE(alex, "joined Sam");

  alex->write_line("/ready");  // said at once, while the keys are still arriving: kept
  // Both screens show the same safety code, and /compared marks it.
  auto alex_code = alex->wait_line("safety-code Safety code ");
  auto sam_code = sam->wait_line("safety-code Safety code ");
  ASSERT_TRUE(alex_code && sam_code) << all_lines(*alex) << all_lines(*sam);
  EXPECT_EQ(alex_code->substr(24, 7), sam_code->substr(24, 7));
  sam->write_line("/compared");
  EXPECT_LINE(sam, "compared ");
  sam->write_line("/code");
  EXPECT_LINE(sam, "safety-code Safety code " + sam_code->substr(24, 7));
  sam->write_line("/ready");
  EXPECT_LINE(alex, "speaking you round=1");
  EXPECT_LINE(sam, "speaking Alex round=1");

  // The listener cannot take the floor.
  sam->write_line("Can I just say one thing?");
  EXPECT_LINE(sam, "error NOT_YOUR_TURN:");

  alex->write_line("I have missed you.");
  EXPECT_LINE(sam, "draft Alex: I have missed you.");
  alex->write_line("And I worry about us.");
  EXPECT_LINE(sam, "draft Alex: And I worry about us.");  // a line at a time
  alex->write_line("/done");
  EXPECT_LINE(sam, "said Alex: I have missed you.");
  EXPECT_LINE(sam, "  And I worry about us.");
  EXPECT_LINE(sam, "paraphrasing you round=1 attempt=1");
  EXPECT_LINE(alex, "paraphrasing Sam round=1 attempt=1");

  sam->write_line("You have missed me.");
  sam->write_line("/done");
  EXPECT_LINE(alex, "paraphrase Sam: You have missed me.");
  EXPECT_LINE(alex, "confirming you round=1 attempt=1");
  alex->write_line("/notquite And that I worry about us.");
  EXPECT_LINE(sam, "verdict not-quite: And that I worry about us.");
  EXPECT_LINE(sam, "paraphrasing you round=1 attempt=2");

  sam->write_line("You missed me, and you worry about us.");
  sam->write_line("/done");
  EXPECT_LINE(alex, "confirming you round=1 attempt=2");
  alex->write_line("/accurate");
  EXPECT_LINE(alex, "verdict accurate-done");
  EXPECT_LINE(alex, "speaking Sam round=2");
  EXPECT_LINE(sam, "speaking you round=2");

  sam->write_line("I was about to say");
  EXPECT_LINE(alex, "draft Sam: I was about to say");
  alex->write_line("/end");
  EXPECT_LINE(alex, "checkin");
  EXPECT_LINE(alex, "hint You ended the session.");
  EXPECT_LINE(sam, "checkin");
  EXPECT_LINE(sam, "hint Alex ended the session.");
  EXPECT_LINE(sam, "unsent I was about to say");
  alex->write_line("/checkin 5 4 5 Thank you.");
  sam->write_line("/checkin 4 4 5");
  EXPECT_LINE(sam, "results Alex safe=5 unjudged=4 invested=5 words: Thank you.");
  EXPECT_LINE(sam, "results you safe=4 unjudged=4 invested=5");
  EXPECT_LINE(alex, "results Sam safe=4 unjudged=4 invested=5");
  EXPECT_LINE(alex, "ended");
  EXPECT_LINE(sam, "ended");
  EXPECT_EQ(alex->wait_exit(), 0);
  EXPECT_EQ(sam->wait_exit(), 0);

  server_->signal(SIGTERM);
  EXPECT_EQ(server_->wait_exit(), 0);
  const std::string log = read_file(server_log_);
  EXPECT_NE(log.find("event=end_turn"), std::string::npos);
  EXPECT_EQ(log.find("missed"), std::string::npos) << "turn text in the server log";
  EXPECT_EQ(log.find("Alex"), std::string::npos) << "a name in the server log";
  server_.reset();
}

TEST_F(e2e_test, ctrl_c_leaves_cleanly_and_the_partner_is_told) {
  auto alex = heard({"start", "--name", "Alex"}, "alex-quit");
  auto code_line = alex->wait_line("code ");
  ASSERT_TRUE(code_line);
  auto sam = heard({"join", code_line->substr(5), "--name", "Sam"}, "sam-quit");
  EXPECT_LINE(alex, "joined Sam");
  alex->write_line("/ready");
  sam->write_line("/ready");
  EXPECT_LINE(sam, "speaking Alex round=1");

  alex->signal(SIGINT);
  EXPECT_LINE(alex, "left you");
  EXPECT_EQ(alex->wait_exit(), 0);
  EXPECT_LINE(sam, "left Alex");
  EXPECT_LINE(sam, "checkin");
  EXPECT_LINE(sam, "hint Alex left the session.");
  sam->write_line("/checkin 3 3 3");
  EXPECT_LINE(sam, "results Alex no-answer");
  EXPECT_LINE(sam, "ended");
  EXPECT_EQ(sam->wait_exit(), 0);
}

// Two people mid-session, both in the speaking phase.
#define PAIR_UP(alex, sam)                                                        \
  auto alex = heard({"start", "--name", "Alex"}, #alex);                          \
  auto code_line_##alex = alex->wait_line("code ");                               \
  ASSERT_TRUE(code_line_##alex);                                                  \
  auto sam = heard({"join", code_line_##alex->substr(5), "--name", "Sam"}, #sam); \
  EXPECT_LINE(alex, "joined Sam");                                                \
  alex->write_line("/ready");                                                     \
  sam->write_line("/ready");                                                      \
  EXPECT_LINE(sam, "speaking Alex round=1");                                      \
  EXPECT_LINE(alex, "speaking you round=1")

// A paste over the limit is never sent: the person is told both numbers and
// the turn can still be finished; /undo and /clear edit what was written.
TEST_F(e2e_test, a_paste_over_the_limit_is_refused_before_sending_and_the_turn_still_ends) {
  PAIR_UP(alex, sam);
  alex->write_line("First line.");
  EXPECT_LINE(sam, "draft Alex: First line.");
  alex->write_line(std::string(4100, 'x'));
  EXPECT_LINE(alex, "not-sent The text is 4,112 characters long; this server takes at most 4,000.");
  alex->write_line("Second line.");
  EXPECT_LINE(sam, "draft Alex: Second line.");
  alex->write_line("/undo");
  EXPECT_LINE(alex, "mine First line.");
  alex->write_line("/clear");
  EXPECT_LINE(alex, "mine ");
  alex->write_line("/undo");
  EXPECT_LINE(alex, "usage your text is already empty");
  alex->write_line("/feelings");
  EXPECT_LINE(alex, "help   sad: lonely disappointed discouraged");
  alex->write_line("/istatement");
  EXPECT_LINE(alex, "help An I-statement: When ..., I feel ..., and I would like ...");
  alex->write_line("What I meant to say.");
  alex->write_line("/done");
  EXPECT_LINE(sam, "said Alex: What I meant to say.");
  EXPECT_LINE(sam, "paraphrasing you round=1 attempt=1");
}

// Spoken: a typed line gets a hint and is never sent; /done always works.
TEST_F(e2e_test, a_spoken_session_never_sends_typed_text_and_done_always_works) {
  auto alex = heard({"start", "--name", "Alex", "--spoken"}, "alex-spoken");
  auto code_line = alex->wait_line("code ");
  ASSERT_TRUE(code_line);
  auto sam = heard({"join", code_line->substr(5), "--name", "Sam"}, "sam-spoken");
  EXPECT_LINE(sam, "welcome seat=B mode=spoken");
  EXPECT_LINE(sam, "hint A spoken session: talk to each other");  // the joiner is told
  alex->write_line("/ready");
  sam->write_line("/ready");
  EXPECT_LINE(alex, "speaking you round=1");
  alex->write_line("typed by habit");
  EXPECT_LINE(alex, "not-sent This is a spoken session");
  alex->write_line("/done");
  EXPECT_LINE(alex, "paraphrasing Sam round=1 attempt=1");
  EXPECT_LINE(sam, "spoke Alex");
  sam->write_line("/done");
  EXPECT_LINE(alex, "said-back Sam");
  EXPECT_LINE(alex, "confirming you round=1 attempt=1");
  for (const auto& line : sam->lines()) EXPECT_EQ(line.find("typed by habit"), std::string::npos) << line;
}

TEST_F(e2e_test, a_client_killed_mid_draft_resumes_after_a_restart_and_loses_nothing) {
  PAIR_UP(alex, sam);
  alex->write_line("I have something to say.");
  EXPECT_LINE(sam, "draft Alex: I have something to say.");
  alex->write_line("Typed just before the crash.");
  EXPECT_LINE(sam, "draft Alex: Typed just before the crash.");

  alex->signal(SIGKILL);
  EXPECT_EQ(alex->wait_exit(), 128 + SIGKILL);
  EXPECT_LINE(sam, "away Alex");
  EXPECT_LINE(sam, "paused Alex away");

  // Same person, same machine: the state file brings the seat and the draft back.
  auto again = heard({"resume"}, "alex", /*fresh_state=*/false);
  EXPECT_LINE(again, "reconnected");
  EXPECT_LINE(sam, "back Alex");
  again->write_line("And after it.");
  again->write_line("/done");
  EXPECT_LINE(sam, "said Alex: I have something to say.");
  EXPECT_LINE(sam, "  Typed just before the crash.");
  EXPECT_LINE(sam, "  And after it.");
  EXPECT_LINE(again, "paraphrasing Sam round=1 attempt=1");
}

// The words are on disk within 100 ms of being typed, whatever the draft
// timer (300 ms) does: a line typed and the process killed 0.1 s later comes
// back with `heard resume`.
TEST_F(e2e_test, a_line_typed_a_tenth_of_a_second_before_a_kill_comes_back) {
  PAIR_UP(alex, sam);
  alex->write_line("Typed a tenth of a second before the kill.");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the scenario itself, not a wait for an event
  alex->signal(SIGKILL);
  EXPECT_EQ(alex->wait_exit(), 128 + SIGKILL);
  auto again = heard({"resume"}, "alex", /*fresh_state=*/false);
  EXPECT_LINE(again, "reconnected");
  again->write_line("/done");
  EXPECT_LINE(sam, "said Alex: Typed a tenth of a second before the kill.");
}

// The words typed last before a crash reach the listener when the writer
// comes back, without waiting for another keystroke. The server asks for a
// draft at most every 5 s here, so the second line is still waiting for the
// draft timer when the process is killed: only the state file has it.
TEST_F(e2e_test, a_draft_cut_off_by_a_kill_reaches_the_listener_when_the_writer_comes_back) {
  server_->signal(SIGTERM);
  ASSERT_EQ(server_->wait_exit(), 0);
  start_server("0", {"--draft-interval-ms", "5000"});
  PAIR_UP(alex, sam);
  alex->write_line("First line.");
  EXPECT_LINE(sam, "draft Alex: First line.");
  alex->write_line("Second line, held by the draft timer.");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the scenario itself: on disk, not yet sent
  alex->signal(SIGKILL);
  EXPECT_EQ(alex->wait_exit(), 128 + SIGKILL);
  EXPECT_FALSE(sam->wait_line("draft Alex: Second line", std::chrono::milliseconds(300)))
      << "the draft timer should have held it until the kill";
  auto again = heard({"resume"}, "alex", /*fresh_state=*/false);
  EXPECT_LINE(again, "reconnected");
  EXPECT_LINE(sam, "draft Alex: Second line, held by the draft timer.");
  again->write_line("/done");
  EXPECT_LINE(sam, "said Alex: First line.");
}

// Two people on one machine and one account, as the README's two terminals:
// each seat has its own state file; nobody is refused for the other's
// session, and `heard resume` lists both and takes the one asked for. The
// seat that comes back sees the conversation so far and the partner's
// words in progress, marked as earlier.
TEST_F(e2e_test, two_people_on_one_account_each_keep_their_own_seat_and_its_history) {
  const std::string dir = testing::scratch_dir() + "heard-e2e-one-account";
  std::filesystem::remove_all(dir);
  auto in_dir = [&](std::vector<std::string> args, const std::string& name) {
    std::vector<std::string> argv{client_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const auto& extra :
         {std::string("--server"), url_, std::string("--ca"), certs("ca.crt"), std::string("--plain"),
          std::string("--drafts"), std::string("all"), std::string("--state-dir"), dir}) {
      argv.push_back(extra);
    }
    return std::make_unique<child_process>(argv, testing::scratch_dir() + "heard-e2e-" + name + ".log");
  };
  auto alex = in_dir({"start", "--name", "Alex"}, "one-alex");
  auto code = alex->wait_line("code ");
  ASSERT_TRUE(code);
  auto sam = in_dir({"join", code->substr(5), "--name", "Sam"}, "one-sam");
  EXPECT_LINE(sam, "joined Alex");  // not refused for Alex's unfinished session
  alex->write_line("/ready");
  sam->write_line("/ready");
  EXPECT_LINE(alex, "speaking you round=1");
  alex->write_line("I miss our walks.");
  alex->write_line("/done");
  EXPECT_LINE(sam, "paraphrasing you");
  sam->write_line("You miss our walks.");
  sam->write_line("/done");
  EXPECT_LINE(alex, "confirming you");
  alex->write_line("/accurate");
  EXPECT_LINE(sam, "speaking you round=2");
  sam->write_line("I do too.");
  EXPECT_LINE(alex, "draft Sam: I do too.");
  alex->signal(SIGKILL);
  sam->signal(SIGKILL);
  EXPECT_EQ(alex->wait_exit(), 128 + SIGKILL);
  EXPECT_EQ(sam->wait_exit(), 128 + SIGKILL);

  // Which saved seat is whose, from the list `heard resume` prints.
  auto number_of = [&](const std::string& who) -> std::string {
    auto list = in_dir({"resume"}, "one-list");
    EXPECT_EQ(list->wait_exit(), 2) << "several seats: it asks which";
    std::istringstream text(read_file(testing::scratch_dir() + "heard-e2e-one-list.log"));
    for (std::string line; std::getline(text, line);) {
      if (line.find(who + " with ") != std::string::npos) return line.substr(line.find_first_not_of(' '), 1);
    }
    ADD_FAILURE() << "no saved seat for " << who << " in:\n"
                  << read_file(testing::scratch_dir() + "heard-e2e-one-list.log");
    return "0";
  };
  auto alex_again = in_dir({"resume", number_of("Alex")}, "one-alex-2");
  EXPECT_LINE(alex_again, "reconnected");
  EXPECT_LINE(alex_again, "earlier said you: I miss our walks.");
  EXPECT_LINE(alex_again, "earlier paraphrase Sam: You miss our walks.");
  EXPECT_LINE(alex_again, "earlier verdict accurate-done");
  EXPECT_LINE(alex_again, "draft Sam: I do too.");
  auto sam_again = in_dir({"resume", number_of("Sam")}, "one-sam-2");
  EXPECT_LINE(sam_again, "reconnected");
  EXPECT_LINE(sam_again, "earlier said Alex: I miss our walks.");
  sam_again->write_line("/done");
  ASSERT_TRUE(alex_again->wait_line("said Sam: I do too.")) << all_lines(*alex_again) << "Sam:\n"
                                                            << all_lines(*sam_again);
  for (const auto& line : alex_again->lines()) {
    EXPECT_NE(line.rfind("said Alex", 0), 0u) << "nothing printed twice as new: " << line;
  }
}

// `heard resume` works from any folder: the CA given as a relative path is
// saved as an absolute one.
TEST_F(e2e_test, a_resume_from_another_folder_finds_the_ca_given_relative) {
  PAIR_UP(alex, sam);
  alex->signal(SIGKILL);
  EXPECT_EQ(alex->wait_exit(), 128 + SIGKILL);
  const std::string state = state_file("relative");
  std::remove(state.c_str());
  const std::string cert_dir = std::filesystem::path(certs("ca.crt")).parent_path().string();
  auto carol = std::make_unique<child_process>(
      std::vector<std::string>{"/bin/sh", "-c",
                               "cd '" + cert_dir + "' && exec '" + client_bin() +
                                   "' start --name Carol --plain --ca ca.crt --server " + url_ + " --state-file '" +
                                   state + "'"},
      testing::scratch_dir() + "heard-e2e-relative.log");
  ASSERT_TRUE(carol->wait_line("code "));
  // Carol's seat is on disk within 100 ms of her Welcome.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!std::filesystem::exists(state) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(std::filesystem::exists(state));
  carol->signal(SIGKILL);
  EXPECT_EQ(carol->wait_exit(), 128 + SIGKILL);
  auto again = std::make_unique<child_process>(
      std::vector<std::string>{"/bin/sh", "-c",
                               "cd / && exec '" + client_bin() + "' resume --plain --state-file '" + state + "'"},
      testing::scratch_dir() + "heard-e2e-relative-2.log");
  EXPECT_LINE(again, "reconnected");
  again->signal(SIGTERM);
  EXPECT_EQ(again->wait_exit(), 0);
}

// A renewed certificate, reloaded with SIGHUP (systemctl reload) under a live
// pair: new connections get the new certificate, the pair never notices; a
// broken key at a later reload keeps the certificate in use.
TEST_F(e2e_test, sighup_reloads_the_certificate_and_a_live_pair_never_notices) {
  const std::string dir = testing::scratch_dir() + "heard-e2e-reload";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(certs("server.crt"), dir + "/server.crt");
  std::filesystem::copy_file(certs("server.key"), dir + "/server.key");
  const std::string log = testing::scratch_dir() + "heard-e2e-reload-server.log";
  auto server =
      std::make_unique<child_process>(std::vector<std::string>{server_bin(), "--port", "0", "--threads", "2", "--cert",
                                                               dir + "/server.crt", "--key", dir + "/server.key"},
                                      log);
  auto listening = server->wait_line("heard-server listening on ");
  ASSERT_TRUE(listening) << read_file(log);
  const std::string port = listening->substr(listening->rfind(':') + 1);
  url_ = "wss://localhost:" + port;
  // The serial of the certificate a new connection is shown.
  auto served_serial = [&] {
    child_process probe({"/bin/sh", "-c",
                         "openssl s_client -connect 127.0.0.1:" + port + " -servername localhost -CAfile '" +
                             certs("ca.crt") + "' </dev/null 2>/dev/null | openssl x509 -noout -serial"},
                        testing::scratch_dir() + "heard-e2e-reload-probe.log");
    auto line = probe.wait_line("serial=");
    probe.wait_exit();
    return line ? *line : std::string("(none)");
  };
  auto log_says = [&](const std::string& what) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      if (read_file(log).find(what) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  PAIR_UP(alex, sam);
  const std::string before = served_serial();

  // The renewal: a new key and certificate from the same CA, over the old files.
  const std::string renew =
      "cd '" + dir +
      "' && openssl ecparam -name prime256v1 -genkey -noout -out new.key 2>/dev/null && "
      "openssl req -new -key new.key -subj /CN=localhost -out new.csr && "
      "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\\nextendedKeyUsage=serverAuth\\n' > ext && "
      "openssl x509 -req -in new.csr -CA '" +
      certs("ca.crt") + "' -CAkey '" + certs("ca.key") +
      "' -set_serial 4242 -days 30 -sha256 -extfile ext -out new.crt 2>/dev/null && "
      "mv new.key server.key && mv new.crt server.crt";
  ASSERT_EQ(std::system(renew.c_str()), 0);
  server->signal(SIGHUP);
  ASSERT_TRUE(log_says("event=certificate_reloaded")) << read_file(log);
  EXPECT_EQ(served_serial(), "serial=1092") << "new connections get the new certificate (was " << before << ")";

  alex->write_line("Still here after the renewal.");
  alex->write_line("/done");
  EXPECT_LINE(sam, "said Alex: Still here after the renewal.");
  for (const auto* p : {alex.get(), sam.get()}) {
    for (const auto& line : p->lines()) EXPECT_NE(line.rfind("reconnecting", 0), 0u) << "the pair noticed: " << line;
  }

  // A broken key: the reload is refused with a sentence, the certificate in use stays.
  std::ofstream(dir + "/server.key") << "not a key\n";
  server->signal(SIGHUP);
  ASSERT_TRUE(log_says("event=certificate_not_reloaded")) << read_file(log);
  EXPECT_EQ(served_serial(), "serial=1092");
  server->signal(SIGTERM);
  EXPECT_EQ(server->wait_exit(), 0);
}

// --log-format json: every line a JSON object (JSON Lines), from start to stop,
// and still never a word anyone wrote.
TEST_F(e2e_test, the_json_log_is_one_object_a_line_and_holds_no_words) {
  const std::string log = testing::scratch_dir() + "heard-e2e-json-server.log";
  std::string port;
  auto server =
      testing::start_heard_server(server_bin(), "0", {"--log-format", "json", "--log-level", "debug"}, log, port);
  ASSERT_TRUE(server) << read_file(log);
  url_ = "wss://localhost:" + port;
  PAIR_UP(alex, sam);
  alex->write_line("Words that stay out of logs.");
  alex->write_line("/done");
  EXPECT_LINE(sam, "said Alex: Words that stay out of logs.");
  server->signal(SIGTERM);
  EXPECT_EQ(server->wait_exit(), 0);
  std::istringstream lines(read_file(log));
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    EXPECT_EQ(line.rfind("{\"time\":\"", 0), 0u) << line;
    EXPECT_EQ(line.back(), '}') << line;
    EXPECT_EQ(line.find("Words that stay"), std::string::npos) << line;
  }
  EXPECT_GT(count, 5);
}

TEST_F(e2e_test, a_server_restart_mid_round_is_survived_and_clients_come_back_by_themselves) {
  PAIR_UP(alex, sam);
  alex->write_line("Words before the restart.");
  EXPECT_LINE(sam, "draft Alex: Words before the restart.");

  server_->signal(SIGTERM);
  EXPECT_EQ(server_->wait_exit(), 0);
  EXPECT_NE(read_file(server_log_).find("event=sessions_saved count=1"), std::string::npos);
  EXPECT_LINE(alex, "reconnecting");
  EXPECT_LINE(sam, "reconnecting");

  start_server(port_);
  // The clients' back-off has grown while the server was down (up to 8 s).
  ASSERT_TRUE(alex->wait_line("reconnected", std::chrono::seconds(30))) << all_lines(*alex);
  ASSERT_TRUE(sam->wait_line("reconnected", std::chrono::seconds(30))) << all_lines(*sam);
  alex->write_line("/done");
  EXPECT_LINE(sam, "said Alex: Words before the restart.");
  sam->write_line("You had words before the restart.");
  sam->write_line("/done");
  EXPECT_LINE(alex, "paraphrase Sam: You had words before the restart.");
}

// `heard-server ... | tee log`, then Ctrl-C: the terminal's SIGINT ends tee
// too, and the server's next log line finds no reader. It must still stop
// cleanly and save the sessions, not die of SIGPIPE with them.
TEST_F(e2e_test, a_server_whose_log_reader_went_away_still_stops_cleanly_and_saves_the_sessions) {
  server_->signal(SIGTERM);
  ASSERT_EQ(server_->wait_exit(), 0);
  std::remove(server_state_.c_str());
  std::string command = "exec " + testing::shell_quote(server_bin()) + " --port " + port_;
  for (const std::string& arg : {std::string("--cert"), certs("server.crt"), std::string("--key"), certs("server.key"),
                                 std::string("--state-file"), server_state_}) {
    command += ' ';
    command += testing::shell_quote(arg);
  }
  server_ = std::make_unique<child_process>(std::vector<std::string>{"/bin/sh", "-c", command + " 2>&1"},
                                            testing::scratch_dir() + "heard-e2e-piped-server.log");
  ASSERT_TRUE(server_->wait_line("heard-server listening on")) << all_lines(*server_);
  PAIR_UP(alex, sam);
  alex->write_line("Words the server must keep.");
  EXPECT_LINE(sam, "draft Alex: Words the server must keep.");

  server_->close_stdout();
  server_->signal(SIGTERM);
  EXPECT_EQ(server_->wait_exit(), 0) << "128 + 13 is SIGPIPE";
  const std::string saved = read_file(server_state_);
  EXPECT_FALSE(saved.empty()) << "the session was not saved";
}

TEST_F(e2e_test, a_server_crash_is_never_silent_and_every_word_written_is_kept) {
  PAIR_UP(alex, sam);
  alex->write_line("I said this before the crash.");
  alex->write_line("/done");
  EXPECT_LINE(sam, "said Alex: I said this before the crash.");
  alex->write_line("/timeout");  // nothing pending: the draft below is all Alex has
  EXPECT_LINE(sam, "paused Alex");

  server_->signal(SIGKILL);  // no chance to save anything
  EXPECT_EQ(server_->wait_exit(), 128 + SIGKILL);
  EXPECT_LINE(alex, "reconnecting");
  start_server(port_);

  // The restarted server does not know the session: both are told so, and
  // Alex's words are in a file of his.
  ASSERT_TRUE(alex->wait_line("error SESSION_EXPIRED: This server no longer has the session", std::chrono::seconds(30)))
      << all_lines(*alex);
  auto saved = alex->wait_line("saved ");
  ASSERT_TRUE(saved) << all_lines(*alex);
  EXPECT_NE(read_file(saved->substr(6)).find("I said this before the crash."), std::string::npos);
  EXPECT_EQ(alex->wait_exit(), 1);
  ASSERT_TRUE(sam->wait_line("error SESSION_EXPIRED:", std::chrono::seconds(30))) << all_lines(*sam);
  EXPECT_EQ(sam->wait_exit(), 1);
}

TEST_F(e2e_test, a_counselor_guides_two_partners_and_gets_the_summary) {
  const std::string summary = testing::scratch_dir() + "heard-e2e-summary";
  std::remove((summary + ".json").c_str());
  std::remove((summary + ".md").c_str());
  auto rivera = heard({"guide", "--name", "Rivera", "--topic", "Moving for work", "--rounds", "1", "--first", "b",
                       "--summary", summary},
                      "rivera");
  auto code_a = rivera->wait_line("code-a ");
  auto code_b = rivera->wait_line("code-b ");
  ASSERT_TRUE(code_a && code_b) << all_lines(*rivera);
  auto alex = heard({"join", code_a->substr(7), "--name", "Alex"}, "alex-g");
  auto sam = heard({"join", code_b->substr(7), "--name", "Sam"}, "sam-g");
  EXPECT_LINE(alex, "counselor Rivera");
  EXPECT_LINE(alex, "topic Moving for work");
  EXPECT_LINE(sam, "counselor Rivera");
  EXPECT_LINE(rivera, "hint Both partners are here.");

  alex->write_line("/start");  // not a partner's control
  EXPECT_LINE(alex, "usage unknown command /start");
  rivera->write_line("/start");
  EXPECT_LINE(sam, "speaking you round=1");
  EXPECT_LINE(alex, "speaking Sam round=1");
  rivera->write_line("/extend abc");
  EXPECT_LINE(rivera, "usage /extend SECONDS, a whole number from 1 to 3600");
  rivera->write_line("/next c");
  EXPECT_LINE(rivera, "usage /next a or /next b");
  rivera->write_line("I can type too");  // but not into a turn
  EXPECT_LINE(rivera, "usage counselors send notes with /note TEXT");

  sam->write_line("I miss our evenings.");
  EXPECT_LINE(rivera, "draft Sam: I miss our evenings.");
  rivera->write_line("/hold");
  EXPECT_LINE(sam, "held");
  rivera->write_line("/note Say how it feels, not what they did.");
  EXPECT_LINE(alex, "note Rivera: Say how it feels, not what they did.");
  EXPECT_LINE(sam, "note Rivera: Say how it feels, not what they did.");
  sam->write_line("/done");
  EXPECT_LINE(sam, "error SESSION_PAUSED:");
  rivera->write_line("/release");
  EXPECT_LINE(sam, "released");
  sam->write_line("/done");
  EXPECT_LINE(alex, "said Sam: I miss our evenings.");
  alex->write_line("You miss our evenings.");
  alex->write_line("/done");
  EXPECT_LINE(sam, "confirming you round=1 attempt=1");
  sam->write_line("/accurate");
  EXPECT_LINE(alex, "checkin");  // one round was asked for
  EXPECT_LINE(sam, "hint Your words go to your partner; your counselor sees the scores only.");
  alex->write_line("/checkin 5 4 5 Thank you | both");  // for Sam only
  sam->write_line("/checkin 4 5 4 --share Good session");
  EXPECT_LINE(rivera, "results Alex safe=5 unjudged=4 invested=5");
  EXPECT_LINE(rivera, "results Sam safe=4 unjudged=5 invested=4 words: Good session");
  EXPECT_LINE(sam, "results Alex safe=5 unjudged=4 invested=5 words: Thank you | both");
  EXPECT_LINE(rivera, "summary rounds=1 statements=1");
  EXPECT_LINE(rivera, "Session summary saved:");
  EXPECT_EQ(rivera->wait_exit(), 0);

  const std::string json = read_file(summary + ".json");
  const std::string md = read_file(summary + ".md");
  EXPECT_NE(json.find("\"speaker\": \"b\", \"paraphrase_attempts\": 1"), std::string::npos) << json;
  EXPECT_NE(json.find("\"topic\": \"Moving for work\""), std::string::npos) << json;
  EXPECT_NE(md.find("| 1 | Sam | 1 | finished |"), std::string::npos) << md;
  EXPECT_EQ(json.find("evenings"), std::string::npos) << "the structure, not the words";
  EXPECT_EQ(json.find("Thank you"), std::string::npos) << "check-in words not shared stay between the partners";
  EXPECT_EQ(md.find("Thank you"), std::string::npos) << md;
  EXPECT_NE(md.find("Good session"), std::string::npos) << "shared words reach the counselor";
  for (const auto& line : rivera->lines()) EXPECT_EQ(line.find("Thank you"), std::string::npos) << line;
}

// CPU seconds a process has used (user + system), from /proc.
double cpu_seconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(content.substr(content.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

TEST_F(e2e_test, running_out_of_file_descriptors_neither_spins_nor_stops_accepting) {
  // A server of its own, allowed only 48 descriptors.
  std::vector<std::string> argv{
      "/usr/bin/prlimit",  "--nofile=48:48", server_bin(),        "--port",      "0",    "--threads", "2", "--cert",
      certs("server.crt"), "--key",          certs("server.key"), "--log-level", "debug"};
  child_process server(argv, testing::scratch_dir() + "heard-emfile.log");
  auto line = server.wait_line("heard-server listening on ");
  ASSERT_TRUE(line);
  const std::string port = line->substr(line->rfind(':') + 1);

  tcp_crowd crowd(port, 80);
  ASSERT_EQ(crowd.size(), 80u) << std::strerror(errno);
  // Wait until the server has run out (it says so), then watch its CPU for a second.
  const std::string log = testing::scratch_dir() + "heard-emfile.log";
  for (int i = 0; i < 200 && read_file(log).find("event=accept_backoff") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_NE(read_file(log).find("event=accept_backoff"), std::string::npos) << "the limit was not reached";
  const double before = cpu_seconds(server.pid());
  std::this_thread::sleep_for(std::chrono::seconds(1));  // measuring, not synchronising
  const double used = cpu_seconds(server.pid()) - before;
  std::printf("[ figures  ] server CPU while out of descriptors: %.3f s in 1 s\n", used);
  EXPECT_LT(used, 0.2) << "accept() is spinning";

  crowd.release();
  // Descriptors are free again: the server accepts and answers.
  bool healthy = false;
  for (int attempt = 0; attempt < 20 && !healthy; ++attempt) {
    healthy = healthz_answers(port, "heard-emfile-probe.log", std::chrono::seconds(2));
  }
  EXPECT_TRUE(healthy) << "the server did not recover";
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(), 0);
}

// A stock system starts services with a soft limit of 1,024 open files and
// a higher hard one. The server raises its soft limit, so connections are
// not capped by it: here 300 idle connections against a soft limit of 256,
// and the server still answers.
TEST_F(e2e_test, the_server_raises_its_open_file_limit_to_the_hard_limit) {
  std::vector<std::string> argv{"/usr/bin/prlimit",
                                "--nofile=256:4096",
                                server_bin(),
                                "--port",
                                "0",
                                "--threads",
                                "2",
                                "--cert",
                                certs("server.crt"),
                                "--key",
                                certs("server.key"),
                                "--max-connections-per-ip",
                                "1000"};
  const std::string log = testing::scratch_dir() + "heard-nofile.log";
  child_process server(argv, log);
  auto line = server.wait_line("heard-server listening on ");
  ASSERT_TRUE(line);
  const std::string port = line->substr(line->rfind(':') + 1);
  EXPECT_NE(read_file(log).find("event=open_files limit=4096 was=256"), std::string::npos) << read_file(log);

  tcp_crowd crowd(port, 300);
  ASSERT_EQ(crowd.size(), 300u) << std::strerror(errno);
  EXPECT_TRUE(healthz_answers(port, "heard-nofile-probe.log", std::chrono::seconds(5)))
      << "the 301st connection was not served";
  EXPECT_EQ(read_file(log).find("event=accept_backoff"), std::string::npos) << "the server ran out of descriptors";
  crowd.release();
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait_exit(), 0);
}

TEST_F(e2e_test, a_wrong_code_is_refused_clearly_and_heard_exits_non_zero) {
  auto sam = heard({"join", "ZZZZ-ZZZZ-ZZZZ", "--name", "Sam"}, "wrong");
  EXPECT_LINE(sam, "error INVALID_CODE:");
  EXPECT_LINE(sam, "disconnected");
  EXPECT_EQ(sam->wait_exit(), 1);
}

TEST_F(e2e_test, an_untrusted_server_certificate_is_refused) {
  std::vector<std::string> argv{client_bin(),           "start", "--server", url_, "--plain", "--state-file",
                                state_file("untrusted")};
  // No --ca: the system store does not know the development CA.
  child_process heard_without_ca(argv, testing::scratch_dir() + "heard-e2e-untrusted.log");
  EXPECT_TRUE(heard_without_ca.wait_line("disconnected TLS handshake"));
  EXPECT_EQ(heard_without_ca.wait_exit(), 1);
}

// No server at the address: one sentence that says so and what to check.
TEST_F(e2e_test, no_server_at_the_address_says_what_to_check_and_exits_1) {
  child_process nobody({client_bin(), "start", "--server", "wss://localhost:1", "--ca", certs("ca.crt"), "--plain",
                        "--state-file", state_file("nobody")},
                       testing::scratch_dir() + "heard-e2e-nobody.log");
  const auto said = nobody.wait_line("disconnected ");
  ASSERT_TRUE(said) << all_lines(nobody);
  EXPECT_NE(said->find("cannot connect to localhost:1"), std::string::npos) << *said;
  EXPECT_NE(said->find("is heard-server running there? see --server"), std::string::npos) << *said;
  EXPECT_EQ(nobody.wait_exit(), 1);
}

TEST_F(e2e_test, plain_websocket_is_never_used) {
  std::vector<std::string> argv{client_bin(),       "start",        "--server",
                                "ws://localhost:1", "--state-file", state_file("ws")};
  child_process heard_plain(argv, testing::scratch_dir() + "heard-e2e-ws.log");
  EXPECT_EQ(heard_plain.wait_exit(), 2);
  EXPECT_NE(read_file(testing::scratch_dir() + "heard-e2e-ws.log").find("wss://"), std::string::npos);
}

// A state file the server could never write is found out at start, in one
// sentence, not at the first restart when the sessions would be lost.
TEST_F(e2e_test, an_unwritable_state_file_stops_the_server_at_start_with_a_sentence) {
  std::vector<std::string> argv{server_bin(),
                                "--port",
                                "0",
                                "--cert",
                                certs("server.crt"),
                                "--key",
                                certs("server.key"),
                                "--state-file",
                                "/nonexistent-folder/heard.state"};
  const std::string log = testing::scratch_dir() + "heard-bad-state.log";
  child_process server(argv, log);
  EXPECT_EQ(server.wait_exit(), 1);
  const std::string said = read_file(log);
  EXPECT_NE(said.find("heard-server: cannot write the state file"), std::string::npos) << said;
  EXPECT_NE(said.find("--state-file"), std::string::npos) << said;
  EXPECT_EQ(said.find("terminate"), std::string::npos) << said;
}

}  // namespace
}  // namespace heard
