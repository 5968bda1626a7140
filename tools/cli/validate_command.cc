// mountstorm validate: checks a scenario, a sweep file or a patch spec, whichever the file is.
#include <algorithm>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/scenario_input.h"
#include "io/text_io.h"
#include "mountstorm/error.h"
#include "mountstorm/input.h"
#include "mountstorm/policy.h"
#include "mountstorm/scenario.h"
#include "sweep/sweep_spec.h"

namespace mountstorm {

namespace {

const char kValidateUsage[] =
    "usage: mountstorm validate FILE|- [--kind scenario|sweep|patch] [--profile NAME] [--set ...] [--json] [-q]\n"
    "\n"
    "Checks a scenario, a sweep file or a patch spec (a patch object or an array of them), and\n"
    "says which it found: a JSON object with \"axes\" is a sweep; an object whose \"name\" is a\n"
    "patch (mountstorm patches) and that has no scenario section, or an array of objects, is a\n"
    "patch spec; anything else is a scenario. --kind decides instead. Every key must be known,\n"
    "every value of the right type and in range. Exits 0 and prints an overview if it is valid,\n"
    "2 with the file, JSON path and problem if not. - reads standard input.\n";

bool IsPatchName(const nlohmann::json& name) {
  if (!name.is_string()) return false;
  for (const auto& [p, description] : ListPatches()) {
    if (p == name.get<std::string>()) return true;
  }
  return false;
}

std::string DetectKind(const nlohmann::json& j) {
  if (j.is_array()) {  // patches are objects; anything else is a scenario that is not one
    const bool objects = !j.empty() && std::all_of(j.begin(), j.end(), [](const nlohmann::json& e) { return e.is_object(); });
    return objects ? "patch" : "scenario";
  }
  if (!j.is_object()) return "scenario";  // the scenario reader says what it expected
  if (j.contains("axes")) return "sweep";
  for (const char* section : {"workload", "mount_table", "systemd", "logind", "logins", "bus", "run", "host"}) {
    if (j.contains(section)) return "scenario";
  }
  return j.contains("name") && IsPatchName(j.at("name")) ? "patch" : "scenario";
}

nlohmann::json ScenarioOverview(const std::string& path, const std::vector<std::string>& sets) {
  const Scenario s = LoadScenarioArg(path, sets);
  std::size_t ops = 0, logins = 0;
  for (const WorkloadGenerator& g : s.workload) {
    ops += g.kind == WorkloadGenerator::Kind::kList ? g.ops.size() : static_cast<std::size_t>(g.count);
  }
  for (const LoginGenerator& g : s.logins) logins += g.at.size() + static_cast<std::size_t>(g.count);
  return {{"name", s.name}, {"profile", s.profile}, {"seed", s.seed}, {"initial_mounts", InitialMountCount(s)},
          {"generators", s.workload.size()}, {"operations", ops}, {"logind", s.logind_enabled},
          {"subscribers", s.subscribers.size()}, {"logins", logins}, {"login_processes", s.logins.size()},
          {"cpus", s.cpus}};
}

void PrintScenario(const std::string& path, const nlohmann::json& o) {
  const int cpus = o["cpus"].get<int>();
  std::cout << path << ": valid\n"
            << "  name " << o["name"].get<std::string>() << ", profile " << o["profile"].get<std::string>()
            << ", seed " << o["seed"].dump() << "\n"
            << "  initial mount table: " << o["initial_mounts"].dump() << " entries\n"
            << "  workload: " << o["generators"].dump() << " generator(s), " << o["operations"].dump()
            << " operation(s) (plus expiries)\n"
            << "  clients: " << (o["logind"].get<bool>() ? "logind" : "no logind") << " and "
            << o["subscribers"].dump() << " other subscriber(s)\n"
            << "  logins: " << o["logins"].dump() << " from " << o["login_processes"].dump() << " process(es)\n"
            << "  host: " << (cpus == 0 ? std::string("a CPU per process") : std::to_string(cpus) + " CPU(s)") << "\n";
}

// A sweep: its spec, then every point's scenario.
nlohmann::json SweepOverview(const std::string& path, const nlohmann::json& doc) {
  const SweepSpec spec = ParseSweep(doc, path);
  const std::vector<SweepPoint> points = ExpandSweep(spec);
  for (const SweepPoint& p : points) PointScenario(spec, p, RunSeed(spec.seed, p.key, 0));
  return {{"name", spec.name}, {"axes", spec.axes.size()}, {"points", points.size()},
          {"replications", spec.replications}, {"runs", points.size() * static_cast<std::size_t>(spec.replications)}};
}

nlohmann::json PatchOverview(const std::string& path, nlohmann::json doc) {
  if (!doc.is_array()) doc = nlohmann::json::array({doc});
  nlohmann::json names = nlohmann::json::array();
  for (std::size_t i = 0; i < doc.size(); ++i) {
    names.push_back(ParsePatchSpec(doc.at(i).dump(), path, "/" + std::to_string(i)).name);
  }
  return {{"patches", names}};
}

}  // namespace

int ValidateCommand(const CommandArgs& args) {
  std::string path, kind;
  std::vector<std::string> sets;
  bool json = false, quiet = false;
  CommandLine cl("validate", kValidateUsage);
  cl.Positional("file", &path, "a scenario, sweep file or patch spec (JSON); - for standard input")
      .Text("kind", &kind, "what the file is: scenario, sweep or patch (default: found from its keys)")
      .Overrides(&sets)
      .Json(&json)
      .Quiet(&quiet);
  if (!cl.Parse(args)) return kExitOk;
  const std::string text = ReadInputOrStdin(path, "file to validate");
  CheckJsonText(text, path);
  const nlohmann::json doc = nlohmann::json::parse(text);
  if (kind.empty()) kind = DetectKind(doc);
  if (kind != "scenario" && !sets.empty()) throw InputError("validate: --profile, --set, --seed and --mountinfo are for a scenario; " + path + " is a " + kind);
  nlohmann::json overview;
  if (kind == "scenario") {
    overview = ScenarioOverview(path, sets);
  } else if (kind == "sweep") {
    overview = SweepOverview(path, doc);
  } else if (kind == "patch") {
    overview = PatchOverview(path, doc);
  } else {
    throw InputError("validate: --kind: expected scenario, sweep or patch, found \"" + kind + "\"");
  }
  if (quiet) return kExitOk;
  if (json) {
    std::cout << nlohmann::json({{"file", path}, {"kind", kind}, {"valid", true}, {"overview", overview}}).dump(2) << "\n";
  } else if (kind == "scenario") {
    PrintScenario(path, overview);
  } else if (kind == "sweep") {
    std::cout << path << ": valid sweep\n  " << overview["points"].dump() << " point(s) x "
              << overview["replications"].dump() << " replication(s) = " << overview["runs"].dump()
              << " run(s), every point's scenario valid\n";
  } else {
    std::cout << path << ": valid patch spec: " << overview["patches"].size() << " patch(es)";
    for (const nlohmann::json& n : overview["patches"]) std::cout << " " << n.get<std::string>();
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace mountstorm
