#include "session_keys.hpp"

#include <algorithm>

namespace heard {
using sealing::bytes_of;

session_keys::session_keys(std::string session, v1::Seat seat, const random_fill& random)
    : session_(std::move(session)), seat_(seat), random_(random) {
  sealing::key32 secret{};
  random_(secret.data(), secret.size());
  mine_ = sealing::key_pair_from(secret);
}

session_keys::session_keys(std::string session, v1::Seat seat, const saved& kept, random_fill random)
    : session_(std::move(session)),
      seat_(seat),
      mine_(sealing::key_pair_from(kept.private_key)),
      random_(std::move(random)),
      revealed_(kept.revealed),
      compared_(kept.compared) {
  for (const auto& [s, c] : kept.locked) locked_[s] = c;
}

session_keys::saved session_keys::save() const {
  saved out;
  out.private_key = mine_.private_key;
  out.revealed = revealed_;
  out.compared = compared_;
  for (v1::Seat s : all_seats) {
    if (locked_[s]) out.locked.emplace_back(s, *locked_[s]);
  }
  return out;
}

void session_keys::fail(std::string why) {
  status_ = status::broken;
  problem_ = std::move(why);
  safety_code_.clear();
  for (auto& k : send_key_) k.reset();
  for (auto& k : receive_key_) k.reset();
}

std::optional<v1::Keys> session_keys::step(const v1::Snapshot& s) {
  if (status_ == status::broken) return std::nullopt;
  const sealing::key32 my_commitment = sealing::commitment(session_, seat_, mine_.public_key);
  const v1::Member& me = member_of(s, seat_);
  if (!me.key_commitment().empty() && sealing::key_from_bytes(me.key_commitment()) != my_commitment) {
    fail("The server shows a key commitment for you that is not yours.");
    return std::nullopt;
  }
  if (!me.public_key().empty() && sealing::key_from_bytes(me.public_key()) != mine_.public_key) {
    fail("The server shows a key for you that is not yours.");
    return std::nullopt;
  }

  // Every key shown must be the one its member committed to: the commitment
  // we locked when we revealed ours, or, before that, the one shown now.
  const auto seats = session_seats(s);
  for (v1::Seat seat : seats) {
    if (seat == seat_) continue;
    const v1::Member& m = member_of(s, seat);
    const auto shown = sealing::key_from_bytes(m.key_commitment());
    if (revealed_ && locked_[seat] && shown != locked_[seat]) {
      fail(std::string("The key commitment of ") + seat_label(seat) + " changed after you revealed your key.");
      return std::nullopt;
    }
    if (m.public_key().empty()) continue;
    const auto key = sealing::key_from_bytes(m.public_key());
    const auto expected = revealed_ && locked_[seat] ? locked_[seat] : shown;
    if (!key || !expected || sealing::commitment(session_, seat, *key) != *expected) {
      fail(std::string("The key of ") + seat_label(seat) + " does not match what it committed to.");
      return std::nullopt;
    }
  }

  std::optional<v1::Keys> send;
  if (me.key_commitment().empty() && !commit_sent_) {
    commit_sent_ = true;
    send.emplace().set_commitment(bytes_of(my_commitment));
  } else if (!me.key_commitment().empty() && !revealed_) {
    const bool all_committed = std::all_of(seats.begin(), seats.end(), [&](v1::Seat seat) {
      return sealing::key_from_bytes(member_of(s, seat).key_commitment()).has_value();
    });
    if (all_committed) {
      for (v1::Seat seat : seats) {
        if (seat != seat_) locked_[seat] = sealing::key_from_bytes(member_of(s, seat).key_commitment());
      }
      revealed_ = true;
      reveal_sent_ = true;
      send.emplace().set_public_key(bytes_of(mine_.public_key));
    }
  } else if (revealed_ && me.public_key().empty() && !reveal_sent_) {
    reveal_sent_ = true;  // revealed before a restart; the server may not have it
    send.emplace().set_public_key(bytes_of(mine_.public_key));
  }

  if (status_ == status::exchanging && keys_complete(s)) derive(s);
  return send;
}

void session_keys::derive(const v1::Snapshot& s) {
  std::vector<std::pair<v1::Seat, sealing::key32>> keys;
  for (v1::Seat seat : session_seats(s))
    keys.emplace_back(seat, *sealing::key_from_bytes(member_of(s, seat).public_key()));
  const sealing::key32 transcript = sealing::transcript_hash(session_, keys);
  for (const auto& [seat, key] : keys) {
    send_key_[seat] = sealing::content_key(mine_.private_key, key, transcript, seat_, seat);
    receive_key_[seat] = sealing::content_key(mine_.private_key, key, transcript, seat, seat_);
    if (!send_key_[seat] || !receive_key_[seat]) {
      fail(std::string("The key of ") + seat_label(seat) + " is not a usable key.");
      return;
    }
    holders_.push_back(seat);
  }
  safety_code_ = sealing::safety_code(transcript);
  status_ = status::ready;
}

std::optional<std::vector<v1::Sealed>> session_keys::seal(const v1::Snapshot& s, sealed_format::content_kind kind,
                                                          std::uint64_t counter, std::string_view content) const {
  if (status_ != status::ready) return std::nullopt;
  std::vector<v1::Sealed> out;
  for (v1::Seat seat : holders_) {
    if (!member_of(s, seat).present() || !send_key_[seat]) continue;
    sealing::nonce12 nonce{};
    random_(nonce.data(), nonce.size());
    auto box = sealing::seal(*send_key_[seat], {session_, seat_, seat, kind, counter}, content, nonce);
    if (!box) return std::nullopt;
    auto& sealed = out.emplace_back();
    sealed.set_to(seat);
    sealed.set_counter(counter);
    sealed.set_box(std::move(*box));
  }
  return out;
}

session_keys::opened session_keys::open(v1::Seat sender, sealed_format::content_kind kind, const v1::Sealed& sealed,
                                        order where) {
  opened result;
  if (status_ != status::ready || !receive_key_[sender]) {
    result.why = refusal::not_ready;
    return result;
  }
  if (sealed.to() != seat_) {
    result.why = refusal::not_for_me;
    return result;
  }
  auto o = sealing::open(*receive_key_[sender], {session_, sender, seat_, kind, sealed.counter()}, sealed.box());
  if (!o.content) {
    result.why = refusal::not_authentic;
    return result;
  }
  auto& last = last_counter_[sender];
  if (where != order::any) {
    if (last && (sealed.counter() < *last || (sealed.counter() == *last && where != order::last_again))) {
      result.why = refusal::replayed;
      return result;
    }
    last = sealed.counter();
  }
  result.content = std::move(o.content);
  return result;
}

}  // namespace heard
