#include "web_assets.hpp"

#include <array>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "text/hex.hpp"

namespace heard::server {
namespace {

// What a file's extension says it is; anything else is not served (a stray
// file in the directory is a mistake to report, not a download to offer).
std::string_view content_type_of(const std::filesystem::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> types{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  }};
  const auto extension = file.extension().string();
  for (const auto& [ext, type] : types) {
    if (ext == extension) return type;
  }
  return {};
}

// A validator for If-None-Match: FNV-1a over the body. Not a security
// property (the files are ours), only "has it changed since".
std::string etag_of(std::string_view body) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : body) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  std::string bytes(8, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(h >> (56 - 8 * i));
  // Appended, not `"\"" + ...`: GCC 12 warns falsely (-Wrestrict) on that.
  std::string tag(1, '"');
  tag += to_hex(bytes);
  tag += '"';
  return tag;
}

}  // namespace

web_assets web_assets::load(const std::filesystem::path& dir, std::size_t max_total_bytes) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw std::runtime_error("the browser client's directory " + dir.string() +
                             " does not exist; build it with `make` or leave out --web-root");
  }
  web_assets assets;
  std::size_t total = 0;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& file = it->path();
    if (!it->is_regular_file()) {
      throw std::runtime_error(file.string() + " is not a plain file; --web-root serves only files directly in " +
                               dir.string());
    }
    const auto type = content_type_of(file);
    if (type.empty()) {
      throw std::runtime_error(file.string() + " is of a type the server does not serve; remove it from " +
                               dir.string());
    }
    std::ifstream in(file, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) throw std::runtime_error(file.string() + " could not be read; check its permissions");
    total += body.size();
    if (total > max_total_bytes) {
      throw std::runtime_error("the files in " + dir.string() + " hold more than --max-web-bytes (" +
                               std::to_string(max_total_bytes) + " bytes); is it the right directory?");
    }
    auto etag = etag_of(body);
    std::string path(1, '/');
    path += file.filename().string();
    assets.by_path_.emplace(std::move(path), web_asset{std::move(body), type, std::move(etag)});
  }
  if (ec) throw std::runtime_error(dir.string() + " could not be listed (" + ec.message() + ")");
  if (!assets.by_path_.contains("/index.html")) {
    throw std::runtime_error(dir.string() + " has no index.html; build the browser client with `make`");
  }
  return assets;
}

const web_asset* web_assets::find(std::string_view target) const {
  if (const auto query = target.find('?'); query != std::string_view::npos) target = target.substr(0, query);
  if (target == "/") target = "/index.html";
  const auto it = by_path_.find(target);
  return it == by_path_.end() ? nullptr : &it->second;
}

std::span<const web_header> web_assets::security_headers() {
  static constexpr std::array<web_header, 6> headers{{
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"},
  }};
  return headers;
}

}  // namespace heard::server
