#pragma once

// The key exchange without a network: a relay that shows each member's Keys
// in the snapshot it gives everyone, as heard-server does, for tests and the
// fuzzer of the sealing. `tamper` may change what one member is shown.
#include <functional>
#include <map>

#include "seat.hpp"
#include "session_keys.hpp"

namespace heard::testing {

struct key_relay {
  v1::Snapshot shared;
  std::map<v1::Seat, session_keys*> members;
  std::function<void(v1::Seat viewer, v1::Snapshot&)> tamper;

  explicit key_relay(bool guided) {
    shared.set_guided(guided);
    for (v1::Seat s : session_seats(shared)) member_in(shared, s).set_present(true);
  }
  v1::Snapshot view_of(v1::Seat viewer) const {
    v1::Snapshot s = shared;
    if (tamper) tamper(viewer, s);
    return s;
  }
  // Runs the exchange until nobody has anything more to send.
  void exchange() {
    for (int round = 0; round < 6; ++round) {
      for (auto& [seat, keys] : members) {
        if (auto k = keys->step(view_of(seat))) {
          if (!k->commitment().empty()) member_in(shared, seat).set_key_commitment(k->commitment());
          if (!k->public_key().empty()) member_in(shared, seat).set_public_key(k->public_key());
        }
      }
    }
    for (auto& [seat, keys] : members) keys->step(view_of(seat));
  }
};

}  // namespace heard::testing
