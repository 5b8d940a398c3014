#include "codec.hpp"

#include <algorithm>

namespace heard {
namespace {

// Proto enum names carry a prefix ("ERROR_", "PHASE_", "VERDICT_") that
// people reading a log or a terminal do not need.
std::string_view strip_prefix(const std::string& name, std::string_view prefix) {
  std::string_view view(name);
  if (view.substr(0, prefix.size()) == prefix) view.remove_prefix(prefix.size());
  return view;
}

template <typename Envelope>
std::variant<Envelope, v1::Error> decode(std::string_view bytes) {
  Envelope message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    v1::Error error;
    error.set_code(v1::ERROR_MALFORMED);
    error.set_message("The message could not be decoded.");
    return error;
  }
  return message;
}

}  // namespace

v1::ServerMessage make_error(v1::ErrorCode code, std::string message, bool closes) {
  v1::ServerMessage out;
  auto* error = out.mutable_error();
  error->set_code(code);
  error->set_message(std::move(message));
  error->set_closes(closes);
  return out;
}

std::variant<v1::ClientMessage, v1::Error> decode_client(std::string_view bytes) {
  return decode<v1::ClientMessage>(bytes);
}

std::variant<v1::ServerMessage, v1::Error> decode_server(std::string_view bytes) {
  return decode<v1::ServerMessage>(bytes);
}

v1::Error unknown_body_error() {
  v1::Error error;
  error.set_code(v1::ERROR_MALFORMED);
  error.set_message("The message has no known body; the peer may speak a newer protocol.");
  return error;
}

std::string encode(const google::protobuf::MessageLite& message) { return message.SerializeAsString(); }

std::variant<std::uint32_t, v1::Error> negotiate_version(const v1::Hello& hello) {
  const std::uint32_t low = hello.min_version() ? hello.min_version() : hello.protocol_version();
  const std::uint32_t high = hello.max_version() ? hello.max_version() : hello.protocol_version();
  const std::uint32_t chosen = std::min(high, protocol_version);
  if (low <= high && chosen >= low && chosen >= min_protocol_version) return chosen;
  auto range = [](std::uint32_t a, std::uint32_t b) {
    return a == b ? "version " + std::to_string(a) : "versions " + std::to_string(a) + " to " + std::to_string(b);
  };
  v1::Error error;
  error.set_code(v1::ERROR_VERSION_MISMATCH);
  error.set_message("This server speaks Heard protocol " + range(min_protocol_version, protocol_version) +
                    "; the client speaks " + range(low, high) + ". Update the client or the server.");
  error.set_closes(true);
  return error;
}

bool carries_plaintext(const v1::ClientMessage& m) {
  switch (m.body_case()) {
    case v1::ClientMessage::kDraft: return !m.draft().text().empty();
    case v1::ClientMessage::kEndTurn: return !m.end_turn().text().empty();
    case v1::ClientMessage::kJudge: return !m.judge().missed().empty();
    case v1::ClientMessage::kCounsel: return m.counsel().has_note() && !m.counsel().note().text().empty();
    case v1::ClientMessage::kTopic: return !m.topic().text().empty();
    case v1::ClientMessage::kCheckIn: {
      const auto& c = m.check_in();
      return c.felt_safe() != 0 || c.could_say_anything() != 0 || c.partner_invested() != 0 || !c.words().empty() ||
             c.share_words();
    }
    default: return false;
  }
}

std::uint64_t floor_key(const v1::Snapshot& s) {
  const v1::Phase phase = s.phase() == v1::PHASE_PAUSED ? s.paused_phase() : s.phase();
  return (std::uint64_t(s.round()) << 40) | (std::uint64_t(s.attempt()) << 8) | std::uint64_t(phase);
}

std::string_view error_code_name(v1::ErrorCode code) { return strip_prefix(v1::ErrorCode_Name(code), "ERROR_"); }

std::string_view phase_name(v1::Phase phase) { return strip_prefix(v1::Phase_Name(phase), "PHASE_"); }

std::string_view verdict_name(v1::Verdict verdict) { return strip_prefix(v1::Verdict_Name(verdict), "VERDICT_"); }

std::string_view body_name(const v1::ClientMessage& message) { return body_name(message.body_case()); }

std::string_view body_name(v1::ClientMessage::BodyCase body) {
  const auto* field = v1::ClientMessage::descriptor()->FindFieldByNumber(body);
  return field ? std::string_view(field->name()) : std::string_view("none");
}

std::string_view body_name(const v1::ServerMessage& message) {
  const auto* field = v1::ServerMessage::descriptor()->FindFieldByNumber(message.body_case());
  return field ? std::string_view(field->name()) : std::string_view("none");
}

}  // namespace heard
