#include "io/result_dir.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "mountstorm/error.h"
#include "mountstorm/input.h"
#include "mountstorm/result_files.h"
#include "io/manifest.h"
#include "io/text_io.h"

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
  run.manifest = RequireManifest(dir, "run");
  run.dir = dir;
  run.result = ParseSummaryJson(ReadFileText(dir + "/summary.json"), dir + "/summary.json");
  if (!IsFile(dir + "/curves.csv")) throw InputError(dir + "/curves.csv: missing (the depth curves of the run)");
  run.result.curves = ParseCurvesCsv(ReadFileText(dir + "/curves.csv"), dir + "/curves.csv");
  for (const std::string& column : run.result.curves.columns) {
    if (run.result.Queue(column) == nullptr) {
      throw InputError(dir + "/curves.csv: the column " + column + " is no queue of " + dir + "/summary.json");
    }
  }
  if (IsFile(dir + "/events.csv")) {
    run.result.event_log = ParseEventsCsv(ReadFileText(dir + "/events.csv"), dir + "/events.csv");
    run.has_events = true;
  }
  return run;
}

SweepData LoadSweepDir(const std::string& dir) {
  SweepData s;
  s.manifest = RequireManifest(dir, "sweep");
  s.dir = dir;
  s.aggregate = ParseCsv(ReadFileText(dir + "/aggregate.csv"), dir + "/aggregate.csv");
  if (s.aggregate.Column("runs") < 0) {
    throw InputError(dir + "/aggregate.csv: no \"runs\" column (expected the aggregate.csv of mountstorm sweep)");
  }
  if (IsFile(dir + "/sweep.json")) {
    const std::string text = ReadFileText(dir + "/sweep.json");
    GuardJsonText(text, dir + "/sweep.json");
    s.sweep = nlohmann::json::parse(text, nullptr, false);
    if (s.sweep.is_discarded() || !s.sweep.is_object()) throw InputError(dir + "/sweep.json: not a JSON object");
  }
  return s;
}

std::string ShellCommand(const std::vector<std::string>& words) {
  std::string line;
  for (const std::string& w : words) {
    if (!line.empty()) line += ' ';
    const bool plain = !w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                         "0123456789-_./=:,+@%") == std::string::npos;
    if (plain) {
      line += w;
      continue;
    }
    line += '\'';
    for (char c : w) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

std::vector<std::vector<std::string>> SweepAxisGroups(const SweepData& sweep) {
  const int runs = sweep.aggregate.Column("runs");
  std::vector<std::string> columns(sweep.aggregate.header.begin(), sweep.aggregate.header.begin() + runs);
  std::vector<std::vector<std::string>> groups;
  std::set<std::string> placed;
  if (sweep.sweep.is_object() && sweep.sweep.contains("axes") && sweep.sweep.at("axes").is_array()) {
    for (const nlohmann::json& axis : sweep.sweep.at("axes")) {
      if (!axis.contains("paths") || !axis.at("paths").is_array()) continue;
      std::vector<std::string> g;
      for (const nlohmann::json& p : axis.at("paths")) {
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
