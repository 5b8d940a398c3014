#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "heard/v1/heard.pb.h"
#include "sealing.hpp"
#include "seat.hpp"

namespace heard {

/// One member's end-to-end keys for one session (docs/privacy.md): the
/// commit-then-reveal exchange, the content keys, the safety code, and the
/// receiving side's checks (authentic, in order, never twice). Pure apart from
/// OpenSSL's primitives; randomness comes in through `random_fill`.
///
/// The exchange is driven by snapshots: every member's commitment and, once
/// revealed, public key are in Snapshot.members. This member reveals only
/// when it holds every other member's commitment, and locks them then: a
/// relay that wants its own key in the middle must commit to it before it
/// sees ours, so it matches the safety code only by chance (1 in a million).
class session_keys {
 public:
  using random_fill = std::function<void(unsigned char* out, std::size_t size)>;

  /// What a member keeps on disk (its client's state file, mode 0600) to
  /// resume with the same keys.
  struct saved {
    sealing::key32 private_key{};
    std::vector<std::pair<v1::Seat, sealing::key32>> locked;  // commitments seen when we revealed
    bool revealed = false;
    bool compared = false;
  };

  enum class status : std::uint8_t {
    exchanging,  // not every member's key has arrived
    ready,       // every key arrived and matched its commitment: content may be sealed and opened
    broken,      // a key did not match its commitment, or one changed: someone is in the middle
  };

  /// A fresh key pair for `seat` in `session` (Welcome.session_key).
  session_keys(std::string session, v1::Seat seat, const random_fill& random);
  /// Keys kept from before a restart.
  session_keys(std::string session, v1::Seat seat, const saved& kept, random_fill random);

  /// Takes a snapshot in; returns what to send now, if anything: our
  /// commitment, or our public key once every member has committed.
  std::optional<v1::Keys> step(const v1::Snapshot& s);
  status state() const { return status_; }
  /// Why the exchange broke, for the person (empty unless broken).
  const std::string& problem() const { return problem_; }

  /// The six digits everyone compares; empty until ready.
  const std::string& safety_code() const { return safety_code_; }
  /// The seats whose keys make the code (every member of the session).
  const std::vector<v1::Seat>& key_holders() const { return holders_; }
  bool compared() const { return compared_; }
  void mark_compared() { compared_ = true; }

  /// Seals `content` once for each member present now (ourselves included),
  /// under `counter` (our input id: increasing, never reused). nullopt when
  /// not ready or the content fits no bucket.
  std::optional<std::vector<v1::Sealed>> seal(const v1::Snapshot& s, sealed_format::content_kind kind,
                                              std::uint64_t counter, std::string_view content) const;

  /// Why a box was refused.
  enum class refusal : std::uint8_t { none, not_ready, not_for_me, not_authentic, replayed };
  struct opened {
    std::optional<std::string> content;
    refusal why = refusal::none;
  };
  /// Where a box must stand among its sender's: after every one before it
  /// (the conversation); or the sender's last one again (a Turn that closes
  /// a floor at its time carries that floor's last draft box); or anywhere (a
  /// topic, given once and shown again with every Welcome).
  enum class order : std::uint8_t { next, last_again, any };
  /// Opens a box from `sender`, authentic and in its order, or says why not.
  opened open(v1::Seat sender, sealed_format::content_kind kind, const v1::Sealed& sealed, order where = order::next);
  /// A conversation shown afresh (a restarted client's history): counters
  /// are checked from the start again, in the order the entries come.
  void restart_order() { last_counter_ = {}; }

  saved save() const;
  v1::Seat seat() const { return seat_; }

 private:
  void derive(const v1::Snapshot& s);
  void fail(std::string why);

  std::string session_;
  v1::Seat seat_;
  sealing::key_pair mine_;
  random_fill random_;
  seat_table<std::optional<sealing::key32>> locked_;  // others' commitments, as seen when we revealed
  bool revealed_ = false;
  bool commit_sent_ = false;  // by this process (the outbox resends it if a connection drops)
  bool reveal_sent_ = false;
  bool compared_ = false;
  status status_ = status::exchanging;
  std::string problem_;
  std::string safety_code_;
  std::vector<v1::Seat> holders_;
  seat_table<std::optional<sealing::key32>> send_key_;     // ours to each member
  seat_table<std::optional<sealing::key32>> receive_key_;  // each member's to us
  seat_table<std::optional<std::uint64_t>> last_counter_;
};

}  // namespace heard
