#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "heard/v1/heard.pb.h"

namespace heard {

/// The protocol versions this build speaks (a range, so that a newer build
/// can still speak to an older peer): today just 3 (words sealed end to end).
inline constexpr std::uint32_t min_protocol_version = 3;
inline constexpr std::uint32_t protocol_version = 3;  // the newest

/// Builds an Error envelope; `closes`: the connection closes right after it.
v1::ServerMessage make_error(v1::ErrorCode code, std::string message, bool closes = false);

/// Parses one client envelope. Bytes that are not a ClientMessage come back
/// as an ERROR_MALFORMED Error, never an exception. An envelope whose body
/// this build does not know (BODY_NOT_SET) comes back whole, so its seq and
/// acknowledgements still count: a newer peer may have sent it.
std::variant<v1::ClientMessage, v1::Error> decode_client(std::string_view bytes);

/// Parses one server envelope (the client's side of decode_client).
std::variant<v1::ServerMessage, v1::Error> decode_server(std::string_view bytes);

/// The refusal of a client envelope with no body this build knows.
v1::Error unknown_body_error();

std::string encode(const google::protobuf::MessageLite& message);

/// The version to speak with a client that sent `hello`: the newest both
/// speak, or an Error that names both ranges.
std::variant<std::uint32_t, v1::Error> negotiate_version(const v1::Hello& hello);

/// Identifies one stretch of floor — a statement, or one paraphrase attempt —
/// from a snapshot. A pause and its resume keep it; anything else changes it.
/// Clients use it to know when the text being written belongs to a new turn.
std::uint64_t floor_key(const v1::Snapshot& snapshot);

/// Whether an input carries words (or check-in answers) in the clear. Since
/// protocol 3 they travel only sealed: the server refuses such an input, and
/// a client whose keys are broken sends no words at all.
bool carries_plaintext(const v1::ClientMessage& m);

/// Short names for logs and the plain client, e.g. "NOT_YOUR_TURN", "SPEAKING".
std::string_view error_code_name(v1::ErrorCode code);
std::string_view phase_name(v1::Phase phase);
std::string_view verdict_name(v1::Verdict verdict);

/// The kind of body, e.g. "draft", for logs that must not carry content.
std::string_view body_name(const v1::ClientMessage& message);
/// The same from the body's case alone (kept when the message moves on).
std::string_view body_name(v1::ClientMessage::BodyCase body);
std::string_view body_name(const v1::ServerMessage& message);

}  // namespace heard
