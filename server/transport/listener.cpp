#include "listener.hpp"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <chrono>

namespace heard::server {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

bool is_resource_exhaustion(const boost::system::error_code& ec) {
  return ec == net::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
         ec == net::error::no_buffer_space || ec == net::error::no_memory;
}

// A host with IPv6 turned off has no ::1 (EADDRNOTAVAIL) or no IPv6 sockets
// at all (EAFNOSUPPORT).
bool is_missing_family(const boost::system::error_code& ec) {
  return ec == net::error::address_family_not_supported || ec == boost::system::errc::address_not_available;
}

std::string endpoint_text(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address().to_string();
  const auto port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

}  // namespace

struct listener::acceptor_loop : std::enable_shared_from_this<acceptor_loop> {
  acceptor_loop(net::io_context& ioc, server_stats& stats, logger& log, std::chrono::milliseconds backoff_min,
                std::chrono::milliseconds backoff_max, const socket_handler& on_socket)
      : ioc_(ioc),
        stats_(stats),
        log_(log),
        backoff_min_(backoff_min),
        backoff_max_(backoff_max),
        on_socket_(on_socket),
        acceptor_(net::make_strand(ioc)),
        backoff_timer_(acceptor_.get_executor()) {}

  void bind(const tcp::endpoint& endpoint, boost::system::error_code& ec) {
    acceptor_.open(endpoint.protocol(), ec);
    // An IPv6 socket takes IPv6 only: 127.0.0.1 has its own socket.
    if (!ec && endpoint.address().is_v6()) acceptor_.set_option(net::ip::v6_only(true), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (!ec) local_ = acceptor_.local_endpoint(ec);
    if (ec) {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
    }
  }

  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
                             self->on_accept(ec, std::move(socket));
                           });
  }

  void on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (stopping_ || ec == net::error::operation_aborted) return;
    if (ec) {
      ++stats_.accept_errors;
      if (is_resource_exhaustion(ec)) {
        // Accepting again at once would spin a core until a descriptor frees up.
        backoff_ = std::min(std::max(backoff_ * 2, backoff_min_), backoff_max_);
        log_.write(log_level::warn, "event=accept_backoff error=\"", ec.message(), "\" backoff_ms=", backoff_.count());
        backoff_timer_.expires_after(backoff_);
        backoff_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
          if (!wait_ec) self->do_accept();
        });
        return;
      }
      log_.write(log_level::warn, "event=accept_error error=\"", ec.message(), "\"");
      return do_accept();
    }
    backoff_ = std::chrono::milliseconds(0);
    ++stats_.connections_accepted;
    on_socket_(std::move(socket));
    do_accept();
  }

  void stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
      self->backoff_timer_.cancel();
    });
  }

  net::io_context& ioc_;
  server_stats& stats_;
  logger& log_;
  const std::chrono::milliseconds backoff_min_;
  const std::chrono::milliseconds backoff_max_;
  socket_handler on_socket_;
  tcp::acceptor acceptor_;
  net::steady_timer backoff_timer_;
  std::chrono::milliseconds backoff_{0};
  tcp::endpoint local_;
  bool stopping_ = false;
};

listener::listener(net::io_context& ioc, server_stats& stats, logger& log, std::chrono::milliseconds backoff_min,
                   std::chrono::milliseconds backoff_max, socket_handler on_socket)
    : ioc_(ioc),
      stats_(stats),
      log_(log),
      backoff_min_(backoff_min),
      backoff_max_(backoff_max),
      on_socket_(std::move(on_socket)) {}

listener::~listener() = default;

std::uint16_t listener::start(const std::vector<std::string>& addresses, std::uint16_t port) {
  const bool loopback_default = addresses.empty();
  const std::vector<std::string> wanted = loopback_default ? std::vector<std::string>{"127.0.0.1", "::1"} : addresses;
  for (const auto& text : wanted) {
    boost::system::error_code ec;
    const auto address = net::ip::make_address(text, ec);
    if (ec)
      throw listen_error("'" + text +
                         "' is not an IP address to listen on (--listen takes addresses like 127.0.0.1 or ::1)");
    auto loop = std::make_shared<acceptor_loop>(ioc_, stats_, log_, backoff_min_, backoff_max_, on_socket_);
    loop->bind(tcp::endpoint(address, port), ec);
    if (ec && loopback_default && address.is_v6() && is_missing_family(ec)) {
      log_.write(log_level::warn, "event=listen_skipped address=", text, " error=\"", ec.message(),
                 "\" reason=\"this host has no IPv6 loopback\"");
      continue;
    }
    if (ec) {
      throw listen_error("cannot listen on " + text + " port " + std::to_string(port) + ": " + ec.message() +
                         (ec == boost::system::errc::address_in_use
                              ? " (is another server running there? choose another --port)"
                              : " (choose another --listen address or --port)"));
    }
    // Port 0 picks a free port once; every further address takes the same.
    port = loop->local_.port();
    loops_.push_back(std::move(loop));
  }
  for (auto& loop : loops_) loop->do_accept();
  return port;
}

void listener::stop() {
  for (auto& loop : loops_) loop->stop();
}

std::string listener::describe() const {
  std::string out;
  for (const auto& loop : loops_) out += (out.empty() ? "" : ", ") + endpoint_text(loop->local_);
  return out;
}

}  // namespace heard::server
