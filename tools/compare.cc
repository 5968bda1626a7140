#include "tools/compare.h"

#include <cstdio>
#include <iostream>

#include "models/policies/patch_registry.h"
#include "mountstorm/error.h"
#include "mountstorm/policy.h"
#include "mountstorm/run.h"
#include "tools/atomic_file.h"
#include "tools/cli_util.h"
#include "tools/parallel_for.h"

namespace po = boost::program_options;

namespace mountstorm {

namespace {

bool IsProfile(const std::string& name) {
  for (const auto& [p, description] : ListProfiles()) {
    if (p == name) return true;
  }
  return false;
}

// A number from a summary by its dotted path, or null.
nlohmann::json At(const nlohmann::json& s, const std::vector<std::string>& path) {
  const nlohmann::json* v = &s;
  for (const std::string& k : path) {
    if (!v->is_object() || !v->contains(k)) return nullptr;
    v = &(*v)[k];
  }
  return v->is_number() ? *v : nlohmann::json(nullptr);
}

std::string Cell(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  char buf[64];
  if (v.is_number_integer() || v.is_number_unsigned()) return WithCommas(v.get<std::uint64_t>());
  std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
  return buf;
}

}  // namespace

Scenario ScenarioWithSpec(const std::string& path, std::vector<std::string> sets, const std::string& spec,
                          const std::string& origin) {
  if (spec.empty() || spec == "none") return LoadScenarioFile(path, sets);
  if (IsProfile(spec)) {
    sets.insert(sets.begin(), "/profile=" + spec);
    return LoadScenarioFile(path, sets);
  }
  nlohmann::json j = nlohmann::json::parse(spec, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !(j.is_object() || j.is_array())) {
    std::string profiles;
    for (const auto& [p, d] : ListProfiles()) profiles += (profiles.empty() ? "" : ", ") + p;
    throw InputError(origin + ": expected a profile (" + profiles +
                     "), a patch as a JSON object, a JSON array of patches, or none; found \"" + spec + "\"");
  }
  Scenario s = LoadScenarioFile(path, sets);
  if (j.is_object()) j = nlohmann::json::array({j});
  for (std::size_t i = 0; i < j.size(); ++i) s.patches.push_back(ReadPatchSpec(j[i], origin, "/" + std::to_string(i)));
  return s;
}

nlohmann::json CompareRows(const nlohmann::json& a, const nlohmann::json& b) {
  std::vector<std::vector<std::string>> metrics = {
      {"messages", "systemd", "sent"},
      {"messages", "systemd", "dropped", "enobufs"},
      {"messages", "logind", "received"},
      {"messages", "logind", "dropped", "full_queue"},
      {"messages", "dbus-daemon", "received"},
      {"messages", "dbus-daemon", "dropped", "full_queue"},
      {"scans", "count"},
      {"scans", "mean_new_mounts_per_scan"},
  };
  // Every queue that held something in either run: its peak and the first refusal.
  for (auto it = a["queues"].begin(); it != a["queues"].end(); ++it) {
    const nlohmann::json& qa = it.value();
    const nlohmann::json qb = b["queues"].contains(it.key()) ? b["queues"][it.key()] : nlohmann::json::object();
    if (qa["peak"].get<std::int64_t>() == 0 && qb.value("peak", 0) == 0) continue;
    metrics.push_back({"queues", it.key(), "peak"});
    metrics.push_back({"queues", it.key(), "enobufs_onset_s"});
  }
  const bool logins = At(a, {"logins", "attempts"}) != 0 || At(b, {"logins", "attempts"}) != 0;
  for (std::vector<std::string> m : std::vector<std::vector<std::string>>{
           {"logins", "attempts"},
           {"logins", "succeeded"},
           {"logins", "failed", "enobufs"},
           {"logins", "failed", "timeout"},
           {"logins", "failed", "limits_exceeded"},
           {"logins", "latency_s", "p50"},
           {"logins", "latency_s", "max"},
           {"processes", "systemd", "busy_s"},
           {"processes", "dbus-daemon", "busy_s"},
           {"drain_s"},
           {"visibility", "known_s", "mean"},
           {"visibility", "known_s", "p99"},
           {"visibility", "announced_s", "mean"},
           {"visibility", "announced_s", "max"},
       }) {
    metrics.push_back(m);
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& m : metrics) {
    if (m[0] == "logins" && !logins) continue;  // no logins in either run
    std::string name;
    for (const std::string& k : m) name += (name.empty() ? "" : ".") + k;
    nlohmann::json va = At(a, m), vb = At(b, m);
    if (va.is_null() && vb.is_null()) continue;  // e.g. no refusal in either run
    nlohmann::json ratio = nullptr;
    if (va.is_number() && vb.is_number() && va.get<double>() != 0) ratio = vb.get<double>() / va.get<double>();
    rows.push_back({{"metric", name}, {"a", va}, {"b", vb}, {"ratio", ratio}});
  }
  return rows;
}

int CompareCommand(const std::vector<std::string>& args) {
  po::options_description options("compare options");
  std::vector<std::string> files, sets;
  std::string spec_a, spec_b, out_dir;
  options.add_options()
      ("help,h", "show this help")
      ("files", po::value(&files)->composing(), "SCENARIO.json, or A.json B.json")
      ("a", po::value(&spec_a), "A: a profile, a patch (JSON object), patches (JSON array) or none (default)")
      ("b", po::value(&spec_b), "B: the same")
      ("set", po::value(&sets)->composing(), "override a value of both scenarios: /json/path=value (repeatable)")
      ("output,o", po::value(&out_dir), "write DIR/compare.json")
      ("json", "print JSON instead of a table");
  po::positional_options_description positional;
  positional.add("files", 2);
  po::variables_map vm;
  const char* usage =
      "usage: mountstorm compare SCENARIO.json [--a SPEC] [--b SPEC] [-o DIR]\n"
      "       mountstorm compare A.json B.json [-o DIR]\n"
      "\n"
      "Runs A and B on the same workload and seed and prints what each did and the ratio B/A:\n"
      "messages, drops, queue peaks and onsets, logins, CPU time, drain time and how long new\n"
      "mounts stay invisible to PID 1 (the cost of a rate limit). A SPEC is a profile name\n"
      "(mountstorm profiles), a patch such as '{\"name\": \"ratelimit\", \"burst\": 5}' (mountstorm\n"
      "patches), a JSON array of patches, or none.\n";
  if (!ParseCommand("compare", args, options, positional, usage, &vm)) return kExitOk;
  if (files.empty()) throw InputError("compare: give a scenario (see mountstorm compare --help)");
  if (files.size() == 2 && (vm.count("a") || vm.count("b"))) {
    throw InputError("compare: give either two scenarios or one with --a/--b, not both");
  }
  Scenario a = ScenarioWithSpec(files[0], sets, spec_a, "--a");
  Scenario b = files.size() == 2 ? ScenarioWithSpec(files[1], sets, "", files[1])
                                 : ScenarioWithSpec(files[0], sets, spec_b, "--b");
  if (!vm.count("b") && files.size() == 1) throw InputError("compare: --b is needed with one scenario");
  if (!out_dir.empty()) {
    std::string error;
    if (!MakeDirectories(out_dir, &error)) throw InputError(error);
  }
  // The two runs are independent: run them at once.
  RunResult ra, rb;
  ParallelFor(2, 2, [&](int i) { (i == 0 ? ra : rb) = RunScenario(i == 0 ? a : b); });

  nlohmann::json rows = CompareRows(ra.summary, rb.summary);
  nlohmann::json report = {
      {"a", {{"scenario", files[0]}, {"spec", spec_a.empty() ? "none" : spec_a}, {"summary", ra.summary}}},
      {"b", {{"scenario", files.size() == 2 ? files[1] : files[0]}, {"spec", spec_b.empty() ? "none" : spec_b},
             {"summary", rb.summary}}},
      {"rows", rows},
  };
  if (!out_dir.empty()) {
    std::string error;
    if (!WriteFileAtomically(out_dir + "/compare.json", report.dump(2) + "\n", &error)) throw InputError(error);
  }
  if (vm.count("json")) {
    std::cout << report.dump(2) << "\n";
    return kExitOk;
  }
  auto describe = [](const Scenario& s, const std::string& spec) {
    return s.name + " (profile " + s.profile + (spec.empty() || spec == "none" || s.patches.empty() ? "" : ", " + spec) + ")";
  };
  std::cout << "A: " << describe(a, spec_a) << "\nB: " << describe(b, spec_b) << "\nseed " << a.seed << "\n\n";
  std::printf("%-42s %14s %14s %9s\n", "metric", "A", "B", "B/A");
  for (const nlohmann::json& r : rows) {
    std::printf("%-42s %14s %14s %9s\n", r["metric"].get<std::string>().c_str(), Cell(r["a"]).c_str(),
                Cell(r["b"]).c_str(), Cell(r["ratio"]).c_str());
  }
  if (!out_dir.empty()) std::cout << "\nwrote " << out_dir << "/compare.json\n";
  return kExitOk;
}

int PatchesCommand(const std::vector<std::string>& args) {
  po::options_description options("patches options");
  options.add_options()("help,h", "show this help");
  po::positional_options_description positional;
  po::variables_map vm;
  const char* usage =
      "usage: mountstorm patches\n"
      "\n"
      "Lists the patches of PID 1 a scenario can apply (\"patches\": [{\"name\": NAME, ...}]);\n"
      "docs/PATCHES.md gives their parameters and how to write a new one.\n";
  if (!ParseCommand("patches", args, options, positional, usage, &vm)) return kExitOk;
  for (const auto& [name, description] : ListPatches()) std::printf("%-20s %s\n", name.c_str(), description.c_str());
  return kExitOk;
}

}  // namespace mountstorm
