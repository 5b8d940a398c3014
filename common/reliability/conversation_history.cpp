#include "conversation_history.hpp"

#include "seat.hpp"

namespace heard {

void conversation_history::record(unsigned to, const v1::ServerMessage& message) {
  v1::HistoryEntry body;
  switch (message.body_case()) {
    case v1::ServerMessage::kTurn: *body.mutable_turn() = message.turn(); break;
    case v1::ServerMessage::kJudged: *body.mutable_judged() = message.judged(); break;
    case v1::ServerMessage::kGuidance: *body.mutable_guidance() = message.guidance(); break;
    case v1::ServerMessage::kCheckInResults: *body.mutable_check_in_results() = message.check_in_results(); break;
    case v1::ServerMessage::kSummary: *body.mutable_summary() = message.summary(); break;
    default: return;
  }
  keep(to, std::move(body));
}

v1::ServerMessage message_of(const v1::HistoryEntry& entry) {
  v1::ServerMessage m;
  switch (entry.body_case()) {
    case v1::HistoryEntry::kTurn: *m.mutable_turn() = entry.turn(); break;
    case v1::HistoryEntry::kJudged: *m.mutable_judged() = entry.judged(); break;
    case v1::HistoryEntry::kGuidance: *m.mutable_guidance() = entry.guidance(); break;
    case v1::HistoryEntry::kCheckInResults: *m.mutable_check_in_results() = entry.check_in_results(); break;
    case v1::HistoryEntry::kSummary: *m.mutable_summary() = entry.summary(); break;
    case v1::HistoryEntry::BODY_NOT_SET: break;
  }
  return m;
}

void conversation_history::restore(unsigned to, v1::HistoryEntry body) { keep(to, std::move(body)); }

void conversation_history::keep(unsigned to, v1::HistoryEntry body) {
  const std::size_t size = body.ByteSizeLong();
  entries_.push_back({to, std::move(body), size});
  bytes_ += size;
  while (bytes_ > max_bytes_ && !entries_.empty()) {
    bytes_ -= entries_.front().bytes;
    for (std::size_t i = 0; i < 3; ++i) {
      if (addresses(entries_.front().to, all_seats[i])) ++dropped_[i];
    }
    entries_.pop_front();
  }
}

std::uint32_t conversation_history::dropped(v1::Seat seat) const {
  for (std::size_t i = 0; i < 3; ++i) {
    if (all_seats[i] == seat) return dropped_[i];
  }
  return 0;
}

void conversation_history::restore_dropped(v1::Seat seat, std::uint32_t dropped) {
  for (std::size_t i = 0; i < 3; ++i) {
    if (all_seats[i] == seat) dropped_[i] = dropped;
  }
}

void conversation_history::fill(v1::Seat seat, v1::Welcome& welcome) const {
  for (const auto& e : entries_) {
    if (addresses(e.to, seat)) *welcome.add_history() = e.body;
  }
  welcome.set_history_dropped(dropped(seat));
}

}  // namespace heard
