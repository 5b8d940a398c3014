#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace heard::server {

/// Who may open a connection: at most max_total at once, at most
/// max_per_address from one address (one address must not crowd out
/// everyone else), and nobody once the server is stopping. Pure; safe from
/// any thread.
class admission {
 public:
  enum class verdict { admitted, over_total, over_per_address, stopping };

  admission(std::size_t max_total, std::size_t max_per_address);

  /// On `admitted` the caller holds a place until release(address). An
  /// empty address counts in the total only: a connection from a trusted
  /// proxy, whose client is not known until the proxy says (attribute()).
  verdict admit(const std::string& address);
  /// Gives a place admitted with no address to `address`, if that address
  /// has room (over_per_address otherwise: the place stays unattributed and
  /// is released with release("")).
  verdict attribute(const std::string& address);
  void release(const std::string& address);

  /// Every later admit() answers `stopping`.
  void stop();

  std::size_t open() const;

 private:
  const std::size_t max_total_;
  const std::size_t max_per_address_;
  mutable std::mutex mutex_;
  std::size_t open_ = 0;
  std::size_t unattributed_ = 0;
  std::unordered_map<std::string, std::size_t> per_address_;
  bool stopping_ = false;
};

}  // namespace heard::server
