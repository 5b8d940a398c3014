#include "tui_model.hpp"

#include <algorithm>

#include "utf8.hpp"

namespace heard::client::tui {
namespace {

std::size_t code_point_width(char32_t cp) {
  if (cp == 0) return 0;
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
      cp == 0x200D) {
    return 0;  // combining marks, zero-width joiners, variation selectors
  }
  if ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x1F900 && cp <= 0x1F9FF) ||
      (cp >= 0x20000 && cp <= 0x3FFFD) || (cp >= 0x2600 && cp <= 0x27BF && cp != 0x2713)) {
    return 2;
  }
  return 1;
}

// Cuts `text` to at most `width` columns.
std::string fit(std::string_view text, std::size_t width) {
  std::size_t used = 0, i = 0, end = 0;
  while (i < text.size()) {
    std::size_t j = i;
    const auto w = code_point_width(utf8_next(text, j));
    if (used + w > width) break;
    used += w;
    i = j;
    end = i;
  }
  return std::string(text.substr(0, end));
}

std::string repeat(std::string_view unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += unit;
  return out;
}

// The header is marked when the next move is mine.
bool is_my_action(const session_view& view) {
  const moment m = view.moment();
  return m.may(act::write) || m.may(act::judge) || m.may(act::check_in) || m.may(act::resume);
}

std::string verdict_words(v1::Verdict v) {
  switch (v) {
    case v1::VERDICT_ACCURATE_DONE: return "accurate";
    case v1::VERDICT_ACCURATE_MORE: return "accurate, and there is more";
    case v1::VERDICT_NOT_QUITE: return "not quite";
    default: return "";
  }
}

const char* const check_in_statements[3] = {"I felt safe and supported.", "I could say anything without being judged.",
                                            "My partner was invested in what I said."};

}  // namespace

std::size_t display_width(std::string_view utf8) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < utf8.size();) width += code_point_width(utf8_next(utf8, i));
  return width;
}

std::vector<line_range> wrap_ranges(std::string_view text, std::size_t width) {
  std::vector<line_range> lines;
  if (width == 0) return lines;
  auto trimmed = [&](std::size_t b, std::size_t e) {
    while (e > b && text[e - 1] == ' ') --e;
    return line_range{b, e};
  };
  std::size_t start = 0;
  while (true) {
    const auto nl = text.find('\n', start);
    const std::size_t paragraph_end = nl == std::string_view::npos ? text.size() : nl;
    std::size_t line_begin = start, line_end = start, line_width = 0;
    std::size_t i = start;
    while (i < paragraph_end) {
      // One word (or a run of spaces) at a time.
      const bool space = text[i] == ' ';
      std::size_t j = i;
      while (j < paragraph_end && (text[j] == ' ') == space) ++j;
      const std::size_t w = display_width(text.substr(i, j - i));
      if (space) {
        if (line_width + w <= width) {
          line_end = j;
          line_width += w;
        } else {
          // The spaces at a break are not shown.
          lines.push_back({line_begin, line_end});
          line_begin = line_end = j;
          line_width = 0;
        }
        i = j;
        continue;
      }
      if (line_width + w > width && line_width > 0) {
        lines.push_back(trimmed(line_begin, line_end));
        line_begin = line_end = i;
        line_width = 0;
      }
      while (display_width(text.substr(i, j - i)) > width) {
        // A word longer than a line is split.
        std::size_t head = fit(text.substr(i, j - i), width - line_width).size();
        if (head == 0 && line_width > 0) {
          lines.push_back({line_begin, line_end});
          line_begin = line_end = i;
          line_width = 0;
          continue;
        }
        if (head == 0) {
          // Not even one character fits (a wide one in one column): take it anyway.
          std::size_t k = i;
          utf8_next(text, k);
          head = k - i;
        }
        lines.push_back({line_begin, i + head});
        i += head;
        line_begin = line_end = i;
        line_width = 0;
      }
      line_end = j;
      line_width += display_width(text.substr(i, j - i));
      i = j;
    }
    lines.push_back(trimmed(line_begin, line_end));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  for (const auto& r : wrap_ranges(text, width)) lines.emplace_back(text.substr(r.begin, r.end - r.begin));
  return lines;
}

cursor_place place_cursor(std::string_view text, std::size_t width, std::size_t offset) {
  const auto lines = wrap_ranges(text, width);
  cursor_place out;
  if (lines.empty()) return out;
  offset = std::min(offset, text.size());
  // The last line starting at or before the cursor; at a soft break that is
  // the start of the next line.
  for (std::size_t k = 0; k < lines.size(); ++k) {
    if (lines[k].begin <= offset) out.line = k;
  }
  // Spaces just typed at the end of a line are not drawn, but the cursor
  // goes after them, so the next word does not seem to jump.
  out.col = std::min(width, display_width(text.substr(lines[out.line].begin, offset - lines[out.line].begin)));
  return out;
}

namespace {

bool continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::size_t previous_boundary(std::string_view text, std::size_t at) {
  if (at == 0) return 0;
  --at;
  while (at > 0 && continuation_byte(text[at])) --at;
  return at;
}

std::size_t next_boundary(std::string_view text, std::size_t at) {
  if (at >= text.size()) return text.size();
  ++at;
  while (at < text.size() && continuation_byte(text[at])) ++at;
  return at;
}

}  // namespace

std::size_t text_cursor::offset(std::string_view text) const { return text.size() - std::min(from_end, text.size()); }

void text_cursor::insert(std::string& text, std::string_view s) const { text.insert(offset(text), s); }

void text_cursor::backspace(std::string& text) const {
  const std::size_t at = offset(text);
  const std::size_t from = previous_boundary(text, at);
  text.erase(from, at - from);
}

void text_cursor::erase_forward(std::string& text) {
  const std::size_t at = offset(text);
  const std::size_t to = next_boundary(text, at);
  text.erase(at, to - at);
  from_end = text.size() - at;
}

void text_cursor::left(std::string_view text) { from_end = text.size() - previous_boundary(text, offset(text)); }

void text_cursor::right(std::string_view text) { from_end = text.size() - next_boundary(text, offset(text)); }

void text_cursor::home(std::string_view text) {
  const std::size_t at = offset(text);
  const auto nl = at == 0 ? std::string_view::npos : text.rfind('\n', at - 1);
  from_end = text.size() - (nl == std::string_view::npos ? 0 : nl + 1);
}

void text_cursor::end(std::string_view text) {
  const auto nl = text.find('\n', offset(text));
  from_end = nl == std::string_view::npos ? 0 : text.size() - nl;
}

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

std::string time_left(const session_view& view, const ui_state& ui) {
  const auto& t = view.snapshot.timer();
  if (t.limit_ms() == 0) return {};
  std::uint64_t left = t.left_ms();
  if (t.running()) left = left > ui.timer_elapsed_ms ? left - ui.timer_elapsed_ms : 0;
  const auto seconds = (left + 999) / 1000;
  char buf[48];  // "NNNNN:NN left (stopped)" with room for any 64-bit count
  std::snprintf(buf, sizeof buf, "%llu:%02llu left%s", static_cast<unsigned long long>(seconds / 60),
                static_cast<unsigned long long>(seconds % 60), t.running() ? "" : " (stopped)");
  return buf;
}

namespace {

std::string counselor_sentence(const session_view& view, const ui_state& ui) {
  const auto& s = view.snapshot;
  const std::string a = name_of(view, v1::SEAT_A), b = name_of(view, v1::SEAT_B);
  const std::string speaker = name_of(view, s.speaker());
  const std::string listener = name_of(view, other_partner(s.speaker()));
  if (ui.typing_note) return "Write a note both partners will see, then Enter.";
  if (s.held() && (s.phase() == v1::PHASE_SPEAKING || s.phase() == v1::PHASE_PARAPHRASING ||
                   s.phase() == v1::PHASE_CONFIRMING || s.phase() == v1::PHASE_READY)) {
    return "You paused the exercise. Press h to let it go on.";
  }
  switch (s.phase()) {
    case v1::PHASE_WAITING_FOR_PARTNER: {
      std::string out = "Waiting for the partners. Codes:";
      if (!member_of(s, v1::SEAT_A).present()) out += " A " + view.invite_code;
      if (!member_of(s, v1::SEAT_B).present()) out += " B " + view.invite_code_b;
      return out;
    }
    case v1::PHASE_READY: return "Both partners are here. " + name_of(view, s.speaker()) + " speaks first. F5 begins.";
    case v1::PHASE_SPEAKING: return speaker + " is speaking; " + listener + " listens.";
    case v1::PHASE_PARAPHRASING: return listener + " is saying back what they heard.";
    case v1::PHASE_CONFIRMING: return speaker + " is deciding whether " + listener + " heard them.";
    case v1::PHASE_PAUSED:
      if (s.pause_reason() == v1::PAUSE_REASON_PARTNER_AWAY) {
        return name_of(view, s.paused_by()) + "'s connection dropped - waiting for them.";
      }
      return "Time-out called by " + name_of(view, s.paused_by()) + ".";
    case v1::PHASE_CHECK_IN: return "The partners are checking in.";
    case v1::PHASE_ENDED: return "The session is over. The summary is below.";
    default: return a + " and " + b;
  }
}

}  // namespace

std::string header_sentence(const session_view& view, const ui_state& ui) {
  const auto& s = view.snapshot;
  const std::string partner = name_of(view, view.partner_seat());
  const std::string Partner = partner == "your partner" ? "Your partner" : partner;
  if (ui.reconnecting) return "Your connection dropped - reconnecting. Nothing you wrote is lost.";
  if (view.counselor()) return counselor_sentence(view, ui);
  if (s.held() &&
      (s.phase() == v1::PHASE_SPEAKING || s.phase() == v1::PHASE_PARAPHRASING || s.phase() == v1::PHASE_CONFIRMING)) {
    return "Your counselor has paused the exercise for a moment.";
  }
  switch (s.phase()) {
    case v1::PHASE_WAITING_FOR_PARTNER:
      return "Waiting for your partner to join - give them this code: " + view.invite_code;
    case v1::PHASE_READY: {
      const bool me_ready = member_of(s, view.my_seat).ready();
      return me_ready ? "Waiting for " + partner + " to say now is a good time."
                      : "Is now a good time for you? Press Enter when you are ready.";
    }
    case v1::PHASE_SPEAKING:
      if (s.speaker() == view.my_seat) return "Your turn to speak. " + Partner + " is listening.";
      return Partner + " is speaking - listen. You'll say it back when " + partner + " is done.";
    case v1::PHASE_PARAPHRASING:
      if (s.floor_holder() == view.my_seat) return "Your turn: say back what you heard, in your own words.";
      return Partner + " is saying back what they heard.";
    case v1::PHASE_CONFIRMING:
      if (s.speaker() == view.my_seat) {
        return ui.typing_missed ? "Say what was missed, then Ctrl-D."
                                : "Was that what you meant? Accurate, there is more, or not quite?";
      }
      return "Waiting for " + partner + " to confirm.";
    case v1::PHASE_PAUSED:
      if (s.pause_reason() == v1::PAUSE_REASON_PARTNER_AWAY) {
        const auto link = member_of(s, view.partner_seat()).link();
        if (link == v1::LINK_OVERDUE) {
          return Partner + " has been away a long time. Keep waiting, or end the session.";
        }
        return Partner + "'s connection dropped - waiting for them to come back.";
      }
      if (s.paused_by() == view.my_seat) return "Paused by you - resume when you're ready.";
      return "Paused by " + partner + " - they will resume when they are ready.";
    case v1::PHASE_CHECK_IN:
      return view.i_check_in() ? "The session has ended. A short check-in, for the two of you:"
                               : "Thank you. Waiting for " + partner + "'s check-in.";
    case v1::PHASE_ENDED: return "The session is over. Thank you for listening to each other.";
    default: return "Connecting...";
  }
}

bool input_active(const session_view& view, const ui_state& ui, std::string* why) {
  const auto& s = view.snapshot;
  auto say = [&](std::string text) {
    if (why) *why = std::move(text);
    return false;
  };
  if (ui.typing_missed || ui.typing_note) return true;
  if (view.counselor()) return say("You guide; the partners speak and listen. n writes a note to both.");
  if (s.phase() == v1::PHASE_CHECK_IN) return ui.check_in_field == 3;
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

std::string footer_keys(const session_view& view, const ui_state& ui) {
  const auto& s = view.snapshot;
  if (ui.confirm_end) return "End the session for both of you?  y yes   n no";
  if (ui.open == panel::feelings) return "Up/Down choose   Enter insert   Esc close";
  if (ui.open != panel::none) return "Esc close";
  // ^X is Ctrl-X. Kept short enough for 80 columns; F1 lists everything.
  if (view.counselor()) {
    if (ui.typing_note) return "Enter send note  Esc cancel";
    switch (s.phase()) {
      case v1::PHASE_WAITING_FOR_PARTNER: return "n note  ^Q leave";
      case v1::PHASE_READY: return "F5 begin  x swap first speaker  n note  ^E end  ^Q leave";
      case v1::PHASE_CHECK_IN:
      case v1::PHASE_ENDED: return s.phase() == v1::PHASE_ENDED ? "q quit" : "n note  ^Q leave";
      default:
        return std::string(s.held() ? "h go on" : "h hold") +
               "  n note  x swap next  + 1 min  s skip  ^E end  ^Q leave";
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
    case v1::PHASE_ENDED: return "q quit";
    default: return "^Q leave";
  }
}

namespace {

// The history and the turn in progress, as rows of the given width.
std::vector<row> conversation_rows(const session_view& view, const ui_state& ui, std::size_t width) {
  std::vector<row> out;
  const auto& s = view.snapshot;
  if (!s.topic().empty()) {
    for (auto& line : wrap("Topic: " + s.topic(), width)) out.push_back({line, style::bold});
  }
  auto add = [&](const std::string& label, const std::string& text, style look) {
    out.push_back({label, look == style::dim ? style::dim : style::bold});
    for (auto& line : wrap(text, width > 2 ? width - 2 : width)) out.push_back({"  " + line, look});
  };
  std::uint32_t last_round = 0;
  for (std::size_t i = 0; i < ui.transcript.size(); ++i) {
    const auto& e = ui.transcript[i];
    // Only the current statement and its paraphrases stay bright.
    const bool current = e.round == s.round() && i + 4 >= ui.transcript.size();
    const style look = current ? style::normal : style::dim;
    if (e.round != last_round) {
      out.push_back({"", style::normal});
      out.push_back({"Round " + std::to_string(e.round), style::dim});
      last_round = e.round;
    }
    const std::string who = name_of(view, e.author);
    std::string Who = who == "you" ? "You" : who;
    if (!Who.empty() && Who.front() >= 'a' && Who.front() <= 'z') Who.front() = static_cast<char>(Who.front() - 32);
    switch (e.what) {
      case transcript_entry::kind::note: add("Note from " + who + ":", e.text, style::bold); break;
      case transcript_entry::kind::statement: add(Who + " said:", e.text, look); break;
      case transcript_entry::kind::paraphrase: add(Who + " said back:", e.text, look); break;
      case transcript_entry::kind::verdict:
        out.push_back({"  " + Who + ": " + verdict_words(e.verdict) + (e.text.empty() ? "" : " - " + e.text), look});
        break;
    }
  }
  const bool partner_writes =
      view.counselor() ? s.floor_holder() != v1::SEAT_UNSPECIFIED : s.floor_holder() == view.partner_seat();
  if (!ui.partner_draft.empty() && partner_writes) {
    const std::string who = name_of(view, s.floor_holder());
    add(who + (s.phase() == v1::PHASE_SPEAKING ? " is saying:" : " is saying back:"), ui.partner_draft, style::normal);
  }
  if (!ui.results.empty()) {
    out.push_back({"", style::normal});
    for (auto& line : wrap(ui.results, width)) out.push_back({line, style::normal});
  }
  return out;
}

std::vector<row> panel_rows(const ui_state& ui, std::size_t width) {
  std::vector<row> out;
  auto para = [&](std::string_view text, style look = style::normal) {
    for (auto& line : wrap(text, width)) out.push_back({line, look});
  };
  switch (ui.open) {
    case panel::feelings: {
      out.push_back({"Feelings - choose a word to add to your text:", style::bold});
      const auto flat = feelings_flat();
      std::size_t k = 0;
      for (const auto& [group, words] : feelings()) {
        const bool g = k == ui.feelings_cursor;
        out.push_back({std::string(g ? "> " : "  ") + group, g ? style::reverse : style::normal});
        ++k;
        for (const auto& w : words) {
          const bool sel = k == ui.feelings_cursor;
          out.push_back({std::string(sel ? "  > " : "    ") + w, sel ? style::reverse : style::dim});
          ++k;
        }
      }
      break;
    }
    case panel::scaffold:
      out.push_back({"An I-statement:", style::bold});
      para(i_statement_scaffold);
      para("Press Enter to put it in your text, then fill in the dots.", style::dim);
      break;
    case panel::reminder:
      out.push_back({"For the listener:", style::bold});
      para(listener_reminder);
      break;
    case panel::help:
      out.push_back({"Keys:", style::bold});
      for (const char* line :
           {"Ctrl-D        done: end my turn, or send my paraphrase", "Enter         a new line in my text",
            "Left / Right  move in my text; Home / End: its line", "Backspace/Del delete before / at the cursor",
            "1 / 2 / 3     accurate / accurate, there is more / not quite", "Ctrl-T        time-out, and resume it",
            "Ctrl-E        end the session (asks first)", "F2            feelings list",
            "F3            I-statement scaffold", "F4            the listener's reminder",
            "PgUp / PgDn   earlier rounds", "Ctrl-Q        leave (your partner is told)"}) {
        para(line);
      }
      break;
    case panel::none: break;
  }
  return out;
}

std::vector<row> check_in_rows(const ui_state& ui, std::size_t width) {
  std::vector<row> out;
  for (std::size_t q = 0; q < 3; ++q) {
    const bool sel = ui.check_in_field == q;
    std::string scale;
    for (unsigned v = 1; v <= 5; ++v) {
      const bool chosen = ui.check_in[q] == v;
      scale += chosen ? '[' : ' ';
      scale += static_cast<char>('0' + v);
      scale += chosen ? ']' : ' ';
    }
    out.push_back(
        {fit(std::string(sel ? "> " : "  ") + check_in_statements[q], width), sel ? style::bold : style::normal});
    out.push_back({"    not at all " + scale + " fully", sel ? style::accent : style::dim});
  }
  out.push_back({std::string(ui.check_in_field == 3 ? "> " : "  ") + "Anything you want to add (optional), then Enter:",
                 ui.check_in_field == 3 ? style::bold : style::normal});
  return out;
}

}  // namespace

frame layout(const session_view& view, const ui_state& ui, std::size_t width, std::size_t height) {
  frame f;
  if (width < 20 || height < 8) {
    for (auto& line : wrap("Make the window larger.", width)) {
      if (f.rows.size() < height) f.rows.push_back({line, style::normal});
    }
    while (f.rows.size() < height) f.rows.push_back({});
    return f;
  }
  const auto& s = view.snapshot;
  const bool mine = is_my_action(view);
  const std::string rule = repeat("\u2500", width);

  // Header: two lines, the accent only when it is this person's move.
  std::string title = "Heard";
  const std::string a = member_of(s, v1::SEAT_A).name().empty() ? "" : member_of(s, v1::SEAT_A).name();
  const std::string b = member_of(s, v1::SEAT_B).name().empty() ? "" : member_of(s, v1::SEAT_B).name();
  if (!a.empty() || !b.empty()) title += " - " + (a.empty() ? "?" : a) + " & " + (b.empty() ? "?" : b);
  if (s.guided() && member_of(s, v1::SEAT_COUNSELOR).present()) {
    title +=
        " - guided by " + (member_of(s, v1::SEAT_COUNSELOR).name().empty() ? std::string("a counselor")
                                                                           : member_of(s, v1::SEAT_COUNSELOR).name());
  }
  if (s.round() > 0) title += "   round " + std::to_string(s.round());
  if (const auto left = time_left(view, ui); !left.empty()) title += "   " + left;
  f.rows.push_back({fit(title, width), mine ? style::accent : style::bold});
  for (auto& line : wrap(header_sentence(view, ui), width)) {
    f.rows.push_back({line, mine ? style::accent : style::normal});
    if (f.rows.size() == 3) break;
  }
  f.rows.push_back({rule, style::dim});

  // Bottom: input area, notice and footer.
  const std::size_t input_rows = height >= 24 ? 4 : 2;
  std::vector<row> bottom;
  bottom.push_back({rule, style::dim});
  std::string why;
  const bool active = s.phase() == v1::PHASE_CHECK_IN ? ui.check_in_field == 3 : input_active(view, ui, &why);
  const std::string& text = ui.typing_missed || ui.typing_note ? ui.input
                            : s.phase() == v1::PHASE_CHECK_IN  ? ui.check_in_words
                                                               : view.my_draft;
  std::vector<std::string> input_lines;
  if (active) {
    input_lines = wrap(text, width - 2);
    if (input_lines.empty()) input_lines.push_back("");
  } else {
    input_lines = wrap(why, width - 2);
  }
  // Show the end of what is being written, or wherever the cursor has moved.
  const cursor_place cursor = active ? place_cursor(text, width - 2, ui.cursor.offset(text)) : cursor_place{};
  std::size_t first = input_lines.size() > input_rows ? input_lines.size() - input_rows : 0;
  first = std::min(first, cursor.line);
  for (std::size_t k = 0; k < input_rows; ++k) {
    const std::size_t idx = first + k;
    const std::string line = idx < input_lines.size() ? input_lines[idx] : "";
    bottom.push_back({(active ? "> " : "  ") + line, active ? style::normal : style::dim});
  }
  bottom.push_back(
      {fit(ui.notice.empty() ? footer_keys(view, ui) : ui.notice + "   " + footer_keys(view, ui), width), style::dim});

  // Middle: a panel when one is open, the check-in form, or the conversation.
  const std::size_t middle = height - f.rows.size() - bottom.size();
  std::vector<row> content;
  if (ui.open != panel::none) {
    content = panel_rows(ui, width);
  } else {
    content = conversation_rows(view, ui, width);
    if (s.phase() == v1::PHASE_CHECK_IN && view.i_check_in()) {
      content = check_in_rows(ui, width);
    }
  }
  std::size_t begin = 0, end = content.size();
  if (ui.open != panel::none) {
    // Panels read from the top, scrolled just enough to show the selection.
    const std::size_t selected = ui.open == panel::feelings ? 1 + ui.feelings_cursor : 0;
    begin = selected >= middle ? selected - middle + 1 : 0;
    end = std::min(content.size(), begin + middle);
  } else {
    // The conversation: newest at the bottom; PgUp scrolls back.
    const std::size_t max_scroll = content.size() > middle ? content.size() - middle : 0;
    end = content.size() - std::min(ui.scroll, max_scroll);
    begin = end > middle ? end - middle : 0;
  }
  std::vector<row> visible(content.begin() + static_cast<long>(begin), content.begin() + static_cast<long>(end));
  if (ui.open == panel::none && visible.size() < middle && s.phase() != v1::PHASE_CHECK_IN) {
    visible.insert(visible.begin(), middle - visible.size(), row{});  // text sits just above the input
  }
  visible.resize(middle);
  const std::size_t header_rows = f.rows.size();
  for (auto& r : visible) f.rows.push_back({fit(r.text, width), r.look});
  for (auto& r : bottom) f.rows.push_back({fit(r.text, width), r.look});
  if (active) {
    f.cursor_row = static_cast<int>(header_rows + middle + 1 + (cursor.line - first));
    f.cursor_col = static_cast<int>(std::min(width - 1, 2 + cursor.col));
  }
  return f;
}

}  // namespace heard::client::tui
