// End to end (docs/privacy.md): this seat's keys, the exchange that runs on
// every snapshot, the words sealed just before they go on the wire, and
// every box opened (and checked) before anything reaches a screen. The
// outbox and the state file keep this person's own words in the clear, on
// their own machine only.
#include <openssl/rand.h>

#include <boost/asio/dispatch.hpp>

#include "codec.hpp"
#include "conversation_history.hpp"
#include "session_client.hpp"
#include "text_check.hpp"

namespace heard::client {
namespace net = boost::asio;
namespace {

using sealed_format::content_kind;

void random_bytes(unsigned char* out, std::size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    // Without randomness nothing can be sealed safely; OpenSSL's generator
    // failing is not something to work around.
    throw std::runtime_error("the system's random generator failed");
  }
}

// The check-in as it is sealed for `reader`: the counselor reads the words
// only when the partner chose to share them.
std::string check_in_content(const v1::CheckIn& mine, v1::Seat reader) {
  v1::CheckIn c;
  c.set_felt_safe(mine.felt_safe());
  c.set_could_say_anything(mine.could_say_anything());
  c.set_partner_invested(mine.partner_invested());
  c.set_share_words(mine.share_words());
  if (reader != v1::SEAT_COUNSELOR || mine.share_words()) c.set_words(mine.words());
  return c.SerializeAsString();
}

}  // namespace

std::optional<std::string> session_client::outgoing_problem(const v1::ClientMessage& m) const {
  // Said once, up front, rather than a warning for every input that cannot be
  // sealed. A check-in still goes: the server learns only that it was answered.
  if (keys_ && keys_->state() == session_keys::status::broken && carries_plaintext(m) && !m.has_check_in()) {
    return "Not sent: the keys do not match, so nothing more is sealed. End the session and start a new one.";
  }
  const std::size_t turn_chars = view_.turn_chars();
  const std::size_t note_chars = view_.note_chars();
  auto message_of = [](std::optional<text_problem> p) -> std::optional<std::string> {
    if (p) return p->message;
    return std::nullopt;
  };
  auto problem = [&](std::string_view text, std::size_t max_chars) { return message_of(check_text(text, max_chars)); };
  switch (m.body_case()) {
    case v1::ClientMessage::kDraft: return problem(m.draft().text(), turn_chars);
    case v1::ClientMessage::kEndTurn:
      if (view_.snapshot.mode() == v1::MODE_SPOKEN) return std::nullopt;
      if (m.end_turn().text().empty()) return "There is nothing to send yet.";
      return problem(m.end_turn().text(), turn_chars);
    case v1::ClientMessage::kJudge: return problem(m.judge().missed(), turn_chars);
    case v1::ClientMessage::kCounsel:
      if (!m.counsel().has_note()) return std::nullopt;
      if (m.counsel().note().text().empty()) return "The note is empty.";
      return problem(m.counsel().note().text(), note_chars);
    case v1::ClientMessage::kCheckIn: return message_of(check_check_in(m.check_in(), note_chars));
    case v1::ClientMessage::kTopic: {
      auto p = problem(m.topic().text(), note_chars);
      return p ? std::optional<std::string>("Topic: " + *p) : std::nullopt;
    }
    default: return std::nullopt;
  }
}

void session_client::step_keys() {
  if (session_key_.empty() || view_.my_seat == v1::SEAT_UNSPECIFIED) return;
  if (!keys_) {
    if (kept_keys_) {
      keys_ = std::make_unique<session_keys>(session_key_, view_.my_seat, *kept_keys_, random_bytes);
      kept_keys_.reset();
    } else {
      keys_ = std::make_unique<session_keys>(session_key_, view_.my_seat, random_bytes);
    }
  }
  const auto before = keys_->state();
  auto send = keys_->step(view_.snapshot);
  view_.safety_code = keys_->safety_code();
  view_.key_holders = keys_->key_holders();
  view_.keys_compared = keys_->compared();
  view_.keys_problem = keys_->problem();
  if (send) pending_keys_ = std::move(send);
  if (keys_->state() == before) return;
  if (keys_->state() == session_keys::status::ready && !keys_->compared()) {
    notify(local_notice::kind::safety_code, view_.safety_code_sentence());
  } else if (keys_->state() == session_keys::status::broken) {
    notify(local_notice::kind::warning, view_.safety_code_sentence());
  }
}

void session_client::flush_keys() {
  send_topic();
  if (!pending_keys_) return;
  v1::ClientMessage m;
  *m.mutable_keys() = std::move(*pending_keys_);
  pending_keys_.reset();
  // On disk before it goes: a restart must reveal the key it committed to.
  save_state();
  flush_state();
  send_input(std::move(m));
}

// The creator's topic goes once every key is in, sealed to all (the server
// never has it); until the snapshot says it was given, it waits in the
// state file.
void session_client::send_topic() {
  if (pending_topic_.empty() || topic_sent_) return;
  if (view_.snapshot.topic_given()) return pending_topic_.clear();
  if (view_.my_seat != creator_seat(view_.snapshot.guided()) || !keys_ || keys_->state() != session_keys::status::ready)
    return;
  topic_sent_ = true;
  v1::ClientMessage m;
  m.mutable_topic()->set_text(pending_topic_);
  send_input(std::move(m));
}

void session_client::mark_compared() {
  net::dispatch(ioc_, [self = shared_from_this()] {
    if (!self->keys_ || self->keys_->state() != session_keys::status::ready) return;
    self->keys_->mark_compared();
    self->view_.keys_compared = true;
    self->save_state();
  });
}

void session_client::save_keys(v1::ClientState& state) const {
  if (!keys_ && !kept_keys_) return;
  const auto kept = keys_ ? keys_->save() : *kept_keys_;
  auto* k = state.mutable_keys();
  k->set_private_key(sealing::bytes_of(kept.private_key));
  k->set_revealed(kept.revealed);
  k->set_compared(kept.compared);
  for (const auto& [seat, commitment] : kept.locked) {
    auto* l = k->add_locked();
    l->set_seat(seat);
    l->set_commitment(sealing::bytes_of(commitment));
  }
}

void session_client::restore_keys(const v1::ClientState& state) {
  const auto key = sealing::key_from_bytes(state.keys().private_key());
  if (!state.has_keys() || !key) return;
  session_keys::saved kept;
  kept.private_key = *key;
  kept.revealed = state.keys().revealed();
  kept.compared = state.keys().compared();
  for (const auto& l : state.keys().locked()) {
    if (auto c = sealing::key_from_bytes(l.commitment())) kept.locked.emplace_back(l.seat(), *c);
  }
  kept_keys_ = kept;
}

bool session_client::seal_input(v1::ClientMessage& m) {
  auto seal = [&](content_kind kind, std::string& text, google::protobuf::RepeatedPtrField<v1::Sealed>* out) {
    out->Clear();
    const std::string plain = std::move(text);
    text.clear();  // never on the wire, whatever happens next
    if (!keys_) return false;
    auto boxes = keys_->seal(view_.snapshot, kind, m.input_id(), plain);
    if (!boxes) return false;
    for (auto& b : *boxes) *out->Add() = std::move(b);
    return true;
  };
  switch (m.body_case()) {
    case v1::ClientMessage::kDraft:
      return seal(content_kind::draft, *m.mutable_draft()->mutable_text(), m.mutable_draft()->mutable_sealed());
    case v1::ClientMessage::kEndTurn:
      if (view_.snapshot.mode() == v1::MODE_SPOKEN) {
        m.mutable_end_turn()->clear_text();
        return true;
      }
      return seal(content_kind::turn, *m.mutable_end_turn()->mutable_text(), m.mutable_end_turn()->mutable_sealed());
    case v1::ClientMessage::kJudge:
      if (m.judge().missed().empty()) return true;
      return seal(content_kind::missed, *m.mutable_judge()->mutable_missed(), m.mutable_judge()->mutable_sealed());
    case v1::ClientMessage::kTopic:
      return seal(content_kind::topic, *m.mutable_topic()->mutable_text(), m.mutable_topic()->mutable_sealed());
    case v1::ClientMessage::kCounsel:
      if (!m.counsel().has_note()) return true;
      return seal(content_kind::note, *m.mutable_counsel()->mutable_note()->mutable_text(),
                  m.mutable_counsel()->mutable_note()->mutable_sealed());
    case v1::ClientMessage::kCheckIn: {
      v1::CheckIn mine = m.check_in();
      m.clear_check_in();
      auto* c = m.mutable_check_in();
      // Keys never arrived (the session ended before they did): the server
      // learns only that this partner answered.
      if (!keys_ || keys_->state() != session_keys::status::ready) return true;
      for (v1::Seat reader : keys_->key_holders()) {
        if (!member_of(view_.snapshot, reader).present()) continue;
        auto boxes = keys_->seal(view_.snapshot, content_kind::check_in, m.input_id(), check_in_content(mine, reader));
        if (!boxes) return false;
        for (auto& b : *boxes) {
          if (b.to() == reader) *c->add_sealed() = std::move(b);
        }
      }
      return true;
    }
    default: return true;
  }
}

// Opens one box into `text`; false (and a warning) when it may not be shown.
bool session_client::open_box(v1::Seat sender, content_kind kind, const v1::Sealed& box, std::string& text,
                              session_keys::order where) {
  const std::string who = seat_name(view_.snapshot, view_.my_seat, sender, seat_naming::sentence);
  if (!keys_) {
    notify(local_notice::kind::warning, "Words from " + who + " arrived before the keys; they are not shown.");
    return false;
  }
  auto o = keys_->open(sender, kind, box, where);
  if (!o.content) {
    std::string why;
    switch (o.why) {
      case session_keys::refusal::replayed: why = "it came again or out of order"; break;
      case session_keys::refusal::not_ready: why = "the keys are not in place"; break;
      default: why = "it was changed on the way or sealed for someone else"; break;
    }
    notify(local_notice::kind::warning, "Not shown: words from " + who + " failed their seal check (" + why +
                                            "). The server may be tampering; nothing in them was read.");
    return false;
  }
  text = std::move(*o.content);
  return true;
}

// The receiver checks again what the sender should have: valid UTF-8, no
// control characters, within the length limits.
bool session_client::open_text(v1::Seat sender, content_kind kind, const v1::Sealed& box, std::string& text,
                               session_keys::order where) {
  if (!open_box(sender, kind, box, text, where)) return false;
  if (auto p = check_text(text, kind == content_kind::note ? view_.note_chars() : view_.turn_chars())) {
    text.clear();
    notify(local_notice::kind::warning, "Not shown: words from " +
                                            seat_name(view_.snapshot, view_.my_seat, sender, seat_naming::sentence) +
                                            " broke the text rules (" + p->message + ")");
    return false;
  }
  return true;
}

bool session_client::open_check_ins(v1::CheckInResults& results, session_keys::order where) {
  bool all = true;
  for (auto& answer : *results.mutable_answers()) {
    if (!answer.answered() || !answer.has_sealed()) continue;
    std::string bytes;
    v1::CheckIn opened;
    if (!open_box(answer.seat(), content_kind::check_in, answer.sealed(), bytes, where) ||
        !opened.ParseFromString(bytes) || check_check_in(opened, view_.note_chars())) {
      answer.clear_answers();
      answer.set_answered(false);
      all = false;
      continue;
    }
    *answer.mutable_answers() = std::move(opened);
  }
  return all;
}

bool session_client::open_event(v1::ServerMessage& m) {
  // Words come only out of boxes: whatever a server put in a text field is
  // dropped unread.
  switch (m.body_case()) {
    case v1::ServerMessage::kDraftUpdate: m.mutable_draft_update()->clear_text(); break;
    case v1::ServerMessage::kTurn: m.mutable_turn()->clear_text(); break;
    case v1::ServerMessage::kJudged: m.mutable_judged()->clear_missed(); break;
    case v1::ServerMessage::kGuidance: m.mutable_guidance()->clear_text(); break;
    case v1::ServerMessage::kTopicSet: m.mutable_topic_set()->clear_text(); break;
    case v1::ServerMessage::kCheckInResults:
      for (auto& a : *m.mutable_check_in_results()->mutable_answers()) a.clear_answers();
      break;
    case v1::ServerMessage::kSummary:
      for (auto& a : *m.mutable_summary()->mutable_check_ins()->mutable_answers()) a.clear_answers();
      break;
    default: break;
  }
  switch (m.body_case()) {
    case v1::ServerMessage::kDraftUpdate: {
      auto& d = *m.mutable_draft_update();
      if (!d.has_sealed()) return true;
      return open_text(d.author(), content_kind::draft, d.sealed(), *d.mutable_text());
    }
    case v1::ServerMessage::kTurn: {
      auto& t = *m.mutable_turn();
      if (!t.has_sealed()) return true;
      // A floor ended by its time or the counselor: its last draft, seen before.
      const bool last_draft = t.timed_out() || t.moved_on();
      return open_text(t.author(), last_draft ? content_kind::draft : content_kind::turn, t.sealed(), *t.mutable_text(),
                       last_draft ? session_keys::order::last_again : session_keys::order::next);
    }
    case v1::ServerMessage::kJudged: {
      auto& j = *m.mutable_judged();
      if (!j.has_sealed()) return true;
      return open_text(j.by(), content_kind::missed, j.sealed(), *j.mutable_missed());
    }
    case v1::ServerMessage::kGuidance: {
      auto& g = *m.mutable_guidance();
      if (!g.has_sealed()) return false;  // a note is words or nothing
      return open_text(v1::SEAT_COUNSELOR, content_kind::note, g.sealed(), *g.mutable_text());
    }
    case v1::ServerMessage::kCheckInResults:
      open_check_ins(*m.mutable_check_in_results(), session_keys::order::next);
      return true;  // the results end the session: shown, with what failed as unanswered
    case v1::ServerMessage::kSummary:
      // The same boxes as the counselor's CheckInResults: seen once already.
      open_check_ins(*m.mutable_summary()->mutable_check_ins(), session_keys::order::last_again);
      m.mutable_summary()->set_topic(view_.topic);
      return true;
    case v1::ServerMessage::kTopicSet: return open_topic(*m.mutable_topic_set());
    case v1::ServerMessage::kStateChanged:
      m.mutable_state_changed()->mutable_snapshot()->set_topic(view_.topic);  // the view's, as opened
      return true;
    default: return true;
  }
}

bool session_client::open_topic(v1::TopicSet& t) {
  t.clear_text();
  // Given once and shown again with every Welcome: no place in the order.
  if (!t.has_sealed() ||
      !open_text(t.from(), content_kind::topic, t.sealed(), *t.mutable_text(), session_keys::order::any)) {
    return false;
  }
  view_.topic = t.text();
  view_.snapshot.set_topic(view_.topic);
  return true;
}

void session_client::open_welcome(v1::Welcome& w) {
  if (w.has_topic() && !open_topic(*w.mutable_topic())) w.clear_topic();
  w.mutable_snapshot()->set_topic(view_.topic);
  if (!w.history_sent()) return;
  if (keys_) keys_->restart_order();  // the conversation is shown afresh, oldest first
  auto* history = w.mutable_history();
  for (int i = 0; i < history->size();) {
    v1::ServerMessage as_event = message_of(history->Get(i));
    if (!open_event(as_event)) {
      history->DeleteSubrange(i, 1);
      continue;
    }
    auto& entry = *history->Mutable(i);
    switch (as_event.body_case()) {
      case v1::ServerMessage::kTurn: *entry.mutable_turn() = as_event.turn(); break;
      case v1::ServerMessage::kJudged: *entry.mutable_judged() = as_event.judged(); break;
      case v1::ServerMessage::kGuidance: *entry.mutable_guidance() = as_event.guidance(); break;
      case v1::ServerMessage::kCheckInResults: *entry.mutable_check_in_results() = as_event.check_in_results(); break;
      case v1::ServerMessage::kSummary: *entry.mutable_summary() = as_event.summary(); break;
      default: break;
    }
    ++i;
  }
  if (w.has_draft()) {
    auto& d = *w.mutable_draft();
    d.clear_text();
    if (!d.has_sealed() || !open_text(d.author(), content_kind::draft, d.sealed(), *d.mutable_text())) w.clear_draft();
  }
}

}  // namespace heard::client
