#include "private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace heard {
namespace {

std::string why(const std::string& what) { return what + ": " + std::strerror(errno); }

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

enum class written { ok, exists, failed };

// The one writer: `replace` renames over `path`; otherwise the file is
// linked in under `path` only if nothing is there (link fails with EEXIST).
written write_private(const std::string& path, std::string_view bytes, std::string& error, bool make_folders,
                      bool replace) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : ".";
  if (make_folders) {
    std::error_code ec;
    if (!std::filesystem::exists(folder, ec)) {
      std::filesystem::create_directories(folder, ec);
      if (ec) return error = "cannot create the folder " + folder.string() + ": " + ec.message(), written::failed;
      ::chmod(folder.c_str(), 0700);
    }
  }
  // A temporary of this write's own (process and a count), so two writers
  // of the same file, in two processes or two threads, never share one.
  static std::atomic<unsigned> writes{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++writes);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return error = why("cannot write " + tmp), written::failed;
  const bool written = write_all(fd, bytes) && ::fsync(fd) == 0;
  const std::string write_error = written ? "" : why("cannot write " + tmp);
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return error = write_error, written::failed;
  }
  if (replace) {
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      error = why("cannot replace " + path);
      ::unlink(tmp.c_str());
      return written::failed;
    }
  } else {
    const bool linked = ::link(tmp.c_str(), path.c_str()) == 0;
    const int link_errno = errno;
    ::unlink(tmp.c_str());
    if (!linked) {
      if (link_errno == EEXIST) return written::exists;
      errno = link_errno;
      return error = why("cannot write " + path), written::failed;
    }
  }
  // The rename itself lives in the folder: without this a power cut may
  // forget it and leave the old file (or none).
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return written::ok;
}

}  // namespace

bool write_private_file(const std::string& path, std::string_view bytes, std::string& error, bool make_folders) {
  return write_private(path, bytes, error, make_folders, true) == written::ok;
}

std::string write_new_private_file(const std::string& stem, const std::string& suffix, std::string_view bytes,
                                   std::string& error, bool make_folders) {
  for (int n = 1; n <= 1000; ++n) {
    std::string path = stem;
    if (n > 1) path += '-' + std::to_string(n);
    path += suffix;
    switch (write_private(path, bytes, error, make_folders, false)) {
      case written::ok: return path;
      case written::failed: return {};
      case written::exists: break;
    }
  }
  error = "cannot write " + stem + suffix + ": a thousand files of that name are there already";
  return {};
}

}  // namespace heard
