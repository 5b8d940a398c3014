// The state file: what a restarted `heard` needs to take its seat back, and
// the words a person wrote, saved where they can find them when the session
// cannot go on. Written privately and atomically (common/private_file).
#include "session_client.hpp"

#include <ctime>
#include <filesystem>

#include "private_file.hpp"
#include "saved_seats.hpp"

namespace heard::client {

std::string session_client::state_path() const {
  if (!options_.state_file.empty()) return options_.state_file;
  if (options_.state_dir.empty() || session_key_.empty()) return {};
  const char letter = view_.my_seat == v1::SEAT_A ? 'a' : view_.my_seat == v1::SEAT_B ? 'b' : 'c';
  return seat_state_path(options_.state_dir, session_key_, letter);
}

void session_client::flush_state() {
  if (writer_) writer_->flush();
}

// Built on the client's thread (cheap), written on the writer's: the network
// thread never waits for the disk.
void session_client::save_state() {
  const std::string path = state_path();
  if (path.empty() || resume_token_.empty()) return;
  v1::ClientState state;
  state.set_server_host(options_.server.host);
  state.set_server_port(options_.server.port);
  state.set_session_key(session_key_);
  state.set_resume_token(resume_token_);
  state.set_seat(view_.my_seat);
  state.set_last_seq(events_.last());
  // Written a moment after inputs go out, so the numbering saved runs ahead
  // of what this process may still use before its next save: a restart must
  // never reuse an input id the server has seen (it would take the new input
  // for a repeat and drop it). Gaps in the numbering are fine.
  state.set_next_input_id(inputs_.last_id() + 1 + input_id_reserve);
  for (const auto& kept : inputs_.entries()) state.add_unacked(kept.item.SerializeAsString());
  state.set_draft(view_.my_draft);
  state.set_draft_key(draft_key_);
  state.set_invite_code(view_.invite_code.empty() ? join_code_ : view_.invite_code);
  state.set_name(options_.name);
  state.set_ca_file(options_.tls.ca_file);
  for (const auto& w : my_words_) state.add_my_words(w);
  *state.mutable_snapshot() = view_.snapshot;
  save_keys(state);
  state.set_pending_topic(pending_topic_);
  state.set_topic(view_.topic);
  state.set_saved_unix_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  if (!writer_) writer_ = std::make_unique<state_file_writer>(options_.state_write_interval);
  writer_->write(path, state.SerializeAsString());
}

void session_client::forget_state() {
  const std::string path = state_path();
  if (path.empty()) return;
  if (!writer_) writer_ = std::make_unique<state_file_writer>(options_.state_write_interval);
  writer_->remove(path);
  writer_->flush();  // the seat is over: no later start may find it
}

std::string session_client::save_my_words() const {
  std::vector<std::string> words = my_words_;
  if (!view_.my_draft.empty()) words.push_back(view_.my_draft + "  (unfinished)");
  if (words.empty()) return {};
  const auto dir = !options_.state_file.empty()  ? std::filesystem::path(options_.state_file).parent_path()
                   : !options_.state_dir.empty() ? std::filesystem::path(options_.state_dir)
                                                 : std::filesystem::temp_directory_path();
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  std::string text = "What you wrote in your Heard session (the server lost the session):\n\n";
  for (const auto& w : words) text += w + "\n\n";
  // Never over another file: two people on one account lose a session in the same second.
  std::string error;
  return write_new_private_file((dir / ("heard-words-" + std::string(stamp))).string(), ".txt", text, error, true);
}

}  // namespace heard::client
