// The commands about scenarios themselves: validate, params, profiles, patches and graph.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "mountstorm/policy.h"
#include "mountstorm/run.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

int ValidateCommand(const CommandArgs& args) {
  std::string scenario_path;
  std::vector<std::string> sets;
  CommandLine cl("validate",
      "usage: mountstorm validate SCENARIO.json [--set /json/path=value ...]\n"
      "\n"
      "Checks a scenario: every key known, every value of the right type and in range. Exits 0\n"
      "and prints an overview if it is valid, 2 with the file, JSON path and problem if not.\n");
  cl.Scenario(&scenario_path).Overrides(&sets);
  if (!cl.Parse(args)) return kExitOk;
  Scenario s = LoadScenarioFile(scenario_path, sets);
  std::size_t ops = 0;
  for (const WorkloadGenerator& g : s.workload) {
    ops += g.kind == WorkloadGenerator::Kind::kList ? g.ops.size() : static_cast<std::size_t>(g.count);
  }
  std::size_t logins = 0;
  for (const LoginGenerator& g : s.logins) logins += g.at.size() + static_cast<std::size_t>(g.count);
  std::cout << scenario_path << ": valid\n"
            << "  name " << s.name << ", profile " << s.profile << ", seed " << s.seed << "\n"
            << "  initial mount table: " << s.initial_mounts.size() << " entries\n"
            << "  workload: " << s.workload.size() << " generator(s), " << ops << " operation(s)"
            << " (plus expiries)\n"
            << "  clients: " << (s.logind_enabled ? "logind" : "no logind") << " and " << s.subscribers.size()
            << " other subscriber(s)\n"
            << "  logins: " << logins << " from " << s.logins.size() << " process(es)\n"
            << "  host: " << (s.cpus == 0 ? std::string("a CPU per process") : std::to_string(s.cpus) + " CPU(s)") << "\n";
  return kExitOk;
}

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
  CommandLine cl("patches",
      "usage: mountstorm patches\n"
      "\n"
      "Lists the patches of PID 1 a scenario can apply (\"patches\": [{\"name\": NAME, ...}]);\n"
      "docs/PATCHES.md gives their parameters and how to write a new one.\n");
  if (!cl.Parse(args)) return kExitOk;
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
  std::cout << TopologyDot(LoadScenarioFile(path, sets));
  return kExitOk;
}

}  // namespace mountstorm
