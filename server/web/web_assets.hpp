#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace heard::server {

using web_header = std::pair<std::string_view, std::string_view>;

/// One file of the browser client, held in memory.
struct web_asset {
  std::string body;
  std::string_view content_type;
  std::string etag;  // quoted, as sent
};

/// The browser client's files (web/, built by `make`), read once at start
/// from one directory and served from memory: nothing on disk is opened per
/// request, and only the files found at start exist (no path is ever joined
/// from a request). Pure after loading; unit-tested directly.
class web_assets {
 public:
  /// Reads every file directly in `dir`. Throws std::runtime_error with a
  /// sentence naming the file and what to do: a missing or unreadable
  /// directory, no index.html, a subdirectory, a type we do not serve, more
  /// than `max_total_bytes` in all.
  static web_assets load(const std::filesystem::path& dir, std::size_t max_total_bytes);

  /// The asset a GET target names ("/" is index.html; a query is ignored),
  /// or nullptr.
  const web_asset* find(std::string_view target) const;

  std::size_t size() const { return by_path_.size(); }

  /// The headers every page answer carries: a Content-Security-Policy that
  /// allows only this origin's own scripts, styles and WebSocket, and no
  /// framing, referrer, sniffing or powerful features. nginx's config in
  /// deploy/ sends the same (a test compares them).
  static std::span<const web_header> security_headers();

 private:
  std::map<std::string, web_asset, std::less<>> by_path_;  // "/index.html", "/app.js"
};

}  // namespace heard::server
