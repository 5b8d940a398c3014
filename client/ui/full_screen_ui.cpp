#include "full_screen_ui.hpp"

#include <boost/asio/post.hpp>

#include <ncursesw/curses.h>
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "codec.hpp"
#include "conversation_history.hpp"
#include "moment_words.hpp"
#include "summary_format.hpp"
#include "utf8.hpp"

namespace heard::client {
namespace net = boost::asio;

namespace {

constexpr unsigned ctrl(char c) { return static_cast<unsigned>(c) & 0x1F; }
constexpr short accent_pair = 1;

int attributes(tui::style look) {
  switch (look) {
    case tui::style::dim: return A_DIM;
    case tui::style::bold: return A_BOLD;
    case tui::style::accent: return has_colors() ? (COLOR_PAIR(accent_pair) | A_BOLD) : A_BOLD;
    case tui::style::reverse: return A_REVERSE;
    default: return A_NORMAL;
  }
}

std::string results_text(const session_view& view, const v1::CheckInResults& results) {
  std::string out = "Check-in (1 = not at all, 5 = fully):\n";
  for (const auto& a : results.answers()) {
    const std::string who = tui::name_of(view, a.seat());
    out += (who == "you" ? std::string("You") : who) + ": ";
    if (!a.answered()) {
      out += "no answer\n";
      continue;
    }
    out += "safe and supported " + std::to_string(a.answers().felt_safe()) + ", could say anything " +
           std::to_string(a.answers().could_say_anything()) + ", partner invested " +
           std::to_string(a.answers().partner_invested());
    if (!a.answers().words().empty()) out += " - \"" + a.answers().words() + "\"";
    out += "\n";
  }
  return out;
}

}  // namespace

full_screen_ui::full_screen_ui(net::io_context& ioc, session_client& client)
    : ioc_(ioc), client_(client), input_(ioc, ::dup(STDIN_FILENO)), winch_(ioc, SIGWINCH), ticker_(ioc) {}

full_screen_ui::~full_screen_ui() { restore_terminal(); }

void full_screen_ui::restore_terminal() {
  if (!screen_on_) return;
  screen_on_ = false;
  ticker_.cancel();
  endwin();
  if (!final_message_.empty()) std::cout << final_message_ << std::endl;
}

void full_screen_ui::start() {
  initscr();
  screen_on_ = true;
  raw();  // every key, Ctrl-C and Ctrl-Q included, comes to us
  noecho();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(25);
  if (has_colors()) {
    start_color();
    use_default_colors();
    init_pair(accent_pair, COLOR_CYAN, -1);
  }
  winch_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) on_resize();
  });
  render();
  wait_for_keys();
  tick();
}

void full_screen_ui::tick() {
  ticker_.expires_after(std::chrono::seconds(1));
  ticker_.async_wait([this](boost::system::error_code ec) {
    if (ec || !screen_on_) return;
    if (client_.view().snapshot.timer().running()) {
      const auto before = tui::ms_left(client_.view(), ui_);
      render();  // brings the time left up to now
      if (auto warning = tui::time_warning(before, tui::ms_left(client_.view(), ui_)); !warning.empty()) {
        ui_.notice = std::move(warning);  // quiet: words, no bell, no flash
        render();
      }
    }
    tick();
  });
}

void full_screen_ui::on_resize() {
  // The ncurses idiom after SIGWINCH: leave and re-enter curses mode, which
  // re-reads the terminal's size.
  endwin();
  refresh();
  render();
  winch_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) on_resize();
  });
}

void full_screen_ui::wait_for_keys() {
  input_.async_wait(net::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec || !screen_on_) return;
    read_keys();
    if (!finished_) wait_for_keys();
  });
}

void full_screen_ui::read_keys() {
  wint_t key = 0;
  int kind = 0;
  while ((kind = get_wch(&key)) != ERR) {
    if (key == KEY_RESIZE) {
      render();
      continue;
    }
    on_key(static_cast<unsigned>(key), kind == KEY_CODE_YES);
    if (finished_) return;
  }
  render();
}

std::string full_screen_ui::current_text() const {
  if (ui_.typing_missed || ui_.typing_note) return ui_.input;
  if (client_.view().snapshot.phase() == v1::PHASE_CHECK_IN) return ui_.check_in_words;
  return client_.view().my_draft;
}

void full_screen_ui::set_current_text(std::string text) {
  if (ui_.typing_missed || ui_.typing_note) {
    ui_.input = std::move(text);
  } else if (client_.view().snapshot.phase() == v1::PHASE_CHECK_IN) {
    ui_.check_in_words = std::move(text);
  } else {
    client_.set_draft(std::move(text));  // the partner sees it grow
  }
}

void full_screen_ui::insert_text(const std::string& text) {
  std::string why;
  if (!tui::input_active(client_.view(), ui_, &why)) {
    ui_.notice = why;
    return;
  }
  std::string now = current_text();
  const std::size_t at = ui_.cursor.offset(now);
  // A word or the scaffold goes in as its own word.
  const bool needs_space = at > 0 && now[at - 1] != ' ' && now[at - 1] != '\n' && text.size() > 1;
  ui_.cursor.insert(now, needs_space ? " " + text : text);
  set_current_text(std::move(now));
}

void full_screen_ui::on_key(unsigned key, bool function_key) {
  const auto& view = client_.view();
  const auto& s = view.snapshot;
  ui_.notice.clear();

  if (ended_ || s.phase() == v1::PHASE_ENDED) {
    // The last screen: both can read back through what they heard before leaving.
    if (function_key && key == KEY_PPAGE) ui_.scroll += 5;
    if (function_key && key == KEY_NPAGE) ui_.scroll = ui_.scroll > 5 ? ui_.scroll - 5 : 0;
    if (!function_key && (key == 'q' || key == ctrl('Q') || key == ctrl('C') || key == '\n' || key == '\r')) {
      finished_ = true;
      ioc_.stop();
    }
    return;
  }
  if (ui_.confirm_end) {
    ui_.confirm_end = false;
    if (!function_key && (key == 'y' || key == 'Y')) client_.end_session();
    return;
  }
  if (ui_.confirm_leave) {
    ui_.confirm_leave = false;
    if (!function_key && (key == 'y' || key == 'Y')) quit();
    return;
  }
  if (!function_key && (key == ctrl('Q') || key == ctrl('C'))) {
    // Leaving mid-session ends it for the partner: asked first, as ending is.
    if (someone_else_here()) return void(ui_.confirm_leave = true);
    return quit();
  }
  if (!function_key && key == ctrl('E')) {
    ui_.confirm_end = true;
    return;
  }
  if (!function_key && key == ctrl('T')) {
    // One key pauses and resumes: whichever the rules allow me now, or why not.
    const act wanted = s.phase() == v1::PHASE_PAUSED ? act::resume : act::time_out;
    if (auto refused = view.refusal_of(wanted)) return void(ui_.notice = refused->message());
    return wanted == act::resume ? client_.resume() : client_.time_out();
  }
  if (function_key) {
    switch (key) {
      case KEY_PPAGE: ui_.scroll += 5; return;
      case KEY_NPAGE: ui_.scroll = ui_.scroll > 5 ? ui_.scroll - 5 : 0; return;
      default: break;
    }
    if (key == static_cast<unsigned>(KEY_F(1))) ui_.open = tui::panel::help;
    if (key == static_cast<unsigned>(KEY_F(2))) {
      std::string why;
      if (tui::input_active(view, ui_, &why)) {
        ui_.open = tui::panel::feelings;
        ui_.feelings_cursor = 0;
      } else {
        ui_.notice = why;
      }
    }
    if (key == static_cast<unsigned>(KEY_F(3))) ui_.open = tui::panel::scaffold;
    if (key == static_cast<unsigned>(KEY_F(4))) ui_.open = tui::panel::reminder;
    if (key == static_cast<unsigned>(KEY_F(12))) ui_.open = tui::panel::safety_code;
  }
  if (ui_.open != tui::panel::none) {
    if (!function_key && key == 27) {
      ui_.open = tui::panel::none;
      return;
    }
    const bool enter = !function_key && (key == '\n' || key == '\r');
    if (ui_.open == tui::panel::feelings) {
      const auto words = tui::feelings_flat();
      if (function_key && key == KEY_UP && ui_.feelings_cursor > 0) --ui_.feelings_cursor;
      if (function_key && key == KEY_DOWN && ui_.feelings_cursor + 1 < words.size()) ++ui_.feelings_cursor;
      if (enter) {
        ui_.open = tui::panel::none;
        insert_text(words[ui_.feelings_cursor]);
      }
    } else if (ui_.open == tui::panel::scaffold && enter) {
      ui_.open = tui::panel::none;
      insert_text(std::string(tui::i_statement_scaffold));
    } else if (ui_.open == tui::panel::safety_code && enter) {
      ui_.open = tui::panel::none;
      if (!view.safety_code.empty()) client_.mark_compared();
    } else if (enter) {
      ui_.open = tui::panel::none;
    }
    return;
  }
  if (view.counselor()) {
    if (on_counselor_key(key, function_key)) return;
    return on_text_key(function_key ? 0x110000u + key : key);
  }
  if (s.phase() == v1::PHASE_CHECK_IN) return on_check_in_key(key, function_key);
  if (s.phase() == v1::PHASE_READY && !function_key && (key == '\n' || key == '\r')) {
    if (auto refused = view.refusal_of(act::ready)) return void(ui_.notice = refused->message());
    return client_.ready();
  }

  if (view.moment().may(act::judge) && !ui_.typing_missed && !function_key) {
    if (key == '1') return client_.judge(v1::VERDICT_ACCURATE_DONE);
    if (key == '2') return client_.judge(v1::VERDICT_ACCURATE_MORE);
    if (key == '3') {
      if (s.mode() == v1::MODE_SPOKEN) return client_.judge(v1::VERDICT_NOT_QUITE);
      ui_.typing_missed = true;
      ui_.input.clear();
      ui_.cursor = {};
      return;
    }
  }
  if (ui_.typing_missed && !function_key && key == 27) {
    ui_.typing_missed = false;
    ui_.cursor = {};
    return;
  }
  if (!function_key && key == ctrl('D')) {
    if (ui_.typing_missed) {
      ui_.typing_missed = false;
      client_.judge(v1::VERDICT_NOT_QUITE, ui_.input);
      ui_.input.clear();
      ui_.cursor = {};
      return;
    }
    if (view.moment().may(act::write)) {
      return client_.end_turn(s.mode() == v1::MODE_SPOKEN ? std::string() : view.my_draft);
    }
    std::string why;
    tui::input_active(view, ui_, &why);
    ui_.notice = why;
    return;
  }
  on_text_key(function_key ? 0x110000u + key : key);
}

void full_screen_ui::on_text_key(unsigned key) {
  const bool function_key = key >= 0x110000u;
  const unsigned code = function_key ? key - 0x110000u : key;
  const bool backspace = (function_key && code == KEY_BACKSPACE) || (!function_key && (code == 127 || code == 8));
  const bool enter = (function_key && code == KEY_ENTER) || (!function_key && (code == '\n' || code == '\r'));
  const bool moves = function_key && (code == KEY_LEFT || code == KEY_RIGHT || code == KEY_HOME || code == KEY_END);
  const bool erase_forward = function_key && code == KEY_DC;
  if (function_key && !backspace && !enter && !moves && !erase_forward) return;
  if (!function_key && !enter && !backspace && (code < 0x20 || code == 0x7F)) return;  // other control keys

  std::string why;
  if (!tui::input_active(client_.view(), ui_, &why)) {
    ui_.notice = why;
    return;
  }
  std::string text = current_text();
  auto& cursor = ui_.cursor;
  if (moves) {
    if (code == KEY_LEFT) cursor.left(text);
    if (code == KEY_RIGHT) cursor.right(text);
    if (code == KEY_HOME) cursor.home(text);
    if (code == KEY_END) cursor.end(text);
    return;
  }
  if (backspace) {
    cursor.backspace(text);
  } else if (erase_forward) {
    cursor.erase_forward(text);
  } else {
    cursor.insert(text, enter ? std::string("\n") : utf8_encode(code));
  }
  set_current_text(std::move(text));
}

// The counselor's controls are function keys only, so nothing fires while a
// note is being written: any printable key begins a note ("sorry to
// interrupt" is a note, not a skip and a hold). Every control says what it did.
bool full_screen_ui::on_counselor_key(unsigned key, bool function_key) {
  const auto& view = client_.view();
  const auto& s = view.snapshot;
  const bool enter = (function_key && key == KEY_ENTER) || (!function_key && (key == '\n' || key == '\r'));
  if (ui_.typing_note) {
    if (!function_key && key == 27) {
      ui_.typing_note = false;
      ui_.input.clear();
      ui_.cursor = {};
      ui_.notice = "Note discarded.";
      return true;
    }
    if (!enter) return false;  // text for the note
    ui_.typing_note = false;
    ui_.cursor = {};
    if (ui_.input.empty()) return true;
    v1::Counsel c;
    c.mutable_note()->set_text(std::move(ui_.input));
    ui_.input.clear();
    client_.counsel(std::move(c));
    ui_.notice = "Note sent to both partners.";
    return true;
  }
  if (!function_key) {
    if (key < 0x20 || key == 0x7F) return true;  // Enter, Backspace: nothing is being written
    if (auto refused = view.refusal_of(act::note)) {
      ui_.notice = refused->message();
      return true;
    }
    ui_.typing_note = true;  // and the key itself is the note's first character
    ui_.input.clear();
    ui_.cursor = {};
    return false;
  }
  v1::Counsel c;
  act what = act::start;
  std::string done;
  if (key == static_cast<unsigned>(KEY_F(5))) {
    c.mutable_start();
    done = "The first round begins.";
  } else if (key == static_cast<unsigned>(KEY_F(6))) {
    what = s.held() ? act::release : act::hold;
    s.held() ? (void)c.mutable_release() : (void)c.mutable_hold();
    done = s.held() ? "The exercise goes on." : "You paused the exercise; F6 lets it go on.";
  } else if (key == static_cast<unsigned>(KEY_F(7))) {
    what = act::choose_next;
    // Before the first round it swaps who starts; later, who speaks next.
    const v1::Seat next = other_partner(s.round() == 0 ? s.speaker() : s.next_speaker());
    c.mutable_next_speaker()->set_seat(next);
    done = capitalized(tui::name_of(view, next)) + (s.round() == 0 ? " speaks first." : " speaks next.");
  } else if (key == static_cast<unsigned>(KEY_F(8))) {
    what = act::extend;
    c.mutable_extend_timer()->set_seconds(60);
    done = "One more minute for this floor.";
  } else if (key == static_cast<unsigned>(KEY_F(9))) {
    what = act::skip;
    c.mutable_skip_timer();
    done = "The floor moves on.";
  } else {
    return false;  // arrows, PgUp/PgDn: not controls
  }
  if (auto refused = view.refusal_of(what)) {
    ui_.notice = refused->message();
    return true;
  }
  client_.counsel(std::move(c));
  ui_.notice = std::move(done);
  return true;
}

void full_screen_ui::on_check_in_key(unsigned key, bool function_key) {
  if (!client_.view().i_check_in()) return;
  if (function_key && key == KEY_UP && ui_.check_in_field > 0) return void(--ui_.check_in_field);
  const std::size_t last_field = client_.view().snapshot.guided() ? 4 : 3;
  if (function_key && key == KEY_DOWN && ui_.check_in_field < last_field) return void(++ui_.check_in_field);
  if (ui_.check_in_field == 4 && !function_key && (key == ' ' || key == 'y' || key == 'n')) {
    ui_.check_in_share = key == ' ' ? !ui_.check_in_share : key == 'y';
    return;
  }
  const bool enter = (function_key && key == KEY_ENTER) || (!function_key && (key == '\n' || key == '\r'));
  if (enter) {
    for (std::size_t q = 0; q < std::size(ui_.check_in); ++q) {
      if (ui_.check_in[q] == 0) {
        // An answer moves on to the next statement by itself, so a Down
        // after it skips one: the form goes back to the one left out.
        ui_.check_in_field = q;
        ui_.notice = "Answer all three statements first (1-5).";
        return;
      }
    }
    client_.check_in(ui_.check_in[0], ui_.check_in[1], ui_.check_in[2], ui_.check_in_words, ui_.check_in_share);
    return;
  }
  if (ui_.check_in_field < 3) {
    auto& v = ui_.check_in[ui_.check_in_field];
    if (!function_key && key >= '1' && key <= '5') {
      v = key - '0';
      ++ui_.check_in_field;
    }
    if (function_key && key == KEY_LEFT && v > 1) --v;
    if (function_key && key == KEY_RIGHT && v < 5) ++v;
    return;
  }
  if (ui_.check_in_field == 4) return;  // the sharing choice takes no text
  on_text_key(function_key ? 0x110000u + key : key);
}

void full_screen_ui::on_event(const client_event& event) {
  if (std::holds_alternative<connection_lost>(event)) {
    ui_.reconnecting = true;
  } else if (const auto* notice = std::get_if<local_notice>(&event)) {
    // The code itself is in the title; its sentence is F12's (too long for a footer).
    ui_.notice = notice->what == local_notice::kind::safety_code
                     ? "Every key is in: compare the safety code aloud (F12)."
                     : notice->text;
  } else if (const auto* closed = std::get_if<connection_closed>(&event)) {
    finished_ = true;
    if (quitting_) {
      final_message_ = "You left the session.";
    } else if (!closing_error_.empty()) {
      // The server ended it with a reason (codes expired, the session was lost): that, not a thank-you.
      final_message_ = "heard: " + closing_error_;
      exit_code_ = 1;
    } else if (!ended_) {
      final_message_ = "heard: disconnected: " + closed->reason;
      exit_code_ = 1;
    } else {
      final_message_ = "The session is over. Thank you for listening to each other.";
    }
    if (!closed->saved_words.empty()) {
      final_message_ += "\nEverything you wrote is saved in " + closed->saved_words;
    }
    if (!ended_ || quitting_ || !closing_error_.empty()) return restore_terminal();
    // Ended: the results stay on screen until a key is pressed.
    finished_ = false;
    render();
    return;
  } else {
    const auto& m = std::get<v1::ServerMessage>(event);
    const auto& view = client_.view();
    switch (m.body_case()) {
      case v1::ServerMessage::kWelcome: {
        ui_.reconnecting = false;
        ui_.notice.clear();  // whatever it said was about before the drop
        snapshot_at_ = std::chrono::steady_clock::now();
        ui_.timer_elapsed_ms = 0;
        // A restarted client, or one away too long for a replay: the
        // conversation so far (less what is on screen already) and the floor's words.
        const auto& w = m.welcome();
        if (w.history_dropped() > 0 && ui_.transcript.empty()) {
          std::string note = std::to_string(w.history_dropped());
          note += " earlier entries are no longer kept.";
          tell(std::move(note));
        }
        for (const auto& entry : w.history()) {
          if (auto said = message_of(entry); said.body_case() != v1::ServerMessage::BODY_NOT_SET) on_event(said);
        }
        if (w.has_draft()) ui_.partner_draft = w.draft().text();
        floor_key_ = floor_key(view.snapshot);
        break;
      }
      case v1::ServerMessage::kGuidance:
        ui_.transcript.push_back({tui::transcript_entry::kind::note, v1::SEAT_COUNSELOR, m.guidance().text(),
                                  v1::VERDICT_UNSPECIFIED, view.snapshot.round(), ""});
        ui_.scroll = 0;
        break;
      case v1::ServerMessage::kTurn: {
        const auto& t = m.turn();
        ui_.transcript.push_back({t.kind() == v1::TURN_KIND_STATEMENT ? tui::transcript_entry::kind::statement
                                                                      : tui::transcript_entry::kind::paraphrase,
                                  t.author(), t.text(), v1::VERDICT_UNSPECIFIED, t.round(),
                                  t.timed_out()  ? "time ran out here"
                                  : t.moved_on() ? "the counselor moved the floor on here"
                                                 : ""});
        if (t.author() != view.my_seat) ui_.partner_draft.clear();
        ui_.scroll = 0;
        break;
      }
      case v1::ServerMessage::kDraftUpdate: ui_.partner_draft = m.draft_update().text(); break;
      case v1::ServerMessage::kJudged: {
        const auto& j = m.judged();
        ui_.transcript.push_back(
            {tui::transcript_entry::kind::verdict, j.by(), j.missed(), j.verdict(), j.round(), ""});
        break;
      }
      case v1::ServerMessage::kPartnerLeft: {
        const auto left = m.partner_left().seat();
        tell(capitalized(tui::name_of(view, left)) + " left the session.");
        break;
      }
      case v1::ServerMessage::kStateChanged: {
        // A notice belongs to the moment it was given in: a new phase, a
        // release or a resume makes it stale.
        if (before_.phase() != view.snapshot.phase() || before_.held() != view.snapshot.held() ||
            before_.round() != view.snapshot.round() || before_.attempt() != view.snapshot.attempt()) {
          ui_.notice.clear();
        }
        if (const auto words = guide_left_sentence(view.snapshot, view.my_seat);
            !words.empty() && member_of(before_, v1::SEAT_COUNSELOR).present()) {
          tell(words);
        }
        if (const auto words = ended_sentence(view.snapshot, view.my_seat);
            !words.empty() && before_.ended_by() == v1::SEAT_UNSPECIFIED &&
            member_of(view.snapshot, view.snapshot.ended_by()).present()) {
          tell(words);  // one who left was told by PartnerLeft
        }
        if (!view.unsent_draft.empty() && before_.phase() != view.snapshot.phase()) {
          tell("What you were writing, not sent:\n" + view.unsent_draft);  // kept in the history too
        }
        snapshot_at_ = std::chrono::steady_clock::now();
        ui_.timer_elapsed_ms = 0;
        const auto key = floor_key(view.snapshot);
        if (key != floor_key_) {
          floor_key_ = key;
          ui_.partner_draft.clear();
          ui_.cursor = {};  // a new floor: typing starts at the end again
        }
        if (view.snapshot.phase() == v1::PHASE_ENDED) ended_ = true;
        break;
      }
      case v1::ServerMessage::kCheckInResults: ui_.results = results_text(view, m.check_in_results()); break;
      case v1::ServerMessage::kInvite:
        ui_.notice = "Your code was tried too many times with mistakes; the new one is above.";
        break;
      case v1::ServerMessage::kSummary: ui_.results += "\n" + summary_markdown(m.summary()); break;
      case v1::ServerMessage::kError:
        ui_.notice = m.error().code() == v1::ERROR_PARTNER_AWAY ? "Held: it goes through when you are both back."
                                                                : m.error().message();
        if (m.error().closes()) closing_error_ = m.error().message();
        break;
      default: break;
    }
    before_ = view.snapshot;
  }
  render();
}

void full_screen_ui::tell(std::string sentence) {
  ui_.transcript.push_back({tui::transcript_entry::kind::event, v1::SEAT_UNSPECIFIED, std::move(sentence),
                            v1::VERDICT_UNSPECIFIED, client_.view().snapshot.round(), ""});
  ui_.scroll = 0;
}

bool full_screen_ui::someone_else_here() const {
  const auto& view = client_.view();
  for (const v1::Seat seat : all_seats) {
    if (seat != view.my_seat && member_of(view.snapshot, seat).present()) return true;
  }
  return false;
}

void full_screen_ui::quit() {
  quitting_ = true;
  client_.leave();
}

void full_screen_ui::render() {
  if (!screen_on_) return;
  ui_.timer_elapsed_ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - snapshot_at_).count());
  int height = 0, width = 0;
  getmaxyx(stdscr, height, width);
  const auto f = tui::layout(client_.view(), ui_, static_cast<std::size_t>(std::max(width, 0)),
                             static_cast<std::size_t>(std::max(height, 0)));
  erase();
  for (std::size_t y = 0; y < f.rows.size() && y < static_cast<std::size_t>(height); ++y) {
    const int attr = attributes(f.rows[y].look);
    attron(attr);
    mvaddstr(static_cast<int>(y), 0, f.rows[y].text.c_str());
    attroff(attr);
  }
  if (f.cursor_row >= 0) {
    curs_set(1);
    move(f.cursor_row, f.cursor_col);
  } else {
    curs_set(0);
  }
  refresh();
}

}  // namespace heard::client
