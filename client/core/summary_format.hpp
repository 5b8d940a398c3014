#pragma once

#include <string>

#include "heard/v1/heard.pb.h"

namespace heard::client {

/// The counselor's session summary as JSON and as Markdown: the structure of
/// the session (rounds, who spoke, attempts, time per phase, time-outs,
/// check-ins), never the words of a turn. Pure functions.
std::string summary_json(const v1::SessionSummary& summary);
std::string summary_markdown(const v1::SessionSummary& summary);

/// Writes `<base>.json` and `<base>.md` (a trailing .json or .md on `path` is
/// dropped first). Returns the two paths written, or throws std::runtime_error.
std::pair<std::string, std::string> write_summary(const v1::SessionSummary& summary, const std::string& path);

}  // namespace heard::client
