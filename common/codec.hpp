#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "heard/v1/heard.pb.h"

namespace heard {

/// The protocol version this build speaks. A Hello with another version is
/// refused with ERROR_VERSION_MISMATCH.
inline constexpr std::uint32_t protocol_version = 1;

/// Builds an Error envelope.
v1::ServerMessage make_error(v1::ErrorCode code, std::string message);

/// Parses one client envelope. Anything that is not a ClientMessage with a
/// body set comes back as an ERROR_MALFORMED Error, never an exception.
std::variant<v1::ClientMessage, v1::Error> decode_client(std::string_view bytes);

/// Parses one server envelope (the client's side of decode_client).
std::variant<v1::ServerMessage, v1::Error> decode_server(std::string_view bytes);

std::string encode(const google::protobuf::MessageLite& message);

/// Checks a Hello's version; the Error explains both versions.
std::optional<v1::Error> check_version(const v1::Hello& hello);

/// Identifies one stretch of floor — a statement, or one paraphrase attempt —
/// from a snapshot. A pause and its resume keep it; anything else changes it.
/// Clients use it to know when the text being written belongs to a new turn.
std::uint64_t floor_key(const v1::Snapshot& snapshot);

/// Short names for logs and the plain client, e.g. "NOT_YOUR_TURN", "SPEAKING".
std::string_view error_code_name(v1::ErrorCode code);
std::string_view phase_name(v1::Phase phase);
std::string_view verdict_name(v1::Verdict verdict);

/// The kind of body, e.g. "draft", for logs that must not carry content.
std::string_view body_name(const v1::ClientMessage& message);
std::string_view body_name(const v1::ServerMessage& message);

}  // namespace heard
