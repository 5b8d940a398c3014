#include "codec.hpp"

#include <gtest/gtest.h>

namespace heard {
namespace {

TEST(codec, round_trips_a_client_message) {
  v1::ClientMessage m;
  m.mutable_draft()->set_text("h\xC3\xA9llo");
  auto decoded = decode_client(encode(m));
  ASSERT_TRUE(std::holds_alternative<v1::ClientMessage>(decoded));
  EXPECT_EQ(std::get<v1::ClientMessage>(decoded).draft().text(), "h\xC3\xA9llo");
}

TEST(codec, garbage_is_malformed_not_an_exception) {
  for (std::string bytes :
       {std::string("\xFF\xFF\xFF\xFF", 4), std::string("\x0A\x05\x01", 3), std::string("not protobuf at all")}) {
    auto decoded = decode_client(bytes);
    ASSERT_TRUE(std::holds_alternative<v1::Error>(decoded)) << bytes;
    EXPECT_EQ(std::get<v1::Error>(decoded).code(), v1::ERROR_MALFORMED);
  }
}

TEST(codec, an_empty_envelope_decodes_with_no_body) {
  auto decoded = decode_client("");
  ASSERT_TRUE(std::holds_alternative<v1::ClientMessage>(decoded));
  EXPECT_EQ(std::get<v1::ClientMessage>(decoded).body_case(), v1::ClientMessage::BODY_NOT_SET);
}

// A newer peer's message keeps its envelope: a client still counts its seq
// and acknowledgement, and ignores the body it does not know.
TEST(codec, an_unknown_body_from_a_newer_peer_keeps_its_envelope) {
  v1::ServerMessage envelope;
  envelope.set_seq(5);
  envelope.set_ack_input(3);
  // Field 99, varint 1: a body this version does not know.
  const std::string bytes = envelope.SerializeAsString() + std::string("\x98\x06\x01", 3);
  auto decoded = decode_server(bytes);
  ASSERT_TRUE(std::holds_alternative<v1::ServerMessage>(decoded));
  const auto& m = std::get<v1::ServerMessage>(decoded);
  EXPECT_EQ(m.body_case(), v1::ServerMessage::BODY_NOT_SET);
  EXPECT_EQ(m.seq(), 5u);
  EXPECT_EQ(m.ack_input(), 3u);
  EXPECT_NE(unknown_body_error().message().find("newer"), std::string::npos);
}

TEST(codec, the_newest_version_both_speak_is_chosen) {
  v1::Hello hello;
  hello.set_protocol_version(3);
  EXPECT_EQ(std::get<std::uint32_t>(negotiate_version(hello)), 3u) << "a client of one version";
  hello.set_min_version(1);
  hello.set_max_version(4);
  EXPECT_EQ(std::get<std::uint32_t>(negotiate_version(hello)), protocol_version) << "a newer client's range";
}

TEST(codec, no_version_in_common_is_refused_naming_both) {
  v1::Hello old;
  old.set_protocol_version(1);
  EXPECT_TRUE(std::holds_alternative<v1::Error>(negotiate_version(old))) << "protocol 1 carried codes in the URL";
  old.set_protocol_version(2);
  EXPECT_TRUE(std::holds_alternative<v1::Error>(negotiate_version(old))) << "protocol 2 carried words in the clear";

  v1::Hello hello;
  hello.set_protocol_version(7);
  auto refused = negotiate_version(hello);
  ASSERT_TRUE(std::holds_alternative<v1::Error>(refused));
  const auto& error = std::get<v1::Error>(refused);
  EXPECT_EQ(error.code(), v1::ERROR_VERSION_MISMATCH);
  EXPECT_TRUE(error.closes());
  EXPECT_NE(error.message().find("version 3"), std::string::npos) << error.message();
  EXPECT_NE(error.message().find("version 7"), std::string::npos) << error.message();
  hello.set_min_version(5);
  hello.set_max_version(9);
  const auto range = std::get<v1::Error>(negotiate_version(hello)).message();
  EXPECT_NE(range.find("versions 5 to 9"), std::string::npos) << range;
  hello.set_min_version(4);
  hello.set_max_version(3);
  EXPECT_TRUE(std::holds_alternative<v1::Error>(negotiate_version(hello))) << "an empty range";
}

TEST(codec, names_for_logs_carry_no_content) {
  v1::ClientMessage m;
  m.mutable_draft()->set_text("secret words");
  EXPECT_EQ(body_name(m), "draft");
  EXPECT_EQ(body_name(v1::ClientMessage::kEndTurn), "end_turn");
  EXPECT_EQ(body_name(v1::ClientMessage::BODY_NOT_SET), "none");
  EXPECT_EQ(error_code_name(v1::ERROR_NOT_YOUR_TURN), "NOT_YOUR_TURN");
  EXPECT_EQ(phase_name(v1::PHASE_PARAPHRASING), "PARAPHRASING");
}

}  // namespace
}  // namespace heard

#include "session_target.hpp"

namespace heard {
namespace {

TEST(session_target, is_the_route_alone_and_nothing_else) {
  EXPECT_EQ(session_target_for("7KQ2"), "/v2/7KQ2");
  EXPECT_EQ(parse_session_target("/v2/7KQ2"), "7KQ2");
  for (const char* bad : {"/", "/v2/", "/v2/7kq2", "/v2/7KQ", "/v2/7KQ2M", "/v2/7KQ2/", "/v2/7KQU", "/v2/../x",
                          "/v1/sessions/new", "/v2/7KQ2?x=1", "/healthz"}) {
    EXPECT_FALSE(parse_session_target(bad)) << bad;
  }
  EXPECT_TRUE(is_retired_target("/v1/sessions/new"));
  EXPECT_FALSE(is_retired_target("/v2/7KQ2"));
}

}  // namespace
}  // namespace heard
