#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace heard::client::tui {

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

/// Cuts `text` to at most `width` columns, at a character boundary.
std::string fit(std::string_view text, std::size_t width);

}  // namespace heard::client::tui
