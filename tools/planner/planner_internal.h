// What the planner's files share among themselves and do not offer to their callers: matching a
// scenario path against the parameter list's patterns, and reading one queue of a run as a trial.
// The planner's interface is planner/planner.h.
#ifndef MOUNTSTORM_TOOLS_PLANNER_PLANNER_INTERNAL_H_
#define MOUNTSTORM_TOOLS_PLANNER_PLANNER_INTERNAL_H_

#include <cstdint>
#include <string>

#include "planner/planner.h"

namespace mountstorm {
namespace planner {

// Whether a scenario path matches a path of `mountstorm params`, where "*" stands for an array
// index: "/subscribers/0/rqueue_max" matches "/subscribers/*/rqueue_max".
bool MatchesPattern(const std::string& path, const std::string& pattern);

// `a` with `path` set to `value`: the assignment replaced if `a` has one for `path`, else added.
Assignments With(Assignments a, const std::string& path, std::int64_t value);

// The trial at `value` of an axis: what `queue` did in the run `r` (InternalError if the run has
// no such queue).
Trial MakeTrial(std::int64_t value, const RunResult& r, const std::string& queue);

}  // namespace planner
}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_PLANNER_PLANNER_INTERNAL_H_
