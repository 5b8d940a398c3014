#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

namespace heard {

/// Numbered messages kept for one peer until that peer acknowledges them:
/// the server's events for a seat (what a resumed seat gets back), the
/// client's inputs (what a reconnect sends again). Ids increase; gaps are
/// allowed. "Nothing lost" is a property of this class: whatever was pushed
/// and not acknowledged is in entries(), oldest first. Pure.
template <typename Item>
class outbox {
 public:
  struct entry {
    std::uint64_t id;
    Item item;
    std::size_t bytes;
  };

  /// Keeps `item` as number `id`. Refused (false, nothing kept) unless `id`
  /// is above every id pushed before.
  bool push(std::uint64_t id, Item item, std::size_t bytes) {
    if (id <= last_id_) return false;
    last_id_ = id;
    bytes_ += bytes;
    entries_.push_back({id, std::move(item), bytes});
    return true;
  }

  /// Whether a peer's acknowledgement of `ack` is possible: nobody can
  /// acknowledge what was never pushed.
  bool can_acknowledge(std::uint64_t ack) const { return ack <= last_id_; }

  /// Drops every entry up to `ack`, handing each to `dropped` (oldest first).
  /// An impossible ack drops only what was pushed. Returns how many went.
  template <typename Dropped>
  std::size_t acknowledge(std::uint64_t ack, Dropped&& dropped) {
    std::size_t n = 0;
    while (!entries_.empty() && entries_.front().id <= ack) {
      bytes_ -= entries_.front().bytes;
      dropped(std::move(entries_.front()));
      entries_.pop_front();
      ++n;
    }
    return n;
  }
  std::size_t acknowledge(std::uint64_t ack) {
    return acknowledge(ack, [](entry&&) {});
  }

  /// The highest id ever pushed (acknowledged or not); 0 before the first.
  std::uint64_t last_id() const { return last_id_; }
  /// The bytes of everything still kept.
  std::size_t bytes() const { return bytes_; }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::deque<entry>& entries() const { return entries_; }

  /// Drops every kept entry `superseded` says a newer one makes pointless
  /// (a client's older drafts once a newer draft is queued), so what is
  /// kept stays bounded by what matters. Returns how many went.
  template <typename Superseded>
  std::size_t erase_if(Superseded&& superseded) {
    std::size_t n = 0;
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (superseded(it->item)) {
        bytes_ -= it->bytes;
        it = entries_.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }

  /// Back to a saved state: nothing kept, numbering goes on after `last_id`.
  void restore_numbering(std::uint64_t last_id) {
    if (last_id > last_id_) last_id_ = last_id;
  }

 private:
  std::deque<entry> entries_;
  std::size_t bytes_ = 0;
  std::uint64_t last_id_ = 0;
};

/// Numbered messages from one peer, each taken once and in order: the
/// server's view of a seat's inputs, a client's view of its events. Pure.
class inbox {
 public:
  /// True the first time an id above every earlier one arrives (and it is
  /// taken: used up, whatever the answer to it); false for a repeat.
  bool take(std::uint64_t id) {
    if (id <= last_) return false;
    last_ = id;
    return true;
  }
  std::uint64_t last() const { return last_; }
  void restore(std::uint64_t last) { last_ = last; }

 private:
  std::uint64_t last_ = 0;
};

}  // namespace heard
