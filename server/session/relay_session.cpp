#include "relay_session.hpp"

#include <boost/asio/post.hpp>

#include "codec.hpp"
#include "exercise_persistence.hpp"
#include "in_order.hpp"
#include "secure_random.hpp"

namespace heard::server {
namespace net = boost::asio;

namespace {

std::string new_resume_token() { return secure_random_bytes(16); }  // 128 bits

exercise_limits limits_of(const server_config& config) { return {config.max_turn_chars, config.max_check_in_chars}; }

}  // namespace

relay_session::relay_session(net::io_context& ioc, std::string id, const exercise_settings& settings,
                             const server_config& config, server_stats& stats, logger& log, ended_callback on_ended)
    : strand_(net::make_strand(ioc)),
      id_(std::move(id)),
      log_id_(log_label(id_)),
      config_(config),
      stats_(stats),
      log_(log),
      on_ended_(std::move(on_ended)),
      exercise_(settings),
      history_(config.max_history_bytes),
      guided_(settings.guided) {
  ++stats_.sessions_live;
  for (auto& m : members_) m.events = event_backlog(config_.max_unacked_bytes);
  publish_gauges();
}

relay_session::relay_session(net::io_context& ioc, const v1::SessionState& saved, const server_config& config,
                             server_stats& stats, logger& log, ended_callback on_ended)
    : strand_(net::make_strand(ioc)),
      id_(saved.id()),
      log_id_(log_label(id_)),
      config_(config),
      stats_(stats),
      log_(log),
      on_ended_(std::move(on_ended)),
      exercise_(restore_exercise(saved.exercise(), limits_of(config))),
      history_(config.max_history_bytes),
      next_seq_(saved.next_seq()),
      invite_code_(saved.invite_code()),
      invite_code_b_(saved.invite_code_b()),
      guided_(saved.exercise().guided()) {
  ++stats_.sessions_live;
  for (auto& m : members_) m.events = event_backlog(config_.max_unacked_bytes);
  for (int i = 0; i < saved.members_size() && i < 3; ++i) {
    const auto& m = saved.members(i);
    auto& member = members_[all_seats[static_cast<std::size_t>(i)]];
    if (!m.resume_token().empty()) member.token.issue(m.resume_token());
    member.inputs.restore(m.last_input_id());
    for (const auto& e : m.unacked()) {
      member.events.push(e.seq(), std::make_shared<const std::string>(e.message()), false);
    }
    member.events.restore_numbering(m.last_seq());
  }
  for (const auto& h : saved.history()) history_.restore(h.to(), h.entry());
  for (int i = 0; i < saved.history_dropped_size() && i < 3; ++i) {
    history_.restore_dropped(all_seats[static_cast<std::size_t>(i)], saved.history_dropped(i));
  }
  publish_gauges();
}

relay_session::~relay_session() {
  --stats_.sessions_live;
  if (published_phase_ >= 0) --stats_.sessions_by_phase[static_cast<std::size_t>(published_phase_)];
  stats_.unacked_bytes -= static_cast<std::int64_t>(published_unacked_bytes_);
}

void relay_session::publish_gauges() {
  const int phase = exercise_.phase();
  if (phase != published_phase_ && static_cast<std::size_t>(phase) < server_stats::phase_slots) {
    if (published_phase_ >= 0) --stats_.sessions_by_phase[static_cast<std::size_t>(published_phase_)];
    ++stats_.sessions_by_phase[static_cast<std::size_t>(phase)];
    published_phase_ = phase;
  }
  std::size_t unacked = 0;
  for (v1::Seat seat : all_seats) unacked += member(seat).events.bytes();
  stats_.unacked_bytes += static_cast<std::int64_t>(unacked) - static_cast<std::int64_t>(published_unacked_bytes_);
  published_unacked_bytes_ = unacked;
}

void relay_session::save(v1::SessionState& out) const {
  out.set_id(id_);
  out.set_next_seq(next_seq_);
  *out.mutable_exercise() = save_exercise(exercise_);
  out.set_invite_code(invite_code_);
  out.set_invite_code_b(invite_code_b_);
  for (const auto& m : members_) {
    auto* saved = out.add_members();
    saved->set_resume_token(m.token.current());
    saved->set_last_input_id(m.inputs.last());
    saved->set_last_seq(m.events.last_seq());
    for (const auto& kept : m.events.events()) {
      auto* e = saved->add_unacked();
      e->set_seq(kept.seq);
      e->set_message(*kept.bytes);
    }
  }
  for (const auto& h : history_.entries()) {
    auto* saved = out.add_history();
    saved->set_to(h.to);
    *saved->mutable_entry() = h.body;
  }
  for (const v1::Seat seat : all_seats) out.add_history_dropped(history_.dropped(seat));
}

void relay_session::start_restored() {
  net::post(strand_, [self = shared_from_this()] {
    for (v1::Seat seat : all_seats) {
      if (self->exercise_.present(seat) && !self->exercise_.connected(seat)) self->start_grace(seat);
    }
  });
}

void relay_session::shut_down() {
  net::post(strand_, [self = shared_from_this()] {
    self->shutting_down_ = true;
    if (self->floor_timer_) self->floor_timer_->cancel();
    for (auto& m : self->members_) {
      if (m.grace_timer) m.grace_timer->cancel();
      if (m.ack_timer) m.ack_timer->cancel();
    }
    if (self->linger_timer_) self->linger_timer_->cancel();
  });
}

std::optional<v1::Seat> relay_session::seat_of(const std::shared_ptr<link>& l) const {
  for (v1::Seat seat : all_seats) {
    if (l && member(seat).current_link == l) return seat;
  }
  return std::nullopt;
}

// --- Joining and resuming ------------------------------------------------------

v1::ServerMessage invalid_code_refusal() {
  return make_error(v1::ERROR_INVALID_CODE,
                    "That code does not open a session. Check it with your partner, or ask for a new one.", true);
}

void relay_session::join(v1::Seat seat, std::shared_ptr<link> joiner, std::string name, std::string invite_code,
                         std::string invite_code_b) {
  net::post(strand_, [self = shared_from_this(), seat, joiner = std::move(joiner), name = std::move(name),
                      invite_code = std::move(invite_code), invite_code_b = std::move(invite_code_b)]() mutable {
    self->advance_clock();
    auto result = self->exercise_.join(seat, name);
    if (!result.ok() || self->finished_) {
      // The registry hands each seat out once, so this is a race with the
      // session ending; the joiner gets the same answer as a wrong code.
      self->send_direct(joiner, invalid_code_refusal(), seat);
      joiner->close(close_code::policy_violation, invalid_code_close_reason);
      return;
    }
    auto& m = self->member(seat);
    m.current_link = std::move(joiner);
    m.token.issue(new_resume_token());
    if (!invite_code.empty()) self->invite_code_ = invite_code;
    if (!invite_code_b.empty()) self->invite_code_b_ = invite_code_b;
    self->welcome(seat, false);
    self->log_.write(log_level::info, "session=", self->log_id_, " event=joined seat=", seat_label(seat));
    self->deliver(std::move(result));
  });
}

void relay_session::welcome(v1::Seat seat, bool resumed, bool with_history) {
  auto& m = member(seat);
  v1::ServerMessage message;
  auto* w = message.mutable_welcome();
  w->set_protocol_version(protocol_version);
  w->set_your_seat(seat);
  // The codes go to the creator only, and only while someone may still use them.
  const bool creator = exercise_.guided() ? seat == v1::SEAT_COUNSELOR : seat == v1::SEAT_A;
  if (creator) {
    auto invite = [&](v1::Seat to, const std::string& code) {
      if (exercise_.present(to)) return;
      auto* i = w->add_invites();
      i->set_seat(to);
      i->set_code(code);
    };
    // Self-guided: the one code is B's. Guided: invite_code_ is A's, invite_code_b_ B's.
    invite(exercise_.guided() ? v1::SEAT_A : v1::SEAT_B, invite_code_);
    if (exercise_.guided()) invite(v1::SEAT_B, invite_code_b_);
  }
  w->set_invite_ttl_seconds(static_cast<std::uint32_t>(config_.invite_ttl.count()));
  w->set_max_turn_chars(static_cast<std::uint32_t>(config_.max_turn_chars));
  w->set_max_check_in_chars(static_cast<std::uint32_t>(config_.max_check_in_chars));
  w->set_draft_interval_ms(static_cast<std::uint32_t>(config_.draft_interval.count()));
  w->set_heartbeat_interval_ms(static_cast<std::uint32_t>(config_.heartbeat_interval.count()));
  *w->mutable_snapshot() = exercise_.snapshot_for(seat);
  w->set_resume_token(m.token.current());
  w->set_session_key(id_);
  w->set_last_input_id(m.inputs.last());
  w->set_resumed(resumed);
  if (resumed) w->set_current_through_seq(next_seq_ - 1);
  if (auto topic = exercise_.topic_for(seat)) *w->mutable_topic() = std::move(*topic);
  if (with_history) {
    w->set_history_sent(true);
    history_.fill(seat, *w);
    if (auto draft = exercise_.current_draft(seat)) *w->mutable_draft() = *draft;
  }
  message.set_ack_input(m.inputs.last());
  m.ack_told = m.inputs.last();
  m.drain_asked = false;  // a new link: whatever the last one was asked no longer holds
  if (m.current_link) m.queued = m.current_link->send(std::make_shared<const std::string>(encode(message)));
}

void relay_session::pump(v1::Seat seat) {
  auto& m = member(seat);
  if (!m.current_link) return;
  while (const auto* e = m.events.next_unsent()) {
    if (m.queued >= config_.replay_window_bytes) {
      if (!m.drain_asked) m.current_link->want_drained();
      m.drain_asked = true;
      return;
    }
    m.queued = m.current_link->send(e->bytes);
    m.events.mark_sent();
  }
}

void relay_session::drained(std::shared_ptr<link> l) {
  net::post(strand_, [self = shared_from_this(), l = std::move(l)] {
    auto seat = self->seat_of(l);
    if (!seat) return;
    auto& m = self->member(*seat);
    m.queued = 0;
    m.drain_asked = false;
    self->pump(*seat);
  });
}

void relay_session::rejoin(std::shared_ptr<link> joiner, v1::Rejoin rejoin) {
  net::post(strand_, [self = shared_from_this(), joiner = std::move(joiner), rejoin = std::move(rejoin)] {
    std::optional<v1::Seat> seat;
    credentials::match used = credentials::match::none;
    for (v1::Seat s : all_seats) {
      if (const auto match = self->member(s).token.check(rejoin.resume_token()); match != credentials::match::none) {
        seat = s;
        used = match;
      }
    }
    if (!seat) {
      // A token used once is dead: of two racing resumes only the first gets here.
      ++self->stats_.resumes_refused;
      self->send_direct(joiner,
                        make_error(v1::ERROR_SESSION_EXPIRED,
                                   "This seat was taken back on another device (or from an older copy of its "
                                   "state), so this one cannot resume it.",
                                   true),
                        v1::SEAT_UNSPECIFIED);
      joiner->close(close_code::policy_violation, "session expired");
      return;
    }
    auto& m = self->member(*seat);
    if (!m.events.can_acknowledge(rejoin.last_seq())) {
      ++self->stats_.bad_acks;
      self->send_direct(joiner, make_error(v1::ERROR_BAD_ACK, "The resume claims events this server never sent.", true),
                        v1::SEAT_UNSPECIFIED);
      joiner->close(close_code::policy_violation, "bad ack");
      return;
    }
    if (m.current_link) {
      // The old connection may look alive (a half-open socket); the newest
      // resume is the person's current device.
      self->send_direct(m.current_link,
                        make_error(v1::ERROR_REPLACED, "This session was resumed on another connection.", true), *seat);
      m.current_link->close(close_code::policy_violation, "replaced");
    }
    if (m.grace_timer) m.grace_timer->cancel();
    m.current_link = joiner;
    m.token.rotate(new_resume_token(), used);
    ++self->stats_.resumes;
    self->acknowledge(*seat, rejoin.last_seq());
    // Away past the backlog's cap, or back with nothing on screen: the
    // snapshot and the conversation so far instead of a replay.
    const bool resync = m.events.resync_needed() || rejoin.want_history();
    if (resync) {
      self->log_.write(log_level::info, "session=", self->log_id_, " event=resumed seat=", seat_label(*seat),
                       " resync=", m.events.resync_needed() ? "past_cap" : "asked");
    } else {
      self->log_.write(log_level::info, "session=", self->log_id_, " event=resumed seat=", seat_label(*seat),
                       " replay=", m.events.size());
    }
    if (m.events.resync_needed()) ++self->stats_.resyncs;
    // Back first, so the Welcome's snapshot already shows this seat back
    // (the others learn it from the state change delivered after).
    exercise::result back;
    if (!self->finished_ && !self->exercise_.connected(*seat)) {
      self->advance_clock();
      back = self->exercise_.reconnect(*seat);
    }
    self->welcome(*seat, true, resync);
    if (resync) {
      m.events.resynced();
    } else {
      m.events.rewind();
    }
    self->pump(*seat);
    if (self->finished_) {
      // A late resume of an ended session still gets what it missed, then the goodbye.
      m.current_link->close(close_code::normal, "session ended");
      m.current_link.reset();
      return;
    }
    self->deliver(std::move(back));
  });
}

// --- Inputs --------------------------------------------------------------------

void relay_session::handle(std::shared_ptr<link> from, v1::ClientMessage message) {
  const auto received = std::chrono::steady_clock::now();
  // In order, not posted: handled at once when the session's strand is idle;
  // behind a Join not yet run, it waits for it.
  // mutable: the input moves on into the exercise (a const lambda's member
  // would be copied there, boxes and all).
  dispatch_in_order(
      strand_, [self = shared_from_this(), from = std::move(from), message = std::move(message), received]() mutable {
        auto seat = self->seat_of(from);
        if (!seat) return;  // a replaced or departed link; it is being closed
        auto& m = self->member(*seat);
        // The client got its new token: the one it resumed with is dead now.
        m.token.confirm();

        if (!m.events.can_acknowledge(message.ack())) {
          ++self->stats_.bad_acks;
          self->send_direct(from, make_error(v1::ERROR_BAD_ACK, "Acknowledged an event this server never sent.", true),
                            *seat);
          from->close(close_code::policy_violation, "bad ack");
          return;
        }
        self->acknowledge(*seat, message.ack());
        if (message.has_ack_only()) return;

        if (message.body_case() == v1::ClientMessage::BODY_NOT_SET) {
          // A newer client's input, perhaps: its acknowledgement counted above
          // and its id, if it has one, is used up like any refused input's.
          ++self->stats_.malformed_inputs;
          v1::ServerMessage refusal;
          *refusal.mutable_error() = unknown_body_error();
          refusal.mutable_error()->set_input_id(message.input_id());
          m.inputs.take(message.input_id());
          self->send_event(*seat, std::move(refusal), self->next_seq_++);
          return;
        }

        if (message.input_id() == 0) {
          ++self->stats_.inputs_refused;
          self->send_direct(
              from, make_error(v1::ERROR_INVALID_ARGUMENT, "Every input needs an input_id (1, 2, 3, ...)."), *seat);
          return;
        }
        if (!m.inputs.take(message.input_id())) {
          // Sent again after a reconnect; its effect (and any answer) already
          // happened. Only the acknowledgement is repeated.
          ++self->stats_.duplicate_inputs;
          v1::ServerMessage ack;
          ack.mutable_ack();
          self->send_direct(from, std::move(ack), *seat);
          return;
        }

        if (message.has_leave()) {
          self->log_.write(log_level::info, "session=", self->log_id_, " event=left seat=", seat_label(*seat));
          self->advance_clock();
          auto result = self->exercise_.leave(*seat);
          v1::ServerMessage ack;
          ack.mutable_ack();
          self->send_direct(from, std::move(ack), *seat);
          from->close(close_code::normal, "left");
          m.current_link.reset();
          m.token.revoke();
          self->deliver(std::move(result));
          return;
        }

        self->advance_clock();
        // What the log and a refusal need, taken before the input moves into
        // the exercise (its name is looked up only if a line is written).
        const auto body = message.body_case();
        const std::uint64_t input_id = message.input_id();
        const bool debug = self->log_.enabled(log_level::debug);  // a size costs a walk of the message
        const std::size_t bytes = debug ? message.ByteSizeLong() : 0;
        auto result = self->exercise_.handle(*seat, std::move(message));
        if (!result.ok()) {
          ++self->stats_.inputs_refused;
          self->log_.write(log_level::info, "session=", self->log_id_, " event=refused input=", body_name(body),
                           " code=", error_code_name(result.error->code()));
          v1::ServerMessage refusal;
          *refusal.mutable_error() = std::move(*result.error);
          refusal.mutable_error()->set_input_id(input_id);
          self->send_event(*seat, std::move(refusal), self->next_seq_++);
          return;
        }
        // Sizes only: never the words.
        if (debug) {
          self->log_.write(log_level::debug, "session=", self->log_id_, " event=", body_name(body), " bytes=", bytes,
                           " phase=", phase_name(self->exercise_.phase()));
        }
        if (!self->deliver(std::move(result), *seat)) self->acknowledge_later(*seat);
        self->stats_.relay_latency.observe(std::chrono::steady_clock::now() - received);
      });
}

void relay_session::acknowledge_later(v1::Seat seat) {
  auto& m = member(seat);
  if (m.ack_due || shutting_down_) return;
  if (!m.ack_timer) m.ack_timer = std::make_unique<net::steady_timer>(strand_);
  m.ack_due = true;
  m.ack_timer->expires_after(config_.ack_delay);
  m.ack_timer->async_wait([weak = weak_from_this(), seat](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self) return;
    auto& member = self->member(seat);
    member.ack_due = false;
    if (ec || !member.current_link || member.ack_told >= member.inputs.last()) return;
    v1::ServerMessage ack;
    ack.mutable_ack();
    self->send_direct(member.current_link, std::move(ack), seat);
  });
}

void relay_session::acknowledge(v1::Seat seat, std::uint64_t ack) {
  member(seat).events.acknowledge(ack);
  publish_gauges();
}

// --- Leaving and dropping ------------------------------------------------------

void relay_session::drop(std::shared_ptr<link> gone) {
  net::post(strand_, [self = shared_from_this(), gone = std::move(gone)] {
    auto seat = self->seat_of(gone);
    if (!seat) return;  // already replaced by a resume, or left
    self->member(*seat).current_link.reset();
    if (self->finished_) return;
    ++self->stats_.drops;
    self->log_.write(log_level::info, "session=", self->log_id_, " event=dropped seat=", seat_label(*seat));
    self->advance_clock();
    self->deliver(self->exercise_.disconnect(*seat));
    self->start_grace(*seat);
  });
}

void relay_session::start_grace(v1::Seat seat) {
  if (shutting_down_) return;
  auto& m = member(seat);
  if (!m.grace_timer) m.grace_timer = std::make_unique<net::steady_timer>(strand_);
  m.grace_timer->expires_after(config_.resume_grace);
  m.grace_timer->async_wait([weak = weak_from_this(), seat](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_grace_expired(seat);
  });
}

void relay_session::on_grace_expired(v1::Seat seat) {
  if (finished_ || member(seat).current_link) return;
  log_.write(log_level::info, "session=", log_id_, " event=overdue seat=", seat_label(seat));
  advance_clock();
  deliver(exercise_.overdue(seat));
  if (finished_) return;
  if (!member(v1::SEAT_A).current_link && !member(v1::SEAT_B).current_link &&
      !member(v1::SEAT_COUNSELOR).current_link) {
    // Nobody is left waiting: the session is gone, and a later resume is told so.
    ++stats_.sessions_expired;
    log_.write(log_level::info, "session=", log_id_, " event=expired");
    finish();
  }
}

void relay_session::expire_invite() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->finished_ || self->exercise_.phase() != v1::PHASE_WAITING_FOR_PARTNER) return;
    ++self->stats_.invites_expired;
    self->log_.write(log_level::info, "session=", self->log_id_, " event=invite_expired");
    // The creator is told (the counselor, in a guided session), and a partner
    // who did join is told why the session they were waiting in is over.
    const bool guided = self->exercise_.guided();
    self->send_event(creator_seat(guided),
                     make_error(v1::ERROR_INVITE_EXPIRED,
                                guided ? "Not everyone joined with their code in time, so this session has ended. "
                                         "Guide a new session for fresh codes."
                                       : "Nobody joined with your code in time. Start a new session for a fresh code.",
                                true),
                     self->next_seq_++);
    if (guided) {
      for (const v1::Seat seat : {v1::SEAT_A, v1::SEAT_B}) {
        if (!self->exercise_.present(seat)) continue;
        self->send_event(seat,
                         make_error(v1::ERROR_INVITE_EXPIRED,
                                    "Your partner did not join in time, so this session has ended. Your counselor "
                                    "can guide a new one.",
                                    true),
                         self->next_seq_++);
      }
    }
    self->deliver(self->exercise_.invites_expired());
  });
}

// --- Sending ---------------------------------------------------------------------

void relay_session::renew_invite(v1::Seat seat, std::string code) {
  net::post(strand_, [self = shared_from_this(), seat, code = std::move(code)] {
    if (self->finished_) return;
    const bool second = self->exercise_.guided() && seat == v1::SEAT_B;
    (second ? self->invite_code_b_ : self->invite_code_) = code;
    self->log_.write(log_level::info, "session=", self->log_id_, " event=code_burned seat=", seat_label(seat));
    v1::ServerMessage m;
    m.mutable_invite()->set_seat(seat);
    m.mutable_invite()->set_code(code);
    self->send_event(creator_seat(self->exercise_.guided()), std::move(m), self->next_seq_++);
  });
}

bool relay_session::deliver(exercise::result result, v1::Seat sender) {
  bool sender_got_one = false;
  for (auto& item : result.out) {
    history_.record(item.to, item.message);
    const std::uint64_t seq = next_seq_++;
    for (v1::Seat seat : all_seats) {
      // Seats nobody holds any more (left, or never joined) keep no backlog.
      if (!addresses(item.to, seat) || !member(seat).token.active()) continue;
      send_event(seat, item.message, seq);
      if (seat == sender) sender_got_one = true;
    }
  }
  finish_if_ended();
  arm_floor_timer();
  return sender_got_one;
}

exercise::clock_ms relay_session::clock_now() const {
  return std::chrono::duration_cast<exercise::clock_ms>(std::chrono::steady_clock::now() - created_);
}

void relay_session::advance_clock() {
  auto moved = exercise_.advance_to(clock_now());
  if (!moved.out.empty()) {
    log_.write(log_level::info, "session=", log_id_, " event=time_up phase=", phase_name(exercise_.phase()));
    deliver(std::move(moved));
  }
}

void relay_session::arm_floor_timer() {
  if (finished_ || shutting_down_) return;
  const auto deadline = exercise_.deadline();
  if (!deadline) {
    if (floor_timer_) floor_timer_->cancel();
    return;
  }
  if (!floor_timer_) floor_timer_ = std::make_unique<net::steady_timer>(strand_);
  floor_timer_->expires_at(created_ + *deadline);
  floor_timer_->async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      self->advance_clock();
      self->arm_floor_timer();
    }
  });
}

void relay_session::send_event(v1::Seat seat, v1::ServerMessage& message, std::uint64_t seq) {
  auto& m = member(seat);
  message.set_seq(seq);
  message.set_ack_input(m.inputs.last());
  m.ack_told = m.inputs.last();
  const bool draft = message.has_draft_update();
  auto bytes = std::make_shared<const std::string>(encode(message));
  const bool was_resyncing = m.events.resync_needed();
  const bool kept = m.events.push(seq, std::move(bytes), draft);
  publish_gauges();
  if (kept) return pump(seat);
  if (was_resyncing) return;  // already past the cap: the resync covers this too
  // Past the cap, connected or away: the backlog goes, and the member comes
  // back with a snapshot and the history instead. A connected member that
  // let it grow this far is not acknowledging: close it; it resumes.
  ++stats_.unacked_overflows;
  log_.write(log_level::warn, "session=", log_id_, " event=unacked_overflow seat=", seat_label(seat),
             " connected=", m.current_link ? 1 : 0);
  if (m.current_link) m.current_link->close(close_code::policy_violation, "not acknowledging");
}

void relay_session::send_direct(const std::shared_ptr<link>& to, v1::ServerMessage message, v1::Seat seat) {
  if (!to) return;
  if (seat != v1::SEAT_UNSPECIFIED) {
    message.set_ack_input(member(seat).inputs.last());
    member(seat).ack_told = member(seat).inputs.last();
  }
  to->send(std::make_shared<const std::string>(encode(message)));
}

void relay_session::finish_if_ended() {
  if (finished_ || !exercise_.ended()) return;
  log_.write(log_level::info, "session=", log_id_, " event=ended");
  finish();
}

void relay_session::finish() {
  finished_ = true;
  ++stats_.sessions_ended;
  if (floor_timer_) floor_timer_->cancel();
  for (auto& m : members_) {
    if (m.grace_timer) m.grace_timer->cancel();
    if (m.ack_timer) m.ack_timer->cancel();
    if (m.current_link) m.current_link->close(close_code::normal, "session ended");
    m.current_link.reset();
  }
  if (shutting_down_) return;
  // Stay resumable for a while, so a member who dropped just before the end
  // still gets the last events; then the registry forgets the session.
  linger_timer_ = std::make_unique<net::steady_timer>(strand_);
  linger_timer_->expires_after(config_.ended_session_linger);
  linger_timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;
    if (self->on_ended_) self->on_ended_(self->id_);
  });
}

}  // namespace heard::server
