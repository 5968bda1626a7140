#include "tools/result_dir.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "mountstorm/error.h"
#include "tools/cli_util.h"

namespace mountstorm {
namespace {

bool IsFile(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace

ResultDirKind DetectResultDir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw InputError(dir + ": no such directory");
  if (IsFile(dir + "/summary.json")) return ResultDirKind::kRun;
  if (IsFile(dir + "/aggregate.csv") && IsFile(dir + "/results.csv")) return ResultDirKind::kSweep;
  throw InputError(dir +
                   ": neither a run directory (summary.json, written by mountstorm run) nor a sweep directory "
                   "(results.csv and aggregate.csv, written by mountstorm sweep or merge)");
}

RunData LoadRunDir(const std::string& dir) {
  RunData run;
  run.dir = dir;
  const std::string summary_path = dir + "/summary.json";
  run.summary = nlohmann::json::parse(ReadFileText(summary_path), nullptr, /*allow_exceptions=*/false);
  if (run.summary.is_discarded() || !run.summary.is_object()) {
    throw InputError(summary_path + ": not a JSON object (expected the summary.json of mountstorm run)");
  }
  for (const char* key : {"queues", "scenario", "end_time_s"}) {
    if (!run.summary.contains(key)) {
      throw InputError(summary_path + ": no \"" + key + "\" (expected the summary.json of mountstorm run)");
    }
  }
  if (!run.summary["queues"].is_object()) throw InputError(summary_path + ": /queues: expected an object");
  for (auto it = run.summary["queues"].begin(); it != run.summary["queues"].end(); ++it) {
    if (!it.value().is_object()) throw InputError(summary_path + ": /queues/" + it.key() + ": expected an object");
  }
  if (!IsFile(dir + "/curves.csv")) throw InputError(dir + "/curves.csv: missing (the depth curves of the run)");
  run.curves_csv = ReadFileText(dir + "/curves.csv");
  if (IsFile(dir + "/events.csv")) run.events_csv = ReadFileText(dir + "/events.csv");
  return run;
}

SweepData LoadSweepDir(const std::string& dir) {
  SweepData s;
  s.dir = dir;
  s.aggregate = ParseCsv(ReadFileText(dir + "/aggregate.csv"), dir + "/aggregate.csv");
  if (s.aggregate.Column("runs") < 0) {
    throw InputError(dir + "/aggregate.csv: no \"runs\" column (expected the aggregate.csv of mountstorm sweep)");
  }
  if (IsFile(dir + "/sweep.json")) {
    s.sweep = nlohmann::json::parse(ReadFileText(dir + "/sweep.json"), nullptr, false);
    if (s.sweep.is_discarded() || !s.sweep.is_object()) throw InputError(dir + "/sweep.json: not a JSON object");
  }
  return s;
}

std::vector<std::vector<std::string>> SweepAxisGroups(const SweepData& sweep) {
  const int runs = sweep.aggregate.Column("runs");
  std::vector<std::string> columns(sweep.aggregate.header.begin(), sweep.aggregate.header.begin() + runs);
  std::vector<std::vector<std::string>> groups;
  std::set<std::string> placed;
  if (sweep.sweep.is_object() && sweep.sweep.contains("axes") && sweep.sweep["axes"].is_array()) {
    for (const nlohmann::json& axis : sweep.sweep["axes"]) {
      if (!axis.contains("paths") || !axis["paths"].is_array()) continue;
      std::vector<std::string> g;
      for (const nlohmann::json& p : axis["paths"]) {
        if (p.is_string() && std::find(columns.begin(), columns.end(), p.get<std::string>()) != columns.end() &&
            placed.insert(p.get<std::string>()).second) {
          g.push_back(p.get<std::string>());
        }
      }
      if (!g.empty()) groups.push_back(g);
    }
  }
  for (const std::string& c : columns) {
    if (placed.insert(c).second) groups.push_back({c});
  }
  return groups;
}

}  // namespace mountstorm
