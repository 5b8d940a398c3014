#pragma once

#include "session_client.hpp"

namespace heard::client {

/// What `heard` needs of a user interface: the line mode and the full-screen
/// mode are both views over the client library, with no turn logic of their own.
class session_ui {
 public:
  virtual ~session_ui() = default;
  /// Call on the client's thread for every event.
  virtual void on_event(const client_event& event) = 0;
  /// Leave now (Ctrl-C, SIGTERM): the partner is told.
  virtual void quit() = 0;
  virtual bool finished() const = 0;
  /// 0 when the session ended or the person left, 1 when the connection was lost or refused.
  virtual int exit_code() const = 0;
};

}  // namespace heard::client
