// Helpers shared by the tests: paths of the source tree and the built program, running the
// program, reading files and shipped scenarios, and runs together with the text of their files.
#ifndef MOUNTSTORM_TESTS_TEST_SUPPORT_H_
#define MOUNTSTORM_TESTS_TEST_SUPPORT_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mountstorm/result.h"
#include "mountstorm/scenario.h"
#include "mountstorm/trace.h"

namespace mountstorm {

// A run's result together with the text of its files, exactly as `mountstorm run` writes them:
// summary.json (parsed, for assertions on its JSON paths), curves.csv and events.csv.
struct RunOutput : RunResult {
  nlohmann::json summary;
  std::string curves_csv;
  std::string events_csv;
};

// RunScenario() and the three texts of its result.
RunOutput RunTest(const Scenario& s, MessageTap* tap = nullptr);

// The scenario a JSON document describes, read as strictly as a scenario file (ParseScenarioJson,
// models/io/scenario_json.h); `file` names it in errors.
Scenario ParseScenario(const nlohmann::json& doc, const std::string& file);

}  // namespace mountstorm

namespace mountstorm::test {

// <source tree>/relative
std::string SourcePath(const std::string& relative);
// The built mountstorm program.
std::string ProgramPath();
// A fresh empty directory under the build's temporary area.
std::string TempDir(const std::string& name);

std::string ReadFile(const std::string& path);

struct CommandResult {
  int exit_status;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs `args` (no shell) and captures both streams.
CommandResult RunProgram(const std::vector<std::string>& args);
// Runs the built mountstorm (ProgramPath()) with `args`.
CommandResult Mountstorm(std::vector<std::string> args);

// Loads scenarios/<name>.json from the source tree.
Scenario LoadShipped(const std::string& name, const std::vector<std::string>& overrides = {});

}  // namespace mountstorm::test

#endif  // MOUNTSTORM_TESTS_TEST_SUPPORT_H_
