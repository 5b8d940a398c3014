// The client's connection to its session: opening (start, join, resume),
// reconnecting with back-off, and receiving events in order, each once.
// Sending is session_client_inputs.cpp; the state file session_client_state.cpp.
#include "session_client.hpp"

#include <boost/asio/dispatch.hpp>

#include <fstream>
#include <random>

#include "codec.hpp"
#include "invite_code.hpp"
#include "session_target.hpp"

namespace heard::client {
namespace net = boost::asio;

session_client::session_client(net::io_context& ioc, client_options options, event_handler on_event)
    : ioc_(ioc),
      options_(std::move(options)),
      on_event_(std::move(on_event)),
      transport_(new_transport()),  // loads the CA now, so a bad file fails early
      reconnect_timer_(ioc),
      ack_timer_(ioc),
      heartbeat_timer_(ioc),
      draft_timer_(ioc) {}

// --- Opening -----------------------------------------------------------------------

namespace {

// A route only spreads sessions over a balancer's nodes; it is not a secret
// (the server makes the secret digits), so the library's generator will do.
std::string random_route() {
  std::random_device device;
  std::string bytes;
  for (std::size_t i = 0; i < route_random_bytes; ++i) bytes.push_back(static_cast<char>(device() & 0xFF));
  return route_from_random(bytes);
}

}  // namespace

void session_client::start(v1::CreateOptions create) {
  // The topic is sealed to everyone once their keys are in (send_topic).
  pending_topic_ = create.topic();
  create.clear_topic();
  create.set_topic_follows(!pending_topic_.empty());
  v1::Hello hello;
  *hello.mutable_create() = std::move(create);
  create_hello_ = hello;
  create_attempts_ = 1;
  connect(session_target_for(random_route()), std::move(hello));
}

void session_client::join(std::string code) {
  // A typo still goes to the server (on any route), which answers it like any
  // wrong code: one answer, one wording, one rate limit.
  auto canonical = normalize_invite_code(code);
  if (canonical) join_code_ = format_invite_code(*canonical);
  v1::Hello hello;
  hello.set_join_code(canonical ? *canonical : code);
  connect(session_target_for(canonical ? std::string(route_of(*canonical)) : random_route()), std::move(hello));
}

bool session_client::has_saved_session(const std::string& state_file) {
  if (state_file.empty()) return false;
  std::ifstream in(state_file, std::ios::binary);
  v1::ClientState state;
  return in && state.ParseFromIstream(&in) && !state.resume_token().empty();
}

bool session_client::resume_saved() {
  if (!has_saved_session(options_.state_file)) return false;
  std::ifstream in(options_.state_file, std::ios::binary);
  v1::ClientState state;
  state.ParseFromIstream(&in);
  options_.server = {state.server_host(), state.server_port()};
  options_.name = state.name();
  join_code_ = state.invite_code();
  if (options_.tls.ca_file.empty() && !state.ca_file().empty()) {
    options_.tls.ca_file = state.ca_file();
    transport_ = new_transport();
  }
  net::dispatch(ioc_, [self = shared_from_this(), state = std::move(state)] {
    self->session_key_ = state.session_key();
    self->resume_token_ = state.resume_token();
    self->events_.restore(state.last_seq());
    self->last_acked_seq_ = state.last_seq();
    for (const auto& bytes : state.unacked()) {
      v1::ClientMessage m;
      if (m.ParseFromString(bytes)) {
        const auto id = m.input_id();
        const auto size = m.ByteSizeLong();
        self->inputs_.push(id, std::move(m), size);
      }
    }
    if (state.next_input_id() > 0) self->inputs_.restore_numbering(state.next_input_id() - 1);
    self->view_.my_seat = state.seat();
    self->view_.invite_code = state.invite_code();
    self->view_.snapshot = state.snapshot();
    self->view_.my_draft = state.draft();
    self->restored_draft_ = !self->view_.my_draft.empty();
    self->draft_key_ = state.draft_key();
    self->my_words_.assign(state.my_words().begin(), state.my_words().end());
    self->restore_keys(state);
    self->pending_topic_ = state.pending_topic();
    self->view_.topic = state.topic();
    self->welcomed_once_ = true;
    self->want_history_ = true;  // a fresh process: nothing on screen yet
    self->reconnect();
  });
  return true;
}

void session_client::connect(std::string target, v1::Hello hello) {
  hello.set_protocol_version(protocol_version);
  hello.set_min_version(min_protocol_version);
  hello.set_max_version(protocol_version);
  hello.set_display_name(options_.name);
  net::dispatch(ioc_, [self = shared_from_this(), target = std::move(target), hello = std::move(hello)] {
    if (self->final_) return;
    // A fresh transport per connection: the last one may still be finishing
    // its own operations.
    if (self->generation_ > 0) self->transport_ = self->new_transport();
    const std::uint64_t generation = ++self->generation_;
    self->connecting_ = true;
    client_transport::handlers h;
    std::weak_ptr<session_client> weak = self;
    auto current = [weak, generation]() -> std::shared_ptr<session_client> {
      auto s = weak.lock();
      return s && s->generation_ == generation ? s : nullptr;
    };
    h.on_open = [current, hello] {
      if (auto s = current()) {
        v1::ClientMessage m;
        *m.mutable_hello() = hello;
        s->transport_->send(encode(m));
        s->on_open();
      }
    };
    h.on_message = [current](std::string_view bytes) {
      if (auto s = current()) s->on_message(bytes);
    };
    h.on_close = [current](const std::string& reason) {
      if (auto s = current()) s->on_close(reason);
    };
    self->transport_->connect(self->options_.server, target, std::move(h));
  });
}

std::shared_ptr<client_transport> session_client::new_transport() {
  return options_.make_transport ? options_.make_transport(ioc_, options_.tls)
                                 : client_transport::create(ioc_, options_.tls);
}

void session_client::reconnect() {
  v1::Hello hello;
  hello.mutable_rejoin()->set_resume_token(resume_token_);
  hello.mutable_rejoin()->set_last_seq(events_.last());
  hello.mutable_rejoin()->set_want_history(want_history_);
  hello.mutable_rejoin()->set_session_key(session_key_);
  connect(session_target_for(route_of(session_key_)), std::move(hello));
}

void session_client::on_open() {
  last_sent_ = std::chrono::steady_clock::now();
  arm_heartbeat();
}

void session_client::on_welcome(v1::Welcome& w) {
  const bool was_mine = view_.i_write_now();
  view_.connected = true;
  view_.my_seat = w.your_seat();
  for (const auto& invite : w.invites()) {
    // Guided: seat A's code is invite_code and seat B's invite_code_b; self-guided: the partner's.
    const bool second = w.your_seat() == v1::SEAT_COUNSELOR && invite.seat() == v1::SEAT_B;
    (second ? view_.invite_code_b : view_.invite_code) = invite.code();
  }
  view_.max_turn_chars = w.max_turn_chars();
  view_.max_check_in_chars = w.max_check_in_chars();
  view_.snapshot = w.snapshot();
  view_.snapshot.set_topic(view_.topic);
  if (w.draft_interval_ms() > 0) draft_interval_ = std::chrono::milliseconds(w.draft_interval_ms());
  if (const std::chrono::milliseconds asked(w.heartbeat_interval_ms());
      asked.count() > 0 && asked != heartbeat_interval_) {
    // The beat armed when the connection opened waits the old interval: a
    // server asking for a shorter one would close before it came.
    heartbeat_interval_ = asked;
    arm_heartbeat();
  }
  session_key_ = w.session_key();
  resume_token_ = w.resume_token();
  reconnect_attempt_ = 0;
  update_draft_key(welcomed_once_ ? was_mine : true);
  welcomed_once_ = true;
  current_through_ = w.resumed() ? w.current_through_seq() : 0;
  history_given_ = w.history_sent();
  if (history_given_) {
    want_history_ = false;
    // The person already sees the entries shown before; the UI gets the rest.
    const std::uint64_t dropped = w.history_dropped();
    const auto seen = static_cast<int>(std::min<std::uint64_t>(shown_history_ > dropped ? shown_history_ - dropped : 0,
                                                               static_cast<std::uint64_t>(w.history_size())));
    w.mutable_history()->DeleteSubrange(0, seen);
    shown_history_ = dropped + static_cast<std::uint64_t>(seen) + static_cast<std::uint64_t>(w.history_size());
  }
  step_keys();
  open_welcome(w);
  // Everything the server has not processed goes again, in order; what it
  // has is forgotten. Drafts in progress are among them.
  drop_acknowledged(w.last_input_id());
  if (w.resumed()) {
    // Tells the server the new resume token arrived, so the old one can die.
    v1::ClientMessage confirm;
    confirm.mutable_ack_only();
    transmit(std::move(confirm));
  }
  for (const auto& kept : inputs_.entries()) transmit(kept.item);
  flush_keys();  // numbered after those, so it goes after them
  if (restored_draft_) send_restored_draft();
  save_state();
}

// A restarted process (a crash, kill -9, a closed terminal): the last words
// typed may not have gone before it stopped, and the listener would see them
// only at the next keystroke. A floor's draft is the whole text, so sending it
// again is harmless; only when the inputs sent again above end with this very
// text is there nothing to add.
void session_client::send_restored_draft() {
  restored_draft_ = false;
  if (view_.my_draft.empty() || !view_.i_write_now()) return;  // that floor is over (update_draft_key cleared it)
  const v1::ClientMessage* last_draft = nullptr;
  for (const auto& kept : inputs_.entries()) {
    if (kept.item.has_draft()) last_draft = &kept.item;
  }
  if (last_draft && last_draft->draft().text() == view_.my_draft) return;
  // The floor may still be stopped for this seat's absence (the Welcome can
  // come before the pause ends): then it waits as a kept draft.
  draft_kept_ = true;
  send_kept_draft();
}

// --- Receiving -------------------------------------------------------------------

void session_client::on_message(std::string_view bytes) {
  auto decoded = decode_server(bytes);
  if (auto* error = std::get_if<v1::Error>(&decoded)) {
    // A server message this client cannot read: report it, keep going.
    v1::ServerMessage m;
    *m.mutable_error() = *error;
    if (on_event_) on_event_(m);
    return;
  }
  auto& message = std::get<v1::ServerMessage>(decoded);
  if (message.seq() != 0) {
    if (!events_.take(message.seq())) return;  // already handled before a reconnect
    arm_ack_timer();
    if (message.seq() <= current_through_ && (message.has_state_changed() || history_given_)) {
      // The Welcome already covers it: its snapshot is newer than any state
      // replayed here, and with a history its words were shown from there.
      drop_acknowledged(message.ack_input());
      return save_state();
    }
  }
  drop_acknowledged(message.ack_input());

  switch (message.body_case()) {
    case v1::ServerMessage::kWelcome: on_welcome(*message.mutable_welcome()); break;
    case v1::ServerMessage::kInvite: {
      // Guided: seat A's code is invite_code and seat B's invite_code_b; self-guided: the partner's.
      const bool second = view_.counselor() && message.invite().seat() == v1::SEAT_B;
      (second ? view_.invite_code_b : view_.invite_code) = message.invite().code();
      break;
    }
    case v1::ServerMessage::kStateChanged: {
      const bool was_mine = view_.i_write_now();
      view_.snapshot = message.state_changed().snapshot();
      view_.snapshot.set_topic(view_.topic);
      update_draft_key(was_mine);
      step_keys();
      flush_keys();
      if (view_.snapshot.phase() == v1::PHASE_ENDED) final_ = true;
      if (view_.snapshot.phase() != v1::PHASE_PAUSED && !held_.empty()) {
        auto again = std::move(held_);
        held_.clear();
        for (auto& m : again) send_input(std::move(m), false);
      }
      send_kept_draft();
      break;
    }
    case v1::ServerMessage::kError: on_refused(message.error()); break;
    default: break;
  }
  if (message.seq() != 0 || message.has_welcome()) save_state();
  // A body from a newer server: its seq and ack counted above; nothing to show.
  if (message.body_case() == v1::ServerMessage::BODY_NOT_SET) return;
  switch (message.body_case()) {
    case v1::ServerMessage::kTurn:
    case v1::ServerMessage::kJudged:
    case v1::ServerMessage::kGuidance:
    case v1::ServerMessage::kCheckInResults:
    case v1::ServerMessage::kSummary: ++shown_history_; break;
    default: break;
  }
  // Words that fail their seal check are never shown (the person is told).
  if (!open_event(message)) return;
  if (on_event_) on_event_(message);
}

void session_client::drop_acknowledged(std::uint64_t ack_input) {
  constexpr std::size_t recent_kept = 64;
  inputs_.acknowledge(ack_input, [&](auto&& kept) {
    recent_.push_back(std::move(kept.item));
    if (recent_.size() > recent_kept) recent_.pop_front();
  });
}

const v1::ClientMessage* session_client::sent_input(std::uint64_t input_id) const {
  for (const auto& m : recent_) {
    if (m.input_id() == input_id) return &m;
  }
  for (const auto& kept : inputs_.entries()) {
    if (kept.id == input_id) return &kept.item;
  }
  return nullptr;
}

void session_client::on_refused(const v1::Error& error) {
  const auto* input = error.input_id() != 0 ? sent_input(error.input_id()) : nullptr;
  if (input && input->has_draft()) {
    if (refused_for_now(error) && view_.i_write_now()) {
      // Sent just before the floor stopped: the words stay in the writer's
      // draft and go out when it goes on.
      draft_kept_ = true;
    } else if (refused_for_now(error) || error.code() == v1::ERROR_NOT_YOUR_TURN ||
               error.code() == v1::ERROR_WRONG_PHASE) {
      forget_refused_draft(error.input_id());  // never sent later
    }
  } else if (input && error.code() == v1::ERROR_PARTNER_AWAY) {
    held_.push_back(*input);  // a Ready or a verdict goes through once both are back
  }
  // The server says when it closes after an error: trying again would not help.
  if (error.closes()) {
    final_ = true;
    session_gone_ = error.code() == v1::ERROR_SESSION_EXPIRED;
    final_reason_ = error.message();
  }
}

// Text typed when it was nobody's turn of ours is refused by the server; it
// must not linger and be sent later as part of a real turn.
void session_client::forget_refused_draft(std::uint64_t input_id) {
  const auto* m = sent_input(input_id);
  if (!m || !m->has_draft()) return;
  const std::string& refused = m->draft().text();
  auto& mine = view_.my_draft;
  if (refused.empty() || mine.compare(0, refused.size(), refused) != 0) return;
  const bool line_break_follows = mine.size() > refused.size() && mine[refused.size()] == '\n';
  mine.erase(0, refused.size() + (line_break_follows ? 1 : 0));
}

// The turn event ("said ...") reaches us just before the state change that
// hands us the floor, and the server may already take a draft we send in
// between. So a draft typed while the floor was not ours is kept for the
// floor that follows: the server has it (or refused it, and
// forget_refused_draft dropped it). Only a floor that was ours ends our draft.
void session_client::update_draft_key(bool previous_floor_mine) {
  const auto key = floor_key(view_.snapshot);
  if (key == draft_key_) return;
  draft_key_ = key;
  draft_kept_ = false;
  const auto phase = view_.snapshot.phase();
  const bool cut_short = phase == v1::PHASE_CHECK_IN || phase == v1::PHASE_ENDED;
  view_.unsent_draft = previous_floor_mine && cut_short ? view_.my_draft : std::string();
  if (previous_floor_mine) view_.my_draft.clear();
}

void session_client::on_close(const std::string& reason) {
  connecting_ = false;
  view_.connected = false;
  draft_timer_.cancel();
  draft_timer_armed_ = false;
  ack_timer_.cancel();
  heartbeat_timer_.cancel();
  if (pending_draft_) flush_draft();  // queued for the resume, not lost
  if (!final_ && !welcomed_once_ && create_hello_ && create_attempts_ < options_.max_start_attempts) {
    // No answer at all to a start: the node behind this route may be down.
    // Another route most likely reaches another node; nothing was created.
    ++create_attempts_;
    return connect(session_target_for(random_route()), *create_hello_);
  }
  if (final_ || !welcomed_once_) {
    // A first connection that never got a Welcome has no seat to resume.
    return finish(final_reason_.empty() ? reason : final_reason_);
  }
  const auto ceiling = std::min<std::chrono::milliseconds>(
      options_.reconnect_max, options_.reconnect_initial * (1u << std::min(reconnect_attempt_, 16u)));
  std::uniform_int_distribution<long long> jitter(ceiling.count() / 2, ceiling.count());
  const std::chrono::milliseconds wait(jitter(jitter_));
  ++reconnect_attempt_;
  if (on_event_) on_event_(connection_lost{reason, wait});
  reconnect_timer_.expires_after(wait);
  reconnect_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!ec && self && !self->final_) self->reconnect();
  });
}

void session_client::finish(std::string reason) {
  if (finished_) return;
  finished_ = true;
  final_ = true;
  std::string saved;
  if (session_gone_) {
    // The server lost the session (a crash, or it expired): say so, and keep
    // every word this person wrote where they can find it.
    saved = save_my_words();
  }
  if (view_.snapshot.phase() == v1::PHASE_ENDED || leaving_ || session_gone_ || !welcomed_once_) {
    forget_state();
  } else {
    save_state();
  }
  if (on_event_) on_event_(connection_closed{std::move(reason), std::move(saved)});
}

}  // namespace heard::client
