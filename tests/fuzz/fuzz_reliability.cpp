// libFuzzer: the reliability core (outbox, inbox, credentials) driven by
// arbitrary sequences of pushes, acknowledgements, repeats and resumes.
// Checks "nothing lost": what was pushed and not acknowledged is kept, in
// order, with its size; each id is taken once; a dead token never works.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <map>
#include <string>

#include "credentials.hpp"
#include "outbox.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  heard::outbox<std::uint64_t> box;
  heard::inbox taken;
  heard::credentials token;
  std::map<std::uint64_t, std::size_t> kept;  // the model: id -> bytes
  std::uint64_t acked = 0;
  std::string dead;  // a token that must never work again
  token.issue("t0");
  unsigned fresh = 1;
  while (in.remaining_bytes() > 0) {
    switch (in.ConsumeIntegralInRange<int>(0, 5)) {
      case 0: {
        const auto id = in.ConsumeIntegral<std::uint16_t>();
        const auto bytes = in.ConsumeIntegralInRange<std::size_t>(0, 1000);
        const bool fresh_id = id > box.last_id();
        check(box.push(id, id, bytes) == fresh_id);
        if (fresh_id) kept[id] = bytes;
        break;
      }
      case 1: {
        const auto ack = in.ConsumeIntegral<std::uint16_t>();
        if (!box.can_acknowledge(ack)) {
          check(ack > box.last_id());
          break;
        }
        box.acknowledge(ack);
        if (ack > acked) acked = ack;
        kept.erase(kept.begin(), kept.upper_bound(acked));
        break;
      }
      case 2: {
        const auto id = in.ConsumeIntegral<std::uint16_t>();
        const auto before = taken.last();
        check(taken.take(id) == (id > before));
        check(taken.last() == (id > before ? id : before));
        break;
      }
      case 3: {  // a resume with whatever token the peer presents
        const std::string presented = in.ConsumeBool() ? token.current() : in.ConsumeRandomLengthString(4);
        const auto match = token.check(presented);
        if (!dead.empty() && presented == dead) check(match == heard::credentials::match::none);
        if (match != heard::credentials::match::none) {
          const std::string before = token.current();
          token.rotate("t" + std::to_string(fresh++), match);
          check(token.check(token.current()) == heard::credentials::match::current);
          if (match == heard::credentials::match::previous) dead = before;  // never seen by the client
        }
        break;
      }
      case 4: {  // the resumed connection spoke
        const std::string previous_candidate = "t" + std::to_string(fresh - 2);
        token.confirm();
        if (fresh >= 2 && previous_candidate != token.current()) {
          check(token.check(previous_candidate) == heard::credentials::match::none);
        }
        break;
      }
      case 5:
        token.revoke();
        check(!token.active());
        token.issue("t" + std::to_string(fresh++));
        break;
    }
    // Nothing lost, nothing extra, in order, sizes summed.
    check(box.size() == kept.size());
    std::size_t bytes = 0;
    auto it = kept.begin();
    for (const auto& e : box.entries()) {
      check(e.id == it->first && e.item == it->first);
      bytes += it->second;
      ++it;
    }
    check(box.bytes() == bytes);
  }
  return 0;
}
