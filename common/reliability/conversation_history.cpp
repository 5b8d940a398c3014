#include "conversation_history.hpp"

#include "seat.hpp"

#include <unordered_set>

namespace heard {

namespace {

// HistoryEntry's oneof names the ServerMessage bodies a history keeps, field
// for field (turn, judged, guidance, check_in_results, summary): the one list
// of what a conversation is. Copies the body set in `from` into the field of
// the same name in `to`; false when `to` has no such field.
bool copy_same_named_body(const google::protobuf::Message& from, const google::protobuf::OneofDescriptor& from_body,
                          google::protobuf::Message& to, const google::protobuf::OneofDescriptor& to_body) {
  const auto* from_reflection = from.GetReflection();
  const auto* set = from_reflection->GetOneofFieldDescriptor(from, &from_body);
  if (!set) return false;
  const auto* target = to.GetDescriptor()->FindFieldByName(set->name());
  if (!target || target->containing_oneof() != &to_body) return false;
  to.GetReflection()->MutableMessage(&to, target)->CopyFrom(from_reflection->GetMessage(from, set));
  return true;
}

const google::protobuf::OneofDescriptor& body_of(const google::protobuf::Descriptor& d) {
  return *d.FindOneofByName("body");
}

}  // namespace

namespace {

// Which ServerMessage bodies HistoryEntry has a field for, worked out once
// from the two descriptors: every event passes here, drafts many times a
// second, and most are not the conversation.
bool is_conversation(v1::ServerMessage::BodyCase body) {
  static const std::unordered_set<int> kept = [] {
    std::unordered_set<int> numbers;
    const auto& server_body = body_of(*v1::ServerMessage::descriptor());
    const auto& entry_body = body_of(*v1::HistoryEntry::descriptor());
    for (int i = 0; i < server_body.field_count(); ++i) {
      const auto* field = server_body.field(i);
      const auto* same = v1::HistoryEntry::descriptor()->FindFieldByName(field->name());
      if (same && same->containing_oneof() == &entry_body) numbers.insert(field->number());
    }
    return numbers;
  }();
  return kept.count(static_cast<int>(body)) != 0;
}

}  // namespace

void conversation_history::record(unsigned to, const v1::ServerMessage& message) {
  if (!is_conversation(message.body_case())) return;
  v1::HistoryEntry body;
  if (!copy_same_named_body(message, body_of(*v1::ServerMessage::descriptor()), body,
                            body_of(*v1::HistoryEntry::descriptor()))) {
    return;  // drafts, state, errors: not the conversation
  }
  keep(to, std::move(body));
}

v1::ServerMessage message_of(const v1::HistoryEntry& entry) {
  v1::ServerMessage m;
  copy_same_named_body(entry, body_of(*v1::HistoryEntry::descriptor()), m, body_of(*v1::ServerMessage::descriptor()));
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
