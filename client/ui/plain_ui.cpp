#include "plain_ui.hpp"

#include <sstream>

#include "codec.hpp"
#include "conversation_history.hpp"
#include "moment_words.hpp"
#include "tui_model.hpp"

namespace heard::client {
namespace {

// The first word of a line for the client's own notices.
const char* notice_word(local_notice::kind what) {
  switch (what) {
    case local_notice::kind::kept: return "kept";
    case local_notice::kind::safety_code: return "safety-code";
    case local_notice::kind::warning: return "warning";
    default: return "not-sent";
  }
}

std::string verdict_word(v1::Verdict v) {
  switch (v) {
    case v1::VERDICT_ACCURATE_DONE: return "accurate-done";
    case v1::VERDICT_ACCURATE_MORE: return "accurate-more";
    case v1::VERDICT_NOT_QUITE: return "not-quite";
    default: return "unknown";
  }
}

}  // namespace

plain_ui::plain_ui(boost::asio::io_context& ioc, session_client& client, std::ostream& out, plain_options options)
    : client_(client), out_(out), options_(options), draft_pause_timer_(ioc), time_warning_timer_(ioc) {}

void plain_ui::arm_time_warning(std::uint64_t left_ms) {
  time_warning_timer_.cancel();
  for (const auto at : tui::time_warnings_ms) {
    if (left_ms <= at) continue;
    time_warning_timer_.expires_after(std::chrono::milliseconds(left_ms - at));
    time_warning_timer_.async_wait([this, at](boost::system::error_code ec) {
      if (ec || finished_) return;
      out_ << "time-left " << at / 1000 << "s" << std::endl;
      arm_time_warning(at);
    });
    return;
  }
}

std::string plain_ui::one_line(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\t') {
      out += ' ';
    } else if (u >= 0x20 && u != 0x7F) {
      out += c;
    }
  }
  return out;
}

std::string plain_ui::text_block(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\n  ";
    } else if (c == '\t') {
      out += ' ';
    } else if (u >= 0x20 && u != 0x7F) {
      out += c;
    }
  }
  return out;
}

void plain_ui::on_draft(const v1::DraftUpdate& draft) {
  if (options_.drafts == draft_lines::off) return;
  if (options_.drafts == draft_lines::all) {
    out_ << "draft " << who(draft.author()) << ": " << text_block(draft.text()) << std::endl;
    return;
  }
  const std::string& text = draft.text();
  if (draft.author() != draft_author_ || text.compare(0, draft_shown_, draft_, 0, draft_shown_) != 0) {
    // Another writer, or what was printed was changed: start over on this text.
    draft_author_ = draft.author();
    draft_shown_ = 0;
  }
  draft_ = text;
  print_new_draft_lines(false);
  // An unfinished line is printed once the partner stops typing for a moment.
  draft_pause_timer_.expires_after(options_.draft_pause);
  draft_pause_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec && !finished_) print_new_draft_lines(true);
  });
}

void plain_ui::print_new_draft_lines(bool all_of_it) {
  std::size_t from = draft_shown_;
  if (from < draft_.size() && from > 0 && draft_[from] == '\n') ++from;  // the line printed before is finished
  const std::size_t finished = draft_.rfind('\n');
  const std::size_t until = all_of_it ? draft_.size() : (finished == std::string::npos ? 0 : finished);
  if (until <= from) return;
  std::size_t begin = from;
  while (begin < until) {
    const std::size_t end = std::min(draft_.find('\n', begin), until);
    out_ << "draft " << who(draft_author_) << ": " << one_line(draft_.substr(begin, end - begin)) << std::endl;
    begin = end + 1;
  }
  draft_shown_ = until;
}

std::string plain_ui::who(v1::Seat seat) const {
  const auto& view = client_.view();
  return one_line(seat_name(view.snapshot, view.my_seat, seat, seat_naming::line));
}

void plain_ui::on_event(const client_event& event) {
  if (const auto* lost = std::get_if<connection_lost>(&event)) {
    out_ << "reconnecting in=" << lost->retry_in.count() << "ms reason: " << one_line(lost->reason) << std::endl;
    return;
  }
  if (const auto* closed = std::get_if<connection_closed>(&event)) {
    if (quitting_) {
      out_ << "left you" << std::endl;
    } else if (!ended_) {
      out_ << "disconnected " << one_line(closed->reason) << std::endl;
      exit_code_ = 1;
    }
    if (!closed->saved_words.empty()) {
      out_ << "saved " << closed->saved_words << std::endl;
      out_ << "hint Nothing you wrote is lost: it is all in that file." << std::endl;
    }
    finished_ = true;
    draft_pause_timer_.cancel();
    time_warning_timer_.cancel();
    return;
  }
  if (const auto* notice = std::get_if<local_notice>(&event)) {
    out_ << notice_word(notice->what) << ' ' << one_line(notice->text) << std::endl;
    return;
  }
  on_server_message(std::get<v1::ServerMessage>(event));
}

std::ostream& plain_ui::line() {
  out_ << prefix_;
  return out_;
}

// A restarted client, or one away too long for a replay: what was said so
// far, each line marked "earlier" so nobody takes it for something new.
void plain_ui::print_history(const v1::Welcome& w) {
  if (!w.history_sent()) return;
  if (w.history_dropped() > 0 && w.history_size() > 0) {
    out_ << "earlier " << w.history_dropped() << " older entries are no longer kept" << std::endl;
  }
  prefix_ = "earlier ";
  for (const auto& entry : w.history()) on_server_message(message_of(entry));  // an unknown kind prints nothing
  prefix_.clear();
  if (w.has_draft()) {
    // The floor's words so far, printed whole once.
    out_ << "draft " << who(w.draft().author()) << ": " << text_block(w.draft().text()) << std::endl;
    draft_author_ = w.draft().author();
    draft_ = w.draft().text();
    draft_shown_ = draft_.size();
  }
}

void plain_ui::on_server_message(const v1::ServerMessage& m) {
  switch (m.body_case()) {
    case v1::ServerMessage::kWelcome: {
      const auto& w = m.welcome();
      if (w.resumed()) {
        out_ << "reconnected" << std::endl;
        print_history(w);
        if (last_.phase() == v1::PHASE_UNSPECIFIED) {
          // A restarted heard: no arrivals to announce, only where things stand.
          v1::Snapshot before = w.snapshot();
          before.set_phase(v1::PHASE_UNSPECIFIED);
          on_state(before, w.snapshot());
        } else {
          on_state(last_, w.snapshot());
        }
        break;
      }
      out_ << "welcome seat="
           << (w.your_seat() == v1::SEAT_A   ? "A"
               : w.your_seat() == v1::SEAT_B ? "B"
                                             : "counselor")
           << " mode=" << (w.snapshot().mode() == v1::MODE_SPOKEN ? "spoken" : "text") << std::endl;
      if (w.snapshot().mode() == v1::MODE_SPOKEN) {
        out_ << "hint A spoken session: talk to each other (a call, the same room); Heard keeps the turns. "
                "Nothing typed is sent; /done ends your turn."
             << std::endl;
      }
      if (w.your_seat() == v1::SEAT_COUNSELOR) {
        out_ << "code-a " << invite_code_for(w, v1::SEAT_A) << std::endl;
        out_ << "code-b " << invite_code_for(w, v1::SEAT_B) << std::endl;
        out_ << "hint Give each partner one code; each runs: heard join CODE" << std::endl;
      } else if (const auto& code = invite_code_for(w, v1::SEAT_B); !code.empty()) {
        out_ << "code " << code << std::endl;
        out_ << "hint Give your partner this code; they run: heard join " << code << std::endl;
      }
      v1::Snapshot empty;
      on_state(empty, w.snapshot());
      break;
    }
    case v1::ServerMessage::kStateChanged: on_state(last_, m.state_changed().snapshot()); break;
    case v1::ServerMessage::kDraftUpdate: on_draft(m.draft_update()); break;
    case v1::ServerMessage::kTurn: {
      const auto& t = m.turn();
      const bool statement = t.kind() == v1::TURN_KIND_STATEMENT;
      if (t.timed_out()) line() << "time-up " << who(t.author()) << std::endl;
      if (t.moved_on()) line() << "moved-on " << who(t.author()) << std::endl;
      if (client_.view().snapshot.mode() == v1::MODE_SPOKEN) {
        // Spoken: the words were said out loud; the line says the turn happened.
        line() << (statement ? "spoke " : "said-back ") << who(t.author()) << std::endl;
      } else {
        line() << (statement ? "said " : "paraphrase ") << who(t.author()) << ": " << text_block(t.text()) << std::endl;
      }
      // The whole turn is printed: nothing of its draft is left to print.
      draft_pause_timer_.cancel();
      draft_.clear();
      draft_shown_ = 0;
      break;
    }
    case v1::ServerMessage::kJudged: {
      const auto& j = m.judged();
      line() << "verdict " << verdict_word(j.verdict());
      if (!j.missed().empty()) out_ << ": " << text_block(j.missed());
      out_ << std::endl;
      break;
    }
    case v1::ServerMessage::kPartnerLeft: out_ << "left " << who(m.partner_left().seat()) << std::endl; break;
    case v1::ServerMessage::kCheckInResults:
      for (const auto& a : m.check_in_results().answers()) {
        line() << "results " << who(a.seat());
        if (!a.answered()) {
          out_ << " no-answer" << std::endl;
          continue;
        }
        out_ << " safe=" << a.answers().felt_safe() << " unjudged=" << a.answers().could_say_anything()
             << " invested=" << a.answers().partner_invested();
        if (!a.answers().words().empty()) out_ << " words: " << text_block(a.answers().words());
        out_ << std::endl;
      }
      break;
    case v1::ServerMessage::kError:
      out_ << "error " << error_code_name(m.error().code()) << ": " << one_line(m.error().message()) << std::endl;
      break;
    case v1::ServerMessage::kInvite: {
      const auto& view = client_.view();
      const char* word = !view.counselor() ? "code " : m.invite().seat() == v1::SEAT_A ? "code-a " : "code-b ";
      out_ << word << m.invite().code() << std::endl;
      out_ << "hint The old code was tried too many times with mistakes, so it no longer works. "
              "Give this new one instead."
           << std::endl;
      break;
    }
    case v1::ServerMessage::kGuidance:
      line() << "note " << who(v1::SEAT_COUNSELOR) << ": " << text_block(m.guidance().text()) << std::endl;
      break;
    case v1::ServerMessage::kSummary: {
      const auto& sm = m.summary();
      line() << "summary rounds=" << sm.rounds() << " statements=" << sm.statements_size()
             << " time-outs=" << sm.time_outs_a() + sm.time_outs_b() << " duration=" << sm.duration_ms() / 1000 << "s"
             << std::endl;
      break;
    }
    // The topic, opened by the client library into its view: said as a change of state.
    case v1::ServerMessage::kTopicSet: on_state(last_, client_.view().snapshot); break;
    case v1::ServerMessage::kAck:  // bookkeeping of the client library
    case v1::ServerMessage::BODY_NOT_SET: break;
  }
}

void plain_ui::on_state(v1::Snapshot before, const v1::Snapshot& s) {
  const auto& view = client_.view();
  last_ = s;
  if (s.timer().running()) {
    arm_time_warning(s.timer().left_ms());
  } else {
    time_warning_timer_.cancel();
  }
  // Everyone else in the session: partners, and a counselor (never hidden).
  for (const v1::Seat seat : all_seats) {
    if (seat == view.my_seat) continue;
    const v1::Member& was = member_of(before, seat);
    const v1::Member& is = member_of(s, seat);
    const std::string name = who(seat);
    if (!was.present() && is.present()) {
      out_ << (seat == v1::SEAT_COUNSELOR ? "counselor " : "joined ") << name << std::endl;
      if (seat == v1::SEAT_COUNSELOR) out_ << "hint " << name << " is guiding this session." << std::endl;
    }
    if (seat == v1::SEAT_COUNSELOR && was.present() && !is.present()) {
      // A partner who leaves is announced by PartnerLeft; the counselor by the snapshot.
      out_ << "left " << name << std::endl;
      if (const auto words = guide_left_sentence(s, view.my_seat); !words.empty())
        out_ << "hint " << words << std::endl;
    }
    if (!was.present() || !is.present() || is.link() == was.link()) continue;
    switch (is.link()) {
      case v1::LINK_DROPPED:
        out_ << "away " << name << std::endl;
        if (seat != v1::SEAT_COUNSELOR) {
          out_ << "hint " << name << "'s connection dropped - waiting for them to come back." << std::endl;
        }
        break;
      case v1::LINK_OVERDUE:
        out_ << "overdue " << name << std::endl;
        if (seat != v1::SEAT_COUNSELOR) {
          out_ << "hint " << name << " has been away a long time. Keep waiting, or /end the session." << std::endl;
        }
        break;
      case v1::LINK_CONNECTED: out_ << "back " << name << std::endl; break;
      default: break;
    }
  }
  if (!s.topic().empty() && before.topic().empty()) out_ << "topic " << one_line(s.topic()) << std::endl;

  for (const v1::Seat seat : {v1::SEAT_A, v1::SEAT_B}) {
    if (!member_of(before, seat).ready() && member_of(s, seat).ready()) out_ << "ready " << who(seat) << std::endl;
  }
  if (!before.held() && s.held()) out_ << "held" << std::endl;
  if (before.held() && !s.held()) out_ << "released" << std::endl;
  if (s.timer().limit_ms() != before.timer().limit_ms() && s.phase() == before.phase() &&
      s.attempt() == before.attempt() && s.timer().limit_ms() > 0) {
    out_ << "timer left=" << (s.timer().left_ms() + 999) / 1000 << "s" << std::endl;
  }

  for (const v1::Seat seat : {v1::SEAT_A, v1::SEAT_B}) {
    if (!member_of(before, seat).checked_in() && member_of(s, seat).checked_in()) {
      out_ << "checked-in " << who(seat) << std::endl;
    }
  }

  const bool floor_moved =
      s.phase() != before.phase() || s.round() != before.round() || s.attempt() != before.attempt();
  if (!floor_moved) return;

  switch (s.phase()) {
    case v1::PHASE_WAITING_FOR_PARTNER:
      // Everyone here: only the keys are on their way (the safety code follows in a moment).
      if (everyone_here(s)) break;
      out_ << (view.counselor() ? "waiting for the partners to join" : "waiting for your partner to join") << std::endl;
      break;
    case v1::PHASE_READY:
      if (before.phase() == v1::PHASE_PAUSED) out_ << "resumed " << who(before.paused_by()) << std::endl;
      if (view.counselor()) {
        out_ << "hint " << headline(s, view.my_seat) << " /start begins the first round." << std::endl;
      } else if (!member_of(s, view.my_seat).ready()) {
        out_ << "hint " << headline(s, view.my_seat) << " Say so with /ready"
             << (member_of(s, v1::SEAT_COUNSELOR).present() ? "; your counselor then begins the first round."
                                                            : "; the first round begins when you both have.")
             << std::endl;
      }
      break;
    case v1::PHASE_PAUSED:
      out_ << "paused " << who(s.paused_by()) << (s.pause_reason() == v1::PAUSE_REASON_PARTNER_AWAY ? " away" : "")
           << std::endl;
      if (!view.counselor()) {
        const bool mine = s.pause_reason() == v1::PAUSE_REASON_TIME_OUT && s.paused_by() == view.my_seat;
        out_ << "hint " << headline(s, view.my_seat) << (mine ? " /resume" : "") << std::endl;
      }
      break;
    case v1::PHASE_CHECK_IN:
      out_ << "checkin" << std::endl;
      if (const auto words = ended_sentence(s, view.my_seat); !words.empty()) out_ << "hint " << words << std::endl;
      if (!view.unsent_draft.empty()) out_ << "unsent " << text_block(view.unsent_draft) << std::endl;
      if (view.counselor()) {
        out_ << "hint The partners are checking in; their answers reach you when both have answered." << std::endl;
        break;
      }
      out_ << "hint Answer 1-5: I felt safe and supported / I could say anything without being judged / "
              "my partner was invested in what I said: /checkin 5 4 5 [words]"
           << std::endl;
      if (s.guided()) {
        out_ << "hint Your words go to your partner; your counselor sees the scores only. To let them read your "
                "words too: /checkin 5 4 5 --share words"
             << std::endl;
      }
      break;
    case v1::PHASE_ENDED:
      ended_ = true;
      out_ << "ended" << std::endl;
      break;
    default:
      if (before.phase() == v1::PHASE_PAUSED) out_ << "resumed " << who(before.paused_by()) << std::endl;
      print_floor(s);
      break;
  }
}

void plain_ui::print_floor(const v1::Snapshot& s) {
  const auto& view = client_.view();
  // My move, by the turn rules: writing on the floor, or judging it.
  const moment now = moment_of(s, view.my_seat);
  const bool mine = now.may(act::write) || now.may(act::judge);
  // The counselor watches: the same floor lines, none of the partners' hints.
  const bool hints = !view.counselor();
  const bool spoken = s.mode() == v1::MODE_SPOKEN;
  const std::string limit =
      s.timer().limit_ms() > 0 ? " limit=" + std::to_string((s.timer().left_ms() + 999) / 1000) + "s" : "";
  // The same headline every screen shows (common/exercise/moment_words), and
  // the commands for the moment after it.
  const std::string hint = "hint " + headline(s, view.my_seat);
  switch (s.phase()) {
    case v1::PHASE_SPEAKING:
      out_ << "speaking " << who(s.speaker()) << " round=" << s.round() << limit << std::endl;
      if (!hints) break;
      out_ << hint
           << (!mine    ? ""
               : spoken ? " Talk, then /done"
                        : " Type what matters to you, then /done")
           << std::endl;
      break;
    case v1::PHASE_PARAPHRASING:
      out_ << "paraphrasing " << who(s.floor_holder()) << " round=" << s.round() << " attempt=" << s.attempt() << limit
           << std::endl;
      if (hints) out_ << hint << (mine ? " No rebuttal, no advice. Then /done" : "") << std::endl;
      break;
    case v1::PHASE_CONFIRMING:
      out_ << "confirming " << who(s.speaker()) << " round=" << s.round() << " attempt=" << s.attempt() << std::endl;
      if (hints) {
        out_ << hint << (mine ? " /accurate, /more (accurate, and there is more), /notquite [what was missed]" : "")
             << std::endl;
      }
      break;
    default: break;
  }
}

void plain_ui::quit() {
  quitting_ = true;
  client_.leave();
}

void plain_ui::print_help() {
  if (client_.view().counselor()) {
    out_ << "help You guide the session; the partners speak and listen. Commands:" << std::endl
         << "help   /start            begin the first round" << std::endl
         << "help   /hold /release    freeze the floor / let it go on" << std::endl
         << "help   /note TEXT        a short note both partners see" << std::endl
         << "help   /next a|b, /swap  who speaks next (before the first round: first)" << std::endl
         << "help   /extend SECONDS   more time for this floor; /skip moves the floor on now" << std::endl
         << "help   /end              end the session; the partners check in" << std::endl
         << "help   /code             the safety code to compare aloud; /compared once it matched" << std::endl
         << "help   /quit             leave (the pair goes on)" << std::endl;
    return;
  }
  out_ << "help Type lines to write while you hold the floor. Commands:" << std::endl
       << "help   /ready            now is a good time for me" << std::endl
       << "help   /done             end my turn, or submit my paraphrase" << std::endl
       << "help   /undo /clear      drop my last line / empty my text" << std::endl
       << "help   /feelings         a list of words for feelings" << std::endl
       << "help   /istatement       the I-statement scaffold: " << tui::i_statement_scaffold << std::endl
       << "help   /accurate         the paraphrase was accurate; switch roles" << std::endl
       << "help   /more             accurate, and there is more I want to say" << std::endl
       << "help   /notquite [text]  not quite; optionally say what was missed" << std::endl
       << "help   /timeout /resume  pause the session / resume your time-out" << std::endl
       << "help   /end              end the session and go to the check-in" << std::endl
       << "help   /checkin S J I [--share] [words]  check-in answers, each 1-5 (--share: your counselor reads "
          "the words too)"
       << std::endl
       << "help   /code             the safety code to compare aloud; /compared once it matched" << std::endl
       << "help   /quit             leave now" << std::endl;
}

// /undo drops the last line of my text, /clear all of it; the partner sees
// the shorter draft, and the person sees what is left.
void plain_ui::edit_draft(bool last_line_only) {
  std::string text = client_.view().my_draft;
  if (text.empty()) {
    out_ << "usage your text is already empty" << std::endl;
    return;
  }
  const auto cut = text.rfind('\n');
  text = last_line_only && cut != std::string::npos ? text.substr(0, cut) : std::string();
  client_.set_draft(std::move(text));  // dispatched: done when it returns
  out_ << "mine " << text_block(client_.view().my_draft) << std::endl;
}

void plain_ui::on_line(const std::string& raw) {
  std::string line = raw;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return;
  if (line[0] != '/') {
    // Text goes to the server even when it is not our floor: the server is
    // the one that says NOT_YOUR_TURN, and nothing of it is relayed.
    const auto& view = client_.view();
    if (view.counselor()) {
      out_ << "usage counselors send notes with /note TEXT; /help lists the controls" << std::endl;
      return;
    }
    // Lines add up even before our floor has visibly begun: the server may
    // already be there (see session_client::update_draft_key).
    const std::string& so_far = view.my_draft;
    client_.set_draft(so_far.empty() ? line : so_far + "\n" + line);
    return;
  }
  std::istringstream in(line);
  std::string command;
  in >> command;
  std::string rest;
  std::getline(in, rest);
  if (!rest.empty() && rest.front() == ' ') rest.erase(0, rest.find_first_not_of(' '));

  if (command == "/help") return print_help();
  if (command == "/feelings") {
    // The same words as the full screen's F2 list, a group to a line.
    for (const auto& [group, words] : tui::feelings()) {
      std::string line = "help   " + group + ":";
      for (const auto& w : words) line += " " + w;
      out_ << line << std::endl;
    }
    return;
  }
  // The safety code, for everyone: shown once every key is in, and on request.
  if (command == "/code") {
    const auto& v = client_.view();
    out_ << (!v.keys_problem.empty() ? "warning "
             : v.safety_code.empty() ? "hint "
                                     : "safety-code ")
         << one_line(v.safety_code_sentence()) << std::endl;
    return;
  }
  if (command == "/compared") {
    if (client_.view().safety_code.empty()) {
      out_ << "usage there is no code to compare yet" << std::endl;
      return;
    }
    client_.mark_compared();
    out_ << "compared You said the codes match." << std::endl;
    return;
  }
  if (command == "/istatement") {
    out_ << "help An I-statement: " << tui::i_statement_scaffold << std::endl;
    out_ << "help Type it as a line of your own, with your words in place of the dots." << std::endl;
    return;
  }
  if (client_.view().counselor()) {
    v1::Counsel c;
    if (command == "/start") {
      c.mutable_start();
    } else if (command == "/hold") {
      c.mutable_hold();
    } else if (command == "/release") {
      c.mutable_release();
    } else if (command == "/note") {
      c.mutable_note()->set_text(rest);
    } else if (command == "/next") {
      if (rest != "a" && rest != "A" && rest != "b" && rest != "B") {
        out_ << "usage /next a or /next b: who speaks next (before the first round: first)" << std::endl;
        return;
      }
      c.mutable_next_speaker()->set_seat(rest == "a" || rest == "A" ? v1::SEAT_A : v1::SEAT_B);
    } else if (command == "/swap") {
      const auto& s = client_.view().snapshot;
      // Before the first round it swaps who starts; later, who speaks next.
      const v1::Seat next = s.round() == 0 ? s.speaker() : s.next_speaker();
      c.mutable_next_speaker()->set_seat(next == v1::SEAT_A ? v1::SEAT_B : v1::SEAT_A);
    } else if (command == "/extend") {
      // Checked here, so a typo gets its own answer and never reaches the server.
      const bool digits =
          !rest.empty() && rest.size() <= 4 && rest.find_first_not_of("0123456789") == std::string::npos;
      const unsigned long seconds = digits ? std::strtoul(rest.c_str(), nullptr, 10) : 0;
      if (seconds < 1 || seconds > 3600) {
        out_ << "usage /extend SECONDS, a whole number from 1 to 3600 (more time for this floor)" << std::endl;
        return;
      }
      c.mutable_extend_timer()->set_seconds(static_cast<std::uint32_t>(seconds));
    } else if (command == "/skip") {
      c.mutable_skip_timer();
    }
    if (c.action_case() != v1::Counsel::ACTION_NOT_SET) return client_.counsel(std::move(c));
  }
  if (command == "/clear" || command == "/undo") return edit_draft(command == "/undo");
  if (command == "/ready") return client_.ready();
  if (command == "/done") return client_.end_turn(client_.view().my_draft);
  if (command == "/accurate") return client_.judge(v1::VERDICT_ACCURATE_DONE);
  if (command == "/more") return client_.judge(v1::VERDICT_ACCURATE_MORE);
  if (command == "/notquite") return client_.judge(v1::VERDICT_NOT_QUITE, rest);
  if (command == "/timeout") return client_.time_out();
  if (command == "/resume") return client_.resume();
  if (command == "/end") return client_.end_session();
  if (command == "/quit") return quit();
  if (command == "/checkin") {
    std::istringstream args(rest);
    unsigned a = 0, b = 0, c = 0;
    if (!(args >> a >> b >> c)) {
      out_ << "usage /checkin S J I [words], each answer 1-5" << std::endl;
      return;
    }
    std::string words;
    std::getline(args, words);
    const auto trim = [](std::string& text) { text.erase(0, std::min(text.find_first_not_of(' '), text.size())); };
    trim(words);
    // Guided: "--share" first lets the counselor read the words too.
    const bool share = words == "--share" || words.rfind("--share ", 0) == 0;
    if (share) {
      words.erase(0, 7);
      trim(words);
    }
    return client_.check_in(a, b, c, words, share);
  }
  out_ << "usage unknown command " << one_line(command) << "; /help lists them" << std::endl;
}

}  // namespace heard::client
