#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "heard/v1/heard.pb.h"

namespace heard {

/// What was said in one session, as each seat saw it: the turns, verdicts,
/// notes, check-in results and summary. Kept so that a seat that comes back
/// with nothing on screen (a restarted client), or that was away too long for
/// a replay, sees what it would have seen had it never left. Words live in
/// the server's memory (and its state file across a graceful restart) only as
/// boxes sealed for that seat, never in a log. Bounded: past `max_bytes` the oldest entries go, and each seat's
/// count of entries left out is kept so a client can say so (and a client
/// that shows some already knows where the rest begin). Pure.
class conversation_history {
 public:
  struct entry {
    unsigned to;  // the audience bits of common/wire/seat.hpp
    v1::HistoryEntry body;
    std::size_t bytes;
  };

  explicit conversation_history(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  /// Keeps `message` for the seats in `to` when it is part of the
  /// conversation; anything else (drafts, state, errors) is not kept.
  void record(unsigned to, const v1::ServerMessage& message);
  /// What `seat` saw, oldest first, into `welcome` (history, history_dropped).
  void fill(v1::Seat seat, v1::Welcome& welcome) const;

  const std::deque<entry>& entries() const { return entries_; }
  /// How many of `seat`'s entries were left out.
  std::uint32_t dropped(v1::Seat seat) const;
  std::size_t bytes() const { return bytes_; }
  /// Back to a saved history (a graceful restart).
  void restore(unsigned to, v1::HistoryEntry body);
  void restore_dropped(v1::Seat seat, std::uint32_t dropped);

 private:
  void keep(unsigned to, v1::HistoryEntry body);

  std::size_t max_bytes_;
  std::deque<entry> entries_;
  std::size_t bytes_ = 0;
  std::uint32_t dropped_[3] = {0, 0, 0};  // A, B, counselor
};

/// A history entry as the event it was (a body of ServerMessage, seq 0), so
/// a client shows it the way it showed the event; an entry of a kind this
/// build does not know gives a message with no body.
v1::ServerMessage message_of(const v1::HistoryEntry& entry);

}  // namespace heard
