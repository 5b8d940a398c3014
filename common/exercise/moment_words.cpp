#include "moment_words.hpp"

#include "seat.hpp"
#include "turn_rules.hpp"

namespace heard {

std::string capitalized(std::string text) {
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') text.front() = static_cast<char>(text.front() - 32);
  return text;
}

namespace {

std::string guide_headline(const v1::Snapshot& s) {
  const auto name = [&](v1::Seat seat) { return seat_name(s, v1::SEAT_COUNSELOR, seat, seat_naming::sentence); };
  const std::string a = name(v1::SEAT_A), b = name(v1::SEAT_B);
  const std::string speaker = name(s.speaker()), listener = name(other_partner(s.speaker()));
  if (s.held() && (is_exercise_phase(s.phase()) || s.phase() == v1::PHASE_READY)) return "You paused the exercise.";
  switch (s.phase()) {
    case v1::PHASE_WAITING_FOR_PARTNER:
      return everyone_here(s) ? "Everyone is here; exchanging keys, so only the three of you can read what is said."
                              : "Waiting for the partners.";
    case v1::PHASE_READY: {
      // Who has said now is a good time: the counselor starts when both have.
      const bool a_ready = member_of(s, v1::SEAT_A).ready(), b_ready = member_of(s, v1::SEAT_B).ready();
      const std::string readiness = a_ready && b_ready ? "Both are ready."
                                    : a_ready          ? a + " is ready; " + b + " not yet."
                                    : b_ready          ? b + " is ready; " + a + " not yet."
                                                       : "Neither has said they are ready yet.";
      return "Both partners are here. " + speaker + " speaks first. " + readiness;
    }
    case v1::PHASE_SPEAKING: return capitalized(speaker) + " is speaking; " + listener + " listens.";
    case v1::PHASE_PARAPHRASING: return capitalized(listener) + " is saying back what they heard.";
    case v1::PHASE_CONFIRMING: return capitalized(speaker) + " is deciding whether " + listener + " heard them.";
    case v1::PHASE_PAUSED:
      if (s.pause_reason() == v1::PAUSE_REASON_PARTNER_AWAY) {
        return capitalized(name(s.paused_by())) + "'s connection dropped - waiting for them.";
      }
      return "Time-out called by " + name(s.paused_by()) + ".";
    case v1::PHASE_CHECK_IN: return "The partners are checking in.";
    case v1::PHASE_ENDED:
      return s.round() == 0 ? "The session ended before it began." : "The session is over. The summary is below.";
    default: return a + " and " + b;
  }
}

}  // namespace

std::string headline(const v1::Snapshot& s, v1::Seat me) {
  if (me == v1::SEAT_COUNSELOR) return guide_headline(s);
  const std::string partner = seat_name(s, me, other_partner(me), seat_naming::sentence);
  const std::string Partner = capitalized(partner);
  const bool spoken = s.mode() == v1::MODE_SPOKEN;
  if (s.held() && is_exercise_phase(s.phase())) return "Your counselor has paused the exercise for a moment.";
  switch (s.phase()) {
    case v1::PHASE_WAITING_FOR_PARTNER:
      // The last moment before READY: everyone is here, the keys are on their way.
      if (everyone_here(s)) {
        return "Everyone is here; exchanging keys, so only " +
               std::string(s.guided() ? "the three of you" : "the two of you") + " can read what is said.";
      }
      // In a guided session the counselor gave out the codes; a partner has none to give.
      if (s.guided()) {
        return "Waiting for your partner to join. " +
               capitalized(seat_name(s, me, v1::SEAT_COUNSELOR, seat_naming::sentence)) + " gave them their code.";
      }
      return "Waiting for your partner to join.";
    case v1::PHASE_READY:
      if (!member_of(s, me).ready()) return "Is now a good time for you?";
      if (member_of(s, other_partner(me)).ready() && member_of(s, v1::SEAT_COUNSELOR).present()) {
        return "You are both ready; " + seat_name(s, me, v1::SEAT_COUNSELOR, seat_naming::sentence) +
               " begins the first round.";
      }
      return "Waiting for " + partner + " to say now is a good time.";
    case v1::PHASE_SPEAKING:
      if (spoken) {
        // One person talks (on the phone, in the room); Heard holds the floor.
        if (s.speaker() == me) return "Your turn: talk to " + partner + " out loud.";
        return Partner + " is talking - listen. You'll say it back out loud when " + partner + " is done.";
      }
      if (s.speaker() == me) return "Your turn to speak. " + Partner + " is listening.";
      return Partner + " is speaking - listen. You'll say it back when " + partner + " is done.";
    case v1::PHASE_PARAPHRASING:
      if (s.speaker() != me) {
        return spoken ? "Your turn: say back out loud what you heard, in your own words."
                      : "Your turn: say back what you heard, in your own words.";
      }
      return Partner + " is saying back what they heard.";
    case v1::PHASE_CONFIRMING:
      if (s.speaker() == me) return "Was that what you meant? Accurate, there is more, or not quite?";
      return "Waiting for " + partner + " to confirm.";
    case v1::PHASE_PAUSED:
      if (s.pause_reason() == v1::PAUSE_REASON_PARTNER_AWAY) {
        if (member_of(s, other_partner(me)).link() == v1::LINK_OVERDUE) {
          return Partner + " has been away a long time. Keep waiting, or end the session.";
        }
        return Partner + "'s connection dropped - waiting for them to come back.";
      }
      if (s.paused_by() == me) return "Paused by you - resume when you're ready.";
      return "Paused by " + partner + " - they will resume when they are ready.";
    case v1::PHASE_CHECK_IN: {
      if (member_of(s, me).checked_in()) return "Thank you. Waiting for " + partner + "'s check-in.";
      const std::string who_ended = ended_sentence(s, me);
      return (who_ended.empty() ? std::string("The session has ended.") : who_ended) + " A short check-in:";
    }
    case v1::PHASE_ENDED:
      if (s.round() == 0) return "The session ended before it began.";
      return "The session is over. Thank you for listening to each other.";
    default: return "Connecting...";
  }
}

std::string ended_sentence(const v1::Snapshot& s, v1::Seat me) {
  const bool over = s.phase() == v1::PHASE_CHECK_IN || s.phase() == v1::PHASE_ENDED;
  if (!over || s.ended_by() == v1::SEAT_UNSPECIFIED) return {};
  if (s.ended_by() == me) return "You ended the session.";
  const std::string who = capitalized(seat_name(s, me, s.ended_by(), seat_naming::sentence));
  // Leaving takes the seat away; EndSession leaves it for the check-in.
  return who + (member_of(s, s.ended_by()).present() ? " ended the session." : " left the session.");
}

std::string guide_left_sentence(const v1::Snapshot& s, v1::Seat me) {
  if (!s.guided() || me == v1::SEAT_COUNSELOR) return {};
  const auto& guide = member_of(s, v1::SEAT_COUNSELOR);
  // Present once joined; a counselor who left is no longer present but has a seat record with a name.
  if (guide.present() || guide.seat() != v1::SEAT_COUNSELOR) return {};
  return capitalized(seat_name(s, me, v1::SEAT_COUNSELOR, seat_naming::sentence)) +
         " has left. The two of you go on by yourselves: " +
         (s.phase() == v1::PHASE_READY ? "say when now is a good time, and the first round begins."
                                       : "the floor works as before.");
}

void describe_for(v1::Snapshot& s, v1::Seat seat) {
  const moment now = moment_of(s, seat);
  auto* you = s.mutable_you();
  you->Clear();
  you->set_seat(seat);
  for (std::size_t i = 0; i < act_count; ++i) {
    // Act numbers are the act enum's, one up (0 is unspecified on the wire).
    if (now.may(static_cast<act>(i))) you->add_allowed(static_cast<v1::Act>(i + 1));
  }
  you->set_writes(now.writes);
  you->set_headline(headline(s, seat));
  you->set_aside(guide_left_sentence(s, seat));
}

}  // namespace heard
