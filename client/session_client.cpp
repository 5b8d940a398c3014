#include "session_client.hpp"

#include <boost/asio/post.hpp>

#include "codec.hpp"
#include "invite_code.hpp"

namespace heard::client {
namespace net = boost::asio;

session_client::session_client(net::io_context& ioc, client_options options, event_handler on_event)
    : ioc_(ioc),
      options_(std::move(options)),
      on_event_(std::move(on_event)),
      transport_(client_transport::create(ioc, options_.tls)),
      draft_timer_(ioc) {}

void session_client::start(v1::CreateOptions create) {
  v1::Hello hello;
  *hello.mutable_create() = std::move(create);
  connect("/v1/sessions/new", std::move(hello));
}

void session_client::join(std::string code) {
  // A typo still goes to the server, which answers it like any wrong code.
  auto canonical = normalize_invite_code(code);
  connect("/v1/sessions/" + (canonical ? *canonical : std::string("invalid")), v1::Hello{});
}

void session_client::connect(std::string target, v1::Hello hello) {
  hello.set_protocol_version(protocol_version);
  hello.set_display_name(options_.name);
  net::post(ioc_, [self = shared_from_this(), target = std::move(target), hello = std::move(hello)] {
    client_transport::handlers h;
    std::weak_ptr<session_client> weak = self;
    h.on_open = [weak, hello] {
      if (auto s = weak.lock()) {
        s->view_.connected = true;
        v1::ClientMessage m;
        *m.mutable_hello() = hello;
        s->transport_->send(encode(m));
      }
    };
    h.on_message = [weak](std::string_view bytes) {
      if (auto s = weak.lock()) s->on_message(bytes);
    };
    h.on_close = [weak](const std::string& reason) {
      if (auto s = weak.lock()) {
        s->view_.connected = false;
        s->draft_timer_.cancel();
        if (s->on_event_) s->on_event_(connection_closed{reason});
      }
    };
    self->transport_->connect(self->options_.server, target, std::move(h));
  });
}

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
  switch (message.body_case()) {
    case v1::ServerMessage::kWelcome: {
      const auto& w = message.welcome();
      view_.my_seat = w.your_seat();
      view_.invite_code = w.invite_code();
      view_.max_turn_chars = w.max_turn_chars();
      view_.snapshot = w.snapshot();
      if (w.draft_interval_ms() > 0) draft_interval_ = std::chrono::milliseconds(w.draft_interval_ms());
      break;
    }
    case v1::ServerMessage::kStateChanged: view_.snapshot = message.state_changed().snapshot(); break;
    default: break;
  }
  if (on_event_) on_event_(message);
}

void session_client::send(v1::ClientMessage message) {
  net::post(ioc_, [self = shared_from_this(), bytes = encode(message)]() mutable {
    self->transport_->send(std::move(bytes));
  });
}

void session_client::ready() {
  v1::ClientMessage m;
  m.mutable_ready();
  send(std::move(m));
}

void session_client::set_draft(std::string text) {
  net::post(ioc_, [self = shared_from_this(), text = std::move(text)]() mutable {
    self->pending_draft_ = std::move(text);
    if (self->draft_timer_armed_) return;  // the timer sends the latest text
    const auto now = std::chrono::steady_clock::now();
    const auto next = self->last_draft_sent_ + self->draft_interval_;
    if (now >= next) return self->flush_draft();
    self->draft_timer_armed_ = true;
    self->draft_timer_.expires_at(next);
    self->draft_timer_.async_wait([weak = std::weak_ptr<session_client>(self)](boost::system::error_code ec) {
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
  transport_->send(encode(m));
}

void session_client::end_turn(std::string text) {
  v1::ClientMessage m;
  m.mutable_end_turn()->set_text(std::move(text));
  net::post(ioc_, [self = shared_from_this(), bytes = encode(m)]() mutable {
    // The final text replaces any draft not yet sent.
    self->pending_draft_.reset();
    self->draft_timer_.cancel();
    self->transport_->send(std::move(bytes));
  });
}

void session_client::judge(v1::Verdict verdict, std::string missed) {
  v1::ClientMessage m;
  m.mutable_judge()->set_verdict(verdict);
  m.mutable_judge()->set_missed(std::move(missed));
  send(std::move(m));
}

void session_client::time_out() {
  v1::ClientMessage m;
  m.mutable_time_out();
  send(std::move(m));
}

void session_client::resume() {
  v1::ClientMessage m;
  m.mutable_resume();
  send(std::move(m));
}

void session_client::end_session() {
  v1::ClientMessage m;
  m.mutable_end_session();
  send(std::move(m));
}

void session_client::check_in(std::uint32_t felt_safe, std::uint32_t could_say_anything,
                              std::uint32_t partner_invested, std::string words) {
  v1::ClientMessage m;
  auto* c = m.mutable_check_in();
  c->set_felt_safe(felt_safe);
  c->set_could_say_anything(could_say_anything);
  c->set_partner_invested(partner_invested);
  c->set_words(std::move(words));
  send(std::move(m));
}

void session_client::close() {
  net::post(ioc_, [self = shared_from_this()] {
    self->draft_timer_.cancel();
    self->transport_->close();
  });
}

}  // namespace heard::client
