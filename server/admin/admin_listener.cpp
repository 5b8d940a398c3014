#include "admin_listener.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <istream>

#include "listener.hpp"
#include "metrics_text.hpp"

namespace heard::server {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// One request, one answer, then the connection closes.
class admin_exchange : public std::enable_shared_from_this<admin_exchange> {
 public:
  admin_exchange(tcp::socket socket, const server_config& config, const server_stats& stats,
                 std::shared_ptr<std::atomic<bool>> ready)
      : socket_(std::move(socket)),
        config_(config),
        stats_(stats),
        ready_(std::move(ready)),
        request_(config.admin_max_request_bytes),
        deadline_(socket_.get_executor()) {}

  void run() {
    deadline_.expires_after(config_.admin_request_timeout);
    deadline_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->socket_.close(ec);  // too slow to ask
    });
    net::async_read_until(socket_, request_, "\r\n\r\n",
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                            if (ec) return self->finish();
                            self->answer();
                          });
  }

 private:
  void answer() {
    std::istream in(&request_);
    std::string method, target;
    in >> method >> target;
    if (method != "GET") return respond("405 Method Not Allowed", "text/plain", "GET only\n");
    if (target == "/metrics") return respond("200 OK", "text/plain; version=0.0.4", metrics_text(stats_));
    if (target == "/healthz") return respond("200 OK", "text/plain", "ok\n");
    if (target == "/readyz") {
      return ready_->load() ? respond("200 OK", "text/plain", "ready\n")
                            : respond("503 Service Unavailable", "text/plain", "stopping\n");
    }
    respond("404 Not Found", "text/plain", "/metrics, /healthz or /readyz\n");
  }

  void respond(const char* status, const char* type, std::string body) {
    response_ = std::string("HTTP/1.1 ") + status + "\r\nContent-Type: " + type +
                "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    net::async_write(socket_, net::buffer(response_),
                     [self = shared_from_this()](boost::system::error_code, std::size_t) { self->finish(); });
  }

  void finish() {
    boost::system::error_code ignored;
    deadline_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  tcp::socket socket_;
  const server_config& config_;
  const server_stats& stats_;
  std::shared_ptr<std::atomic<bool>> ready_;
  net::streambuf request_;
  std::string response_;
  net::steady_timer deadline_;
};

}  // namespace

admin_listener::admin_listener(net::io_context& ioc, const server_config& config, const server_stats& stats,
                               logger& log)
    : ioc_(ioc), config_(config), stats_(stats), log_(log), acceptor_(ioc) {}

admin_listener::~admin_listener() = default;

std::uint16_t admin_listener::start(const std::string& address_and_port) {
  const auto colon = address_and_port.rfind(':');
  boost::system::error_code ec;
  const auto address =
      net::ip::make_address(colon == std::string::npos ? std::string() : address_and_port.substr(0, colon), ec);
  unsigned long port = 70000;
  if (colon != std::string::npos) {
    try {
      port = std::stoul(address_and_port.substr(colon + 1));
    } catch (const std::exception&) {
    }
  }
  if (ec || port > 65535) {
    throw listen_error("--admin-listen must be ADDRESS:PORT, e.g. 127.0.0.1:9464 (got '" + address_and_port + "')");
  }
  const tcp::endpoint endpoint(address, static_cast<std::uint16_t>(port));
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    throw listen_error("cannot serve the admin endpoints on " + address_and_port + ": " + ec.message() +
                       " (choose another --admin-listen)");
  }
  const auto bound = acceptor_.local_endpoint(ec).port();
  log_.write(log_level::info, "event=admin_listening address=", address_and_port, " port=", bound);
  accept();
  return bound;
}

void admin_listener::stop() {
  ready_->store(false);
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void admin_listener::accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) std::make_shared<admin_exchange>(std::move(socket), config_, stats_, ready_)->run();
    accept();
  });
}

}  // namespace heard::server
