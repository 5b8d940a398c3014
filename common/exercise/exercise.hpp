#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "heard/v1/heard.pb.h"
#include "seat.hpp"
#include "turn_rules.hpp"

namespace heard {
namespace v1 {
class ExerciseState;  // the server's at-rest format, server/exercise_persistence
}

struct outbound {
  unsigned to;  // audience bits
  v1::ServerMessage message;
};

/// The limits a session's text is held to; set by the server's config.
/// The server sees only sealed boxes, so it holds each to the padding bucket
/// its limit in characters needs (up to 4 bytes a character); the clients
/// check the characters themselves (docs/privacy.md).
struct exercise_limits {
  std::size_t max_turn_chars = 4000;
  std::size_t max_check_in_chars = 1000;
  /// The largest padded bucket a box may have.
  std::size_t max_bucket() const;
  /// Whether the limits fit the largest bucket at four bytes a character.
  bool fit_buckets() const;
  /// The largest input a member sends: a box of max_bucket() for every seat,
  /// and its envelope. A server's message limit must hold it.
  std::size_t max_input_bytes() const;
};

using sealed_boxes = std::vector<v1::Sealed>;

struct exercise_settings {
  v1::Mode mode = v1::MODE_TEXT;
  v1::Seat first_speaker = v1::SEAT_A;  // "random" is resolved before this
  exercise_limits limits;
  bool guided = false;                         // a counselor facilitates
  std::uint32_t rounds = 0;                    // 0: no limit
  std::chrono::milliseconds speak_limit{0};    // 0: no limit
  std::chrono::milliseconds reflect_limit{0};  // 0: no limit
  bool topic_follows = false;  // the creator's sealed topic comes once the keys are in; READY waits for it
};

/// The speak -> paraphrase -> confirm exercise for one pair (and, in a
/// guided session, their counselor), as a pure state machine: no I/O, no
/// clock of its own, no randomness. Time comes in through advance_to(), so
/// timers are deterministic in tests. Every input either changes the state
/// and yields the messages to send, or is refused with an Error that changes
/// nothing and relays nothing. The server owns one per session and feeds it
/// on the session's strand; tests drive it directly.
class exercise {
 public:
  using clock_ms = std::chrono::milliseconds;

  struct result {
    std::optional<v1::Error> error;  // set: refused, nothing changed, `out` is empty
    std::vector<outbound> out;
    bool ok() const { return !error; }
  };

  explicit exercise(exercise_settings settings);

  /// Moves the exercise's clock forward (monotonic milliseconds). If the
  /// floor's time limit has passed, the floor moves on, and the result says so.
  result advance_to(clock_ms now);
  /// When the floor's limit will be reached, on the same clock; nullopt when
  /// no timer runs. The server arms a timer for it and calls advance_to().
  std::optional<clock_ms> deadline() const;

  /// A member takes their seat (A, B, or the counselor). The registry decides who may.
  result join(v1::Seat seat, const std::string& name);

  /// A partner left for good (said Leave). The other one is told and goes on
  /// to the check-in. A counselor who leaves only leaves.
  result leave(v1::Seat seat);

  /// A member's connection dropped: they keep their seat, and an exercise in
  /// progress pauses until a partner is back (a counselor's drop pauses nothing).
  result disconnect(v1::Seat seat);
  /// A dropped member resumed.
  result reconnect(v1::Seat seat);
  /// Nobody (or not everyone) joined with the codes in time: a session still
  /// waiting for a partner ends. Nothing happens in any other phase.
  result invites_expired();
  /// A dropped member stayed away past the grace window: the others are told
  /// and may keep waiting or end; the check-in no longer waits for them.
  result overdue(v1::Seat seat);

  /// Any message after Hello, from a seated member.
  /// By value: its sealed boxes move into what is relayed and kept, never copied.
  result handle(v1::Seat from, v1::ClientMessage message);

  v1::Snapshot snapshot() const;
  /// The snapshot as `seat` is sent it: with `you` filled in (what it may
  /// do now, its headline), from the same rules the inputs meet.
  v1::Snapshot snapshot_for(v1::Seat seat) const;
  /// The words of the floor so far (through a pause too), sealed for `seat`,
  /// for a seat that comes back with nothing on screen; nullopt when nobody
  /// is writing or `seat` is the writer.
  std::optional<v1::DraftUpdate> current_draft(v1::Seat seat) const;
  /// The topic as its creator sealed it for `seat`; nullopt when none was given.
  std::optional<v1::TopicSet> topic_for(v1::Seat seat) const;
  v1::Phase phase() const { return phase_; }
  bool ended() const { return phase_ == v1::PHASE_ENDED; }
  bool present(v1::Seat seat) const { return member(seat).present; }
  bool connected(v1::Seat seat) const { return member(seat).link == v1::LINK_CONNECTED; }
  bool guided() const { return settings_.guided; }
  /// For tests and the fuzzer: the snapshot the rules read from (kept
  /// between drafts) is this exercise's snapshot now.
  bool rules_view_is_current() const;

 private:
  struct member_state {
    bool present = false;
    bool ready = false;
    bool left = false;
    v1::LinkState link = v1::LINK_UNSPECIFIED;
    std::string name;
    std::string key_commitment;  // end to end: this member's commitment, then its key
    std::string public_key;
    std::optional<v1::CheckIn> check_in;  // only its sealed boxes
  };

  /// Guided and the counselor still there: round 1 waits for their start.
  bool counselor_starts() const { return settings_.guided && member(v1::SEAT_COUNSELOR).present; }

  result on_ready(v1::Seat from);
  result on_draft(v1::Seat from, v1::Draft& draft);
  result on_end_turn(v1::Seat from, v1::EndTurn& end);
  result on_judge(v1::Seat from, v1::Judge& judge);
  result on_time_out(v1::Seat from);
  result on_resume(v1::Seat from);
  result on_end_session(v1::Seat from);
  result on_check_in(v1::Seat from, v1::CheckIn& check_in);
  result on_counsel(v1::Seat from, v1::Counsel& counsel);
  result on_keys(v1::Seat from, const v1::Keys& keys);
  result on_topic(v1::Seat from, v1::Topic& topic);
  /// Who started the session: the counselor in a guided one, else seat A.
  v1::Seat creator() const { return creator_seat(settings_.guided); }

  /// An input's boxes, checked and kept for the members present with a key:
  /// one for each of them (the sender too), of a bucket's size within the
  /// limit; boxes for anyone else are dropped. The boxes kept are moved out of `in`.
  std::optional<v1::Error> take_sealed(google::protobuf::RepeatedPtrField<v1::Sealed>& in, sealed_boxes& out) const;
  /// Sends `m` to each seat of `to` with a box in `boxes`, each with its own
  /// box put in place by `place` (moved when `boxes` is given up, copied when
  /// it is kept); with no boxes, to all of `to` as it is.
  template <typename Boxes, typename Place>
  void fan_out(result& r, unsigned to, v1::ServerMessage m, Boxes&& boxes, Place place) const;
  /// Both partners are here and every member's key is in: READY.
  void ready_if_everyone_is_in();
  /// READY, both partners ready, and nobody else to start it: round 1.
  void start_if_both_ready();
  /// Whether `from` may do `what` now: the turn rules (common/exercise/turn_rules)
  /// applied to this exercise's own snapshot, the same rules every client
  /// reads. nullopt, or the refusal.
  std::optional<v1::Error> rule(v1::Seat from, act what) const;
  /// The snapshot rule() reads, kept while nothing it shows changes: a draft
  /// (about three a second while someone writes) is checked without building
  /// one. Every other input and event forgets it on entry and on exit
  /// (forget_rules_view), and so does a floor moved on by its time.
  mutable std::optional<v1::Snapshot> rules_view_;
  struct forget_rules_view {
    explicit forget_rules_view(std::optional<v1::Snapshot>& view) : view_(view) { view_.reset(); }
    ~forget_rules_view() { view_.reset(); }
    forget_rules_view(const forget_rules_view&) = delete;
    forget_rules_view& operator=(const forget_rules_view&) = delete;
    std::optional<v1::Snapshot>& view_;
  };
  /// What a floor's words may be: boxes in text mode, none in spoken mode.
  std::optional<v1::Error> check_turn_boxes(google::protobuf::RepeatedPtrField<v1::Sealed>& in, bool final,
                                            sealed_boxes& out) const;

  /// Commits `text` as the floor holder's turn and moves the floor on.
  /// How a floor ended: its holder finished it, its time ran out, or the
  /// counselor moved it on. People are told which.
  enum class floor_end { finished, timed_out, moved_on };
  void commit_floor(result& r, sealed_boxes text, floor_end how);
  void start_round(std::uint32_t round, v1::Seat speaker);
  /// Starts a new stretch of floor: its timer and draft begin afresh.
  void new_floor();
  std::chrono::milliseconds floor_limit() const;
  bool timer_running() const;

  v1::Seat listener() const { return other_partner(speaker_); }
  v1::Seat floor_holder() const;
  member_state& member(v1::Seat seat) { return members_[seat]; }
  const member_state& member(v1::Seat seat) const { return members_[seat]; }

  void push_state(result& r) const;
  void go_to_check_in();
  /// Once every present partner answered: the results, the summary, then ENDED.
  void finish_check_in_if_complete(result& r);
  /// Pauses an exercise in progress because `away` dropped.
  void pause_for_absence(v1::Seat away);
  /// Ends a pause once every seated partner is connected again.
  void end_pause(bool keep_if_someone_away);
  std::optional<v1::Seat> someone_away() const;
  v1::SessionSummary summary() const;

  exercise_settings settings_;
  v1::Phase phase_ = v1::PHASE_WAITING_FOR_PARTNER;
  v1::Phase paused_phase_ = v1::PHASE_UNSPECIFIED;
  v1::Seat paused_by_ = v1::SEAT_UNSPECIFIED;
  v1::Seat ended_by_ = v1::SEAT_UNSPECIFIED;  // who ended the session early
  v1::PauseReason pause_reason_ = v1::PAUSE_REASON_UNSPECIFIED;
  v1::Seat speaker_;
  v1::Seat next_speaker_ = v1::SEAT_UNSPECIFIED;  // the counselor's choice for the next round
  std::uint32_t round_ = 0;
  std::uint32_t attempt_ = 0;
  bool held_ = false;
  seat_table<member_state> members_;

  // Time: the clock, the current floor's use of its limit, and totals.
  clock_ms now_{0};
  std::optional<clock_ms> started_;  // when round 1 began (before a restore: may lie before 0)
  clock_ms floor_used_{0};
  clock_ms floor_extension_{0};
  sealed_boxes floor_draft_;  // the floor holder's latest draft, committed at time-up
  sealed_boxes topic_;        // the creator's topic, as sealed for each member
  std::map<v1::Phase, std::uint64_t> phase_ms_;

  // For the counselor's summary: structure only.
  std::vector<v1::SessionSummary::Statement> statements_;
  std::array<std::uint32_t, 2> time_outs_{0, 0};
  std::uint32_t holds_ = 0;

  // Carrying the exercise across a server restart is the server's business
  // (its state file's format lives in server/); these two see everything.
  friend v1::ExerciseState save_exercise(const exercise& e);
  friend exercise restore_exercise(const v1::ExerciseState& state, exercise_limits limits);
};

}  // namespace heard
