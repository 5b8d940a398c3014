#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

namespace heard {

/// The server's events for one seat that the seat has not acknowledged:
/// what a resumed seat gets back. Bounded, whether the seat is connected or
/// away, and paced. Pure.
///
/// - A newer draft replaces every older draft still kept: only the latest
///   words of a floor matter, so a member away for minutes of drafting comes
///   back to a handful of events, not thousands.
/// - Past `max_bytes` nothing is kept and resync_needed() turns true: the seat
///   is brought back with a snapshot and the conversation so far
///   (conversation_history) instead of a replay, until resynced().
/// - Replay is paced by the link: next_unsent() hands out what the current
///   link has not been sent yet, one at a time, and the sender stops while the
///   link's queue is full (the transport says when it has drained).
class event_backlog {
 public:
  struct event {
    std::uint64_t seq;
    std::shared_ptr<const std::string> bytes;
    bool draft;
  };

  explicit event_backlog(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  /// Keeps event `seq` (above every earlier one). False when the cap was
  /// passed: then the backlog is emptied and the seat needs a resync. While a
  /// resync is needed nothing is kept: the resync covers it.
  bool push(std::uint64_t seq, std::shared_ptr<const std::string> bytes, bool draft);
  /// Whether a peer's acknowledgement of `ack` is possible.
  bool can_acknowledge(std::uint64_t ack) const { return ack <= last_seq_; }
  /// Drops everything up to `ack`.
  void acknowledge(std::uint64_t ack);

  bool resync_needed() const { return resync_needed_; }
  /// The seat was brought back by a snapshot and the history: everything
  /// before now is covered; numbering goes on.
  void resynced();

  /// A new link: nothing has been sent on it yet.
  void rewind() { sent_through_ = 0; }
  /// The oldest event not yet sent on the current link, or null.
  const event* next_unsent() const;
  /// next_unsent() went out on the current link.
  void mark_sent();

  std::uint64_t last_seq() const { return last_seq_; }
  std::size_t bytes() const { return bytes_; }
  std::size_t size() const { return events_.size(); }
  const std::deque<event>& events() const { return events_; }
  /// Back to a saved state: numbering goes on after `last_seq`.
  void restore_numbering(std::uint64_t last_seq) {
    if (last_seq > last_seq_) last_seq_ = last_seq;
  }

 private:
  std::size_t max_bytes_;
  std::deque<event> events_;
  std::size_t bytes_ = 0;
  std::uint64_t last_seq_ = 0;
  std::uint64_t sent_through_ = 0;  // on the current link
  bool resync_needed_ = false;
};

}  // namespace heard
