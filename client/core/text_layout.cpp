// Unicode geometry of the full screen: how wide text is, where it wraps,
// where the cursor goes. Pure; no terminal.
#include "text_layout.hpp"

#include <algorithm>

#include <locale.h>
#include <wchar.h>

#include "utf8.hpp"

namespace heard::client::tui {
namespace {

// The C library's own width table (glibc's, from the Unicode data it ships),
// read under a UTF-8 locale made for this alone: the process's locale may be
// "C" (tests, a stock system without LANG), and a hand-written table ages
// with every Unicode release. The thread's locale is switched back at once.
int c_library_width(char32_t cp) {
  static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  if (utf8 == static_cast<locale_t>(nullptr)) return ::wcwidth(static_cast<wchar_t>(cp));
  const locale_t previous = uselocale(utf8);
  const int width = ::wcwidth(static_cast<wchar_t>(cp));
  uselocale(previous);
  return width;
}

std::size_t code_point_width(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;  // never drawn (text_check refuses them)
  const int width = c_library_width(cp);
  return width < 0 ? 1 : static_cast<std::size_t>(width);  // unassigned: one cell, as terminals draw it
}

}  // namespace

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

}  // namespace heard::client::tui
