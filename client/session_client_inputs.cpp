// What a person sends: every input numbered and kept in the outbox until the
// server acknowledges it, drafts throttled to the server's interval, acks
// and heartbeats on their timers.
#include "session_client.hpp"

#include <boost/asio/dispatch.hpp>

#include "codec.hpp"
#include "text_check.hpp"

namespace heard::client {
namespace net = boost::asio;

// --- Sending -----------------------------------------------------------------------

void session_client::transmit(v1::ClientMessage message) {
  if (!seal_input(message)) {
    // Its text fields are empty now: the server refuses it, and the words
    // stay with this person (my_words, the draft).
    notify(local_notice::kind::warning, "Your words could not be sealed, so they were not sent.");
  }
  message.set_ack(events_.last());
  last_acked_seq_ = events_.last();
  last_transmitted_id_ = std::max(last_transmitted_id_, message.input_id());
  last_sent_ = std::chrono::steady_clock::now();
  transport_->send(encode(message));
}

void session_client::send_input(v1::ClientMessage message, bool first_time) {
  if (final_) return;
  // The text rules are the sender's now (the server cannot read the words):
  // what would be refused on opening is never sent.
  if (first_time) {
    if (auto problem = outgoing_problem(message)) return notify(local_notice::kind::not_sent, *problem);
  }
  // Only the newest draft matters: older ones still kept would only be sent
  // again after a drop (a Turn carries its whole text). So what is kept stays
  // a few inputs long however long the person types offline.
  if (message.has_draft()) inputs_.erase_if([](const v1::ClientMessage& kept) { return kept.has_draft(); });
  message.set_input_id(inputs_.last_id() + 1);
  if (first_time) {
    if (message.has_end_turn()) my_words_.push_back(message.end_turn().text());
    if (message.has_judge() && !message.judge().missed().empty()) my_words_.push_back(message.judge().missed());
    if (message.has_check_in() && !message.check_in().words().empty()) {
      my_words_.push_back(message.check_in().words());
    }
    if (message.has_counsel() && message.counsel().has_note()) my_words_.push_back(message.counsel().note().text());
  }
  inputs_.push(message.input_id(), message, message.ByteSizeLong());
  save_state();
  if (view_.connected) transmit(std::move(message));
}

void session_client::arm_ack_timer() {
  if (ack_timer_armed_) return;
  ack_timer_armed_ = true;
  ack_timer_.expires_after(options_.ack_delay);
  ack_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self) return;
    self->ack_timer_armed_ = false;
    if (ec || !self->view_.connected || self->last_acked_seq_ >= self->events_.last()) return;
    v1::ClientMessage ack;
    ack.mutable_ack_only();
    self->transmit(std::move(ack));
  });
}

void session_client::arm_heartbeat() {
  heartbeat_timer_.expires_after(heartbeat_interval_ / 2);
  heartbeat_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    if (self->view_.connected && std::chrono::steady_clock::now() - self->last_sent_ >= self->heartbeat_interval_ / 2) {
      v1::ClientMessage beat;
      beat.mutable_ack_only();
      self->transmit(std::move(beat));
    }
    self->arm_heartbeat();
  });
}

void session_client::queue_input(v1::ClientMessage message) {
  net::dispatch(ioc_,
                [self = shared_from_this(), m = std::move(message)]() mutable { self->send_input(std::move(m)); });
}

void session_client::ready() {
  v1::ClientMessage m;
  m.mutable_ready();
  queue_input(std::move(m));
}

std::optional<std::string> session_client::too_long(const std::string& text) const {
  const auto chars = count_code_points(text);
  if (view_.max_turn_chars == 0 || chars <= view_.max_turn_chars) return std::nullopt;
  return too_long_sentence(chars, view_.max_turn_chars);
}

void session_client::notify(local_notice::kind what, std::string text) {
  if (on_event_) on_event_(local_notice{what, std::move(text)});
}

bool session_client::accepts_draft(const std::string& text) {
  if (view_.snapshot.mode() == v1::MODE_SPOKEN && !text.empty()) {
    notify(local_notice::kind::not_sent,
           "This is a spoken session: say it out loud. Nothing typed is sent; finish your turn with done.");
    return false;
  }
  if (const auto why = too_long(text)) {
    notify(local_notice::kind::not_sent, *why);
    return false;
  }
  const auto refused = view_.refusal_of(act::write);
  if (!refused || !refused_for_now(*refused)) return true;  // the server has the last word
  if (view_.i_write_now()) {
    // The writer's words wait in their draft for the floor to go on.
    if (!draft_kept_) notify(local_notice::kind::kept, "Kept in your text; it goes on when the session resumes.");
    draft_kept_ = true;
    return true;
  }
  // Not the writer's: never sent, now or later.
  notify(local_notice::kind::not_sent, "Not sent: " + refused->message());
  return false;
}

void session_client::send_kept_draft() {
  if (!draft_kept_) return;
  if (!view_.i_write_now()) {
    draft_kept_ = false;  // that floor is over; its draft went with it
    return;
  }
  if (view_.refusal_of(act::write)) return;  // still stopped
  draft_kept_ = false;
  pending_draft_ = view_.my_draft;
  flush_draft();
}

void session_client::set_draft(std::string text) {
  net::dispatch(ioc_, [self = shared_from_this(), text = std::move(text)]() mutable {
    if (!self->accepts_draft(text)) return;
    self->view_.my_draft = text;
    // On disk within the writer's interval, whatever the draft timer does:
    // a process killed right after a keystroke keeps the keystroke.
    self->save_state();
    if (self->draft_kept_) return self->save_state();  // sent when the floor goes on
    if (!self->view_.connected) {
      v1::ClientMessage m;
      m.mutable_draft()->set_text(std::move(text));
      return self->send_input(std::move(m));
    }
    self->pending_draft_ = std::move(text);
    if (self->draft_timer_armed_) return;  // the timer sends the latest text
    const auto now = std::chrono::steady_clock::now();
    const auto next = self->last_draft_sent_ + self->draft_interval_;
    if (now >= next) return self->flush_draft();
    self->draft_timer_armed_ = true;
    self->draft_timer_.expires_at(next);
    self->draft_timer_.async_wait([weak = self->weak_from_this()](boost::system::error_code ec) {
      auto s = weak.lock();
      if (!s) return;
      s->draft_timer_armed_ = false;
      if (!ec) s->flush_draft();
    });
  });
}

void session_client::flush_draft() {
  if (!pending_draft_) return;
  v1::ClientMessage m;
  m.mutable_draft()->set_text(std::move(*pending_draft_));
  pending_draft_.reset();
  last_draft_sent_ = std::chrono::steady_clock::now();
  send_input(std::move(m));
}

void session_client::end_turn(std::string text) {
  net::dispatch(ioc_, [self = shared_from_this(), text = std::move(text)]() mutable {
    // Spoken: the words were said out loud; what the screen holds is not sent.
    if (self->view_.snapshot.mode() == v1::MODE_SPOKEN) text.clear();
    if (const auto why = self->too_long(text)) return self->notify(local_notice::kind::not_sent, *why);
    // The final text replaces any draft not yet sent.
    self->pending_draft_.reset();
    self->draft_timer_.cancel();
    v1::ClientMessage m;
    m.mutable_end_turn()->set_text(std::move(text));
    self->send_input(std::move(m));
  });
}

void session_client::judge(v1::Verdict verdict, std::string missed) {
  net::dispatch(ioc_, [self = shared_from_this(), verdict, missed = std::move(missed)]() mutable {
    // Spoken: what was missed is said out loud too.
    if (self->view_.snapshot.mode() == v1::MODE_SPOKEN) missed.clear();
    v1::ClientMessage m;
    m.mutable_judge()->set_verdict(verdict);
    m.mutable_judge()->set_missed(std::move(missed));
    self->send_input(std::move(m));
  });
}

void session_client::time_out() {
  v1::ClientMessage m;
  m.mutable_time_out();
  queue_input(std::move(m));
}

void session_client::resume() {
  v1::ClientMessage m;
  m.mutable_resume();
  queue_input(std::move(m));
}

void session_client::end_session() {
  v1::ClientMessage m;
  m.mutable_end_session();
  queue_input(std::move(m));
}

void session_client::check_in(std::uint32_t felt_safe, std::uint32_t could_say_anything, std::uint32_t partner_invested,
                              std::string words, bool share_words) {
  v1::ClientMessage m;
  auto* c = m.mutable_check_in();
  c->set_felt_safe(felt_safe);
  c->set_could_say_anything(could_say_anything);
  c->set_partner_invested(partner_invested);
  c->set_words(std::move(words));
  c->set_share_words(share_words);
  queue_input(std::move(m));
}

void session_client::counsel(v1::Counsel control) {
  v1::ClientMessage m;
  *m.mutable_counsel() = std::move(control);
  queue_input(std::move(m));
}

void session_client::leave() {
  net::dispatch(ioc_, [self = shared_from_this()] {
    self->leaving_ = true;
    if (!self->view_.connected) {
      // Nobody to tell now: stop, and forget the seat.
      self->final_ = true;
      self->reconnect_timer_.cancel();
      if (self->connecting_) return self->transport_->close();  // on_close finishes
      return self->finish("left");
    }
    v1::ClientMessage m;
    m.mutable_leave();
    self->send_input(std::move(m));
    self->final_ = true;  // the server closes with 1000 "left"
  });
}

void session_client::close() {
  net::dispatch(ioc_, [self = shared_from_this()] {
    self->final_ = true;
    self->reconnect_timer_.cancel();
    self->draft_timer_.cancel();
    self->ack_timer_.cancel();
    self->heartbeat_timer_.cancel();
    if (self->connecting_) return self->transport_->close();  // on_close finishes
    self->finish("closed");
  });
}

}  // namespace heard::client
