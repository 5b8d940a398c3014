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

/// As write_private_file, but never replaces a file: writes `stem + suffix`
/// or, if that exists, `stem-2 + suffix`, `stem-3 + suffix`... For files
/// named by the moment they are written (saved words): two people on one
/// account whose session ends in the same second must not lose one file to
/// the other. Returns the path written, or "" and says why in `error`.
std::string write_new_private_file(const std::string& stem, const std::string& suffix, std::string_view bytes,
                                   std::string& error, bool make_folders = false);

}  // namespace heard
