#include "event_backlog.hpp"

#include <algorithm>

namespace heard {

bool event_backlog::push(std::uint64_t seq, std::shared_ptr<const std::string> bytes, bool draft) {
  if (seq <= last_seq_) return true;  // numbered before: nothing to keep twice
  last_seq_ = seq;
  if (resync_needed_) return false;
  if (draft) {
    // Only the latest words matter.
    std::erase_if(events_, [&](const event& e) {
      if (!e.draft) return false;
      bytes_ -= e.bytes->size();
      return true;
    });
  }
  bytes_ += bytes->size();
  events_.push_back({seq, std::move(bytes), draft});
  if (bytes_ <= max_bytes_) return true;
  events_.clear();
  bytes_ = 0;
  resync_needed_ = true;
  return false;
}

void event_backlog::acknowledge(std::uint64_t ack) {
  while (!events_.empty() && events_.front().seq <= ack) {
    bytes_ -= events_.front().bytes->size();
    events_.pop_front();
  }
}

void event_backlog::resynced() {
  events_.clear();
  bytes_ = 0;
  resync_needed_ = false;
  sent_through_ = last_seq_;
}

const event_backlog::event* event_backlog::next_unsent() const {
  auto it = std::upper_bound(events_.begin(), events_.end(), sent_through_,
                             [](std::uint64_t seq, const event& e) { return seq < e.seq; });
  return it == events_.end() ? nullptr : &*it;
}

void event_backlog::mark_sent() {
  if (const auto* e = next_unsent()) sent_through_ = e->seq;
}

}  // namespace heard
