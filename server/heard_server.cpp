#include "heard_server.hpp"

#include <boost/asio/post.hpp>

#include <cstdio>
#include <stdexcept>

#include "private_file.hpp"
#include "process_limits.hpp"
#include "tls_context.hpp"

namespace heard::server {
namespace net = boost::asio;

heard_server::heard_server(server_config config, std::ostream& log_out)
    : config_(std::move(config)),
      log_(config_.level, log_out),
      accounting_(stats_, log_),
      admission_(config_.max_connections, config_.max_connections_per_ip),
      ioc_(static_cast<int>(config_.effective_io_threads())),
      registry_(ioc_, config_, stats_, log_),
      upgrade_policy_(config_.allowed_origins, registry_),
      transport_(ioc_, {ws_link_options::from(config_), upgrade_policy_, admission_, accounting_, registry_}),
      listener_(ioc_, stats_, log_, config_.accept_backoff_min, config_.accept_backoff_max,
                [this](boost::asio::ip::tcp::socket socket) { transport_.accept(std::move(socket)); }),
      control_(net::make_strand(ioc_)),
      sweep_timer_(control_),
      grace_timer_(control_) {}

heard_server::~heard_server() = default;

std::uint16_t heard_server::start() {
  if (!config_.state_file.empty()) {
    // Found out now, not at the first restart when the sessions would be lost.
    std::string error;
    const std::string probe = config_.state_file + ".probe";
    if (!write_private_file(probe, "", error)) {
      throw std::runtime_error("cannot write the state file next to " + config_.state_file + ": " + error +
                               " (choose a --state-file in a folder that exists and is writable)");
    }
    std::remove(probe.c_str());
    const auto restored = registry_.restore(config_.state_file, session_registry::clock::now());
    if (restored > 0) log_.write(log_level::info, "event=sessions_restored count=", restored);
  }
  const auto files = raise_open_file_limit();
  log_.write(log_level::info, "event=open_files limit=", files.now, " was=", files.before);
  // Each connection holds one descriptor; a few more are the process's own.
  constexpr std::uint64_t own_descriptors = 64;
  if (files.now < config_.max_connections + own_descriptors) {
    log_.write(log_level::warn, "event=open_files_low limit=", files.now, " max_connections=", config_.max_connections,
               " note=\"past about ", files.now > own_descriptors ? files.now - own_descriptors : 0,
               " connections, new ones wait until a descriptor frees up; raise the hard limit (LimitNOFILE)\"");
  }
  configure_server_tls(transport_.tls_context(), config_.cert_file, config_.key_file);
  const auto port = listener_.start(config_.listen_addresses, config_.port);
  net::post(control_, [this] { schedule_sweep(); });
  log_.write(log_level::info, "event=listening endpoints=\"", listener_.describe(),
             "\" threads=", config_.effective_io_threads());
  return port;
}

void heard_server::schedule_sweep() {
  if (stopping_) return;
  sweep_timer_.expires_after(config_.invite_sweep_interval);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    registry_.sweep(session_registry::clock::now());
    schedule_sweep();
  });
}

void heard_server::run() {
  std::vector<std::thread> threads;
  const unsigned extra = config_.effective_io_threads() - 1;
  threads.reserve(extra);
  for (unsigned i = 0; i < extra; ++i) threads.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& t : threads) t.join();
  if (stopping_ && !config_.state_file.empty()) {
    // Nothing runs now, so the sessions can be read without their strands.
    try {
      const auto saved = registry_.save(config_.state_file);
      log_.write(log_level::info, "event=sessions_saved count=", saved);
    } catch (const std::exception& e) {
      // The folder went away or the disk filled since the start: say so and
      // let main() exit non-zero; nothing may unwind through the threads.
      save_error_ = e.what();
      log_.write(log_level::error, "event=sessions_not_saved error=\"", save_error_, "\"");
    }
  }
  log_.write(log_level::info, "event=stopped ", stats_.describe());
}

void heard_server::stop() {
  net::post(control_, [this] {
    if (stopping_) return;
    stopping_ = true;
    log_.write(log_level::info, "event=stopping");
    sweep_timer_.cancel();
    listener_.stop();
    registry_.shut_down();
    // Clients reconnect by themselves; with a state file their sessions are
    // still here when they do.
    transport_.stop(config_.state_file.empty() ? "server shutting down" : "server restarting");
    // Closing handshakes normally finish in a round trip; a peer that never
    // answers must not hold the process.
    grace_deadline_ = std::chrono::steady_clock::now() + config_.shutdown_grace;
    wait_for_links_to_close();
  });
}

void heard_server::wait_for_links_to_close() {
  if (stats_.connections_open.load() == 0) return;  // nothing left: run() returns by itself
  if (std::chrono::steady_clock::now() >= grace_deadline_) {
    log_.write(log_level::warn, "event=shutdown_forced connections_open=", stats_.connections_open.load());
    ioc_.stop();
    return;
  }
  grace_timer_.expires_after(shutdown_poll_interval);
  grace_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) wait_for_links_to_close();
  });
}

}  // namespace heard::server
