#pragma once

namespace heard::client {

/// Takes the character type (LC_CTYPE) from the environment, except that a minimal system's
/// missing or unusable one (the C locale) becomes C.UTF-8 for characters:
/// in the C locale ncursesw cannot draw one non-ASCII letter of what people
/// write. A locale a person chose is kept. Call once, before any output.
void use_utf8_characters();

/// True when standard input and output are a terminal whose TERM names a
/// terminfo entry that can move the cursor; false for pipes, TERM unset,
/// TERM=dumb or an unknown TERM, where heard uses its line mode instead.
bool terminal_supports_full_screen();

}  // namespace heard::client
