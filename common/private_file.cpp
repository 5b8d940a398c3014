#include "private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

}  // namespace

bool write_private_file(const std::string& path, std::string_view bytes, std::string& error, bool make_folders) {
  const std::filesystem::path target(path);
  const std::filesystem::path folder = target.has_parent_path() ? target.parent_path() : ".";
  if (make_folders) {
    std::error_code ec;
    if (!std::filesystem::exists(folder, ec)) {
      std::filesystem::create_directories(folder, ec);
      if (ec) return error = "cannot create the folder " + folder.string() + ": " + ec.message(), false;
      ::chmod(folder.c_str(), 0700);
    }
  }
  // One temporary per process, so two processes writing the same file
  // cannot interleave inside one temporary.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return error = why("cannot write " + tmp), false;
  const bool written = write_all(fd, bytes) && ::fsync(fd) == 0;
  const std::string write_error = written ? "" : why("cannot write " + tmp);
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return error = write_error, false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = why("cannot replace " + path);
    ::unlink(tmp.c_str());
    return false;
  }
  // The rename itself lives in the folder: without this a power cut may
  // forget it and leave the old file (or none).
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

}  // namespace heard
