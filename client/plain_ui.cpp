#include "plain_ui.hpp"

#include <sstream>

#include "codec.hpp"

namespace heard::client {
namespace {

std::string verdict_word(v1::Verdict v) {
  switch (v) {
    case v1::VERDICT_ACCURATE_DONE: return "accurate-done";
    case v1::VERDICT_ACCURATE_MORE: return "accurate-more";
    case v1::VERDICT_NOT_QUITE: return "not-quite";
    default: return "unknown";
  }
}

}  // namespace

plain_ui::plain_ui(session_client& client, std::ostream& out) : client_(client), out_(out) {}

std::string plain_ui::one_line(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += ' ';
    } else if (u >= 0x20 && u != 0x7F) {
      out += c;
    }
  }
  return out;
}

std::string plain_ui::who(v1::Seat seat) const {
  const auto& view = client_.view();
  if (seat == view.my_seat) return "you";
  const std::string name = view.name_of(seat);
  return name.empty() ? "partner" : one_line(name);
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
    return;
  }
  on_server_message(std::get<v1::ServerMessage>(event));
}

void plain_ui::on_server_message(const v1::ServerMessage& m) {
  switch (m.body_case()) {
    case v1::ServerMessage::kWelcome: {
      const auto& w = m.welcome();
      if (w.resumed()) {
        out_ << "reconnected" << std::endl;
        on_state(last_, w.snapshot());
        break;
      }
      out_ << "welcome seat=" << (w.your_seat() == v1::SEAT_A ? "A" : "B")
           << " mode=" << (w.snapshot().mode() == v1::MODE_SPOKEN ? "spoken" : "text") << std::endl;
      if (!w.invite_code().empty()) {
        out_ << "code " << w.invite_code() << std::endl;
        out_ << "hint Give your partner this code; they run: heard join " << w.invite_code() << std::endl;
      }
      v1::Snapshot empty;
      on_state(empty, w.snapshot());
      break;
    }
    case v1::ServerMessage::kStateChanged: on_state(last_, m.state_changed().snapshot()); break;
    case v1::ServerMessage::kDraftUpdate:
      out_ << "draft " << who(m.draft_update().author()) << ": " << one_line(m.draft_update().text()) << std::endl;
      break;
    case v1::ServerMessage::kTurn: {
      const auto& t = m.turn();
      const bool statement = t.kind() == v1::TURN_KIND_STATEMENT;
      out_ << (statement ? "said " : "paraphrase ") << who(t.author()) << ": " << one_line(t.text()) << std::endl;
      break;
    }
    case v1::ServerMessage::kJudged: {
      const auto& j = m.judged();
      out_ << "verdict " << verdict_word(j.verdict());
      if (!j.missed().empty()) out_ << ": " << one_line(j.missed());
      out_ << std::endl;
      break;
    }
    case v1::ServerMessage::kPartnerLeft: out_ << "left " << who(m.partner_left().seat()) << std::endl; break;
    case v1::ServerMessage::kCheckInResults:
      for (const auto& a : m.check_in_results().answers()) {
        out_ << "results " << who(a.seat());
        if (!a.answered()) {
          out_ << " no-answer" << std::endl;
          continue;
        }
        out_ << " safe=" << a.answers().felt_safe() << " unjudged=" << a.answers().could_say_anything()
             << " invested=" << a.answers().partner_invested();
        if (!a.answers().words().empty()) out_ << " words: " << one_line(a.answers().words());
        out_ << std::endl;
      }
      break;
    case v1::ServerMessage::kError:
      out_ << "error " << error_code_name(m.error().code()) << ": " << one_line(m.error().message()) << std::endl;
      break;
    case v1::ServerMessage::kAck:  // bookkeeping of the client library
    case v1::ServerMessage::BODY_NOT_SET: break;
  }
}

void plain_ui::on_state(v1::Snapshot before, const v1::Snapshot& s) {
  const auto& view = client_.view();
  last_ = s;
  const v1::Seat partner = view.partner_seat();
  const bool partner_was = partner == v1::SEAT_A ? before.a_present() : before.b_present();
  const bool partner_is = partner == v1::SEAT_A ? s.a_present() : s.b_present();
  if (!partner_was && partner_is) out_ << "joined " << who(partner) << std::endl;

  if (!before.a_ready() && s.a_ready()) out_ << "ready " << who(v1::SEAT_A) << std::endl;
  if (!before.b_ready() && s.b_ready()) out_ << "ready " << who(v1::SEAT_B) << std::endl;

  const v1::LinkState partner_link_was = partner == v1::SEAT_A ? before.a_link() : before.b_link();
  const v1::LinkState partner_link = partner == v1::SEAT_A ? s.a_link() : s.b_link();
  if (partner_is && partner_was && partner_link != partner_link_was) {
    switch (partner_link) {
      case v1::LINK_DROPPED:
        out_ << "away " << who(partner) << std::endl;
        out_ << "hint " << who(partner) << "'s connection dropped - waiting for them to come back." << std::endl;
        break;
      case v1::LINK_OVERDUE:
        out_ << "overdue " << who(partner) << std::endl;
        out_ << "hint " << who(partner) << " has been away a long time. Keep waiting, or /end the session."
             << std::endl;
        break;
      case v1::LINK_CONNECTED: out_ << "back " << who(partner) << std::endl; break;
      default: break;
    }
  }

  if (!before.a_checked_in() && s.a_checked_in()) out_ << "checked-in " << who(v1::SEAT_A) << std::endl;
  if (!before.b_checked_in() && s.b_checked_in()) out_ << "checked-in " << who(v1::SEAT_B) << std::endl;

  const bool floor_moved = s.phase() != before.phase() || s.round() != before.round() ||
                           s.attempt() != before.attempt();
  if (!floor_moved) return;

  switch (s.phase()) {
    case v1::PHASE_WAITING_FOR_PARTNER: out_ << "waiting for your partner to join" << std::endl; break;
    case v1::PHASE_READY:
      if (before.phase() == v1::PHASE_PAUSED) out_ << "resumed " << who(before.paused_by()) << std::endl;
      out_ << "hint Both of you say when now is a good time: /ready" << std::endl;
      break;
    case v1::PHASE_PAUSED:
      out_ << "paused " << who(s.paused_by())
           << (s.pause_reason() == v1::PAUSE_REASON_PARTNER_AWAY ? " away" : "") << std::endl;
      break;
    case v1::PHASE_CHECK_IN:
      out_ << "checkin" << std::endl;
      out_ << "hint Answer 1-5: I felt safe and supported / I could say anything without being judged / "
              "my partner was invested in what I said: /checkin 5 4 5 [words]"
           << std::endl;
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
  const bool mine = s.floor_holder() == view.my_seat;
  const bool spoken = s.mode() == v1::MODE_SPOKEN;
  switch (s.phase()) {
    case v1::PHASE_SPEAKING:
      out_ << "speaking " << who(s.speaker()) << " round=" << s.round() << std::endl;
      if (mine) {
        out_ << (spoken ? "hint You have the floor: talk, then /done"
                        : "hint You have the floor: type what matters to you, then /done")
             << std::endl;
      } else {
        out_ << "hint Listen. You will say it back when " << who(s.speaker()) << " is done." << std::endl;
      }
      break;
    case v1::PHASE_PARAPHRASING:
      out_ << "paraphrasing " << who(s.floor_holder()) << " round=" << s.round() << " attempt=" << s.attempt()
           << std::endl;
      if (mine) {
        out_ << "hint Say back what you heard, in your own words. No rebuttal, no advice. Then /done" << std::endl;
      }
      break;
    case v1::PHASE_CONFIRMING:
      out_ << "confirming " << who(s.speaker()) << " round=" << s.round() << " attempt=" << s.attempt() << std::endl;
      if (mine) out_ << "hint Was that accurate? /accurate, /more (accurate, and there is more), /notquite [what was missed]" << std::endl;
      break;
    default: break;
  }
}

void plain_ui::quit() {
  quitting_ = true;
  client_.leave();
}

void plain_ui::print_help() {
  out_ << "help Type lines to write while you hold the floor. Commands:" << std::endl
       << "help   /ready            now is a good time for me" << std::endl
       << "help   /done             end my turn, or submit my paraphrase" << std::endl
       << "help   /accurate         the paraphrase was accurate; switch roles" << std::endl
       << "help   /more             accurate, and there is more I want to say" << std::endl
       << "help   /notquite [text]  not quite; optionally say what was missed" << std::endl
       << "help   /timeout /resume  pause the session / resume your time-out" << std::endl
       << "help   /end              end the session and go to the check-in" << std::endl
       << "help   /checkin S J I [words]  check-in answers, each 1-5" << std::endl
       << "help   /quit             leave now" << std::endl;
}

void plain_ui::on_line(const std::string& raw) {
  std::string line = raw;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return;
  if (line[0] != '/') {
    // Text goes to the server even when it is not our floor: the server is
    // the one that says NOT_YOUR_TURN, and nothing of it is relayed.
    const auto& view = client_.view();
    if (!view.i_write_now()) {
      client_.set_draft(line);
      return;
    }
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
    if (!words.empty() && words.front() == ' ') words.erase(0, words.find_first_not_of(' '));
    return client_.check_in(a, b, c, words);
  }
  out_ << "usage unknown command " << one_line(command) << "; /help lists them" << std::endl;
}

}  // namespace heard::client
