#include "session_target.hpp"

namespace heard {

std::optional<session_target> parse_session_target(std::string_view target) {
  constexpr std::string_view prefix = "/v1/sessions/";
  constexpr std::string_view resume = "/resume";
  constexpr std::size_t max_value = 64;
  if (target.substr(0, prefix.size()) != prefix) return std::nullopt;
  auto rest = target.substr(prefix.size());
  session_target out{session_target::kind::join, {}};
  if (rest.size() > resume.size() && rest.substr(rest.size() - resume.size()) == resume) {
    rest.remove_suffix(resume.size());
    out.what = session_target::kind::resume;
  } else if (rest == "new") {
    out.what = session_target::kind::create;
    return out;
  }
  if (rest.empty() || rest.size() > max_value || rest.find('/') != std::string_view::npos) return std::nullopt;
  out.value = std::string(rest);
  return out;
}

}  // namespace heard
