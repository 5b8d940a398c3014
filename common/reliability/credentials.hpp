#pragma once

#include <string>
#include <string_view>

namespace heard {

/// A seat's resume token and its rotation. Each resume replaces the token;
/// the one it replaced stays good until the new connection proves, by
/// sending anything, that its Welcome (with the new token) arrived -
/// otherwise a Welcome lost on the way would strand the client. Of two
/// resumes racing with one token, the first rotates it and the second finds
/// it dead. Pure; tokens come from the caller's CSPRNG.
class credentials {
 public:
  enum class match { none, current, previous };

  /// The first token, when the seat is taken.
  void issue(std::string token);
  /// Which token `presented` is (compared in constant time).
  match check(std::string_view presented) const;
  /// A resume with the token `used` (not none): `fresh` becomes current; the
  /// replaced token stays good until confirm().
  void rotate(std::string fresh, match used);
  /// The resumed connection spoke: the previous token dies.
  void confirm();
  /// The seat was given up (left): no token works any more.
  void revoke();

  const std::string& current() const { return current_; }
  bool active() const { return !current_.empty(); }

 private:
  std::string current_;
  std::string previous_;
  bool confirmed_ = true;
};

}  // namespace heard
