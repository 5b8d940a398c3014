#include "session_registry.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <vector>

#include "client_connection.hpp"
#include "invite_code.hpp"
#include "private_file.hpp"
#include "secure_random.hpp"
#include "session_target.hpp"

namespace heard::server {

session_registry::session_registry(boost::asio::io_context& ioc, const server_config& config, server_stats& stats,
                                   logger& log)
    : ioc_(ioc), config_(config), stats_(stats), log_(log) {}

std::shared_ptr<relay_session> session_registry::make_session(std::string id, const exercise_settings& settings) {
  return std::make_shared<relay_session>(ioc_, std::move(id), settings, config_, stats_, log_,
                                         [this](const std::string& ended_id) { remove(ended_id); });
}

std::optional<session_registry::created> session_registry::create(const exercise_settings& settings,
                                                                  std::string_view route, clock::time_point now) {
  auto session = make_session(std::string(route) + to_hex(secure_random_bytes(16)), settings);

  std::lock_guard lock(mutex_);
  if (stopping_) return std::nullopt;
  if (sessions_.size() >= config_.max_sessions) {
    ++stats_.sessions_refused_capacity;
    return std::nullopt;
  }
  const auto expires_at = now + config_.invite_ttl;
  created out;
  if (settings.guided) {
    out.invite_code = add_invite(session, v1::SEAT_A, expires_at);
    out.invite_code_b = add_invite(session, v1::SEAT_B, expires_at);
  } else {
    out.invite_code = add_invite(session, v1::SEAT_B, expires_at);
  }
  sessions_.emplace(session->id(), session);
  ++stats_.sessions_created;
  out.session = std::move(session);
  return out;
}

std::string session_registry::add_invite(const std::shared_ptr<relay_session>& session, v1::Seat seat,
                                         clock::time_point expires_at) {
  const auto route = route_of(session->id());
  std::string code;
  do {
    code = invite_code_from_random(route, secure_random_bytes(invite_secret_random_bytes));
  } while (invites_.count(*normalize_invite_code(code)) != 0);  // 2^40 per route: a repeat is near impossible
  const std::string canonical = *normalize_invite_code(code);
  invites_.emplace(canonical, invite{session, expires_at, code, seat});
  routes_.emplace(std::string(route), canonical);
  return code;
}

void session_registry::erase_invite(const std::string& canonical) {
  invites_.erase(canonical);
  auto [first, last] = routes_.equal_range(std::string(route_of(canonical)));
  for (auto it = first; it != last; ++it) {
    if (it->second == canonical) {
      routes_.erase(it);
      return;
    }
  }
}

session_registry::claimed session_registry::claim(std::string_view canonical_code, std::string_view route,
                                                  clock::time_point now) {
  claimed out;
  if (route_of(canonical_code) != route) return out;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return out;  // the code stays good for after the restart
    const std::string canonical(canonical_code);
    if (auto it = invites_.find(canonical); it != invites_.end()) {
      invite found = it->second;
      erase_invite(canonical);  // single use, whatever happens next
      if (found.expires_at > now) {
        if (auto session = found.session.lock()) {
          ++stats_.sessions_paired;
          out = {std::move(session), found.seat};
        }
      }
      return out;
    }
    // A wrong code on a route with live codes counts against them.
    std::vector<std::string> spent;
    auto [first, last] = routes_.equal_range(std::string(route_of(canonical)));
    for (auto it = first; it != last; ++it) {
      auto& inv = invites_.at(it->second);
      if (++inv.wrong_attempts >= config_.max_wrong_attempts_per_code) spent.push_back(it->second);
    }
    for (const auto& code : spent) {
      const invite inv = invites_.at(code);
      erase_invite(code);
      ++stats_.codes_burned;
      if (auto session = inv.session.lock()) {
        // The creator gets a fresh code for the same seat, good for as long
        // as the old one had left. renew_invite only posts to the session.
        const auto left = inv.expires_at > now ? inv.expires_at - now : clock::duration::zero();
        session->renew_invite(inv.seat, add_invite(session, inv.seat, now + left));
      }
    }
  }
  return out;
}

bool session_registry::allow_join_attempt(const std::string& remote, clock::time_point now) {
  std::lock_guard lock(mutex_);
  const double per_minute = static_cast<double>(config_.max_joins_per_ip_per_minute);
  auto [it, fresh] = join_budgets_.try_emplace(remote, join_budget{rate_limiter(per_minute / 60.0, per_minute), now});
  it->second.last_used = now;
  return it->second.limiter.allow(now);
}

std::shared_ptr<relay_session> session_registry::find(std::string_view session_key, std::string_view route) const {
  // Behind a balancer, a resume on another route reaches another node, which
  // has no such session: answer the same here, so one node behaves as many.
  if (route_of(session_key) != route) return nullptr;
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(std::string(session_key));
  return it == sessions_.end() ? nullptr : it->second;
}

void session_registry::sweep(clock::time_point now) {
  std::vector<std::shared_ptr<relay_session>> expired;
  {
    std::lock_guard lock(mutex_);
    // An address idle for a minute has its whole budget back: forget it.
    std::erase_if(join_budgets_,
                  [&](const auto& entry) { return now - entry.second.last_used > std::chrono::minutes(1); });
    std::vector<std::string> gone;
    for (const auto& [code, inv] : invites_) {
      if (inv.expires_at > now) continue;
      gone.push_back(code);
      auto s = inv.session.lock();
      // A guided session's codes expire together; tell the counselor once.
      if (s && std::find(expired.begin(), expired.end(), s) == expired.end()) expired.push_back(std::move(s));
    }
    for (const auto& code : gone) erase_invite(code);
  }
  for (auto& s : expired) s->expire_invite();
}

bool session_registry::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void session_registry::shut_down() {
  std::vector<std::shared_ptr<relay_session>> all;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, s] : sessions_) all.push_back(s);
  }
  for (auto& s : all) s->shut_down();
}

std::size_t session_registry::save(const std::string& path) const {
  v1::SavedSessions saved;
  saved.set_saved_unix_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::unordered_multimap<const relay_session*, const invite*> invite_of;
  const auto now = clock::now();
  std::lock_guard lock(mutex_);
  for (const auto& [code, inv] : invites_) {
    if (auto s = inv.session.lock()) invite_of.emplace(s.get(), &inv);
  }
  for (const auto& [id, session] : sessions_) {
    if (session->ended()) continue;
    auto* state = saved.add_sessions();
    session->save(*state);
    // Only codes still unclaimed come back; keep what is left of their time,
    // measured on the wall clock.
    state->clear_invite_code();
    state->clear_invite_code_b();
    state->set_invite_expires_unix_ms(0);
    auto [first, last] = invite_of.equal_range(session.get());
    for (auto it = first; it != last; ++it) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(it->second->expires_at - now);
      state->set_invite_expires_unix_ms(saved.saved_unix_ms() + left.count());
      const bool second_code = session->guided() && it->second->seat == v1::SEAT_B;
      (second_code ? *state->mutable_invite_code_b() : *state->mutable_invite_code()) = it->second->display;
    }
  }
  // Content at rest: readable by the server's user only, replaced atomically.
  std::string error;
  if (!write_private_file(path, saved.SerializeAsString(), error)) {
    throw std::runtime_error("cannot write the session state file: " + error);
  }
  return static_cast<std::size_t>(saved.sessions_size());
}

std::size_t session_registry::restore(const std::string& path, clock::time_point now) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return 0;
  v1::SavedSessions saved;
  if (!saved.ParseFromIstream(&in)) throw std::runtime_error("the session state file " + path + " is damaged");
  in.close();
  const auto wall_now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::vector<std::shared_ptr<relay_session>> restored;
  std::vector<std::shared_ptr<relay_session>> expired;  // still waiting, with every code past its time
  {
    std::lock_guard lock(mutex_);
    for (const auto& state : saved.sessions()) {
      auto session = std::make_shared<relay_session>(ioc_, state, config_, stats_, log_,
                                                     [this](const std::string& ended_id) { remove(ended_id); });
      const bool guided = state.exercise().guided();
      if (state.exercise().phase() == v1::PHASE_WAITING_FOR_PARTNER && state.invite_expires_unix_ms() <= wall_now) {
        expired.push_back(session);  // its codes ran out while the server was down
      }
      for (const auto& [code, seat] : {std::pair{state.invite_code(), guided ? v1::SEAT_A : v1::SEAT_B},
                                       std::pair{state.invite_code_b(), v1::SEAT_B}}) {
        if (code.empty() || state.invite_expires_unix_ms() <= wall_now) continue;
        if (auto canonical = normalize_invite_code(code)) {
          const auto left = std::chrono::milliseconds(state.invite_expires_unix_ms() - wall_now);
          invites_.emplace(*canonical, invite{session, now + left, code, seat});
          routes_.emplace(std::string(route_of(*canonical)), *canonical);
        }
      }
      sessions_.emplace(state.id(), session);
      restored.push_back(std::move(session));
      ++stats_.sessions_restored;
    }
  }
  // Read once: a second start must not bring back sessions that have moved on.
  std::remove(path.c_str());
  for (auto& s : restored) s->start_restored();
  for (auto& s : expired) s->expire_invite();
  return restored.size();
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

bool session_registry::serves_target(std::string_view target) const { return parse_session_target(target).has_value(); }

std::shared_ptr<link_handler> session_registry::on_open(std::shared_ptr<link> link, std::string_view target) {
  auto route = parse_session_target(target);
  if (!route) return nullptr;  // serves_target() said yes first; only a bug gets here
  return std::make_shared<client_connection>(*this, std::move(link), std::move(*route), config_, stats_, log_);
}

}  // namespace heard::server
