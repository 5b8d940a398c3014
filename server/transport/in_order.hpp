#pragma once

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <utility>

namespace heard::server {

/// Runs `work` on `strand` at once when the strand is idle (a trip through
/// the scheduler's queue less), queued behind whatever waits on it
/// otherwise, and never inline from inside the strand itself: that would run
/// it ahead of work already queued there (a close() before a later send).
/// So the strand sees calls in the order they were made, as with a post.
template <class Strand, class Work>
void dispatch_in_order(const Strand& strand, Work&& work) {
  if (strand.running_in_this_thread()) {
    boost::asio::post(strand, std::forward<Work>(work));
  } else {
    boost::asio::dispatch(strand, std::forward<Work>(work));
  }
}

}  // namespace heard::server
