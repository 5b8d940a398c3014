// The relay never reads a word (docs/privacy.md), through the real server:
// a guided session whose every kind of words carries a marker - the topic,
// drafts, turns, what was missed, a note, check-in words shared with the
// counselor -
// runs through a relay that records every byte heard-server sends and
// receives, in the clear; the server is restarted mid-session, so its state
// file holds the session too. No marker is in the recording, the state file
// or the server's log, while every member read them all.
#include <filesystem>
#include <map>
#include <mutex>

#include "child_process.hpp"
#include "recording_relay.hpp"
#include "relay_fixture.hpp"
#include "sealing.hpp"

namespace heard {
namespace {

using namespace std::chrono_literals;
using testing::relay_test;

class privacy_test : public relay_test {};

v1::Counsel note(const std::string& text) {
  v1::Counsel c;
  c.mutable_note()->set_text(text);
  return c;
}

bool holds_text(const v1::ServerMessage& m, const std::string& marker) {
  const auto has = [&](const std::string& s) { return s.find(marker) != std::string::npos; };
  if (m.has_turn()) return has(m.turn().text());
  if (m.has_draft_update()) return has(m.draft_update().text());
  if (m.has_judged()) return has(m.judged().missed());
  if (m.has_guidance()) return has(m.guidance().text());
  if (m.has_topic_set()) return has(m.topic_set().text());
  if (m.has_check_in_results()) {
    for (const auto& a : m.check_in_results().answers()) {
      if (has(a.answers().words())) return true;
    }
  }
  return false;
}

TEST_F(privacy_test, a_recording_relay_and_the_state_file_hold_none_of_a_guided_sessions_words) {
  const std::filesystem::path state = testing::scratch_dir() + "heard-privacy-test.state";
  std::filesystem::remove(state);
  serve([&](auto& c) { c.state_file = state.string(); });
  testing::recording_relay relay(port_);
  auto fast = [](client::client_options& o) {
    o.reconnect_initial = 50ms;
    o.reconnect_max = 200ms;
  };
  auto& rivera = client("Rivera", relay.port(), fast);
  auto& alex = client("Alex", relay.port(), fast);
  auto& sam = client("Sam", relay.port(), fast);

  v1::CreateOptions options;
  options.set_guided(true);
  options.set_topic("Moving for work, quinceTopicMarker");
  rivera->start(options);
  auto welcome = rivera.wait_for(v1::ServerMessage::kWelcome);
  ASSERT_TRUE(welcome);
  alex->join(invite_code_for(welcome->welcome(), v1::SEAT_A));
  sam->join(invite_code_for(welcome->welcome(), v1::SEAT_B));
  const auto code = rivera.wait_safety_code();
  ASSERT_TRUE(code);
  EXPECT_EQ(alex.wait_safety_code(), code) << "one code on every screen: nobody in the middle";
  EXPECT_EQ(sam.wait_safety_code(), code);
  ASSERT_TRUE(alex.wait_for([&](auto& m) { return holds_text(m, "quinceTopicMarker"); })) << "the topic reached Alex";
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_READY)) << "ready once the topic has come";
  v1::Counsel start;
  start.mutable_start();
  rivera->counsel(start);
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_SPEAKING));

  const std::vector<std::string> markers = {"quinceDraftMarker",   "quinceTurnMarker", "quinceParaphraseMarker",
                                            "quinceMissedMarker",  "quinceNoteMarker", "quinceRetryMarker",
                                            "quinceCheckInMarker", "quinceTopicMarker"};
  alex->set_draft("I have a " + markers[0]);
  ASSERT_TRUE(sam.wait_for([&](auto& m) { return holds_text(m, markers[0]); })) << "the draft reached Sam";
  alex->end_turn("I felt alone, " + markers[1]);
  ASSERT_TRUE(sam.wait_for([&](auto& m) { return holds_text(m, markers[1]); }));
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING));
  sam->end_turn("You felt busy, " + markers[2]);
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CONFIRMING));
  alex->judge(v1::VERDICT_NOT_QUITE, "alone, not busy: " + markers[3]);
  ASSERT_TRUE(sam.wait_for([&](auto& m) { return holds_text(m, markers[3]); }));
  rivera->counsel(note("Slow down. " + markers[4]));
  ASSERT_TRUE(alex.wait_for([&](auto& m) { return holds_text(m, markers[4]); }));
  ASSERT_TRUE(sam.wait_for([&](auto& m) { return holds_text(m, markers[4]); }));
  ASSERT_TRUE(rivera.wait_for([&](auto& m) { return holds_text(m, markers[2]); })) << "the counselor reads the turns";

  // The server stops mid-session and writes everything it holds to its state file.
  stop_server();
  const std::string saved = testing::read_file(state.string());
  ASSERT_FALSE(saved.empty()) << "the session was saved";
  restart_server();

  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING, 1, 10s)) << "everyone came back by themselves";
  sam->end_turn("You felt alone, " + markers[5]);
  ASSERT_TRUE(alex.wait_for([&](auto& m) { return holds_text(m, markers[5]); }));
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CONFIRMING));
  alex->judge(v1::VERDICT_ACCURATE_DONE);
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_SPEAKING, 2));
  alex->end_session();
  ASSERT_TRUE(alex.wait_phase(v1::PHASE_CHECK_IN));
  alex->check_in(4, 4, 5, "Thank you, " + markers[6], /*share_words=*/true);
  sam->check_in(3, 4, 4);
  ASSERT_TRUE(rivera.wait_for([&](auto& m) { return holds_text(m, markers[6]); }))
      << "the counselor reads the words Alex shared";
  ASSERT_TRUE(sam.wait_for([&](auto& m) { return holds_text(m, markers[6]); }));

  const std::string recorded = relay.payloads();
  const std::string log = server_log();
  EXPECT_GT(relay.bytes_forwarded(), 10'000u);
  EXPECT_NE(recorded.find("Rivera"), std::string::npos)
      << "the recording is of the protocol in the clear: names are (docs/privacy.md says so)";
  for (const auto& marker : markers) {
    EXPECT_EQ(recorded.find(marker), std::string::npos) << marker << " crossed the relay readable";
    EXPECT_EQ(saved.find(marker), std::string::npos) << marker << " is in the server's state file";
    EXPECT_EQ(log.find(marker), std::string::npos) << marker << " is in the server's log";
  }
  std::printf("[ figures  ] %zu bytes through the relay, %zu of WebSocket payload, a %zu-byte state file: no marker\n",
              relay.bytes_forwarded(), recorded.size(), saved.size());
}

// A server in the middle of the key exchange: it shows each partner its own
// key, committed properly, in place of the other's. Both exchanges look
// sound; the safety codes differ, so people comparing them aloud find it out,
// and words sealed for the wrong key are refused unread.
TEST_F(privacy_test, a_server_that_swaps_keys_in_the_middle_is_caught_by_the_safety_codes) {
  serve();
  sealing::key32 seed_a{}, seed_b{};
  seed_a.fill(0x90);
  seed_b.fill(0xb0);
  const auto posing_as_a = sealing::key_pair_from(seed_a);  // shown to Sam
  const auto posing_as_b = sealing::key_pair_from(seed_b);  // shown to Alex
  std::mutex mutex;
  std::map<std::size_t, v1::Seat> seat_of;
  std::string session;
  testing::recording_relay in_the_middle(port_, [&](std::size_t connection, std::string& bytes) {
    v1::ServerMessage m;
    if (!m.ParseFromString(bytes)) return false;
    std::lock_guard lock(mutex);
    if (m.has_welcome()) {
      seat_of[connection] = m.welcome().your_seat();
      session = m.welcome().session_key();
    }
    const auto seat = seat_of.find(connection);
    v1::Snapshot* s = m.has_welcome()         ? m.mutable_welcome()->mutable_snapshot()
                      : m.has_state_changed() ? m.mutable_state_changed()->mutable_snapshot()
                                              : nullptr;
    if (seat == seat_of.end() || !s) return false;
    const v1::Seat other = other_partner(seat->second);
    const auto& fake = seat->second == v1::SEAT_A ? posing_as_b : posing_as_a;
    auto& member = member_in(*s, other);
    if (!member.key_commitment().empty()) {
      member.set_key_commitment(sealing::bytes_of(sealing::commitment(session, other, fake.public_key)));
    }
    if (!member.public_key().empty()) member.set_public_key(sealing::bytes_of(fake.public_key));
    bytes = m.SerializeAsString();
    return true;
  });
  auto& alex = client("Alex", in_the_middle.port());
  auto& sam = client("Sam", in_the_middle.port());
  pair(alex, sam);
  const auto alex_code = alex.wait_safety_code();
  const auto sam_code = sam.wait_safety_code();
  ASSERT_TRUE(alex_code && sam_code) << "each exchange completes: the swap is not visible in it";
  EXPECT_NE(*alex_code, *sam_code) << "compared aloud, the codes give the relay away";

  both_ready(alex, sam);
  alex->end_turn("Only for Sam");
  auto warning = sam.wait_notice();
  ASSERT_TRUE(warning);
  EXPECT_EQ(warning->what, client::local_notice::kind::warning);
  EXPECT_NE(warning->text.find("seal check"), std::string::npos) << warning->text;
  ASSERT_TRUE(sam.wait_phase(v1::PHASE_PARAPHRASING)) << "the floor still moves: turn-taking is in the clear";
  for (const auto& m : sam.history()) {
    EXPECT_FALSE(m.has_turn()) << "nothing sealed for the relay's key is shown";
  }
}

TEST_F(privacy_test, a_key_that_does_not_match_its_commitment_stops_every_word_up_front) {
  serve();
  sealing::key32 seed{};
  seed.fill(0x77);
  const auto other_key = sealing::key_pair_from(seed);
  std::mutex mutex;
  // Shows Sam a different key for Alex than Alex committed to (a clumsy relay).
  std::map<std::size_t, v1::Seat> seat_of;
  testing::recording_relay in_the_middle(port_, [&](std::size_t connection, std::string& bytes) {
    v1::ServerMessage m;
    if (!m.ParseFromString(bytes)) return false;
    std::lock_guard lock(mutex);
    if (m.has_welcome()) seat_of[connection] = m.welcome().your_seat();
    const auto seat = seat_of.find(connection);
    if (seat == seat_of.end() || seat->second != v1::SEAT_B || !m.has_state_changed()) return false;
    auto& alex_member = member_in(*m.mutable_state_changed()->mutable_snapshot(), v1::SEAT_A);
    if (alex_member.public_key().empty()) return false;
    alex_member.set_public_key(sealing::bytes_of(other_key.public_key));
    bytes = m.SerializeAsString();
    return true;
  });
  auto& alex = client("Alex", in_the_middle.port());
  auto& sam = client("Sam", in_the_middle.port());
  pair(alex, sam);
  auto broken = sam.wait_notice();
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->what, client::local_notice::kind::warning);
  EXPECT_NE(broken->text.find("Keys do not match"), std::string::npos) << broken->text;
  // Sam's words are refused at once, with one sentence, and never sent.
  sam->set_draft("Nothing of this may go");
  auto refused = sam.wait_notice();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->what, client::local_notice::kind::not_sent);
  EXPECT_NE(refused->text.find("the keys do not match"), std::string::npos) << refused->text;
}

}  // namespace
}  // namespace heard
