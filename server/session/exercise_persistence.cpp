#include "exercise_persistence.hpp"

namespace heard {

v1::ExerciseState save_exercise(const exercise& e) {
  v1::ExerciseState out;
  out.set_mode(e.settings_.mode);
  out.set_phase(e.phase_);
  out.set_paused_phase(e.paused_phase_);
  out.set_paused_by(e.paused_by_);
  out.set_pause_reason(e.pause_reason_);
  out.set_speaker(e.speaker_);
  out.set_round(e.round_);
  out.set_attempt(e.attempt_);
  for (const auto& p : e.members_) {
    auto* saved = out.add_partners();
    saved->set_present(p.present);
    saved->set_ready(p.ready);
    saved->set_left(p.left);
    saved->set_link(p.link);
    saved->set_name(p.name);
    if (p.check_in) *saved->mutable_check_in() = *p.check_in;
    saved->set_key_commitment(p.key_commitment);
    saved->set_public_key(p.public_key);
  }
  out.set_guided(e.settings_.guided);
  out.set_rounds(e.settings_.rounds);
  out.set_speak_limit_ms(static_cast<std::uint32_t>(e.settings_.speak_limit.count()));
  out.set_reflect_limit_ms(static_cast<std::uint32_t>(e.settings_.reflect_limit.count()));
  for (const auto& box : e.topic_) *out.add_topic() = box;
  out.set_topic_follows(e.settings_.topic_follows);
  out.set_held(e.held_);
  out.set_next_speaker(e.next_speaker_);
  out.set_floor_used_ms(static_cast<std::uint64_t>(e.floor_used_.count()));
  out.set_floor_extension_ms(static_cast<std::uint64_t>(e.floor_extension_.count()));
  for (const auto& box : e.floor_draft_) *out.add_floor_draft() = box;
  for (const auto& s : e.statements_) *out.add_statements() = s;
  out.set_time_outs_a(e.time_outs_[0]);
  out.set_time_outs_b(e.time_outs_[1]);
  out.set_holds(e.holds_);
  for (const auto& [phase, ms] : e.phase_ms_) {
    auto* t = out.add_phase_times();
    t->set_phase(phase);
    t->set_ms(ms);
  }
  out.set_started(e.started_.has_value());
  out.set_ended_by(e.ended_by_);
  out.set_elapsed_ms(e.started_ ? static_cast<std::uint64_t>((e.now_ - *e.started_).count()) : 0);
  return out;
}

exercise restore_exercise(const v1::ExerciseState& state, exercise_limits limits) {
  exercise_settings settings;
  settings.mode = state.mode();
  settings.first_speaker = state.speaker();
  settings.limits = limits;
  settings.guided = state.guided();
  settings.rounds = state.rounds();
  settings.speak_limit = std::chrono::milliseconds(state.speak_limit_ms());
  settings.reflect_limit = std::chrono::milliseconds(state.reflect_limit_ms());
  settings.topic_follows = state.topic_follows();
  exercise e(settings);
  e.phase_ = state.phase();
  e.paused_phase_ = state.paused_phase();
  e.paused_by_ = state.paused_by();
  e.ended_by_ = state.ended_by();
  e.pause_reason_ = state.pause_reason();
  e.round_ = state.round();
  e.attempt_ = state.attempt();
  e.held_ = state.held();
  e.next_speaker_ = state.next_speaker();
  e.floor_used_ = std::chrono::milliseconds(state.floor_used_ms());
  e.floor_extension_ = std::chrono::milliseconds(state.floor_extension_ms());
  e.floor_draft_.assign(state.floor_draft().begin(), state.floor_draft().end());
  e.topic_.assign(state.topic().begin(), state.topic().end());
  e.statements_.assign(state.statements().begin(), state.statements().end());
  e.time_outs_ = {state.time_outs_a(), state.time_outs_b()};
  e.holds_ = state.holds();
  for (const auto& t : state.phase_times()) e.phase_ms_[t.phase()] = t.ms();
  // The restored exercise's clock starts at 0: round 1 began elapsed_ms
  // before that.
  if (state.started()) e.started_ = -std::chrono::milliseconds(state.elapsed_ms());
  for (int i = 0; i < state.partners_size() && i < 3; ++i) {
    const auto& saved = state.partners(i);
    auto& p = e.members_[all_seats[static_cast<std::size_t>(i)]];
    p.present = saved.present();
    p.ready = saved.ready();
    p.left = saved.left();
    p.name = saved.name();
    if (saved.has_check_in()) p.check_in = saved.check_in();
    p.key_commitment = saved.key_commitment();
    p.public_key = saved.public_key();
    p.link =
        p.present ? (saved.link() == v1::LINK_OVERDUE ? v1::LINK_OVERDUE : v1::LINK_DROPPED) : v1::LINK_UNSPECIFIED;
  }
  if (auto away = e.someone_away(); away && e.member(other_partner(*away)).present) e.pause_for_absence(*away);
  return e;
}

}  // namespace heard
