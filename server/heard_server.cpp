#include "heard_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <cstdio>
#include <stdexcept>

#include "admin_listener.hpp"
#include "listener.hpp"
#include "private_file.hpp"
#include "process_limits.hpp"
#include "session_registry.hpp"
#include "tls_context.hpp"
#include "tls_transport.hpp"
#include "upgrade_policy.hpp"

namespace heard::server {
namespace net = boost::asio;

// Everything bound to the io_context, in the order it must be destroyed in
// reverse: the I/O objects first, the io_context (and the handlers still
// queued in it) last. heard_server destroys all of it before its own members.
struct heard_server::io_parts {
  io_parts(heard_server& server, const server_config& config)
      : ioc(static_cast<int>(config.effective_io_threads())),
        registry(ioc, config, server.stats_, server.log_),
        web(config.web_root.empty()
                ? nullptr
                : std::make_unique<web_assets>(web_assets::load(config.web_root, config.max_web_bytes))),
        policy(config.allowed_origins, registry, web.get()),
        transport(ioc, {ws_link_options::from(config), policy, server.admission_, server.accounting_, registry}),
        listener(ioc, server.stats_, server.log_, config.accept_backoff_min, config.accept_backoff_max,
                 [this](net::ip::tcp::socket socket) { transport.accept(std::move(socket)); }),
        admin(ioc, config, server.stats_, server.log_),
        control(net::make_strand(ioc)),
        sweep_timer(control),
        grace_timer(control) {}

  net::io_context ioc;
  session_registry registry;
  std::unique_ptr<const web_assets> web;  // the browser client's files; none without --web-root
  upgrade_policy policy;
  tls_transport transport;
  heard::server::listener listener;
  admin_listener admin;
  // The sweep, the shutdown and their timers share one strand: with several
  // I/O threads a sweep completing while stop() runs would otherwise re-arm
  // its timer after the cancel and keep run() from returning.
  net::strand<net::io_context::executor_type> control;
  net::steady_timer sweep_timer;
  net::steady_timer grace_timer;
};

heard_server::heard_server(server_config config, std::ostream& log_out)
    : config_(std::move(config)),
      log_(config_.level, log_out, config_.format),
      accounting_(stats_, log_),
      admission_(config_.max_connections, config_.max_connections_per_ip),
      heap_trim_(static_cast<std::int64_t>(config_.heap_trim_drop_connections)),
      io_(std::make_unique<io_parts>(*this, config_)) {}

heard_server::~heard_server() {
  // First, while stats_, log_, accounting_ and admission_ are certainly alive.
  io_.reset();
}

std::string heard_server::listening_on() const { return io_->listener.describe(); }

std::size_t heard_server::live_sessions() const { return io_->registry.live_sessions(); }

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
    const auto restored = io_->registry.restore(config_.state_file, session_registry::clock::now());
    if (restored > 0) log_.write(log_level::info, "event=sessions_restored count=", restored);
  }
  keep_heap_top(config_.heap_keep_bytes);
  const auto files = raise_open_file_limit();
  log_.write(log_level::info, "event=open_files limit=", files.now, " was=", files.before);
  // Each connection holds one descriptor; a few more are the process's own.
  constexpr std::uint64_t own_descriptors = 64;
  if (files.now < config_.max_connections + own_descriptors) {
    log_.write(log_level::warn, "event=open_files_low limit=", files.now, " max_connections=", config_.max_connections,
               " note=\"past about ", files.now > own_descriptors ? files.now - own_descriptors : 0,
               " connections, new ones wait until a descriptor frees up; raise the hard limit (LimitNOFILE)\"");
  }
  io_->transport.use_tls([&](auto& tls) { configure_server_tls(tls, config_.cert_file, config_.key_file); });
  const auto port = io_->listener.start(config_.listen_addresses, config_.port);
  if (!config_.admin_listen.empty()) admin_port_ = io_->admin.start(config_.admin_listen);
  net::post(io_->control, [this] { schedule_sweep(); });
  log_.write(log_level::info, "event=listening endpoints=\"", io_->listener.describe(),
             "\" threads=", config_.effective_io_threads());
  return port;
}

std::string heard_server::reload_certificate() {
  try {
    io_->transport.use_tls([&](auto& tls) { configure_server_tls(tls, config_.cert_file, config_.key_file); });
  } catch (const std::exception& e) {
    ++stats_.certificate_reload_failures;
    log_.write(log_level::error, "event=certificate_not_reloaded error=\"", e.what(), "\"");
    return e.what();
  }
  log_.write(log_level::info, "event=certificate_reloaded");
  return {};
}

void heard_server::schedule_sweep() {
  if (stopping_) return;
  io_->sweep_timer.expires_after(config_.invite_sweep_interval);
  io_->sweep_timer.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    io_->registry.sweep(session_registry::clock::now());
    // Connections and sessions hold the memory; either falling gives some back.
    if (heap_trim_.should_trim(stats_.connections_open.load() + stats_.sessions_live.load())) give_heap_back();
    schedule_sweep();
  });
}

void heard_server::run() {
  // A handler that throws must not take the process (and every session) with
  // it: the exception is logged and counted, and the thread goes back to work
  // (Asio allows run() again after a handler threw).
  const auto run_io = [this] {
    for (;;) {
      try {
        io_->ioc.run();
        return;
      } catch (const std::exception& e) {
        ++stats_.handler_exceptions;
        log_.write(log_level::error, "event=handler_exception what=\"", e.what(), "\"");
      } catch (...) {
        ++stats_.handler_exceptions;
        log_.write(log_level::error, "event=handler_exception what=unknown");
      }
    }
  };
  std::vector<std::thread> threads;
  const unsigned extra = config_.effective_io_threads() - 1;
  threads.reserve(extra);
  for (unsigned i = 0; i < extra; ++i) threads.emplace_back(run_io);
  run_io();
  for (auto& t : threads) t.join();
  if (stopping_ && !config_.state_file.empty()) {
    // Nothing runs now, so the sessions can be read without their strands.
    try {
      const auto saved = io_->registry.save(config_.state_file);
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
  net::post(io_->control, [this] {
    if (stopping_) return;
    stopping_ = true;
    log_.write(log_level::info, "event=stopping");
    io_->sweep_timer.cancel();
    io_->listener.stop();
    io_->admin.stop();
    io_->registry.shut_down();
    // Clients reconnect by themselves; with a state file their sessions are
    // still here when they do.
    io_->transport.stop(config_.state_file.empty() ? "server shutting down" : "server restarting");
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
    io_->ioc.stop();
    return;
  }
  io_->grace_timer.expires_after(shutdown_poll_interval);
  io_->grace_timer.async_wait([this](boost::system::error_code ec) {
    if (!ec) wait_for_links_to_close();
  });
}

}  // namespace heard::server
