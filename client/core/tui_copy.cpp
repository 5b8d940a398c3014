// What the full screen says: the header sentence for every moment, the keys
// of the moment, why the input is closed, the aids' words. The rules behind
// them are common/exercise/turn_rules; this is only their wording.
#include "moment_words.hpp"
#include "tui_model.hpp"

namespace heard::client::tui {

const std::vector<std::pair<std::string, std::vector<std::string>>>& feelings() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> wheel = {
      {"angry", {"frustrated", "resentful", "irritated"}},
      {"sad", {"lonely", "disappointed", "discouraged"}},
      {"afraid", {"anxious", "insecure", "overwhelmed"}},
      {"hurt", {"rejected", "unappreciated", "left out"}},
      {"ashamed", {"embarrassed", "guilty", "inadequate"}},
      {"happy", {"grateful", "relieved", "hopeful"}},
      {"loved", {"close", "safe", "cared for"}},
  };
  return wheel;
}

std::vector<std::string> feelings_flat() {
  std::vector<std::string> out;
  for (const auto& [group, words] : feelings()) {
    out.push_back(group);
    out.insert(out.end(), words.begin(), words.end());
  }
  return out;
}

std::string name_of(const session_view& view, v1::Seat seat) {
  return seat_name(view.snapshot, view.my_seat, seat, seat_naming::sentence);
}

std::uint64_t ms_left(const session_view& view, const ui_state& ui) {
  const auto& t = view.snapshot.timer();
  if (t.limit_ms() == 0) return 0;
  std::uint64_t left = t.left_ms();
  if (t.running()) left = left > ui.timer_elapsed_ms ? left - ui.timer_elapsed_ms : 0;
  return left;
}

std::string time_warning(std::uint64_t before_ms, std::uint64_t now_ms) {
  for (const auto at : time_warnings_ms) {
    if (before_ms > at && now_ms <= at && now_ms > 0) return std::to_string(at / 1000) + " seconds left.";
  }
  return {};
}

std::string time_left(const session_view& view, const ui_state& ui) {
  const auto& t = view.snapshot.timer();
  if (t.limit_ms() == 0) return {};
  const std::uint64_t left = ms_left(view, ui);
  const auto seconds = (left + 999) / 1000;
  char buf[48];  // "NNNNN:NN left (stopped)" with room for any 64-bit count
  std::snprintf(buf, sizeof buf, "%llu:%02llu left%s", static_cast<unsigned long long>(seconds / 60),
                static_cast<unsigned long long>(seconds % 60), t.running() ? "" : " (stopped)");
  return buf;
}

// The shared headline (common/exercise/moment_words), with this screen's keys
// where the moment asks for one.
std::string header_sentence(const session_view& view, const ui_state& ui) {
  const auto& s = view.snapshot;
  if (ui.reconnecting) return "Your connection dropped - reconnecting. Nothing you wrote is lost.";
  const std::string now = headline(s, view.my_seat);
  if (view.counselor()) {
    if (ui.typing_note) return "Write a note both partners will see, then Enter.";
    if (s.held() && (is_exercise_phase(s.phase()) || s.phase() == v1::PHASE_READY)) return now + " F6 lets it go on.";
    if (s.phase() == v1::PHASE_WAITING_FOR_PARTNER) {
      std::string out = now + " Codes:";
      if (!member_of(s, v1::SEAT_A).present()) out += " A " + view.invite_code;
      if (!member_of(s, v1::SEAT_B).present()) out += " B " + view.invite_code_b;
      return out;
    }
    if (s.phase() == v1::PHASE_READY) return now + " F5 begins.";
    return now;
  }
  // The writer may keep writing through a time-out or hold; the screen says
  // where those words go, for as long as it lasts (a notice would be gone at
  // the next key).
  if (view.moment().writes && s.mode() != v1::MODE_SPOKEN && floor_stopped(s)) {
    return now + " What you write waits for the resume.";
  }
  switch (s.phase()) {
    case v1::PHASE_WAITING_FOR_PARTNER:
      if (s.guided() || view.invite_code.empty()) return now;
      return "Waiting for your partner to join - give them this code: " + view.invite_code;
    case v1::PHASE_READY: return member_of(s, view.my_seat).ready() ? now : now + " Press Enter when you are ready.";
    case v1::PHASE_SPEAKING:
    case v1::PHASE_PARAPHRASING:
      if (s.mode() == v1::MODE_SPOKEN && view.moment().may(act::write)) return now + " Then press Ctrl-D.";
      return now;
    case v1::PHASE_CONFIRMING:
      if (s.speaker() == view.my_seat && ui.typing_missed) return "Say what was missed, then Ctrl-D.";
      return now;
    default: return now;
  }
}

bool input_active(const session_view& view, const ui_state& ui, std::string* why) {
  const auto& s = view.snapshot;
  auto say = [&](std::string text) {
    if (why) *why = std::move(text);
    return false;
  };
  if (ui.typing_missed || ui.typing_note) return true;
  if (view.counselor()) return say("You guide; the partners speak and listen. Type to write a note to both.");
  if (s.phase() == v1::PHASE_CHECK_IN) return ui.check_in_field == 3;
  // The writer keeps writing through a time-out or a hold: the words stay in
  // their own text and go on when the floor does (session_client keeps them).
  if (view.moment().writes && s.mode() != v1::MODE_SPOKEN && floor_stopped(s)) return true;
  if (s.held() && s.phase() != v1::PHASE_PAUSED) return say("Your counselor has paused the exercise for a moment.");
  if (s.phase() == v1::PHASE_PAUSED) return say("Paused - the floor is frozen until the session resumes.");
  if (view.moment().may(act::write)) {
    if (s.mode() == v1::MODE_SPOKEN) return say("A spoken session: talk to each other, then press Ctrl-D.");
    return true;
  }
  const std::string partner = name_of(view, view.partner_seat());
  switch (s.phase()) {
    case v1::PHASE_SPEAKING: return say(partner + " has the floor. Listen; you'll say it back when they're done.");
    case v1::PHASE_PARAPHRASING: return say(partner + " is saying back what they heard. Let them finish.");
    case v1::PHASE_CONFIRMING:
      return say(s.speaker() == view.my_seat ? "Choose below: 1 accurate, 2 there is more, 3 not quite."
                                             : partner + " is deciding whether you heard them.");
    case v1::PHASE_READY: return say("Nothing to write yet: press Enter when now is a good time.");
    case v1::PHASE_WAITING_FOR_PARTNER: return say("Your partner has not joined yet.");
    default: return say("The exercise is over.");
  }
}

std::string fit_keys(const std::string& keys, std::size_t width) {
  if (display_width(keys) <= width) return keys;
  std::vector<std::string> items;
  for (std::size_t at = 0; at < keys.size();) {
    const auto end = std::min(keys.find("  ", at), keys.size());
    if (end > at) items.push_back(keys.substr(at, end - at));
    at = end == keys.size() ? end : keys.find_first_not_of(' ', end);
    if (at == std::string::npos) break;
  }
  const auto joined = [&] {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : "  ") + item;
    return out;
  };
  const auto is_aid = [](const std::string& item) {
    for (const char* aid : {"F2 ", "F3 ", "F4 ", "PgUp", "F1 "}) {
      if (item.rfind(aid, 0) == 0) return true;
    }
    return false;
  };
  for (auto it = items.end(); display_width(joined()) > width && it != items.begin();) {
    --it;
    if (is_aid(*it)) it = items.erase(it);
  }
  while (!items.empty() && display_width(joined()) > width) items.pop_back();
  return joined();
}

std::string footer_keys(const session_view& view, const ui_state& ui) {
  const auto& s = view.snapshot;
  if (ui.confirm_end) return "End the session for both of you?  y yes   n no";
  if (ui.confirm_leave) {
    return view.counselor() ? "Leave? The partners go on without you.  y leave   n stay"
                            : "Leave? " + capitalized(name_of(view, view.partner_seat())) +
                                  " goes to the check-in.  y leave   n stay";
  }
  if (ui.open == panel::feelings) return "Up/Down choose   Enter insert   Esc close";
  if (ui.open != panel::none) return "Esc close";
  // ^X is Ctrl-X. Kept short enough for 80 columns; F1 lists everything.
  if (view.counselor()) {
    // Function keys only: typing writes a note, so no letter is ever a control.
    if (ui.typing_note) return "Enter send note  Esc cancel";
    switch (s.phase()) {
      case v1::PHASE_WAITING_FOR_PARTNER: return "type a note  ^Q leave  F1 help";
      case v1::PHASE_READY: return "F5 begin  F7 swap first speaker  type a note  ^E end  ^Q leave";
      case v1::PHASE_CHECK_IN: return "type a note  ^Q leave  F1 help";
      case v1::PHASE_ENDED: return "PgUp/PgDn read back  q quit";
      default:
        return std::string(s.held() ? "F6 go on" : "F6 hold") +
               "  F7 swap next  F8 +1 min  F9 skip  ^E end  ^Q leave  F1 help";
    }
  }
  const std::string common = "  ^T pause  ^E end  ^Q leave  F1 help";
  switch (s.phase()) {
    case v1::PHASE_WAITING_FOR_PARTNER: return "^Q leave";
    case v1::PHASE_READY: return "Enter I'm ready" + common;
    case v1::PHASE_SPEAKING:
    case v1::PHASE_PARAPHRASING:
      if (s.floor_holder() == view.my_seat) {
        if (s.mode() == v1::MODE_SPOKEN) return "^D done" + common;
        return std::string("^D done  F2 feelings  ") +
               (s.phase() == v1::PHASE_SPEAKING ? "F3 I-statement" : "F4 reminder") + common;
      }
      return "F4 reminder  PgUp/PgDn history" + common;
    case v1::PHASE_CONFIRMING:
      if (s.speaker() == view.my_seat) {
        return ui.typing_missed ? "^D send  Esc back" : "1 accurate  2 there is more  3 not quite" + common;
      }
      return "PgUp/PgDn history" + common;
    case v1::PHASE_PAUSED:
      return s.pause_reason() == v1::PAUSE_REASON_TIME_OUT && s.paused_by() == view.my_seat
                 ? "^T resume  ^E end  ^Q leave"
                 : "^E end  ^Q leave";
    case v1::PHASE_CHECK_IN: return "Up/Down question  1-5 answer  Enter send  ^Q leave";
    case v1::PHASE_ENDED: return "PgUp/PgDn read back  q quit";
    default: return "^Q leave";
  }
}

}  // namespace heard::client::tui
