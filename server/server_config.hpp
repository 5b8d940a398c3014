#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proxy_header.hpp"

namespace heard::server {

enum class log_level { error, warn, info, debug };
/// text: `time level key=value ...` a line; json: one JSON object a line (JSON
/// Lines, for a log pipeline). Both carry the same fields and never content.
enum class log_format { text, json };

/// Every knob of heard-server, with its default, in one place. Built once at
/// startup (from the command line) and passed by const reference; tests build
/// one directly and shrink the timeouts.
struct server_config {
  // Where to listen: IP addresses, all on one port. Empty means loopback,
  // 127.0.0.1 and (where the host has IPv6) ::1, since a stock /etc/hosts
  // resolves localhost to ::1 first. Port 0 picks a free port (tests).
  std::vector<std::string> listen_addresses;
  std::uint16_t port = 8443;

  // TLS material (PEM). certs/make-dev-certs.sh makes these for development.
  std::string cert_file = "certs/dev/server.crt";
  std::string key_file = "certs/dev/server.key";

  // I/O threads; 0 means one per core.
  unsigned io_threads = 0;

  // Deadlines for each phase of a connection.
  std::chrono::milliseconds tls_handshake_timeout{10'000};
  std::chrono::milliseconds upgrade_timeout{10'000};  // HTTP request + WebSocket handshake
  std::chrono::milliseconds idle_timeout{30'000};     // no frame from the peer, pings included
  // idle_timeout never fires for a peer that answers pings but is otherwise
  // stuck; clients send a message at least every heartbeat_interval and a
  // link with no message for app_idle_timeout is closed.
  std::chrono::milliseconds heartbeat_interval{10'000};
  // An input whose effect the sender does not see itself (a speaker's draft)
  // is acknowledged within this long, in one Ack for all of them: each Ack is
  // an encryption and a send of its own. Clients keep inputs until then.
  std::chrono::milliseconds ack_delay{100};
  std::chrono::milliseconds app_idle_timeout{30'000};
  std::chrono::milliseconds shutdown_grace{5'000};  // closing handshakes on SIGTERM
  std::chrono::milliseconds close_timeout{3'000};   // a link that cannot flush and close by then is cut
  // OpenSSL's record buffers (about 34 KiB a link) are kept while a link is
  // busy and freed once it has read nothing for this long: freeing them
  // after every record cost three allocations and zeroing per message.
  std::chrono::milliseconds tls_buffer_release{250};
  // After our close, the peer's remaining input is read and discarded for up
  // to this long before the socket closes, so it gets our last words rather
  // than a reset.
  std::chrono::milliseconds close_linger{2'000};
  // Out of file descriptors, accept() is retried after a pause that doubles
  // from min to max: retrying at once would spin a core.
  std::chrono::milliseconds accept_backoff_min{10};
  std::chrono::milliseconds accept_backoff_max{1'000};

  // Pairing.
  std::chrono::seconds invite_ttl{600};
  std::chrono::milliseconds invite_sweep_interval{1'000};

  // Resuming. A dropped member keeps their seat; after resume_grace the
  // partner is told, and once nobody is connected the session expires. An
  // ended session stays resumable for ended_session_linger so a member who
  // dropped at the very end still gets the last events.
  std::chrono::milliseconds resume_grace{600'000};
  std::chrono::milliseconds ended_session_linger{60'000};
  /// Per member, connected or away: past it the backlog is dropped and the
  /// member is brought back by a snapshot and the history instead of a
  /// replay (a connected member that never acknowledges is closed).
  std::size_t max_unacked_bytes = 1024 * 1024;
  /// A replay (and any sending) pauses while this much is queued on the
  /// link, and goes on when it drains: below max_outbound_queue_bytes, so a
  /// resume never cuts its own link.
  std::size_t replay_window_bytes = 64 * 1024;
  /// What a session keeps of its conversation for a seat that comes back with
  /// nothing on screen; the oldest entries go past it.
  std::size_t max_history_bytes = 256 * 1024;  // a long session of full turns is ~160 KiB

  // Sessions are saved here on a graceful shutdown and restored at start;
  // empty: not kept across restarts.
  std::string state_file;

  // Sizes. Text limits count Unicode code points; the rest count bytes.
  // A full turn sealed for three members (4,000 characters of four bytes
  // each: 3 x 16 KiB boxes); checked against the text limits at start.
  std::size_t max_message_bytes = 64 * 1024;
  std::size_t max_upgrade_request_bytes = 8 * 1024;
  std::size_t max_outbound_queue_bytes = 256 * 1024;  // a slower reader is closed
  std::size_t max_turn_chars = 4000;
  std::size_t max_check_in_chars = 1000;
  std::size_t max_name_chars = 64;

  // Capacity and abuse. Rates are per connection unless named per IP.
  std::size_t max_connections = 50'000;
  std::size_t max_connections_per_ip = 64;
  std::size_t max_sessions = 25'000;
  double max_messages_per_s = 20;  // sustained; drafts come ~3 a second
  double max_message_burst = 60;
  std::size_t max_pings_per_minute = 30;         // a client's keep-alive pings are far fewer
  std::size_t max_joins_per_ip_per_minute = 20;  // attempts with a code, right or wrong
  std::size_t max_wrong_attempts_per_code = 5;   // then the code burns and its creator gets a new one
  // Browser origins allowed to open a WebSocket; the native client sends no
  // Origin and is always accepted. Empty: every Origin is refused (403).
  std::vector<std::string> allowed_origins;

  // The browser client's files (built by `make` into build/web), served at
  // GET / on the same port with a strict Content-Security-Policy; empty: no
  // page (plain requests get 426). Read once at start, at most max_web_bytes.
  std::string web_root;
  std::size_t max_web_bytes = 4 * 1024 * 1024;
  // A browser asks for the page's files on one kept connection; at most
  // this many requests on one, each within upgrade_timeout.
  std::size_t max_requests_per_connection = 32;

  // Load balancers whose word on who the client is we take (IP addresses,
  // canonical form). A connection from one of them says, in `proxy_header`'s
  // way, which client it carries, and that address meets the per-address
  // limits and the join throttle. Empty: every peer is the client.
  std::vector<std::string> trusted_proxies;
  proxy_header_kind proxy_header = proxy_header_kind::proxy_v2;

  // After open connections and live sessions together fall this many (and a
  // quarter) below their last peak, freed heap is given back to the system
  // (malloc_trim).
  std::size_t heap_trim_drop_connections = 256;
  // Free heap at the top that glibc keeps instead of returning at once. Its
  // default (128 KiB, moving) is smaller than a busy server's breathing, so
  // the heap shrank and grew back every few messages: a page fault, a zeroed
  // page and a brk for about one relayed message in four. The trim above
  // still gives it all back once connections fall.
  std::size_t heap_keep_bytes = 32 * 1024 * 1024;

  // Advertised to clients: how often to send a draft while typing (RFC 4103).
  std::chrono::milliseconds draft_interval{300};

  // The operator's endpoints (/metrics, /healthz, /readyz), plain HTTP:
  // "ADDRESS:PORT", e.g. 127.0.0.1:9464; empty: not served. Never the public port.
  std::string admin_listen;
  std::size_t admin_max_request_bytes = 4096;              // one request head, at most
  std::chrono::milliseconds admin_request_timeout{5'000};  // to send it
  log_level level = log_level::info;
  log_format format = log_format::text;

  unsigned effective_io_threads() const;
};

/// What parsing the command line produced: a config to run, or an exit code
/// (after --help, --version or an error, already printed).
struct parsed_config {
  std::optional<server_config> config;
  int exit_code = 0;
};

parsed_config parse_server_config(int argc, const char* const argv[]);

}  // namespace heard::server
