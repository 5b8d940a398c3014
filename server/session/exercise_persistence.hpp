#pragma once

#include "exercise.hpp"
#include "heard/v1/server_state.pb.h"

namespace heard {

/// Everything needed to carry an exercise across a server restart, in the
/// state file's format (proto heard.v1.ExerciseState, never on the wire).
v1::ExerciseState save_exercise(const exercise& e);

/// The inverse of save_exercise(). Every seated member comes back as away
/// (their links are gone), which pauses an exercise in progress; the clock
/// restarts at 0 with the time already spent carried over.
exercise restore_exercise(const v1::ExerciseState& state, exercise_limits limits);

}  // namespace heard
