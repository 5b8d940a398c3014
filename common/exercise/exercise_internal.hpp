#pragma once

// What the exercise's own files share (exercise.cpp and its parts:
// exercise_presence, exercise_check_in, exercise_counsel). Not for use
// outside common/.
#include <algorithm>
#include <type_traits>

#include "exercise.hpp"

namespace heard::exercise_internal {

inline v1::Error make_refusal(v1::ErrorCode code, std::string message) {
  v1::Error error;
  error.set_code(code);
  error.set_message(std::move(message));
  return error;
}

inline exercise::result refused(v1::ErrorCode code, std::string message) {
  exercise::result r;
  r.error = make_refusal(code, std::move(message));
  return r;
}

inline exercise::result refused(v1::Error error) {
  exercise::result r;
  r.error = std::move(error);
  return r;
}

}  // namespace heard::exercise_internal

namespace heard {

template <typename Boxes, typename Place>
void exercise::fan_out(result& r, unsigned to, v1::ServerMessage m, Boxes&& boxes, Place place) const {
  if (boxes.empty()) {
    r.out.push_back({to, std::move(m)});
    return;
  }
  auto left =
      std::count_if(boxes.begin(), boxes.end(), [to](const v1::Sealed& box) { return addresses(to, box.to()); });
  r.out.reserve(r.out.size() + static_cast<std::size_t>(left));
  for (auto& box : boxes) {
    if (!addresses(to, box.to())) continue;
    // The last recipient takes the message itself, the others a copy: a
    // draft's one listener costs no copy of it.
    auto& out = r.out.emplace_back(outbound{audience_of(box.to()), {}});
    if (--left == 0) {
      out.message = std::move(m);
    } else {
      out.message = m;
    }
    if constexpr (std::is_const_v<std::remove_reference_t<Boxes>>) {
      place(out.message, v1::Sealed(box));  // the caller keeps its boxes
    } else {
      place(out.message, std::move(box));
    }
  }
}

}  // namespace heard
