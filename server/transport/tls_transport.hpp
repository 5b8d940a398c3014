#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>

#include "admission.hpp"
#include "link.hpp"
#include "transport_observer.hpp"
#include "upgrade_policy.hpp"
#include "ws_link_options.hpp"

namespace boost::asio::ssl {
class context;
}

namespace heard::server {

/// Takes accepted TCP connections, reads the HTTP upgrade request itself
/// (capped), upgrades to WebSocket and hands each link to the application.
/// All of Beast's and OpenSSL's stream templates live behind this class, in
/// the one translation unit that costs over a minute to compile; it depends
/// only on the small, stable headers included here, never on the server's
/// config, counters or logger.
class tls_transport {
 public:
  /// Everything the transport uses; each must outlive it.
  struct parts {
    ws_link_options options;
    const upgrade_policy& policy;
    admission& admit;
    transport_observer& observer;
    link_acceptor& app;
  };

  tls_transport(boost::asio::io_context& ioc, parts with);
  ~tls_transport();
  tls_transport(const tls_transport&) = delete;
  tls_transport& operator=(const tls_transport&) = delete;

  /// Sets up the TLS context that connections accepted from now on use:
  /// `configure` fills a fresh context (certificate, key, policy) and, if it
  /// does not throw, that context replaces the last one. Connections already
  /// open keep the one they started with (their TLS state holds its own
  /// reference), so a certificate renewed under a live pair reaches new
  /// connections and the pair never notices. If `configure` throws, nothing
  /// changes and the exception goes to the caller. Safe from any thread.
  void use_tls(const std::function<void(boost::asio::ssl::context&)>& configure);

  /// Takes one accepted connection (on a strand of its own): admission,
  /// then TLS, the upgrade and a link. Safe from any thread.
  void accept(boost::asio::ip::tcp::socket socket);

  /// Refuses further connections and closes every open link with 1001
  /// (going away) and `reason`.
  void stop(const std::string& reason);

  struct impl;  // opaque: Beast and OpenSSL types stay in the .cpp

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace heard::server
