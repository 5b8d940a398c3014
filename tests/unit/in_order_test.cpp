// dispatch_in_order: at once when the strand is idle, behind what waits on
// it, and never ahead of work queued on the strand it is called from.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <string>

#include "in_order.hpp"

namespace heard::server {
namespace {

namespace net = boost::asio;

class in_order_test : public ::testing::Test {
 protected:
  net::io_context ioc_;
  net::strand<net::io_context::executor_type> strand_ = net::make_strand(ioc_);
  std::string order_;
};

TEST_F(in_order_test, an_idle_strand_runs_the_work_before_the_call_returns) {
  net::post(ioc_, [&] {
    dispatch_in_order(strand_, [&] { order_ += "work "; });
    order_ += "returned ";
  });
  ioc_.run();
  EXPECT_EQ(order_, "work returned ");
}

TEST_F(in_order_test, work_already_waiting_on_the_strand_goes_first) {
  net::post(strand_, [&] { order_ += "join "; });  // queued before the input
  net::post(ioc_, [&] { dispatch_in_order(strand_, [&] { order_ += "input "; }); });
  ioc_.run();
  EXPECT_EQ(order_, "join input ");
}

TEST_F(in_order_test, from_inside_the_strand_it_never_passes_what_was_queued_there) {
  net::post(strand_, [&] {
    net::post(strand_, [&] { order_ += "close "; });  // queued first
    dispatch_in_order(strand_, [&] { order_ += "send "; });
    order_ += "returned ";
  });
  ioc_.run();
  EXPECT_EQ(order_, "returned close send ");
}

TEST_F(in_order_test, outside_any_run_it_is_queued_for_the_io_context) {
  dispatch_in_order(strand_, [&] { order_ += "work "; });
  EXPECT_EQ(order_, "");
  ioc_.run();
  EXPECT_EQ(order_, "work ");
}

}  // namespace
}  // namespace heard::server
