// Reading a scenario document (a JSON value) into a Scenario (docs/SCENARIOS.md). The public face
// of the same is ScenarioDocument (mountstorm/scenario.h).
#ifndef MOUNTSTORM_MODELS_IO_SCENARIO_JSON_H_
#define MOUNTSTORM_MODELS_IO_SCENARIO_JSON_H_

#include <string>

#include <nlohmann/json.hpp>

#include "mountstorm/scenario.h"

namespace mountstorm {

// Reads `doc` into a Scenario, strictly; `file` names its origin in errors. Also checks what only
// the wiring reads (client names, match rules, logins without logind), so that every caller meets
// the error before anything runs or is written.
Scenario ParseScenarioJson(const nlohmann::json& doc, const std::string& file);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_IO_SCENARIO_JSON_H_
