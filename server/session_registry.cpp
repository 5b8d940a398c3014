#include "session_registry.hpp"

#include <vector>

#include "client_connection.hpp"
#include "invite_code.hpp"
#include "secure_random.hpp"

namespace heard::server {

session_registry::session_registry(boost::asio::io_context& ioc, const server_config& config, server_stats& stats,
                                   logger& log)
    : ioc_(ioc), config_(config), stats_(stats), log_(log) {}

std::optional<session_registry::created> session_registry::create(const exercise_settings& settings,
                                                                  clock::time_point now) {
  const std::string id = to_hex(secure_random_bytes(16));
  auto session = std::make_shared<relay_session>(
      ioc_, id, settings, config_, stats_, log_, [this](const std::string& ended_id) { remove(ended_id); });

  std::lock_guard lock(mutex_);
  if (sessions_.size() >= config_.max_sessions) {
    ++stats_.sessions_refused_capacity;
    return std::nullopt;
  }
  std::string code;
  do {
    code = generate_invite_code();
  } while (invites_.count(*normalize_invite_code(code)) != 0);  // 2^60 codes: a repeat is near impossible
  invites_.emplace(*normalize_invite_code(code), invite{session, now + config_.invite_ttl});
  sessions_.emplace(id, session);
  ++stats_.sessions_created;
  return created{std::move(session), std::move(code)};
}

std::shared_ptr<relay_session> session_registry::claim(std::string_view canonical_code, clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = invites_.find(std::string(canonical_code));
  if (it == invites_.end()) return nullptr;
  invite found = it->second;
  invites_.erase(it);  // single use, whatever happens next
  if (found.expires_at <= now) return nullptr;
  auto session = found.session.lock();
  if (session) ++stats_.sessions_paired;
  return session;
}

void session_registry::sweep(clock::time_point now) {
  std::vector<std::shared_ptr<relay_session>> expired;
  {
    std::lock_guard lock(mutex_);
    for (auto it = invites_.begin(); it != invites_.end();) {
      if (it->second.expires_at <= now) {
        if (auto s = it->second.session.lock()) expired.push_back(std::move(s));
        it = invites_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& s : expired) s->expire_invite();
}

void session_registry::remove(const std::string& session_id) {
  std::shared_ptr<relay_session> doomed;  // destroyed outside the lock
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return;
  doomed = std::move(it->second);
  sessions_.erase(it);
}

std::size_t session_registry::live_sessions() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

bool session_registry::serves_target(std::string_view target) const {
  if (target.substr(0, sessions_prefix.size()) != sessions_prefix) return false;
  const auto rest = target.substr(sessions_prefix.size());
  // Whether a code is right is answered inside the protocol, the same way for
  // every wrong code; here only the shape of the path is checked.
  return !rest.empty() && rest.size() <= 64 && rest.find('/') == std::string_view::npos;
}

std::shared_ptr<link_handler> session_registry::on_open(std::shared_ptr<link> link, std::string_view target) {
  return std::make_shared<client_connection>(*this, std::move(link), std::string(target.substr(sessions_prefix.size())),
                                             config_, stats_, log_);
}

}  // namespace heard::server
