#pragma once

#include <string>

#include "heard/v1/heard.pb.h"

namespace heard {

/// Sentences about what a snapshot shows that every client says the same
/// way (the terminal's two modes; a browser reads docs/protocol.md), so
/// people are told the same thing whichever screen they use.

/// The sentence at the top of every screen: what is happening now and what
/// is this seat's to do, in words and without keys (each client adds its own:
/// "Press Enter", "/ready"). The same words in the full screen, in line mode
/// and, from docs/protocol.md's table, in any other client.
std::string headline(const v1::Snapshot& s, v1::Seat me);

/// Who ended the session early, to the person in seat `me`: "You ended the
/// session.", "Sam ended the session.", "Sam left the session." Empty when
/// it was not ended early (the rounds were done) or has not ended.
std::string ended_sentence(const v1::Snapshot& s, v1::Seat me);

/// What a guided pair is told when their counselor has left: they go on by
/// themselves. Empty unless the session is guided and the counselor left.
std::string guide_left_sentence(const v1::Snapshot& s, v1::Seat me);

/// Fills in `s.you` for the member in `seat`: what it may send now (the
/// rules the server applies), whether the floor's words are its own, its
/// headline and aside. The server sends every member its own.
void describe_for(v1::Snapshot& s, v1::Seat seat);

/// `text` with its first letter upper case ("your partner" -> "Your partner").
std::string capitalized(std::string text);

}  // namespace heard
