// The full screen as a pure function: a view and the UI's state in, a frame
// of rows out (layout). The words come from tui_copy.cpp, the geometry from
// text_layout.cpp.
#include "tui_model.hpp"

namespace heard::client::tui {
namespace {

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
      case transcript_entry::kind::event:
        for (auto& line : wrap(e.text, width)) out.push_back({line, style::bold});
        break;
      case transcript_entry::kind::statement:
      case transcript_entry::kind::paraphrase: {
        const bool statement = e.what == transcript_entry::kind::statement;
        if (s.mode() == v1::MODE_SPOKEN) {
          // Spoken: the words were said out loud; the history keeps the turns.
          out.push_back({Who + (statement ? " spoke." : " said it back, out loud."), look});
        } else {
          add(Who + (statement ? " said:" : " said back:"), e.text, look);
        }
        if (!e.mark.empty()) out.push_back({"  (" + e.mark + ")", style::dim});
        break;
      }
      case transcript_entry::kind::verdict:
        out.push_back({"  " + Who + ": " + verdict_words(e.verdict) + (e.text.empty() ? "" : " - " + e.text), look});
        break;
    }
  }
  // The writer's words stay on screen through a time-out or a hold: the
  // floor is theirs until it moves on.
  const v1::Seat writer = writer_of(s);
  const bool partner_writes = view.counselor() ? writer != v1::SEAT_UNSPECIFIED : writer == view.partner_seat();
  if (!ui.partner_draft.empty() && partner_writes) {
    const bool says_back = writer != s.speaker();
    add(name_of(view, writer) + (says_back ? " is saying back:" : " is saying:"), ui.partner_draft, style::normal);
  }
  if (!ui.results.empty()) {
    out.push_back({"", style::normal});
    for (auto& line : wrap(ui.results, width)) out.push_back({line, style::normal});
  }
  return out;
}

std::vector<row> panel_rows(const session_view& view, const ui_state& ui, std::size_t width) {
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
      para(view.snapshot.mode() == v1::MODE_SPOKEN ? "Say it out loud, with your own words in place of the dots."
                                                   : "Press Enter to put it in your text, then fill in the dots.",
           style::dim);
      break;
    case panel::reminder:
      out.push_back({"For the listener:", style::bold});
      para(listener_reminder);
      break;
    case panel::safety_code:
      out.push_back({"Safety code", style::bold});
      para(view.safety_code_sentence());
      if (!view.safety_code.empty() && !view.keys_compared) para("Enter: the codes matched.", style::dim);
      break;
    case panel::help:
      out.push_back({"Keys:", style::bold});
      if (view.counselor()) {
        for (const char* line :
             {"F5            begin the first round (when both partners are ready)",
              "F6            hold the exercise for a moment; F6 again lets it go on",
              "F7            swap who speaks next (before round 1: who speaks first)",
              "F8            one more minute for this floor", "F9            skip: the floor moves on now",
              "any letter    begins a note both partners see; Enter sends it, Esc discards it",
              "PgUp / PgDn   earlier rounds", "Ctrl-E        end the session; the partners check in (asks first)",
              "Ctrl-Q        leave: the partners go on by themselves (asks first)",
              "F12           the safety code to compare aloud; Enter marks it compared"}) {
          para(line);
        }
        break;
      }
      for (const char* line :
           {"Ctrl-D        done: end my turn, or send my paraphrase", "Enter         a new line in my text",
            "Left / Right  move in my text; Home / End: its line", "Backspace/Del delete before / at the cursor",
            "1 / 2 / 3     accurate / accurate, there is more / not quite", "Ctrl-T        time-out, and resume it",
            "Ctrl-E        end the session (asks first)", "F2            feelings list",
            "F3            I-statement scaffold", "F4            the listener's reminder",
            "PgUp / PgDn   earlier rounds", "Ctrl-Q        leave (your partner is told)",
            "F12           the safety code to compare aloud; Enter marks it compared"}) {
        para(line);
      }
      break;
    case panel::none: break;
  }
  return out;
}

std::vector<row> check_in_rows(const session_view& view, const ui_state& ui, std::size_t width) {
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
  if (view.snapshot.guided()) {
    // The counselor gets the scores; the words only if this partner says so.
    const bool sel = ui.check_in_field == 4;
    out.push_back({fit(std::string(sel ? "> " : "  ") + "Let " + name_of(view, v1::SEAT_COUNSELOR) +
                           " read my words too: " + (ui.check_in_share ? "[yes]" : "[no]") + "  (Space changes)",
                       width),
                   sel ? style::bold : style::normal});
  }
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
  if (s.mode() == v1::MODE_SPOKEN) title += " - spoken";
  if (s.guided() && member_of(s, v1::SEAT_COUNSELOR).present()) {
    title +=
        " - guided by " + (member_of(s, v1::SEAT_COUNSELOR).name().empty() ? std::string("a counselor")
                                                                           : member_of(s, v1::SEAT_COUNSELOR).name());
  }
  // The safety code stays in sight until it was compared (F12: what it means).
  std::string status;
  if (!view.keys_problem.empty()) {
    status += "   KEYS DO NOT MATCH (F12)";
  } else if (!view.safety_code.empty() && !view.keys_compared) {
    status += "   code " + view.safety_code + " (F12)";
  }
  if (s.round() > 0) status += "   round " + std::to_string(s.round());
  if (const auto left = time_left(view, ui); !left.empty()) status += "   " + left;
  // On a narrow screen the names give way, not the code, the round or the time left.
  const std::size_t status_width = display_width(status);
  if (status_width < width) {
    title = fit(title, width - status_width);
    while (!title.empty() && title.back() == ' ') title.pop_back();  // a name cut at a space
    title += status;
  } else {
    title = fit(std::string_view(status).substr(std::min(status.size(), std::size_t{3})), width);
  }
  f.rows.push_back({title, mine ? style::accent : style::bold});
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
  const std::string keys =
      ui.notice.empty() ? fit_keys(footer_keys(view, ui), width)
                        : fit_keys(footer_keys(view, ui),
                                   width > display_width(ui.notice) + 3 ? width - display_width(ui.notice) - 3 : 0);
  bottom.push_back({fit(ui.notice.empty() ? keys
                        : keys.empty()    ? ui.notice
                                          : ui.notice + "   " + keys,
                        width),
                    style::dim});

  // Middle: a panel when one is open, the check-in form, or the conversation.
  const std::size_t middle = height - f.rows.size() - bottom.size();
  std::vector<row> content;
  if (ui.open != panel::none) {
    content = panel_rows(view, ui, width);
  } else {
    content = conversation_rows(view, ui, width);
    if (s.phase() == v1::PHASE_CHECK_IN && view.i_check_in()) {
      content.clear();
      if (!view.unsent_draft.empty()) {
        // Cut short by the partner: the words stay in sight above the form.
        content.push_back({"What you were writing, not sent:", style::bold});
        for (auto& line : wrap(view.unsent_draft, width > 2 ? width - 2 : width)) {
          content.push_back({"  " + line, style::dim});
        }
        content.push_back({});
      }
      const auto form = check_in_rows(view, ui, width);
      content.insert(content.end(), form.begin(), form.end());
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
