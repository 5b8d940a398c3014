#pragma once

// Client messages as tests write them: one builder per input, shared by the
// unit tests of the exercise, its persistence and its rules.
#include <functional>
#include <string>

#include "codec.hpp"
#include "exercise.hpp"
#include "heard/v1/heard.pb.h"
#include "sealed_format.hpp"
#include "seat.hpp"

namespace heard::test_messages {

// The server never opens a box: it checks a box's size and whom it is for.
// So tests of the server's side carry "boxes" that are the padded words
// between a zero nonce and a zero tag - the right size, readable back by
// text_of - and a box for every seat (the exercise drops those for seats
// without a member). The real sealing is tested in sealing_test and through
// the real clients.
inline std::string test_box(std::string_view text) {
  const auto bucket = sealed_format::bucket_for(text.size()).value_or(sealed_format::buckets.back());
  std::string box(sealed_format::nonce_bytes, '\0');
  const auto n = static_cast<std::uint32_t>(text.size());
  for (int shift = 24; shift >= 0; shift -= 8) box.push_back(static_cast<char>((n >> shift) & 0xff));
  box.append(text.substr(0, bucket - sealed_format::length_prefix_bytes));
  box.resize(sealed_format::nonce_bytes + bucket, '\0');
  box.append(sealed_format::tag_bytes, '\0');
  return box;
}
inline std::string text_of(const v1::Sealed& sealed) {
  const std::string& box = sealed.box();
  if (box.size() < sealed_format::box_bytes(sealed_format::buckets.front())) return {};
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(box[sealed_format::nonce_bytes + i]);
  return box.substr(sealed_format::nonce_bytes + 4, n);
}
inline void add_boxes(google::protobuf::RepeatedPtrField<v1::Sealed>* out, std::string_view text) {
  for (v1::Seat seat : all_seats) {
    auto* b = out->Add();
    b->set_to(seat);
    b->set_counter(1);
    b->set_box(test_box(text));
  }
}
/// A stand-in key for `seat` (the server checks only its size).
inline std::string test_key(v1::Seat seat, char which) { return std::string(32, static_cast<char>(which + seat)); }
inline v1::ClientMessage commit_key(v1::Seat seat) {
  v1::ClientMessage m;
  m.mutable_keys()->set_commitment(test_key(seat, 'c'));
  return m;
}
inline v1::ClientMessage reveal_key(v1::Seat seat) {
  v1::ClientMessage m;
  m.mutable_keys()->set_public_key(test_key(seat, 'k'));
  return m;
}
/// Seats `seat` and commits its key; once every seat of the session has
/// committed, every member reveals (as clients do).
inline exercise::result join_keyed(exercise& e, v1::Seat seat, const std::string& name) {
  auto r = e.join(seat, name);
  if (!r.ok()) return r;
  e.handle(seat, commit_key(seat));
  const auto s = e.snapshot();
  for (v1::Seat each : session_seats(s)) {
    if (member_of(s, each).key_commitment().empty()) return r;
  }
  for (v1::Seat each : session_seats(s)) {
    if (member_of(s, each).public_key().empty()) e.handle(each, reveal_key(each));
  }
  return r;
}

inline v1::ClientMessage ready() {
  v1::ClientMessage m;
  m.mutable_ready();
  return m;
}
inline v1::ClientMessage draft(const std::string& text) {
  v1::ClientMessage m;
  add_boxes(m.mutable_draft()->mutable_sealed(), text);
  return m;
}
inline v1::ClientMessage end_turn(const std::string& text) {
  v1::ClientMessage m;
  m.mutable_end_turn();
  if (!text.empty()) add_boxes(m.mutable_end_turn()->mutable_sealed(), text);
  return m;
}
inline v1::ClientMessage judge(v1::Verdict verdict, const std::string& missed = {}) {
  v1::ClientMessage m;
  m.mutable_judge()->set_verdict(verdict);
  if (!missed.empty()) add_boxes(m.mutable_judge()->mutable_sealed(), missed);
  return m;
}
inline v1::ClientMessage time_out() {
  v1::ClientMessage m;
  m.mutable_time_out();
  return m;
}
inline v1::ClientMessage resume() {
  v1::ClientMessage m;
  m.mutable_resume();
  return m;
}
inline v1::ClientMessage end_session() {
  v1::ClientMessage m;
  m.mutable_end_session();
  return m;
}
inline v1::ClientMessage check_in(unsigned a = 5, unsigned b = 4, unsigned c = 5, const std::string& words = {}) {
  v1::ClientMessage m;
  v1::CheckIn answers;
  answers.set_felt_safe(a);
  answers.set_could_say_anything(b);
  answers.set_partner_invested(c);
  answers.set_words(words);
  add_boxes(m.mutable_check_in()->mutable_sealed(), answers.SerializeAsString());
  return m;
}
inline v1::ClientMessage topic(const std::string& text) {
  v1::ClientMessage m;
  add_boxes(m.mutable_topic()->mutable_sealed(), text);
  return m;
}
inline v1::ClientMessage hello() {
  v1::ClientMessage m;
  m.mutable_hello()->set_protocol_version(protocol_version);
  return m;
}

inline v1::ClientMessage counsel(const std::function<void(v1::Counsel&)>& set) {
  v1::ClientMessage m;
  set(*m.mutable_counsel());
  return m;
}
inline v1::ClientMessage start() {
  return counsel([](auto& c) { c.mutable_start(); });
}
inline v1::ClientMessage hold() {
  return counsel([](auto& c) { c.mutable_hold(); });
}
inline v1::ClientMessage release() {
  return counsel([](auto& c) { c.mutable_release(); });
}
inline v1::ClientMessage skip() {
  return counsel([](auto& c) { c.mutable_skip_timer(); });
}
inline v1::ClientMessage note(const std::string& text) {
  return counsel([&](auto& c) { add_boxes(c.mutable_note()->mutable_sealed(), text); });
}
inline v1::ClientMessage next(v1::Seat seat) {
  return counsel([&](auto& c) { c.mutable_next_speaker()->set_seat(seat); });
}
inline v1::ClientMessage extend(unsigned seconds) {
  return counsel([&](auto& c) { c.mutable_extend_timer()->set_seconds(seconds); });
}

}  // namespace heard::test_messages
