#pragma once

// Client messages as tests write them: one builder per input, shared by the
// unit tests of the exercise, its persistence and its rules.
#include <functional>
#include <string>

#include "codec.hpp"
#include "heard/v1/heard.pb.h"

namespace heard::test_messages {

inline v1::ClientMessage ready() {
  v1::ClientMessage m;
  m.mutable_ready();
  return m;
}
inline v1::ClientMessage draft(const std::string& text) {
  v1::ClientMessage m;
  m.mutable_draft()->set_text(text);
  return m;
}
inline v1::ClientMessage end_turn(const std::string& text) {
  v1::ClientMessage m;
  m.mutable_end_turn()->set_text(text);
  return m;
}
inline v1::ClientMessage judge(v1::Verdict verdict, const std::string& missed = {}) {
  v1::ClientMessage m;
  m.mutable_judge()->set_verdict(verdict);
  m.mutable_judge()->set_missed(missed);
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
  auto* ci = m.mutable_check_in();
  ci->set_felt_safe(a);
  ci->set_could_say_anything(b);
  ci->set_partner_invested(c);
  ci->set_words(words);
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
  return counsel([&](auto& c) { c.mutable_note()->set_text(text); });
}
inline v1::ClientMessage next(v1::Seat seat) {
  return counsel([&](auto& c) { c.mutable_next_speaker()->set_seat(seat); });
}
inline v1::ClientMessage extend(unsigned seconds) {
  return counsel([&](auto& c) { c.mutable_extend_timer()->set_seconds(seconds); });
}

}  // namespace heard::test_messages
