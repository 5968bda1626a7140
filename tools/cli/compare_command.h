// mountstorm compare: the same workload and seed run twice, A and B, side by side with the ratio
// B/A of what matters (tools/planner/compare.h).
//
//   mountstorm compare SCENARIO.json [--a SPEC] [--b SPEC] [-o DIR]
//   mountstorm compare A.json B.json [-o DIR]
//
// A SPEC is a profile name, a relay, a patch name, a patch (a JSON object), a list of patches (a
// JSON array) or "none".
#ifndef MOUNTSTORM_TOOLS_CLI_COMPARE_COMMAND_H_
#define MOUNTSTORM_TOOLS_CLI_COMPARE_COMMAND_H_

#include <string>
#include <vector>

#include "cli/scenario_input.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

// The scenario at `path` (or "-") with `sets`, as variant `spec` of a comparison: a profile, a
// relay, a patch name, a patch object or array (appended to the scenario's own /patches), or none.
// `origin` names the spec in errors ("--a").
ScenarioInput InputWithSpec(const std::string& path, std::vector<std::string> sets, const std::string& spec,
                            const std::string& origin);
Scenario ScenarioWithSpec(const std::string& path, std::vector<std::string> sets, const std::string& spec,
                          const std::string& origin);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_CLI_COMPARE_COMMAND_H_
