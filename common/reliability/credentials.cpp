#include "credentials.hpp"

namespace heard {
namespace {

// Constant time in the token's content, so a guess cannot be refined by timing.
bool same_token(std::string_view a, std::string_view b) {
  if (a.empty() || a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

void credentials::issue(std::string token) {
  current_ = std::move(token);
  previous_.clear();
  confirmed_ = true;
}

credentials::match credentials::check(std::string_view presented) const {
  if (same_token(current_, presented)) return match::current;
  if (!confirmed_ && same_token(previous_, presented)) return match::previous;
  return match::none;
}

void credentials::rotate(std::string fresh, match used) {
  if (used == match::none) return;
  // Resuming with the previous token again (the Welcome was lost twice)
  // keeps that token as the fallback; the unconfirmed current one dies.
  if (used == match::current) previous_ = current_;
  current_ = std::move(fresh);
  confirmed_ = false;
}

void credentials::confirm() {
  confirmed_ = true;
  previous_.clear();
}

void credentials::revoke() {
  current_.clear();
  previous_.clear();
  confirmed_ = true;
}

}  // namespace heard
