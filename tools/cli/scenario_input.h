// The scenario a command reads, as `mountstorm run` reads it: SCENARIO.json, or "-" for standard
// input; then --profile, each --set in order, --seed and --mountinfo applied to its document. The
// result is the effective scenario: what the run simulates, saved as the run directory's
// scenario.json so that `mountstorm run DIR/scenario.json` gives the same bytes again.
#ifndef MOUNTSTORM_TOOLS_CLI_SCENARIO_INPUT_H_
#define MOUNTSTORM_TOOLS_CLI_SCENARIO_INPUT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/manifest.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

// The name of the copy of the mount table (mountinfo_file or --mountinfo) beside scenario.json.
inline constexpr char kMountinfoCopyName[] = "mountinfo";

struct ScenarioInput {
  ScenarioDocument doc;
  std::vector<ManifestInput> inputs;       // the scenario file and the mount table, as read
  std::optional<std::string> mountinfo;    // the mount table's text, when the scenario names one

  // The effective scenario as a file: indented JSON with sorted keys, its mount table (if any)
  // named as the copy kMountinfoCopyName beside it.
  std::string EffectiveText() const;
};

// `sets` are "/json/pointer=value", as CommandLine::Overrides() makes them from --profile, --set,
// --seed and --mountinfo.
ScenarioInput ReadScenarioInput(const std::string& path, const std::vector<std::string>& sets);

// The scenario of ReadScenarioInput, parsed (for the commands that need no provenance).
Scenario LoadScenarioArg(const std::string& path, const std::vector<std::string>& sets);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_CLI_SCENARIO_INPUT_H_
