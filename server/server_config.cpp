#include "server_config.hpp"

#include "codec.hpp"
#include "exercise.hpp"
#include "version.hpp"
#include "ws_link_options.hpp"

#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>
#include <thread>

namespace heard::server {
namespace po = boost::program_options;

unsigned server_config::effective_io_threads() const {
  if (io_threads > 0) return io_threads;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? cores : 1;
}

ws_link_options ws_link_options::from(const server_config& c) {
  ws_link_options o;
  o.tls_handshake_timeout = c.tls_handshake_timeout;
  o.upgrade_timeout = c.upgrade_timeout;
  o.idle_timeout = c.idle_timeout;
  o.app_idle_timeout = c.app_idle_timeout;
  o.close_timeout = c.close_timeout;
  o.tls_buffer_release = c.tls_buffer_release;
  o.close_linger = c.close_linger;
  o.max_upgrade_request_bytes = c.max_upgrade_request_bytes;
  o.max_message_bytes = c.max_message_bytes;
  o.max_outbound_queue_bytes = c.max_outbound_queue_bytes;
  o.max_pings_per_minute = c.max_pings_per_minute;
  o.max_requests_per_connection = c.max_requests_per_connection;
  o.trusted_proxies = c.trusted_proxies;
  o.proxy_header = c.proxy_header;
  return o;
}

namespace {

std::optional<log_level> parse_level(const std::string& name) {
  if (name == "error") return log_level::error;
  if (name == "warn") return log_level::warn;
  if (name == "info") return log_level::info;
  if (name == "debug") return log_level::debug;
  return std::nullopt;
}

}  // namespace

parsed_config parse_server_config(int argc, const char* const argv[]) {
  // Defaults come from the struct, so they are written once.
  server_config c;
  std::uint64_t tls_ms = c.tls_handshake_timeout.count(), upgrade_ms = c.upgrade_timeout.count(),
                idle_ms = c.idle_timeout.count(), grace_ms = c.shutdown_grace.count(), invite_s = c.invite_ttl.count(),
                draft_ms = c.draft_interval.count(), heartbeat_ms = c.heartbeat_interval.count(),
                app_idle_ms = c.app_idle_timeout.count(), grace_resume_ms = c.resume_grace.count(),
                linger_ms = c.ended_session_linger.count(), close_ms = c.close_timeout.count(),
                close_linger_ms = c.close_linger.count(), backoff_min_ms = c.accept_backoff_min.count(),
                backoff_max_ms = c.accept_backoff_max.count(), ack_ms = c.ack_delay.count(),
                admin_timeout_ms = c.admin_request_timeout.count(), buffer_release_ms = c.tls_buffer_release.count();
  std::string level = "info";
  std::string format = "text";
  std::string proxy_header = "proxy-v2";
  std::string config_file;

  po::options_description desc("heard-server: the Heard relay\n\nOptions");
  // clang-format off
  desc.add_options()
    ("help,h", "show this help")
    ("version", "show the version")
    ("config", po::value<std::string>(), "read options from FILE: one 'name = value' a line, named as here (deploy/heard-server.conf); the command line wins")
    ("listen", po::value(&c.listen_addresses)->composing(), "an IP address to listen on (repeatable; default: 127.0.0.1 and ::1)")
    ("port", po::value(&c.port)->default_value(c.port), "TCP port (0: any free port)")
    ("cert", po::value(&c.cert_file)->default_value(c.cert_file), "server certificate chain (PEM)")
    ("key", po::value(&c.key_file)->default_value(c.key_file), "server private key (PEM)")
    ("threads", po::value(&c.io_threads)->default_value(c.io_threads), "I/O threads (0: one per core)")
    ("tls-handshake-timeout-ms", po::value(&tls_ms)->default_value(tls_ms), "deadline for the TLS handshake")
    ("upgrade-timeout-ms", po::value(&upgrade_ms)->default_value(upgrade_ms), "deadline for the HTTP upgrade")
    ("idle-timeout-ms", po::value(&idle_ms)->default_value(idle_ms), "close a connection silent this long")
    ("shutdown-grace-ms", po::value(&grace_ms)->default_value(grace_ms), "time for closing handshakes on shutdown")
    ("close-timeout-ms", po::value(&close_ms)->default_value(close_ms), "a link that cannot flush and close by then is cut")
    ("close-linger-ms", po::value(&close_linger_ms)->default_value(close_linger_ms), "after closing, discard the peer's input this long so it reads our close")
    ("accept-backoff-min-ms", po::value(&backoff_min_ms)->default_value(backoff_min_ms), "out of descriptors: first pause before accepting again")
    ("accept-backoff-max-ms", po::value(&backoff_max_ms)->default_value(backoff_max_ms), "out of descriptors: longest pause before accepting again")
    ("invite-ttl-s", po::value(&invite_s)->default_value(invite_s), "an unclaimed invite code expires after this")
    ("draft-interval-ms", po::value(&draft_ms)->default_value(draft_ms), "how often clients send drafts")
    ("heartbeat-interval-ms", po::value(&heartbeat_ms)->default_value(heartbeat_ms), "clients send a message at least this often")
    ("app-idle-timeout-ms", po::value(&app_idle_ms)->default_value(app_idle_ms), "close a link with no message for this long")
    ("tls-buffer-release-ms", po::value(&buffer_release_ms)->default_value(buffer_release_ms), "free a link's TLS record buffers once it has read nothing for this long")
    ("resume-grace-ms", po::value(&grace_resume_ms)->default_value(grace_resume_ms), "a dropped member's partner is told after this")
    ("ended-session-linger-ms", po::value(&linger_ms)->default_value(linger_ms), "an ended session stays resumable this long")
    ("max-unacked-bytes", po::value(&c.max_unacked_bytes)->default_value(c.max_unacked_bytes), "per member, connected or away; past it a member is brought back by a snapshot and the history instead of a replay")
    ("ack-delay-ms", po::value(&ack_ms)->default_value(ack_ms), "inputs the sender sees no effect of are acknowledged within this long, together")
    ("replay-window-bytes", po::value(&c.replay_window_bytes)->default_value(c.replay_window_bytes), "sending pauses while this much is queued on a link, and goes on when it drains")
    ("max-history-bytes", po::value(&c.max_history_bytes)->default_value(c.max_history_bytes), "per session: the conversation kept for a member who comes back with nothing on screen")
    ("state-file", po::value(&c.state_file)->default_value(c.state_file), "keep sessions here across a graceful restart (empty: don't)")
    ("max-message-bytes", po::value(&c.max_message_bytes)->default_value(c.max_message_bytes), "largest WebSocket message")
    ("max-upgrade-request-bytes", po::value(&c.max_upgrade_request_bytes)->default_value(c.max_upgrade_request_bytes), "largest HTTP upgrade request")
    ("max-outbound-queue-bytes", po::value(&c.max_outbound_queue_bytes)->default_value(c.max_outbound_queue_bytes), "per connection; a slower reader is closed")
    ("max-turn-chars", po::value(&c.max_turn_chars)->default_value(c.max_turn_chars), "longest turn, in characters")
    ("max-check-in-chars", po::value(&c.max_check_in_chars)->default_value(c.max_check_in_chars), "longest check-in words")
    ("max-name-chars", po::value(&c.max_name_chars)->default_value(c.max_name_chars), "longest display name")
    ("max-connections", po::value(&c.max_connections)->default_value(c.max_connections), "open connections at most")
    ("max-sessions", po::value(&c.max_sessions)->default_value(c.max_sessions), "live sessions at most")
    ("max-connections-per-ip", po::value(&c.max_connections_per_ip)->default_value(c.max_connections_per_ip), "open connections from one address")
    ("max-messages-per-s", po::value(&c.max_messages_per_s)->default_value(c.max_messages_per_s), "sustained messages per connection")
    ("max-message-burst", po::value(&c.max_message_burst)->default_value(c.max_message_burst), "messages a connection may send at once")
    ("max-pings-per-minute", po::value(&c.max_pings_per_minute)->default_value(c.max_pings_per_minute), "WebSocket pings per connection")
    ("max-joins-per-ip-per-minute", po::value(&c.max_joins_per_ip_per_minute)->default_value(c.max_joins_per_ip_per_minute), "join attempts from one address")
    ("max-wrong-attempts-per-code", po::value(&c.max_wrong_attempts_per_code)->default_value(c.max_wrong_attempts_per_code), "wrong attempts before a code burns")
    ("heap-trim-drop-connections", po::value(&c.heap_trim_drop_connections)->default_value(c.heap_trim_drop_connections), "give freed memory back to the system once this many connections and sessions (and a quarter) have gone since the last peak")
    ("heap-keep-bytes", po::value(&c.heap_keep_bytes)->default_value(c.heap_keep_bytes), "free memory at the top of the heap kept for reuse rather than returned at once (returned after connections fall)")
    ("allow-origin", po::value(&c.allowed_origins)->composing(), "a browser Origin allowed to connect besides the server's own (repeatable)")
    ("web-root", po::value(&c.web_root), "serve the browser client's files from this directory at https://HOST:PORT/ (default: no page)")
    ("max-web-bytes", po::value(&c.max_web_bytes)->default_value(c.max_web_bytes), "the browser client's files, in all, at most")
    ("max-requests-per-connection", po::value(&c.max_requests_per_connection)->default_value(c.max_requests_per_connection), "page requests a browser may make on one kept connection")
    ("trusted-proxy", po::value(&c.trusted_proxies)->composing(), "the IP address of a load balancer that says who its clients are (repeatable; default: none)")
    ("proxy-header", po::value(&proxy_header)->default_value(proxy_header), "how trusted proxies say it: proxy-v2 (the PROXY protocol v2, HAProxy's send-proxy-v2) or x-forwarded-for (its last address, nginx)")
    ("admin-listen", po::value(&c.admin_listen), "ADDRESS:PORT for /metrics, /healthz and /readyz (plain HTTP; keep it private, e.g. 127.0.0.1:9464; default: off)")
    ("admin-max-request-bytes", po::value(&c.admin_max_request_bytes)->default_value(c.admin_max_request_bytes), "largest request head the admin endpoints read")
    ("admin-request-timeout-ms", po::value(&admin_timeout_ms)->default_value(admin_timeout_ms), "time to send one request to the admin endpoints")
    ("log-level", po::value(&level)->default_value(level), "error, warn, info or debug")
    ("log-format", po::value(&format)->default_value(format), "text (key=value lines) or json (JSON Lines); never a word of content either way");
  // clang-format on

  parsed_config out;
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("config")) {
      // The same names as the options, one "name = value" a line; what the
      // command line says wins (stored first).
      config_file = vm["config"].as<std::string>();
      std::ifstream in(config_file);
      if (!in) throw po::error("cannot read --config " + config_file);
      po::store(po::parse_config_file(in, desc), vm);
    }
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc << "\n";
      return out;
    }
    if (vm.count("version")) {
      std::cout << "heard-server " << release_version << " (protocol " << protocol_version << ")\n";
      return out;
    }
    auto parsed_level = parse_level(level);
    if (!parsed_level) throw po::error("--log-level must be error, warn, info or debug");
    c.level = *parsed_level;
    if (format != "text" && format != "json") throw po::error("--log-format must be text or json");
    c.format = format == "json" ? log_format::json : log_format::text;
    if (proxy_header != "proxy-v2" && proxy_header != "x-forwarded-for") {
      throw po::error("--proxy-header must be proxy-v2 or x-forwarded-for");
    }
    c.proxy_header = proxy_header == "proxy-v2" ? proxy_header_kind::proxy_v2 : proxy_header_kind::x_forwarded_for;
    for (auto& address : c.trusted_proxies) {
      auto canonical = forwarded_client(address);
      if (!canonical || address.find(',') != std::string::npos) {
        throw po::error("--trusted-proxy " + address + " is not an IP address");
      }
      address = *canonical;
    }
    c.tls_handshake_timeout = std::chrono::milliseconds(tls_ms);
    c.upgrade_timeout = std::chrono::milliseconds(upgrade_ms);
    c.idle_timeout = std::chrono::milliseconds(idle_ms);
    c.shutdown_grace = std::chrono::milliseconds(grace_ms);
    c.close_timeout = std::chrono::milliseconds(close_ms);
    c.tls_buffer_release = std::chrono::milliseconds(buffer_release_ms);
    c.close_linger = std::chrono::milliseconds(close_linger_ms);
    c.accept_backoff_min = std::chrono::milliseconds(backoff_min_ms);
    c.accept_backoff_max = std::chrono::milliseconds(backoff_max_ms);
    if (c.accept_backoff_min.count() == 0 || c.accept_backoff_max < c.accept_backoff_min) {
      throw po::error("--accept-backoff-min-ms must be positive and at most --accept-backoff-max-ms");
    }
    c.invite_ttl = std::chrono::seconds(invite_s);
    c.draft_interval = std::chrono::milliseconds(draft_ms);
    c.heartbeat_interval = std::chrono::milliseconds(heartbeat_ms);
    c.ack_delay = std::chrono::milliseconds(ack_ms);
    c.admin_request_timeout = std::chrono::milliseconds(admin_timeout_ms);
    if (c.ack_delay >= c.heartbeat_interval)
      throw po::error("--ack-delay-ms must be shorter than --heartbeat-interval-ms");
    c.app_idle_timeout = std::chrono::milliseconds(app_idle_ms);
    c.resume_grace = std::chrono::milliseconds(grace_resume_ms);
    c.ended_session_linger = std::chrono::milliseconds(linger_ms);
    if (c.app_idle_timeout <= c.heartbeat_interval) {
      throw po::error("--app-idle-timeout-ms must be longer than --heartbeat-interval-ms");
    }
    if (c.max_message_bytes < 1024) throw po::error("--max-message-bytes must be at least 1024");
    if (c.max_turn_chars == 0) throw po::error("--max-turn-chars must be positive");
    // Words travel sealed and padded (docs/privacy.md): the text limits must
    // fit the largest padding bucket, and a message must hold a full turn
    // sealed for every member, or a person's turn could never be sent.
    const exercise_limits limits{c.max_turn_chars, c.max_check_in_chars};
    if (!limits.fit_buckets()) {
      throw po::error(
          "--max-turn-chars and --max-check-in-chars must be at most 4088: sealed words are padded "
          "to at most 16 KiB, four bytes a character");
    }
    if (c.max_message_bytes < limits.max_input_bytes()) {
      throw po::error("--max-message-bytes must be at least " + std::to_string(limits.max_input_bytes()) +
                      " to carry a turn of --max-turn-chars sealed for every member");
    }
    if (c.replay_window_bytes == 0 || c.replay_window_bytes + c.max_message_bytes > c.max_outbound_queue_bytes) {
      throw po::error(
          "--replay-window-bytes must be positive and, with one message more, fit in --max-outbound-queue-bytes");
    }
    out.config = c;
  } catch (const po::error& e) {
    std::cerr << "heard-server: " << e.what() << "\nTry 'heard-server --help'.\n";
    out.exit_code = 2;
  }
  return out;
}

}  // namespace heard::server
