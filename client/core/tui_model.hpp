#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "session_view.hpp"
#include "text_layout.hpp"

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

struct transcript_entry {
  /// event: something that happened to the session, said in a sentence
  /// (someone left, ended it, the words you had not sent).
  enum class kind { statement, paraphrase, verdict, note, event };
  kind what;
  v1::Seat author;
  std::string text;  // the words, or for a verdict what was missed
  v1::Verdict verdict = v1::VERDICT_UNSPECIFIED;
  std::uint32_t round = 0;
  std::string mark;  // how a floor ended, when not by its holder: "time ran out here"
};

/// Aids a person opens with a key; nothing opens by itself.
enum class panel { none, feelings, scaffold, reminder, help, safety_code };

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
  bool confirm_leave = false;          // asked "leave the session?"
  panel open = panel::none;
  std::size_t feelings_cursor = 0;
  std::size_t scroll = 0;  // history rows scrolled back from the newest
  std::array<unsigned, 3> check_in{0, 0, 0};
  std::size_t check_in_field = 0;  // 0..2 the statements, 3 the words, 4 (guided) sharing them
  bool check_in_share = false;     // guided: the counselor may read my words too
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

/// A floor's time running out is told quietly, twice, before it happens
/// (both the full screen and line mode use these).
inline constexpr std::uint64_t time_warnings_ms[] = {30'000, 10'000};
/// The warning due when a floor's time left went from `before_ms` to
/// `now_ms` ("30 seconds left."), or empty.
std::string time_warning(std::uint64_t before_ms, std::uint64_t now_ms);
/// Milliseconds left on the current floor, counting down from the
/// snapshot's reading (0 without a limit).
std::uint64_t ms_left(const session_view& view, const ui_state& ui);

/// The sentence at the top: what is happening and what is yours to do.
std::string header_sentence(const session_view& view, const ui_state& ui);
/// `keys` (items separated by two spaces, most needed first) cut to `width`
/// columns by leaving out whole items: the aids (F2, F3, F4, PgUp) first,
/// then from the end. A narrow window keeps the keys that matter now.
std::string fit_keys(const std::string& keys, std::size_t width);
/// The keys that work now.
std::string footer_keys(const session_view& view, const ui_state& ui);
/// Whether the input area takes text now; if not, `why` says why.
bool input_active(const session_view& view, const ui_state& ui, std::string* why = nullptr);

/// The screen for this moment. Pure: the same view and state give the same frame.
frame layout(const session_view& view, const ui_state& ui, std::size_t width, std::size_t height);

}  // namespace heard::client::tui
