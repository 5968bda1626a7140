// mountstorm compare: the same workload and seed run twice, A and B, side by side.
#include "cli/compare_command.h"

#include <cstdio>
#include <iostream>
#include <optional>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/scenario_input.h"
#include "io/output_dir.h"
#include "io/text_io.h"
#include "io/parallel_for.h"
#include "mountstorm/error.h"
#include "mountstorm/input.h"
#include "mountstorm/policy.h"
#include "mountstorm/result_files.h"
#include "mountstorm/run.h"
#include "planner/compare.h"

namespace mountstorm {

namespace {

bool IsProfile(const std::string& name) {
  for (const auto& [p, description] : ListProfiles()) {
    if (p == name) return true;
  }
  return false;
}

std::string Cell(const MetricValue& v) {
  if (!v) return "-";
  if (const std::uint64_t* n = std::get_if<std::uint64_t>(&*v)) return WithCommas(*n);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", std::get<double>(*v));
  return buf;
}

}  // namespace

namespace {

bool IsPatch(const std::string& name) {
  for (const auto& [p, description] : ListPatches()) {
    if (p == name) return true;
  }
  return false;
}

[[noreturn]] void RefuseSpec(const std::string& spec, const std::string& origin) {
  std::string profiles, patches;
  for (const auto& [p, d] : ListProfiles()) profiles += (profiles.empty() ? "" : ", ") + p;
  for (const auto& [p, d] : ListPatches()) patches += (patches.empty() ? "" : ", ") + p;
  throw InputError(origin + ": expected a profile (" + profiles + "), a relay (dbus-daemon, dbus-broker), a patch name (" +
                   patches + "), a patch as a JSON object, a JSON array of patches, or none; found \"" + spec + "\"");
}

// The patches of `spec` (a patch name, a JSON object or array), each checked as ParsePatchSpec
// checks it, so that an error names `origin`.
nlohmann::json SpecPatches(const std::string& spec, const std::string& origin) {
  if (IsPatch(spec)) {
    const nlohmann::json patch = {{"name", spec}};
    return nlohmann::json::array({patch});
  }
  GuardJsonText(spec, origin);
  nlohmann::json j = nlohmann::json::parse(spec, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !(j.is_object() || j.is_array())) RefuseSpec(spec, origin);
  if (j.is_object()) j = nlohmann::json::array({j});
  for (std::size_t i = 0; i < j.size(); ++i) ParsePatchSpec(j.at(i).dump(), origin, "/" + std::to_string(i));
  return j;
}

}  // namespace

ScenarioInput InputWithSpec(const std::string& path, std::vector<std::string> sets, const std::string& spec,
                            const std::string& origin) {
  if (spec.empty() || spec == "none") return ReadScenarioInput(path, sets);
  if (IsProfile(spec)) {
    sets.insert(sets.begin(), "/profile=" + spec);
    return ReadScenarioInput(path, sets);
  }
  if (spec == "dbus-daemon" || spec == "dbus-broker") {  // the relay (/bus/relay)
    sets.insert(sets.begin(), "/bus/relay=\"" + spec + "\"");
    return ReadScenarioInput(path, sets);
  }
  const nlohmann::json added = SpecPatches(spec, origin);
  ScenarioInput in = ReadScenarioInput(path, sets);
  // Appended to the scenario's own patches, in the document, so that the saved scenario has them.
  nlohmann::json patches = nlohmann::json::array();
  if (std::optional<std::string> own = in.doc.Get("/patches")) patches = nlohmann::json::parse(*own);
  if (patches.is_array()) {
    for (const nlohmann::json& p : added) patches.push_back(p);
    in.doc.Override("/patches=" + patches.dump(), origin);
  }
  return in;
}

Scenario ScenarioWithSpec(const std::string& path, std::vector<std::string> sets, const std::string& spec,
                          const std::string& origin) {
  return InputWithSpec(path, std::move(sets), spec, origin).doc.Parse();
}

namespace {

const char kCompareUsage[] =
      "usage: mountstorm compare SCENARIO.json [--a SPEC] [--b SPEC] [-o DIR]\n"
      "       mountstorm compare A.json B.json [-o DIR]\n"
      "\n"
      "Runs A and B on the same workload and seed and prints what each did and the ratio B/A:\n"
      "messages, drops, queue peaks and onsets, logins, CPU time, drain time and how long new\n"
      "mounts stay invisible to PID 1 (the cost of a rate limit). A SPEC is a profile name\n"
      "(mountstorm profiles), a relay (dbus-daemon or dbus-broker), a patch name such as\n"
      "ratelimit or a patch with parameters such as '{\"name\": \"ratelimit\", \"burst\": 5}'\n"
      "(mountstorm patches), a JSON array of patches, or none. With -o DIR, writes\n"
      "DIR/compare.json, the effective scenarios DIR/scenario-a.json and DIR/scenario-b.json,\n"
      "and DIR/manifest.json last.\n";

// compare.json: both runs' scenario, spec and summary, and the rows.
nlohmann::json CompareJson(const std::vector<std::string>& files, const std::string& spec_a, const std::string& spec_b,
                           const RunResult& ra, const RunResult& rb, const std::vector<CompareRow>& rows) {
  return {
      {"a", {{"scenario", files[0]}, {"spec", spec_a.empty() ? "none" : spec_a},
             {"summary", nlohmann::json::parse(SummaryJsonText(ra))}}},
      {"b", {{"scenario", files.size() == 2 ? files[1] : files[0]}, {"spec", spec_b.empty() ? "none" : spec_b},
             {"summary", nlohmann::json::parse(SummaryJsonText(rb))}}},
      {"rows", CompareRowsJson(rows)},
  };
}

void PrintComparison(const Scenario& a, const std::string& spec_a, const Scenario& b, const std::string& spec_b,
                     const std::vector<CompareRow>& rows) {
  auto describe = [](const Scenario& s, const std::string& spec) {
    return s.name + " (profile " + s.profile + (spec.empty() || spec == "none" || s.patches.empty() ? "" : ", " + spec) + ")";
  };
  std::cout << "A: " << describe(a, spec_a) << "\nB: " << describe(b, spec_b) << "\nseed " << a.seed << "\n\n";
  std::printf("%-42s %14s %14s %9s\n", "metric", "A", "B", "B/A");
  for (const CompareRow& r : rows) {
    std::printf("%-42s %14s %14s %9s\n", r.metric.c_str(), Cell(r.a).c_str(), Cell(r.b).c_str(),
                Cell(r.ratio ? MetricValue(*r.ratio) : std::nullopt).c_str());
  }
}

// DIR/compare.json, the two effective scenarios, then manifest.json. A scenario whose mount table
// is a file keeps the path it had (the copy beside a run's scenario.json is one table per directory).
void WriteCompareDir(OutputDir& out, const nlohmann::json& report, const ScenarioInput& a, const ScenarioInput& b) {
  out.Add("compare.json", report.dump(2) + "\n");
  out.Add("scenario-a.json", nlohmann::json::parse(a.doc.Text()).dump(2) + "\n");
  out.Add("scenario-b.json", nlohmann::json::parse(b.doc.Text()).dump(2) + "\n");
  std::vector<ManifestInput> inputs = a.inputs;
  for (const ManifestInput& i : b.inputs) {
    if (i.path != inputs.front().path || i.sha256 != inputs.front().sha256) inputs.push_back(i);
  }
  out.Commit(inputs);
}

}  // namespace

int CompareCommand(const CommandArgs& args) {
  std::vector<std::string> files, sets;
  std::string spec_a, spec_b, out_dir;
  bool json = false;
  CommandLine cl("compare", kCompareUsage);
  cl.Positionals("files", &files, 2, "SCENARIO.json, or A.json B.json")
      .Text("a", &spec_a, "A: a profile, a patch (JSON object), patches (JSON array) or none (default)")
      .Text("b", &spec_b, "B: the same")
      .Overrides(&sets)
      .Output(&out_dir, "write DIR/compare.json", /*required=*/false)
      .Json(&json);
  if (!cl.Parse(args)) return kExitOk;
  if (files.empty()) throw InputError("compare: give a scenario (see mountstorm compare --help)");
  if (files.size() == 2 && (cl.Given("a") || cl.Given("b"))) {
    throw InputError("compare: give either two scenarios or one with --a/--b, not both");
  }
  const ScenarioInput in_a = InputWithSpec(files[0], sets, spec_a, "--a");
  const ScenarioInput in_b = files.size() == 2 ? InputWithSpec(files[1], sets, "", files[1])
                                               : InputWithSpec(files[0], sets, spec_b, "--b");
  const Scenario a = in_a.doc.Parse(), b = in_b.doc.Parse();
  if (!cl.Given("b") && files.size() == 1) throw InputError("compare: --b is needed with one scenario");
  if (out_dir == "-") throw InputError("compare: -o - is not a directory; --json prints compare.json on standard output");
  std::optional<OutputDir> out;
  if (!out_dir.empty()) out.emplace(out_dir, "-o");
  // The two runs are independent: run them at once.
  RunResult ra, rb;
  ParallelFor(2, 2, [&](int i) { (i == 0 ? ra : rb) = RunScenario(i == 0 ? a : b); });
  const std::vector<CompareRow> rows = CompareRows(ra, rb);
  const nlohmann::json report = CompareJson(files, spec_a, spec_b, ra, rb, rows);
  if (out) WriteCompareDir(*out, report, in_a, in_b);
  if (json) {
    std::cout << report.dump(2) << "\n";
    return kExitOk;
  }
  PrintComparison(a, spec_a, b, spec_b, rows);
  if (!out_dir.empty()) std::cout << "\nwrote " << out_dir << "/compare.json\n";
  return kExitOk;
}

}  // namespace mountstorm
