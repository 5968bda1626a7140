// mountstorm compare: the same workload and seed run twice, A and B, side by side with the ratio
// B/A of what matters (tools/planner/compare.h).
//
//   mountstorm compare SCENARIO.json [--a SPEC] [--b SPEC] [-o DIR]
//   mountstorm compare A.json B.json [-o DIR]
//
// A SPEC is a profile name, a patch (a JSON object), a list of patches (a JSON array) or "none".
#ifndef MOUNTSTORM_TOOLS_CLI_COMPARE_COMMAND_H_
#define MOUNTSTORM_TOOLS_CLI_COMPARE_COMMAND_H_

#include <string>
#include <vector>

#include "mountstorm/scenario.h"

namespace mountstorm {

// Applies a SPEC to a scenario loaded from `path` with `sets`. `origin` names it in errors.
Scenario ScenarioWithSpec(const std::string& path, std::vector<std::string> sets, const std::string& spec,
                          const std::string& origin);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_CLI_COMPARE_COMMAND_H_
