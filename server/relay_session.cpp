#include "relay_session.hpp"

#include <boost/asio/post.hpp>

#include "codec.hpp"
#include "secure_random.hpp"

namespace heard::server {
namespace net = boost::asio;

relay_session::relay_session(net::io_context& ioc, std::string id, const exercise_settings& settings,
                             const server_config& config, server_stats& stats, logger& log, ended_callback on_ended)
    : strand_(net::make_strand(ioc)),
      id_(std::move(id)),
      log_id_(log_label(id_)),
      config_(config),
      stats_(stats),
      log_(log),
      on_ended_(std::move(on_ended)),
      exercise_(settings) {
  ++stats_.sessions_live;
}

relay_session::~relay_session() { --stats_.sessions_live; }

void relay_session::join(v1::Seat seat, std::shared_ptr<link> member, std::string name, std::string invite_code) {
  net::post(strand_, [self = shared_from_this(), seat, member = std::move(member), name = std::move(name),
                      invite_code = std::move(invite_code)]() mutable {
    auto result = self->exercise_.join(seat, name);
    if (!result.ok()) {
      // The registry hands each seat out once, so this is a race with the
      // session ending; the joiner gets the same answer as a wrong code.
      v1::ServerMessage refusal;
      *refusal.mutable_error() = *result.error;
      member->send(std::make_shared<const std::string>(encode(refusal)));
      member->close(close_code::policy_violation, "invalid code");
      return;
    }
    self->link_of(seat) = std::move(member);

    v1::ServerMessage welcome;
    auto* w = welcome.mutable_welcome();
    w->set_protocol_version(protocol_version);
    w->set_your_seat(seat);
    w->set_invite_code(invite_code);
    w->set_invite_ttl_seconds(static_cast<std::uint32_t>(self->config_.invite_ttl.count()));
    w->set_max_turn_chars(static_cast<std::uint32_t>(self->config_.max_turn_chars));
    w->set_draft_interval_ms(static_cast<std::uint32_t>(self->config_.draft_interval.count()));
    *w->mutable_snapshot() = self->exercise_.snapshot();
    self->send_to(seat, welcome);
    self->log_.write(log_level::info, "session=", self->log_id_, " event=joined seat=",
                     seat == v1::SEAT_A ? "A" : "B");
    self->deliver(std::move(result));
  });
}

void relay_session::handle(v1::Seat from, v1::ClientMessage message) {
  net::post(strand_, [self = shared_from_this(), from, message = std::move(message)] {
    if (self->finished_ || !self->link_of(from)) return;
    auto result = self->exercise_.handle(from, message);
    if (!result.ok()) {
      ++self->stats_.inputs_refused;
      self->log_.write(log_level::info, "session=", self->log_id_, " event=refused input=", body_name(message),
                       " code=", error_code_name(result.error->code()));
      v1::ServerMessage refusal;
      *refusal.mutable_error() = std::move(*result.error);
      self->send_to(from, refusal);
      return;
    }
    // Sizes only: never the words.
    self->log_.write(log_level::debug, "session=", self->log_id_, " event=", body_name(message),
                     " bytes=", message.ByteSizeLong(), " phase=", phase_name(self->exercise_.phase()));
    self->deliver(std::move(result));
  });
}

void relay_session::leave(v1::Seat seat, std::shared_ptr<link> member) {
  net::post(strand_, [self = shared_from_this(), seat, member = std::move(member)] {
    auto& current = self->link_of(seat);
    if (!current || current != member) return;
    current.reset();
    self->log_.write(log_level::info, "session=", self->log_id_, " event=left seat=", seat == v1::SEAT_A ? "A" : "B");
    if (self->finished_) return;
    self->deliver(self->exercise_.leave(seat));
  });
}

void relay_session::expire_invite() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->finished_ || self->exercise_.phase() != v1::PHASE_WAITING_FOR_PARTNER) return;
    ++self->stats_.invites_expired;
    self->log_.write(log_level::info, "session=", self->log_id_, " event=invite_expired");
    self->send_to(v1::SEAT_A, make_error(v1::ERROR_INVITE_EXPIRED,
                                         "Nobody joined with your code in time. Start a new session for a "
                                         "fresh code."));
    self->deliver(self->exercise_.leave(v1::SEAT_A));
  });
}

void relay_session::deliver(exercise::result result) {
  for (const auto& item : result.out) {
    const auto bytes = std::make_shared<const std::string>(encode(item.message));
    for (v1::Seat seat : {v1::SEAT_A, v1::SEAT_B}) {
      const bool addressed = item.to == audience::everyone || item.to == audience_of(seat);
      if (addressed && link_of(seat)) link_of(seat)->send(bytes);
    }
  }
  finish_if_ended();
}

void relay_session::send_to(v1::Seat seat, const v1::ServerMessage& message) {
  if (auto& l = link_of(seat)) l->send(std::make_shared<const std::string>(encode(message)));
}

void relay_session::finish_if_ended() {
  if (finished_ || !exercise_.ended()) return;
  finished_ = true;
  ++stats_.sessions_ended;
  log_.write(log_level::info, "session=", log_id_, " event=ended");
  for (auto& l : links_) {
    if (l) l->close(close_code::normal, "session ended");
    l.reset();
  }
  if (on_ended_) on_ended_(id_);
}

}  // namespace heard::server
