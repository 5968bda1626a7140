// mountstorm compare: the same workload and seed run twice, A and B, side by side with the ratio
// B/A of what matters: messages, drops, queue peaks and onsets, logins, CPU time, drain time and
// the visibility latency a patch adds.
//
//   mountstorm compare SCENARIO.json [--a SPEC] [--b SPEC] [-o DIR]
//   mountstorm compare A.json B.json [-o DIR]
//
// A SPEC is a profile name, a patch (a JSON object), a list of patches (a JSON array) or "none".
#ifndef MOUNTSTORM_TOOLS_COMPARE_H_
#define MOUNTSTORM_TOOLS_COMPARE_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mountstorm/scenario.h"

namespace mountstorm {

// Applies a SPEC to a scenario loaded from `path` with `sets`. `origin` names it in errors.
Scenario ScenarioWithSpec(const std::string& path, std::vector<std::string> sets, const std::string& spec,
                          const std::string& origin);

// The rows of the comparison of two summaries: metric, A, B, B/A (null when undefined).
nlohmann::json CompareRows(const nlohmann::json& a, const nlohmann::json& b);

int CompareCommand(const std::vector<std::string>& args);
int PatchesCommand(const std::vector<std::string>& args);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_COMPARE_H_
