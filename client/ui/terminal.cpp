// Kept apart from full_screen_ui.cpp: <term.h> defines macros named like
// ordinary words (lines, columns, newline) that would leak into the UI code.
#include "terminal.hpp"

#include <langinfo.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <string_view>

namespace heard::client {

void use_utf8_characters() {
  // Characters only: numbers in the summary and the protocol stay in the C
  // locale's format whatever LC_NUMERIC says.
  std::setlocale(LC_CTYPE, "");
  if (std::string_view(nl_langinfo(CODESET)) == "UTF-8") return;
  const char* ctype = std::setlocale(LC_CTYPE, nullptr);
  const std::string_view chosen = ctype ? ctype : "C";
  if (chosen != "C" && chosen != "POSIX") return;
  // Debian's libc always ships C.UTF-8, whatever locales were generated.
  if (!std::setlocale(LC_CTYPE, "C.UTF-8")) std::setlocale(LC_CTYPE, "C.utf8");
}

bool terminal_supports_full_screen() {
  if (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO)) return false;
  const char* term = std::getenv("TERM");
  if (!term || !*term) return false;
  int status = 0;
  // setupterm, unlike initscr, reports a missing entry instead of exiting.
  if (setupterm(term, STDOUT_FILENO, &status) != OK) return false;
  const char* move_cursor = tigetstr("cup");
  const bool addressable = move_cursor != nullptr && move_cursor != reinterpret_cast<const char*>(-1);
  del_curterm(cur_term);
  cur_term = nullptr;
  return addressable;
}

}  // namespace heard::client
