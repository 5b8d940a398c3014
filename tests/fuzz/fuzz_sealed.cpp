// libFuzzer: the receiving side of end-to-end sealing - a box, its counter
// and its recipient as a hostile server may send them - opened by a member
// whose keys are in place. Nothing crashes, and nothing opens that was not
// sealed by the sender for this recipient (the fuzzer cannot forge a tag);
// what the member's own real sender sealed always opens once.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>

#include "key_relay.hpp"
#include "session_keys.hpp"

namespace {

using namespace heard;

void check(bool ok) {
  if (!ok) std::abort();
}

void fixed_fill(unsigned char* out, std::size_t size) {
  static unsigned counter = 0;
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<unsigned char>(++counter * 37);
}

struct pair_of_members {
  session_keys a{"7KQ2fuzz", v1::SEAT_A, fixed_fill};
  session_keys b{"7KQ2fuzz", v1::SEAT_B, fixed_fill};
  testing::key_relay relay{false};
  const v1::Snapshot& s = relay.shared;
  pair_of_members() {
    relay.members = {{v1::SEAT_A, &a}, {v1::SEAT_B, &b}};
    relay.exchange();
    check(a.state() == session_keys::status::ready && b.state() == session_keys::status::ready);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  pair_of_members members;  // fresh each run: the replay window starts empty
  std::uint64_t sent = 0;
  while (in.remaining_bytes() > 0) {
    const auto kind = static_cast<sealed_format::content_kind>(in.ConsumeIntegralInRange<int>(0, 7));
    if (in.ConsumeBool()) {
      // A real box from A, perhaps altered on the way.
      const std::string text = in.ConsumeRandomLengthString(300);
      auto boxes = members.a.seal(members.s, kind, ++sent, text);
      if (!boxes) continue;  // fits no bucket
      v1::Sealed box = (*boxes)[1].to() == v1::SEAT_B ? (*boxes)[1] : (*boxes)[0];
      const bool altered = in.ConsumeBool();
      if (altered && !box.box().empty()) {
        (*box.mutable_box())[in.ConsumeIntegralInRange<std::size_t>(0, box.box().size() - 1)] ^=
            static_cast<char>(in.ConsumeIntegralInRange<int>(1, 255));
      }
      const auto opened = members.b.open(v1::SEAT_A, kind, box);
      check(opened.content.has_value() == !altered);
      if (opened.content) check(*opened.content == text);
      check(!members.b.open(v1::SEAT_A, kind, box).content);  // never twice
    } else {
      // Anything at all.
      v1::Sealed box;
      box.set_to(static_cast<v1::Seat>(in.ConsumeIntegralInRange<int>(0, 4)));
      box.set_counter(in.ConsumeIntegral<std::uint64_t>());
      box.set_box(in.ConsumeRandomLengthString(20000));
      check(!members.b.open(static_cast<v1::Seat>(in.ConsumeIntegralInRange<int>(0, 4)), kind, box).content);
    }
  }
  return 0;
}
