#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "session_view.hpp"

namespace heard::client::tui {

/// How a row looks. One accent colour only, for "your turn"; no blinking.
enum class style { normal, dim, bold, accent, reverse };

struct row {
  std::string text;
  style look = style::normal;
};

/// A whole screen, ready to draw: exactly `height` rows of at most `width`
/// columns, and where the cursor goes (-1: hidden).
struct frame {
  std::vector<row> rows;
  int cursor_row = -1;
  int cursor_col = -1;
};

/// Columns a UTF-8 string takes in a terminal: 2 for East Asian wide and
/// emoji, 0 for combining marks and variation selectors, else 1.
std::size_t display_width(std::string_view utf8);

/// Word-wraps `text` to `width` columns: breaks at spaces, splits a word
/// longer than a line, keeps the person's own line breaks.
std::vector<std::string> wrap(std::string_view text, std::size_t width);

/// A line of wrapped text as bytes [begin, end) of the text; the spaces at
/// a soft break belong to no line.
struct line_range {
  std::size_t begin = 0;
  std::size_t end = 0;
};
/// wrap(), as ranges, so a position in the text can be found on screen.
std::vector<line_range> wrap_ranges(std::string_view text, std::size_t width);

/// Where byte `offset` of `text` shows when wrapped to `width`.
struct cursor_place {
  std::size_t line = 0;
  std::size_t col = 0;
};
cursor_place place_cursor(std::string_view text, std::size_t width, std::size_t offset);

/// The editing cursor in the text being written, kept as bytes from the end
/// of the text: 0 (typing at the end, the usual case) stays right when the
/// text is replaced under it, e.g. cleared for a new turn or restored after
/// a reconnect. Moves by whole code points; Home and End by the person's own
/// lines.
struct text_cursor {
  std::size_t from_end = 0;

  std::size_t offset(std::string_view text) const;
  void insert(std::string& text, std::string_view s) const;
  void backspace(std::string& text) const;
  void erase_forward(std::string& text);
  void left(std::string_view text);
  void right(std::string_view text);
  void home(std::string_view text);
  void end(std::string_view text);
};

struct transcript_entry {
  enum class kind { statement, paraphrase, verdict, note };
  kind what;
  v1::Seat author;
  std::string text;  // the words, or for a verdict what was missed
  v1::Verdict verdict = v1::VERDICT_UNSPECIFIED;
  std::uint32_t round = 0;
};

/// Aids a person opens with a key; nothing opens by itself.
enum class panel { none, feelings, scaffold, reminder, help };

/// The feelings list, grouped like an emotion wheel.
const std::vector<std::pair<std::string, std::vector<std::string>>>& feelings();
/// The feelings as one list, in the order they are shown.
std::vector<std::string> feelings_flat();

inline constexpr std::string_view i_statement_scaffold = "When ..., I feel ..., and I would like ...";
inline constexpr std::string_view listener_reminder =
    "Say it back in your own words. No rebuttal, no advice - just show you heard.";

/// Everything the full-screen client shows that is not the session itself.
struct ui_state {
  std::string input;                   // what I am writing now (my turn, missed words)
  text_cursor cursor;                  // where typing goes in whatever is being written
  bool typing_missed = false;          // the speaker chose "not quite" and says what was missed
  bool typing_note = false;            // the counselor writes a note for both partners
  std::uint64_t timer_elapsed_ms = 0;  // since the snapshot's timer reading arrived
  bool confirm_end = false;            // asked "end the session?"
  panel open = panel::none;
  std::size_t feelings_cursor = 0;
  std::size_t scroll = 0;  // history rows scrolled back from the newest
  std::array<unsigned, 3> check_in{0, 0, 0};
  std::size_t check_in_field = 0;  // 0..2 the statements, 3 the words
  std::string check_in_words;
  std::string notice;  // the last refusal or connection news, in plain words
  bool reconnecting = false;
  std::vector<transcript_entry> transcript;
  std::string partner_draft;  // the partner's words as they write them
  std::string results;        // both check-ins, once they are in
};

/// Who is who, in words: "you" or the partner's name (or "your partner").
std::string name_of(const session_view& view, v1::Seat seat);

/// "2:05 left", counting down from the snapshot's reading; empty without a timer.
std::string time_left(const session_view& view, const ui_state& ui);

/// The sentence at the top: what is happening and what is yours to do.
std::string header_sentence(const session_view& view, const ui_state& ui);
/// The keys that work now.
std::string footer_keys(const session_view& view, const ui_state& ui);
/// Whether the input area takes text now; if not, `why` says why.
bool input_active(const session_view& view, const ui_state& ui, std::string* why = nullptr);

/// The screen for this moment. Pure: the same view and state give the same frame.
frame layout(const session_view& view, const ui_state& ui, std::size_t width, std::size_t height);

}  // namespace heard::client::tui
