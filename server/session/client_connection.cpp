#include "client_connection.hpp"

#include "codec.hpp"
#include "invite_code.hpp"
#include "secure_random.hpp"
#include "session_registry.hpp"
#include "text_check.hpp"

namespace heard::server {

client_connection::client_connection(session_registry& registry, std::shared_ptr<link> link, std::string route,
                                     const server_config& config, server_stats& stats, logger& log)
    : registry_(registry),
      link_(std::move(link)),
      route_(std::move(route)),
      config_(config),
      stats_(stats),
      log_(log),
      rate_(config.max_messages_per_s, config.max_message_burst) {}

void client_connection::send(const v1::ServerMessage& message) {
  if (link_) link_->send(std::make_shared<const std::string>(encode(message)));
}

void client_connection::refuse_and_close(v1::ErrorCode code, std::string message, const char* reason) {
  refuse_and_close(make_error(code, std::move(message), true), reason);
}

void client_connection::refuse_and_close(v1::ServerMessage refusal, const char* reason) {
  refusal.mutable_error()->set_closes(true);
  send(refusal);
  if (link_) link_->close(close_code::policy_violation, reason);
  closing_ = true;
}

void client_connection::on_message(std::string_view bytes) {
  if (closing_) return;
  if (!rate_.allow(rate_limiter::clock::now())) {
    // Far faster than a person types: a broken or hostile client. Its
    // partner's session goes on (a resume is possible once it behaves).
    ++stats_.rate_limited;
    return refuse_and_close(v1::ERROR_RATE_LIMITED, "Too many messages; slow down.", "rate limited");
  }
  auto decoded = decode_client(bytes);
  if (auto* error = std::get_if<v1::Error>(&decoded)) {
    ++stats_.malformed_inputs;
    v1::ServerMessage reply;
    *reply.mutable_error() = std::move(*error);
    send(reply);
    return;
  }
  auto& message = std::get<v1::ClientMessage>(decoded);
  if (!session_ && message.body_case() == v1::ClientMessage::BODY_NOT_SET) {
    // A newer client's first words, perhaps; answered, not closed: a valid
    // Hello may follow before the transport's hello deadline.
    ++stats_.malformed_inputs;
    v1::ServerMessage reply;
    *reply.mutable_error() = unknown_body_error();
    send(reply);
    return;
  }
  if (!session_) {
    if (!message.has_hello()) {
      ++stats_.inputs_refused;
      return refuse_and_close(v1::ERROR_HELLO_REQUIRED, "Say Hello first, with the protocol version.",
                              "hello required");
    }
    return on_hello(message.hello());
  }
  session_->handle(link_, std::move(message));
}

void client_connection::on_hello(const v1::Hello& hello) {
  if (link_) link_->established();
  const auto version = negotiate_version(hello);
  if (const auto* mismatch = std::get_if<v1::Error>(&version)) {
    ++stats_.version_mismatches;
    return refuse_and_close(v1::ERROR_VERSION_MISMATCH, mismatch->message(), "version mismatch");
  }
  if (auto problem = check_name(hello.display_name(), config_.max_name_chars)) {
    ++stats_.inputs_refused;
    return refuse_and_close(problem->code, std::string("Display name: ") + problem->message, "bad name");
  }

  if (registry_.stopping()) {
    // A Hello in the instant the server began to stop: no new session, no
    // seat taken. 1001, as every other link gets: the client comes back to
    // the restarted server by itself.
    if (link_) link_->close(close_code::going_away, "server restarting");
    return;
  }
  if (hello.has_rejoin() && !hello.join_code().empty()) {
    ++stats_.malformed_inputs;
    return refuse_and_close(v1::ERROR_MALFORMED, "A Hello takes a seat back or joins with a code, not both.",
                            "rejoin and join");
  }
  const auto now = session_registry::clock::now();
  if (hello.has_rejoin()) {
    auto session = registry_.find(hello.rejoin().session_key(), route_);
    if (!session) {
      ++stats_.resumes_refused;
      return refuse_and_close(v1::ERROR_SESSION_EXPIRED,
                              "This server no longer has the session: it ended a while ago, or the server stopped "
                              "without saving it (a crash or a forced restart). It cannot go on.",
                              "session expired");
    }
    session_ = std::move(session);
    session_->rejoin(link_, hello.rejoin());
    return;
  }
  if (hello.join_code().empty()) {
    const auto& create = hello.create();
    exercise_settings settings;
    settings.mode = create.mode() == v1::MODE_SPOKEN ? v1::MODE_SPOKEN : v1::MODE_TEXT;
    settings.guided = create.guided();
    settings.rounds = create.rounds();
    settings.speak_limit = std::chrono::seconds(std::min<std::uint32_t>(create.speak_limit_s(), 24 * 3600));
    settings.reflect_limit = std::chrono::seconds(std::min<std::uint32_t>(create.reflect_limit_s(), 24 * 3600));
    settings.topic_follows = create.topic_follows();
    if (!create.topic().empty()) {
      // Since protocol 3 the topic is sealed (Topic, once every key is in).
      ++stats_.inputs_refused;
      return refuse_and_close(v1::ERROR_MALFORMED, "The topic travels sealed since protocol 3, never in the clear.",
                              "topic in the clear");
    }
    switch (create.first_speaker()) {
      case v1::FIRST_SPEAKER_PARTNER: settings.first_speaker = v1::SEAT_B; break;
      case v1::FIRST_SPEAKER_RANDOM: settings.first_speaker = secure_random_bit() ? v1::SEAT_A : v1::SEAT_B; break;
      default: settings.first_speaker = v1::SEAT_A; break;
    }
    settings.limits.max_turn_chars = config_.max_turn_chars;
    settings.limits.max_check_in_chars = config_.max_check_in_chars;
    auto created = registry_.create(settings, route_, now);
    if (!created && registry_.stopping()) {
      if (link_) link_->close(close_code::going_away, "server restarting");
      return;
    }
    if (!created) {
      return refuse_and_close(v1::ERROR_SERVER_BUSY, "The server is at capacity; try again in a few minutes.", "busy");
    }
    session_ = std::move(created->session);
    // The route is public (it is the address); it says which node holds a
    // session when several share the work.
    log_.write(log_level::info, "session=", log_label(session_->id()), " event=created route=", route_,
               " guided=", settings.guided);
    session_->join(creator_seat(settings.guided), link_, hello.display_name(), created->invite_code,
                   created->invite_code_b);
    return;
  }

  if (!registry_.allow_join_attempt(link_->remote_address(), now)) {
    ++stats_.joins_throttled;
    return refuse_and_close(v1::ERROR_RATE_LIMITED,
                            "Too many attempts to join from your address. Wait a minute and check the code.",
                            "rate limited");
  }
  // Wrong, expired, used, full and other-route codes all get this same answer.
  auto code = normalize_invite_code(hello.join_code());
  auto claimed = code ? registry_.claim(*code, route_, now) : session_registry::claimed{};
  if (!claimed.session) {
    ++stats_.invalid_codes;
    return refuse_and_close(invalid_code_refusal(), invalid_code_close_reason);
  }
  session_ = std::move(claimed.session);
  session_->join(claimed.seat, link_, hello.display_name(), "");
}

void client_connection::on_drained() {
  if (session_) session_->drained(link_);
}

void client_connection::on_close() {
  if (session_) session_->drop(link_);
  session_.reset();
  link_.reset();
}

}  // namespace heard::server
