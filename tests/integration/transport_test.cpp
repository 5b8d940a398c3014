// The transport under an application that fails: a real listener, TLS and
// WebSocket links (the server's own classes), and an application whose
// handler throws for one message. The failing link alone is closed with
// 1011, the failure is counted and logged, and every other link goes on.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "listener.hpp"
#include "relay_fixture.hpp"
#include "tls_context.hpp"
#include "tls_transport.hpp"
#include "transport_accounting.hpp"

namespace heard::testing {
namespace {

namespace net = boost::asio;
using server::link;
using server::link_handler;

/// Answers every message with an Ack, except "throw" (and, if asked, its
/// close), which throw as a bug in the session code would.
class failing_app : public server::link_acceptor {
 public:
  std::atomic<bool> throw_on_close{false};

  bool serves_target(std::string_view) const override { return true; }

  std::shared_ptr<link_handler> on_open(std::shared_ptr<link> l, std::string_view) override {
    return std::make_shared<handler>(std::move(l), *this);
  }

 private:
  struct handler : link_handler {
    handler(std::shared_ptr<link> l, failing_app& app) : link_(std::move(l)), app_(app) {}
    void on_message(std::string_view message) override {
      if (message == "throw") throw std::runtime_error("a bug in the application");
      v1::ServerMessage ack;
      ack.set_ack_input(message.size());
      ack.mutable_ack();
      link_->send(std::make_shared<const std::string>(encode(ack)));
    }
    void on_close() override {
      if (app_.throw_on_close) throw std::logic_error("a bug while closing");
    }
    std::shared_ptr<link> link_;
    failing_app& app_;
  };
};

class transport_test : public ::testing::Test {
 protected:
  transport_test()
      : accounting_(stats_, log_),
        admission_(100, 100),
        policy_({}, app_, nullptr),
        transport_(ioc_, {options(), policy_, admission_, accounting_, app_}),
        listener_(ioc_, stats_, log_, std::chrono::milliseconds(10), std::chrono::milliseconds(100),
                  [this](net::ip::tcp::socket socket) { transport_.accept(std::move(socket)); }) {
    transport_.use_tls([](net::ssl::context& tls) {
      server::configure_server_tls(tls, test_cert_dir() + "/server.crt", test_cert_dir() + "/server.key");
    });
    port_ = listener_.start({"127.0.0.1"}, 0);
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~transport_test() override {
    listener_.stop();
    transport_.stop("test over");
    thread_.join();  // returns once every link has closed: none is left hanging
  }

  static server::ws_link_options options() {
    server::ws_link_options o;
    o.tls_handshake_timeout = o.upgrade_timeout = o.close_timeout = std::chrono::seconds(2);
    o.idle_timeout = o.app_idle_timeout = o.tls_buffer_release = std::chrono::seconds(30);
    o.close_linger = std::chrono::milliseconds(200);
    o.max_upgrade_request_bytes = 8192;
    o.max_message_bytes = 65536;
    o.max_outbound_queue_bytes = 1 << 20;
    o.max_pings_per_minute = 100;
    o.max_requests_per_connection = 10;
    return o;
  }

  std::ostringstream log_text_;
  server::logger log_{server::log_level::info, log_text_};
  server::server_stats stats_;
  server::transport_accounting accounting_;
  server::admission admission_;
  failing_app app_;
  server::upgrade_policy policy_;
  net::io_context ioc_;
  server::tls_transport transport_;
  server::listener listener_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(transport_test, a_throwing_handler_closes_its_own_link_with_1011_and_the_others_go_on) {
  raw_client calm(port_, "/");
  raw_client failing(port_, "/");
  ASSERT_TRUE(calm.wait_open());
  ASSERT_TRUE(failing.wait_open());
  calm.send("one");
  ASSERT_TRUE(calm.wait_message(0));

  failing.send("throw");
  const auto closed = failing.wait_closed();
  ASSERT_TRUE(closed) << "the failing link was left open";
  EXPECT_NE(closed->find("1011"), std::string::npos) << *closed;
  EXPECT_EQ(stats_.handler_exceptions.load(), 1u);
  EXPECT_NE(log_text_.str().find("event=handler_exception what=\"a bug in the application\""), std::string::npos)
      << log_text_.str();

  calm.send("three");
  const auto answer = calm.wait_message(1);
  ASSERT_TRUE(answer) << "the other link stopped";
  EXPECT_EQ(answer->ack_input(), 5u);
}

TEST_F(transport_test, a_handler_that_throws_while_closing_still_lets_its_link_go) {
  app_.throw_on_close = true;
  {
    raw_client leaving(port_, "/");
    ASSERT_TRUE(leaving.wait_open());
    leaving.send("hello");
    ASSERT_TRUE(leaving.wait_message(0));
  }  // closes
  // The destructor's join returns only once the link is gone.
  for (int i = 0; i < 400 && stats_.handler_exceptions.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(stats_.handler_exceptions.load(), 1u);
}

}  // namespace
}  // namespace heard::testing
