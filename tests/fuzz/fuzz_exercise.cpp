// libFuzzer: the exercise state machine driven by arbitrary event sequences.
// Checks the invariants every refusal and every state must keep.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>

#include "exercise.hpp"
#include "exercise_persistence.hpp"
#include "sealed_format.hpp"

namespace {

using namespace heard;

v1::Seat any_seat(FuzzedDataProvider& in) {
  return static_cast<v1::Seat>(in.ConsumeIntegralInRange<int>(0, 4));  // includes invalid seats
}

// Sealed boxes as a hostile client sends them: any seats, twice or missing,
// of a bucket's size (often) or of any size; the server cannot open them.
void any_boxes(FuzzedDataProvider& in, google::protobuf::RepeatedPtrField<v1::Sealed>* out) {
  const int n = in.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < n; ++i) {
    auto* b = out->Add();
    b->set_to(any_seat(in));
    b->set_counter(in.ConsumeIntegral<std::uint64_t>());
    const std::size_t size =
        in.ConsumeBool()
            ? sealed_format::box_bytes(
                  sealed_format::buckets[in.ConsumeIntegralInRange<std::size_t>(0, sealed_format::buckets.size() - 1)])
            : in.ConsumeIntegralInRange<std::size_t>(0, 200);
    b->set_box(std::string(size, static_cast<char>(in.ConsumeIntegral<std::uint8_t>())));
  }
}

// A key or commitment: usually 32 bytes, sometimes not.
std::string any_key(FuzzedDataProvider& in) {
  return std::string(in.ConsumeBool() ? 32 : in.ConsumeIntegralInRange<std::size_t>(0, 40),
                     static_cast<char>(in.ConsumeIntegral<std::uint8_t>()));
}

v1::ClientMessage any_message(FuzzedDataProvider& in) {
  v1::ClientMessage m;
  switch (in.ConsumeIntegralInRange<int>(0, 13)) {
    case 0: m.mutable_hello()->set_protocol_version(in.ConsumeIntegral<std::uint32_t>()); break;
    case 1: m.mutable_ready(); break;
    case 2:
      any_boxes(in, m.mutable_draft()->mutable_sealed());
      if (in.ConsumeBool()) m.mutable_draft()->set_text(in.ConsumeRandomLengthString(64));  // in the clear: refused
      break;
    case 3: any_boxes(in, m.mutable_end_turn()->mutable_sealed()); break;
    case 4:
      m.mutable_judge()->set_verdict(static_cast<v1::Verdict>(in.ConsumeIntegralInRange<int>(0, 5)));
      any_boxes(in, m.mutable_judge()->mutable_sealed());
      break;
    case 5: m.mutable_time_out(); break;
    case 6: m.mutable_resume(); break;
    case 7: m.mutable_end_session(); break;
    case 8: {
      auto* c = m.mutable_check_in();
      any_boxes(in, c->mutable_sealed());
      if (in.ConsumeBool()) c->set_felt_safe(in.ConsumeIntegralInRange<std::uint32_t>(0, 7));  // in the clear: refused
      break;
    }
    case 9: {
      auto* c = m.mutable_counsel();
      switch (in.ConsumeIntegralInRange<int>(0, 7)) {
        case 0: c->mutable_start(); break;
        case 1: c->mutable_hold(); break;
        case 2: c->mutable_release(); break;
        case 3: any_boxes(in, c->mutable_note()->mutable_sealed()); break;
        case 4: c->mutable_next_speaker()->set_seat(any_seat(in)); break;
        case 5: c->mutable_extend_timer()->set_seconds(in.ConsumeIntegral<std::uint32_t>()); break;
        case 6: c->mutable_skip_timer(); break;
        default: break;  // no action
      }
      break;
    }
    case 10: m.mutable_ack_only(); break;
    case 11: m.mutable_leave(); break;
    case 12:
      if (in.ConsumeBool()) m.mutable_keys()->set_commitment(any_key(in));
      if (in.ConsumeBool()) m.mutable_keys()->set_public_key(any_key(in));
      break;
    default: break;  // no body
  }
  return m;
}

void check(bool ok) {
  if (!ok) std::abort();
}

// What a restart may change: the links (everyone comes back as away) and so
// the pause an absence makes. Everything else must come back exactly.
v1::ExerciseState without_links(v1::ExerciseState s) {
  const v1::Phase phase =
      s.phase() == v1::PHASE_PAUSED && s.pause_reason() == v1::PAUSE_REASON_PARTNER_AWAY ? s.paused_phase() : s.phase();
  const bool away_pause = phase != s.phase();
  s.set_phase(phase);
  if (away_pause) {
    s.clear_paused_phase();
    s.clear_paused_by();
    s.clear_pause_reason();
  }
  for (auto& p : *s.mutable_partners()) p.clear_link();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  exercise_settings settings;
  settings.mode = in.ConsumeBool() ? v1::MODE_SPOKEN : v1::MODE_TEXT;
  settings.first_speaker = in.ConsumeBool() ? v1::SEAT_A : v1::SEAT_B;
  settings.guided = in.ConsumeBool();
  settings.rounds = in.ConsumeIntegralInRange<std::uint32_t>(0, 3);
  settings.speak_limit = std::chrono::milliseconds(in.ConsumeIntegralInRange<int>(0, 5000));
  settings.reflect_limit = std::chrono::milliseconds(in.ConsumeIntegralInRange<int>(0, 5000));
  settings.limits = {static_cast<std::size_t>(in.ConsumeIntegralInRange<int>(1, 100)), 50};
  exercise e(settings);
  std::chrono::milliseconds now{0};
  std::uint32_t last_round = 0;

  while (in.remaining_bytes() > 0) {
    const auto before = e.snapshot().SerializeAsString();
    const v1::Seat seat = any_seat(in);
    exercise::result r;
    switch (in.ConsumeIntegralInRange<int>(0, 6)) {
      case 0: r = e.join(seat, in.ConsumeRandomLengthString(8)); break;
      case 1: r = e.leave(seat); break;
      case 2: r = e.disconnect(seat); break;
      case 3: r = e.reconnect(seat); break;
      case 4: r = e.overdue(seat); break;
      case 5:
        now += std::chrono::milliseconds(in.ConsumeIntegralInRange<int>(0, 10'000));
        r = e.advance_to(now);
        break;
      default: r = e.handle(seat, any_message(in)); break;
    }
    if (!r.ok()) {
      // A refusal changes nothing and relays nothing.
      check(r.out.empty());
      check(e.snapshot().SerializeAsString() == before);
      check(!r.error->message().empty());
    }
    for (const auto& o : r.out) {
      check(o.to != 0 && (o.to & ~static_cast<unsigned>(everyone)) == 0);
      // Never a word in the clear, and a box only ever to the one it is for.
      const auto& m = o.message;
      check(m.draft_update().text().empty() && m.turn().text().empty() && m.judged().missed().empty() &&
            m.guidance().text().empty());
      for (const v1::Sealed* box :
           {&m.draft_update().sealed(), &m.turn().sealed(), &m.judged().sealed(), &m.guidance().sealed()}) {
        check(box->box().empty() || o.to == audience_of(box->to()));
      }
    }
    const auto s = e.snapshot();
    check(s.round() >= last_round);    // rounds never go back
    check(e.rules_view_is_current());  // what the rules read is what the snapshot shows
    last_round = s.round();
    if (s.floor_holder() != v1::SEAT_UNSPECIFIED) {
      check(s.floor_holder() == v1::SEAT_A || s.floor_holder() == v1::SEAT_B);
    }
    if (const auto deadline = e.deadline()) check(*deadline >= now);
  }
  // A graceful restart brings the exercise back: restore(save(e)) is e, but
  // for the links, and saving it again changes nothing more.
  const v1::ExerciseState saved = save_exercise(e);
  const exercise back = restore_exercise(saved, settings.limits);
  const v1::ExerciseState again = save_exercise(back);
  check(without_links(saved).SerializeAsString() == without_links(again).SerializeAsString());
  check(save_exercise(restore_exercise(again, settings.limits)).SerializeAsString() == again.SerializeAsString());
  return 0;
}
