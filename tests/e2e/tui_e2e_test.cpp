// The full-screen client as people use it: two real `heard` processes in
// real terminals (tmux), against a real heard-server, checked by what each
// person's screen shows in every phase.
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "child_process.hpp"
#include "tmux_screen.hpp"

namespace heard {
namespace {

using testing::child_process;
using testing::shell_quote;
using testing::tmux_screen;

class tui_test : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tmux_screen::available()) << "tmux is needed (Debian package tmux)";
    server_ =
        testing::start_heard_server(HEARD_SERVER_BIN, "0", {}, testing::scratch_dir() + "heard-tui-server.log", port_);
    ASSERT_TRUE(server_);
  }

  void TearDown() override {
    if (server_) {
      server_->signal(SIGTERM);
      server_->wait_exit();
    }
  }

  /// `heard ARGS` in an 80x24 terminal; after it exits the shell records its
  /// exit status and the terminal modes, to check it left the terminal clean.
  std::unique_ptr<tmux_screen> heard(const std::string& name, const std::string& args,
                                     const std::string& environment = "") {
    const std::string state = testing::scratch_dir() + "heard-tui-" + name + ".state";
    std::remove(state.c_str());
    after_ = testing::scratch_dir() + "heard-tui-" + name + ".after";
    std::remove(after_.c_str());
    const std::string command =
        environment + " " + std::string(HEARD_CLIENT_BIN) + " " + args + " --server wss://localhost:" + port_ +
        " --ca " + shell_quote(std::string(HEARD_TEST_CERT_DIR) + "/ca.crt") + " --state-file " + shell_quote(state) +
        "; echo \"exit=$?\" > " + shell_quote(after_) + "; stty -a >> " + shell_quote(after_);
    return std::make_unique<tmux_screen>(name, "sh -c " + shell_quote(command));
  }

  static std::string read(const std::string& path) { return testing::read_file(path); }

  /// What the shell saw after heard exited: its status and whether the
  /// terminal is back in its normal (cooked, echoing) mode.
  static void expect_clean_exit(const std::string& after, int status) {
    std::string text;
    for (int i = 0; i < 800 && (text = read(after)).find("icanon") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));  // the file appears when the shell gets there
    }
    EXPECT_NE(text.find("exit=" + std::to_string(status)), std::string::npos) << text;
    EXPECT_TRUE(std::regex_search(text, std::regex("(^|\\s)icanon(\\s|$)"))) << "terminal left in raw mode:\n" << text;
    EXPECT_TRUE(std::regex_search(text, std::regex("(^|\\s)echo(\\s|$)"))) << "terminal left without echo:\n" << text;
  }

  std::unique_ptr<child_process> server_;
  std::string port_;
  std::string after_;
};

#define EXPECT_SCREEN(term, text) \
  ASSERT_TRUE((term)->wait_for(text)) << "not on " #term "'s screen: \"" << (text) << "\"\n" << (term)->screen()

std::string code_on(const tmux_screen& t) {
  std::smatch m;
  const std::string s = t.screen();
  return std::regex_search(s, m, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")) ? m.str() : "";
}

TEST_F(tui_test, two_people_go_through_every_phase_on_one_screen_each) {
  auto alex = heard("alex", "start --name Alex");
  EXPECT_SCREEN(alex, "Waiting for your partner to join - give them this code:");
  const std::string code = code_on(*alex);
  ASSERT_FALSE(code.empty());
  const std::string alex_after = after_;
  auto sam = heard("sam", "join " + code + " --name Sam");
  const std::string sam_after = after_;

  EXPECT_SCREEN(sam, "Is now a good time for you? Press Enter when you are ready.");
  EXPECT_SCREEN(alex, "Heard - Alex & Sam");
  alex->press("Enter");
  EXPECT_SCREEN(alex, "Waiting for Sam to say now is a good time.");
  sam->press("Enter");

  // Speaking: Alex holds the floor; Sam's input says why it is closed.
  EXPECT_SCREEN(alex, "Your turn to speak. Sam is listening.");
  EXPECT_SCREEN(alex, "^D done");
  EXPECT_SCREEN(sam, "Alex is speaking - listen. You'll say it back when Alex is done.");
  sam->type("But I");
  EXPECT_SCREEN(sam, "Alex has the floor. Listen; you'll say it back when they're done.");
  alex->type("I feel far from you. Caf\xC3\xA9 \xE6\x84\x9B");
  EXPECT_SCREEN(sam, "Alex is saying:");
  EXPECT_SCREEN(sam, "I feel far from you. Caf\xC3\xA9 \xE6\x84\x9B");
  EXPECT_EQ(alex->screen().find("But I"), std::string::npos) << "the listener's keys reached the speaker";

  // An aid, only when asked: the feelings list inserts a word.
  alex->press("F2");
  EXPECT_SCREEN(alex, "Feelings - choose a word to add to your text:");
  alex->press("Down");
  alex->press("Enter");
  EXPECT_SCREEN(sam, "I feel far from you. Caf\xC3\xA9 \xE6\x84\x9B frustrated");
  alex->press("C-d");

  // Paraphrasing.
  EXPECT_SCREEN(sam, "Your turn: say back what you heard, in your own words.");
  EXPECT_SCREEN(alex, "Sam is saying back what they heard.");
  sam->press("F4");
  EXPECT_SCREEN(sam, "No rebuttal, no advice");
  sam->press("Escape");
  sam->type("You feel far.");
  sam->press("Left");  // back before the full stop, to add a word
  sam->type(" away");
  EXPECT_SCREEN(alex, "You feel far away.");
  sam->press("C-d");

  // Confirming: one clear choice for the speaker.
  EXPECT_SCREEN(alex, "Was that what you meant? Accurate, there is more, or not quite?");
  EXPECT_SCREEN(alex, "1 accurate  2 there is more  3 not quite");
  EXPECT_SCREEN(sam, "Waiting for Alex to confirm.");
  alex->type("3");
  EXPECT_SCREEN(alex, "Say what was missed, then Ctrl-D.");
  alex->type("And frustrated.");
  alex->press("C-d");
  EXPECT_SCREEN(sam, "Alex: not quite - And frustrated.");
  EXPECT_SCREEN(sam, "Your turn: say back what you heard");
  sam->type("You feel far away and frustrated.");
  sam->press("C-d");
  EXPECT_SCREEN(alex, "Was that what you meant?");
  alex->type("1");

  // Round 2: the roles switch.
  EXPECT_SCREEN(sam, "Your turn to speak. Alex is listening.");
  EXPECT_SCREEN(alex, "Sam is speaking - listen.");
  EXPECT_SCREEN(alex, "round 2");

  // A resize re-lays the screen.
  alex->resize(100, 30);
  std::string rule_100;
  for (int i = 0; i < 100; ++i) rule_100 += "\u2500";
  EXPECT_SCREEN(alex, rule_100);  // the rules now span the new width
  EXPECT_SCREEN(alex, "Sam is speaking - listen.");

  // Time-out and resume.
  sam->press("C-t");
  EXPECT_SCREEN(sam, "Paused by you - resume when you're ready.");
  EXPECT_SCREEN(alex, "Paused by Sam - they will resume when they are ready.");
  sam->press("C-t");
  EXPECT_SCREEN(sam, "Your turn to speak.");

  // End, and the check-in as a small form.
  alex->press("C-e");
  EXPECT_SCREEN(alex, "End the session for both of you?");
  alex->type("y");
  EXPECT_SCREEN(alex, "I felt safe and supported.");
  EXPECT_SCREEN(sam, "I could say anything without being judged.");
  // An answer moves on by itself: a Down after it skips a statement, and
  // Enter goes back to the one left out.
  alex->type("5");
  alex->press("Down");
  alex->type("5");
  alex->press("Enter");
  EXPECT_SCREEN(alex, "Answer all three statements first (1-5).");
  EXPECT_SCREEN(alex, "> I could say anything without being judged.");
  alex->type("4");
  alex->press("Enter");
  sam->type("454");
  sam->type("Thank you");
  sam->press("Enter");
  EXPECT_SCREEN(alex, "Check-in (1 = not at all, 5 = fully):");
  EXPECT_SCREEN(alex, "Sam: safe and supported 4, could say anything 5, partner invested 4 - \"Thank you\"");
  EXPECT_SCREEN(sam, "Alex: safe and supported 5, could say anything 4, partner invested 5");
  EXPECT_SCREEN(sam, "The session is over. Thank you for listening to each other.");
  // The last screen reads back: round 1 is above, a page or two up.
  for (int page = 0; page < 4 && sam->screen().find("I feel far from you.") == std::string::npos; ++page) {
    sam->press("PPage");
  }
  EXPECT_SCREEN(sam, "I feel far from you.");
  alex->type("q");
  sam->type("q");
  expect_clean_exit(alex_after, 0);
  expect_clean_exit(sam_after, 0);
}

TEST_F(tui_test, a_counselor_guides_from_the_full_screen_and_partners_always_see_them) {
  auto rivera = heard("rivera", "guide --name Rivera --topic 'Moving for work' --speak-limit 2");
  EXPECT_SCREEN(rivera, "Waiting for the partners. Codes:");
  std::smatch m;
  const std::string waiting = rivera->screen();
  ASSERT_TRUE(std::regex_search(
      waiting, m, std::regex("A ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}) B ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")))
      << waiting;
  const std::string code_a = m[1], code_b = m[2];
  auto alex = heard("alex-g", "join " + code_a + " --name Alex");
  auto sam = heard("sam-g", "join " + code_b + " --name Sam");
  EXPECT_SCREEN(alex, "guided by Rivera");
  EXPECT_SCREEN(sam, "Topic: Moving for work");
  EXPECT_SCREEN(rivera, "Both partners are here. Alex speaks first. Neither has said they are ready yet.");
  sam->press("Enter");
  EXPECT_SCREEN(rivera, "Sam is ready; Alex not yet.");  // the counselor sees who is ready
  rivera->press("F7");
  EXPECT_SCREEN(rivera, "Sam speaks first.");  // every control says what it did
  rivera->press("F7");
  EXPECT_SCREEN(rivera, "Alex speaks first.");

  rivera->press("F5");
  EXPECT_SCREEN(alex, "Your turn to speak. Sam is listening.");
  EXPECT_SCREEN(alex, "left");  // the speaking limit, counting down
  EXPECT_SCREEN(rivera, "Alex is speaking; Sam listens.");
  alex->type("I feel far away");
  EXPECT_SCREEN(rivera, "I feel far away");  // the counselor sees drafts live

  // Typing is a note, never a control: "sorry to interrupt" holds and skips nothing.
  rivera->type("sorry to interrupt");
  EXPECT_SCREEN(rivera, "Write a note both partners will see, then Enter.");
  EXPECT_SCREEN(rivera, "sorry to interrupt");
  rivera->press("Escape");
  EXPECT_SCREEN(rivera, "Note discarded.");
  EXPECT_SCREEN(rivera, "Alex is speaking; Sam listens.");
  rivera->type("Say how it feels.");
  rivera->press("Enter");
  EXPECT_SCREEN(rivera, "Note sent to both partners.");
  EXPECT_SCREEN(sam, "Note from Rivera:");
  EXPECT_SCREEN(sam, "Say how it feels.");

  rivera->press("F6");
  EXPECT_SCREEN(alex, "Your counselor has paused the exercise for a moment.");
  EXPECT_SCREEN(sam, "I feel far away");  // the speaker's words stay through the hold
  alex->type("!");
  EXPECT_SCREEN(alex, "Kept in your text; it goes on when the session resumes.");
  rivera->press("F6");
  EXPECT_SCREEN(alex, "Your turn to speak.");
  EXPECT_SCREEN(sam, "I feel far away!");  // and go on when it does
  rivera->press("F9");                     // the floor moves on now
  EXPECT_SCREEN(sam, "Your turn: say back what you heard, in your own words.");
  EXPECT_SCREEN(sam, "I feel far away");
}

TEST_F(tui_test, ctrl_c_leaves_and_gives_the_terminal_back) {
  auto alex = heard("alex-c", "start --name Alex");
  EXPECT_SCREEN(alex, "give them this code:");
  alex->press("C-c");
  expect_clean_exit(after_, 0);
}

// Leaving mid-session is asked first (it ends the session for the partner);
// the partner is told who left, and what they were writing stays on screen.
TEST_F(tui_test, leaving_mid_session_is_confirmed_and_the_partner_is_told) {
  auto alex = heard("alex-l", "start --name Alex");
  EXPECT_SCREEN(alex, "give them this code:");
  auto sam = heard("sam-l", "join " + code_on(*alex) + " --name Sam");
  const std::string sam_after = after_;
  EXPECT_SCREEN(sam, "Is now a good time");
  alex->press("Enter");
  sam->press("Enter");
  EXPECT_SCREEN(alex, "Your turn to speak.");
  alex->type("I was about to say");
  EXPECT_SCREEN(sam, "I was about to say");

  sam->press("C-q");
  EXPECT_SCREEN(sam, "Leave? Alex goes to the check-in.  y leave   n stay");
  sam->type("n");
  EXPECT_SCREEN(sam, "Alex is speaking");
  sam->press("C-q");
  EXPECT_SCREEN(sam, "y leave");
  sam->type("y");
  expect_clean_exit(sam_after, 0);

  EXPECT_SCREEN(alex, "Sam left the session. A short check-in:");
  EXPECT_SCREEN(alex, "What you were writing, not sent:");
  EXPECT_SCREEN(alex, "I was about to say");
}

// TERM=dumb (Emacs shells, some IDE consoles) and a TERM with no terminfo
// entry (a remote machine's) cannot draw a screen: heard falls back to its
// line mode instead of leaving ncurses to exit or scribble.
TEST_F(tui_test, a_dumb_or_unknown_terminal_gets_the_line_mode) {
  for (const std::string term : {"dumb", "no-such-terminal"}) {
    SCOPED_TRACE("TERM=" + term);
    auto alex = heard("alex-" + term, "start --name Alex", "TERM=" + term);
    EXPECT_SCREEN(alex, "welcome seat=A");
    EXPECT_SCREEN(alex, "waiting for your partner to join");
    alex->type("/quit");
    alex->press("Enter");
    expect_clean_exit(after_, 0);
  }
}

TEST_F(tui_test, sigterm_and_a_lost_server_give_the_terminal_back) {
  auto alex = heard("alex-t", "start --name Alex");
  EXPECT_SCREEN(alex, "give them this code:");
  const std::string alex_after = after_;
  auto sam = heard("sam-t", "join " + code_on(*alex) + " --name Sam");
  EXPECT_SCREEN(sam, "Is now a good time");
  const std::string sam_after = after_;
  // SIGTERM to heard itself (not the shell around it), and only this test's:
  // other tests run in parallel with clients of their own servers.
  std::string pattern = "^";
  pattern += HEARD_CLIENT_BIN;
  pattern += " join .* --server wss://localhost:" + port_ + " ";
  const std::string pkill = "pkill -TERM -f " + shell_quote(pattern);
  ASSERT_EQ(std::system(pkill.c_str()), 0);
  expect_clean_exit(sam_after, 0);

  // The server goes away for good: Alex's client gives up cleanly once the
  // restarted server says the session is gone.
  server_->signal(SIGKILL);
  server_->wait_exit();
  EXPECT_SCREEN(alex, "reconnecting");
  std::string port;
  server_ =
      testing::start_heard_server(HEARD_SERVER_BIN, port_, {}, testing::scratch_dir() + "heard-tui-server2.log", port);
  ASSERT_TRUE(server_);
  expect_clean_exit(alex_after, 1);
}

}  // namespace
}  // namespace heard
