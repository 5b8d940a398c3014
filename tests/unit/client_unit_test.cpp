#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <unistd.h>

#include "client_transport.hpp"
#include "command_line.hpp"
#include "heard/v1/client_state.pb.h"
#include "plain_ui.hpp"
#include "saved_seats.hpp"
#include "seat.hpp"

namespace heard::client {
namespace {

TEST(server_url, parses_hosts_ports_and_ipv6) {
  std::string error;
  auto a = parse_server_url("wss://heard.example:9443", error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->host, "heard.example");
  EXPECT_EQ(a->port, "9443");
  auto b = parse_server_url("wss://localhost", error);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->port, "443");
  auto c = parse_server_url("wss://[::1]:8443/", error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, "8443");
}

TEST(server_url, never_accepts_plain_websocket) {
  std::string error;
  EXPECT_FALSE(parse_server_url("ws://localhost:8443", error));
  EXPECT_NE(error.find("wss://"), std::string::npos);
  EXPECT_FALSE(parse_server_url("https://localhost", error));
  EXPECT_FALSE(parse_server_url("wss://", error));
  EXPECT_FALSE(parse_server_url("wss://host:0", error));
  EXPECT_FALSE(parse_server_url("wss://host:70000", error));
  EXPECT_FALSE(parse_server_url("wss://host:12ab", error));
}

TEST(plain_ui, text_is_printed_safely_one_line_or_as_indented_continuation_lines) {
  EXPECT_EQ(plain_ui::one_line("two\nlines\tand a tab"), "two lines and a tab");
  EXPECT_EQ(plain_ui::one_line("back\\slash"), "back\\slash");
  EXPECT_EQ(plain_ui::one_line("clear\x1B[2Jscreen"), "clear[2Jscreen");
  EXPECT_EQ(plain_ui::one_line("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(plain_ui::text_block("first\nsecond\n\x1B[2Jthird"), "first\n  second\n  [2Jthird");
}

parsed_command_line parse(std::vector<const char*> argv, std::string* error = nullptr) {
  argv.insert(argv.begin(), "heard");
  std::ostringstream out, err;
  auto parsed = parse_command_line(static_cast<int>(argv.size()), argv.data(), out, err);
  if (error) *error = err.str();
  return parsed;
}

TEST(command_line, a_guided_session_asks_for_what_the_counselor_said) {
  auto parsed = parse({"guide", "--rounds", "2", "--speak-limit", "1.5", "--first", "b", "--topic", "Moving",
                       "--summary", "session", "--spoken"});
  ASSERT_TRUE(parsed.line);
  const auto create = parsed.line->create_options();
  EXPECT_TRUE(create.guided());
  EXPECT_EQ(create.rounds(), 2u);
  EXPECT_EQ(create.speak_limit_s(), 90u);
  EXPECT_EQ(create.first_speaker(), v1::FIRST_SPEAKER_PARTNER);
  EXPECT_EQ(create.mode(), v1::MODE_SPOKEN);
  EXPECT_EQ(create.topic(), "Moving");
  EXPECT_EQ(parsed.line->server_url, "wss://localhost:8443") << "the default server";
}

// A code read aloud, typed with spaces, is one code.
TEST(command_line, a_code_typed_in_pieces_is_one_code) {
  auto parsed = parse({"join", "nrtb", "tmhk", "z7of", "--name", "Sam"});
  ASSERT_TRUE(parsed.line);
  EXPECT_EQ(parsed.line->code, "nrtbtmhkz7of");
  EXPECT_EQ(parsed.line->drafts, "lines") << "line mode prints a partner's text a line at a time by default";
}

TEST(command_line, mistakes_get_one_sentence_and_exit_code_2) {
  std::string error;
  for (std::vector<const char*> argv : std::vector<std::vector<const char*>>{{"join"},
                                                                             {"fly"},
                                                                             {"start", "--first", "b"},
                                                                             {"start", "--speak-limit", "-1"},
                                                                             {"start", "--summary", "x"},
                                                                             {"start", "--no-such-option"},
                                                                             {"start", "ABCD"},
                                                                             {"join", "x", "--drafts", "some"},
                                                                             {}}) {
    auto parsed = parse(argv, &error);
    EXPECT_FALSE(parsed.line);
    EXPECT_EQ(parsed.exit_code, 2);
  }
  parse({"join"}, &error);
  EXPECT_NE(error.find("heard: join needs the CODE"), std::string::npos) << error;
  auto help = parse({"--help"});
  EXPECT_FALSE(help.line);
  EXPECT_EQ(help.exit_code, 0);
}

// heard resume's list: one entry per saved seat, in a stable order, chosen by
// number or by a code that names one seat only.
TEST(saved_seats, are_listed_in_a_stable_order_and_chosen_by_number_or_code) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("heard-saved-seats-" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto save = [&](const std::string& key, char seat, const std::string& me, const std::string& partner,
                  const std::string& code) {
    v1::ClientState state;
    state.set_resume_token("token");
    state.set_name(me);
    state.set_seat(seat == 'a' ? v1::SEAT_A : v1::SEAT_B);
    member_in(*state.mutable_snapshot(), seat == 'a' ? v1::SEAT_B : v1::SEAT_A).set_name(partner);
    state.set_invite_code(code);
    std::ofstream(seat_state_path(dir, key, seat), std::ios::binary) << state.SerializeAsString();
  };
  save("k1", 'b', "Sam", "Alex", "7KQ2-M9XD-4TRB");
  save("k1", 'a', "Alex", "Sam", "7KQ2-M9XD-4TRB");
  save("k2", 'a', "Jo", "Kim", "NRTB-TMHK-Z7OF");
  std::ofstream(dir + "/notes.txt") << "not a seat";
  const auto seats = find_saved_seats(dir);
  ASSERT_EQ(seats.size(), 3u);
  EXPECT_EQ(seats[0].my_name, "Alex");
  EXPECT_EQ(seats[1].my_name, "Jo");
  EXPECT_EQ(seats[2].my_name, "Sam");
  EXPECT_EQ(choose_saved_seat(seats, "3"), 2u);
  EXPECT_FALSE(choose_saved_seat(seats, "4"));
  EXPECT_EQ(choose_saved_seat(seats, "nrtb tmhk z7of"), 1u) << "a code read aloud";
  EXPECT_FALSE(choose_saved_seat(seats, "7KQ2-M9XD-4TRB")) << "both seats of one session: the number decides";
  EXPECT_NE(describe_saved_seat(seats[2], 3, 0).find("3  Sam with Alex"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace heard::client
