#pragma once

#include <string>
#include <string_view>

namespace heard {

/// Writes `bytes` to `path` so that only its owner may read it (0600) and a
/// crash or power cut leaves the old file or the new one, whole: a temporary
/// file beside it, fsync, rename over `path`, fsync of the folder. With
/// `make_folders`, missing folders are created readable by the owner only
/// (0700). The one writer for everything Heard keeps about people: the
/// server's saved sessions, the client's state and saved words, the
/// counselor's summary. On failure returns false and says why in `error`.
bool write_private_file(const std::string& path, std::string_view bytes, std::string& error, bool make_folders = false);

}  // namespace heard
