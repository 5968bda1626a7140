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

[[noreturn]] void RefuseSpec(const std::string& spec, const std::string& origin, bool bad_json) {
  std::string profiles, patches;
  for (const auto& [p, d] : ListProfiles()) profiles += (profiles.empty() ? "" : ", ") + p;
  for (const auto& [p, d] : ListPatches()) patches += (patches.empty() ? "" : ", ") + p;
  throw InputError(origin + ": expected a profile (" + profiles + "), a relay (dbus-daemon, dbus-broker), a patch name (" +
                   patches + "), a patch as a JSON object, a JSON array of patches, or none; found \"" + spec + "\"" +
                   (bad_json ? " (not valid JSON)" : ""));
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
  if (j.is_discarded() || !(j.is_object() || j.is_array())) {
    RefuseSpec(spec, origin, j.is_discarded() && (spec[0] == '{' || spec[0] == '['));
  }
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
      "usage: mountstorm compare SCENARIO.json [--a SPEC] [--b SPEC] [-o DIR] [--engine trains|messages]\n"
      "       mountstorm compare A.json B.json [-o DIR] [--engine trains|messages]\n"
      "\n"
      "Runs A and B on the same workload and seed and prints what each did and the ratio B/A:\n"
      "messages, drops, queue peaks and onsets, logins, CPU time, drain time and how long new\n"
      "mounts stay invisible to PID 1 (the cost of a rate limit). A SPEC is a profile name\n"
      "(mountstorm profiles), a relay (dbus-daemon or dbus-broker), a patch name such as\n"
      "ratelimit or a patch with parameters such as '{\"name\": \"ratelimit\", \"burst\": 5}'\n"
      "(mountstorm patches), a JSON array of patches, or none. With -o DIR, writes\n"
      "DIR/compare.json, the effective scenarios DIR/scenario-a.json and DIR/scenario-b.json,\n"
      "and DIR/manifest.json last. --seeds K runs each variant with K seeds and compares the means\n"
      "(compare.json then has \"seeds\": K; its summaries are of the first seed's runs).\n";

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

// The two runs, and the rows: of the pair, or with --seeds K the means over K pairs.
struct Comparison {
  RunResult ra, rb;  // with the first seed
  std::vector<CompareRow> rows;
};

std::optional<double> AsDouble(const MetricValue& v) {
  if (!v) return std::nullopt;
  if (const std::uint64_t* n = std::get_if<std::uint64_t>(&*v)) return static_cast<double>(*n);
  return std::get<double>(*v);
}

// Row by row, the mean of A and of B over the pairs, and their ratio; a metric some pair lacks
// has no mean.
std::vector<CompareRow> MeanRows(const std::vector<std::vector<CompareRow>>& pairs) {
  std::vector<CompareRow> mean = pairs.front();
  for (std::size_t i = 0; i < mean.size(); ++i) {
    std::optional<double> sa = 0.0, sb = 0.0;
    for (const std::vector<CompareRow>& rows : pairs) {
      const std::optional<double> a = i < rows.size() && rows[i].metric == mean[i].metric ? AsDouble(rows[i].a) : std::nullopt;
      const std::optional<double> b = i < rows.size() && rows[i].metric == mean[i].metric ? AsDouble(rows[i].b) : std::nullopt;
      sa = sa && a ? std::optional<double>(*sa + *a) : std::nullopt;
      sb = sb && b ? std::optional<double>(*sb + *b) : std::nullopt;
    }
    const double k = static_cast<double>(pairs.size());
    mean[i].a = sa ? MetricValue(*sa / k) : std::nullopt;
    mean[i].b = sb ? MetricValue(*sb / k) : std::nullopt;
    mean[i].ratio = sa && sb && *sa != 0 ? std::optional<double>(*sb / *sa) : std::nullopt;
  }
  return mean;
}

// A and B with seeds S, S+1, ..., S+K-1 (S: each scenario's own seed), on every CPU.
Comparison RunComparison(const Scenario& a, const Scenario& b, int seeds, Engine engine) {
  std::vector<RunResult> runs(2 * static_cast<std::size_t>(seeds));
  RunOptions options;
  options.engine = engine;
  ParallelFor(2 * seeds, seeds == 1 ? 2 : Jobs(0), [&](int i) {
    Scenario s = i % 2 == 0 ? a : b;
    s.seed += static_cast<std::uint64_t>(i / 2);
    runs[static_cast<std::size_t>(i)] = RunScenario(s, options);
  });
  std::vector<std::vector<CompareRow>> pairs;
  for (std::size_t k = 0; k < runs.size(); k += 2) pairs.push_back(CompareRows(runs[k], runs[k + 1]));
  return Comparison{runs[0], runs[1], seeds == 1 ? pairs.front() : MeanRows(pairs)};
}

void PrintComparison(const Scenario& a, const std::string& spec_a, const Scenario& b, const std::string& spec_b,
                     const std::vector<CompareRow>& rows, int seeds) {
  auto describe = [](const Scenario& s, const std::string& spec) {
    return s.name + " (profile " + s.profile + (spec.empty() || spec == "none" || s.patches.empty() ? "" : ", " + spec) + ")";
  };
  std::cout << "A: " << describe(a, spec_a) << "\nB: " << describe(b, spec_b) << "\nseed " << a.seed;
  if (seeds > 1) std::cout << " to " << a.seed + static_cast<std::uint64_t>(seeds - 1) << ": means over " << seeds << " runs each";
  std::cout << "\n\n";
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
  bool json = false, quiet = false;
  int seeds = 1;
  Engine engine = Engine::kTrains;
  CommandLine cl("compare", kCompareUsage);
  cl.Positionals("files", &files, 2, "SCENARIO.json, or A.json B.json")
      .Text("a", &spec_a, "A: a profile, a patch (JSON object), patches (JSON array) or none (default)")
      .Text("b", &spec_b, "B: the same")
      .Overrides(&sets)
      .Integer("seeds", &seeds, "run each variant with K seeds (the scenario's, then the next K-1) and compare the means")
      .Output(&out_dir, "write DIR/compare.json, the two scenarios and manifest.json", /*required=*/false)
      .Json(&json)
      .Quiet(&quiet)
      .EngineOption(&engine);
  if (!cl.Parse(args)) return kExitOk;
  if (seeds < 1 || seeds > 10000) {
    throw InputError("compare: --seeds: expected a number of seeds from 1 to 10000, found " + std::to_string(seeds));
  }
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
  const Comparison cmp = RunComparison(a, b, seeds, engine);
  nlohmann::json report = CompareJson(files, spec_a, spec_b, cmp.ra, cmp.rb, cmp.rows);
  if (seeds > 1) report["seeds"] = seeds;  // rows: means; summaries: the first seed's runs
  if (out) WriteCompareDir(*out, report, in_a, in_b);
  if (quiet) return kExitOk;
  if (json) {
    std::cout << report.dump(2) << "\n";
    return kExitOk;
  }
  PrintComparison(a, spec_a, b, spec_b, cmp.rows, seeds);
  if (!out_dir.empty()) std::cout << "\nwrote " << out_dir << "/compare.json\n";
  return kExitOk;
}

}  // namespace mountstorm
