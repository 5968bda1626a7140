// The commands about scenarios themselves: params, profiles, patches and graph (validate is in
// validate_command.cc).
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/scenario_input.h"
#include "mountstorm/error.h"
#include "mountstorm/policy.h"
#include "mountstorm/run.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

int ParamsCommand(const CommandArgs& args) {
  std::string profile = "rhel7.7";
  bool json = false;
  CommandLine cl("params",
      "usage: mountstorm params [--json] [--profile NAME]\n"
      "\n"
      "Lists every parameter a scenario may set: its JSON path (* for any array index), its\n"
      "default (under the profile, rhel7.7 unless given) and its unit. docs/MODEL.md gives the\n"
      "source of each.\n");
  cl.Json(&json).Text("profile", &profile, "show the defaults of this profile (default rhel7.7)");
  if (!cl.Parse(args)) return kExitOk;
  try {
    DefaultScenario(profile);
  } catch (const InputError& e) {
    throw InputError(std::string("--profile: ") + e.what());
  }
  std::vector<ParameterInfo> params = ListParameters(profile);
  if (json) {
    nlohmann::json j = nlohmann::json::array();
    for (const ParameterInfo& p : params) j.push_back({{"path", p.path}, {"default", nlohmann::json::parse(p.default_value)}, {"unit", p.unit}});
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  for (const ParameterInfo& p : params) {
    std::printf("%-52s %-22s %s\n", p.path.c_str(), p.default_value.c_str(), p.unit.c_str());
  }
  return kExitOk;
}

int ProfilesCommand(const CommandArgs& args) {
  bool json = false;
  CommandLine cl("profiles",
      "usage: mountstorm profiles [--json]\n"
      "\n"
      "Lists the systemd versions a scenario can start from (\"profile\": NAME, or run --profile\n"
      "NAME), then every parameter whose default differs between them.\n");
  cl.Json(&json);
  if (!cl.Parse(args)) return kExitOk;
  std::vector<std::pair<std::string, std::string>> profiles = ListProfiles();
  std::vector<std::vector<ParameterInfo>> defaults;
  for (const auto& p : profiles) defaults.push_back(ListParameters(p.first));
  // Rows: the parameters whose default is not the same in every profile.
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < defaults[0].size(); ++i) {
    if (defaults[0][i].path == "/profile") continue;
    for (const auto& d : defaults) {
      if (d[i].default_value != defaults[0][i].default_value) {
        rows.push_back(i);
        break;
      }
    }
  }
  if (json) {
    nlohmann::json j;
    for (std::size_t p = 0; p < profiles.size(); ++p) {
      nlohmann::json differs = nlohmann::json::object();
      for (std::size_t i : rows) differs[defaults[p][i].path] = nlohmann::json::parse(defaults[p][i].default_value);
      j.push_back({{"name", profiles[p].first}, {"description", profiles[p].second}, {"defaults", differs}});
    }
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& p : profiles) std::printf("%-8s %s\n", p.first.c_str(), p.second.c_str());
  std::printf("\n%-46s", "parameter");
  for (const auto& p : profiles) std::printf(" %9s", p.first.c_str());
  std::printf("\n");
  for (std::size_t i : rows) {
    std::printf("%-46s", defaults[0][i].path.c_str());
    for (const auto& d : defaults) std::printf(" %9s", d[i].default_value.c_str());
    std::printf("\n");
  }
  return kExitOk;
}

int PatchesCommand(const CommandArgs& args) {
  bool json = false;
  CommandLine cl("patches",
      "usage: mountstorm patches [--json]\n"
      "\n"
      "Lists the patches of PID 1 a scenario can apply (\"patches\": [{\"name\": NAME, ...}]);\n"
      "docs/PATCHES.md gives their parameters and how to write a new one.\n");
  cl.Json(&json);
  if (!cl.Parse(args)) return kExitOk;
  if (json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& [name, description] : ListPatches()) j.push_back({{"name", name}, {"description", description}});
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& [name, description] : ListPatches()) std::printf("%-20s %s\n", name.c_str(), description.c_str());
  return kExitOk;
}


int GraphCommand(const CommandArgs& args) {
  std::string path;
  std::vector<std::string> sets;
  CommandLine cl("graph",
      "usage: mountstorm graph SCENARIO.json [--set /json/path=value ...] > topology.dot\n"
      "\n"
      "Prints the scenario's bus topology as Graphviz DOT: processes, connections (bus or private\n"
      "to PID 1), match rules and limits. Render it with e.g. dot -Tsvg topology.dot > topology.svg.\n");
  cl.Scenario(&path).Overrides(&sets);
  if (!cl.Parse(args)) return kExitOk;
  std::cout << TopologyDot(LoadScenarioArg(path, sets));
  return kExitOk;
}

}  // namespace mountstorm
