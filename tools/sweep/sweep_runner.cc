#include "tools/sweep_runner.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "models/csv_text.h"
#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "sim/random_stream.h"
#include "tools/atomic_file.h"

namespace mountstorm {

namespace {

namespace fs = std::filesystem;

// One run of the sweep: a point and a replication, in the sweep's order.
struct RunId {
  std::size_t point;
  int replication;
};

std::vector<RunId> AllRuns(const std::vector<SweepPoint>& points, int replications) {
  std::vector<RunId> runs;
  for (std::size_t p = 0; p < points.size(); ++p) {
    for (int r = 0; r < replications; ++r) runs.push_back(RunId{p, r});
  }
  return runs;
}

std::string RunFile(const std::string& dir, const SweepPoint& point, int replication) {
  char name[64];
  std::snprintf(name, sizeof name, "%016llx-r%d.json",
                static_cast<unsigned long long>(StreamSeed(0, point.key)), replication);
  return dir + "/runs/" + name;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The saved run, if `path` holds a complete one for this point and replication.
bool LoadRun(const std::string& path, const SweepPoint& point, int replication, nlohmann::json* run) {
  if (!fs::exists(path)) return false;
  nlohmann::json j = nlohmann::json::parse(ReadText(path), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("point") || j["point"].dump() != point.key || j["replication"] != replication ||
      !j.contains("summary")) {
    return false;
  }
  *run = std::move(j);
  return true;
}

void Write(const std::string& path, const std::string& text) {
  std::string error;
  if (!WriteFileAtomically(path, text, &error)) throw InputError(error);
}

// Makes `dir` a directory of this sweep, or checks that it already is.
void PrepareDirectory(const SweepSpec& spec, const std::string& dir) {
  std::string error;
  if (!MakeDirectories(dir + "/runs", &error)) throw InputError(error);
  const std::string marker = dir + "/sweep.json";
  const std::string canonical = spec.Canonical().dump(2) + "\n";
  if (fs::exists(marker)) {
    if (ReadText(marker) != canonical) {
      throw InputError(dir + ": holds the runs of a different sweep (its sweep.json differs); use another directory");
    }
    return;
  }
  Write(marker, canonical);
}

// ---- result tables ----

std::string Cell(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// The key outcomes of a run, flattened, in a fixed order.
std::vector<std::pair<std::string, nlohmann::json>> Outcomes(const nlohmann::json& s) {
  std::vector<std::pair<std::string, nlohmann::json>> o;
  o.emplace_back("end_time_s", s["end_time_s"]);
  o.emplace_back("scans.count", s["scans"]["count"]);
  o.emplace_back("scans.mean_new_mounts_per_scan", s["scans"]["mean_new_mounts_per_scan"]);
  for (auto it = s["messages"].begin(); it != s["messages"].end(); ++it) {
    const nlohmann::json& m = it.value();
    std::uint64_t dropped = 0;
    for (auto d = m["dropped"].begin(); d != m["dropped"].end(); ++d) dropped += d.value().get<std::uint64_t>();
    o.emplace_back("messages." + it.key() + ".sent", m["sent"]);
    o.emplace_back("messages." + it.key() + ".received", m["received"]);
    o.emplace_back("messages." + it.key() + ".dropped", dropped);
  }
  for (auto it = s["queues"].begin(); it != s["queues"].end(); ++it) {
    o.emplace_back("queues." + it.key() + ".peak", it.value()["peak"]);
    o.emplace_back("queues." + it.key() + ".enobufs_onset_s", it.value()["enobufs_onset_s"]);
    o.emplace_back("queues." + it.key() + ".refused", it.value()["refused"]);
  }
  const nlohmann::json& l = s["logins"];
  o.emplace_back("logins.attempts", l["attempts"]);
  o.emplace_back("logins.succeeded", l["succeeded"]);
  for (const char* cause : {"enobufs", "timeout", "limits_exceeded"}) {
    o.emplace_back(std::string("logins.failed.") + cause, l["failed"][cause]);
  }
  return o;
}

// Two-sided 95 % quantile of Student's t with `df` degrees of freedom.
double T95(std::size_t df) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df >= 1 && df <= 30) return table[df - 1];
  // Beyond the table, the Cornish-Fisher expansion around the normal quantile (Abramowitz and
  // Stegun 26.7.5), within 1e-4 of the exact value from 31 degrees of freedom on.
  const double z = 1.959964, n = static_cast<double>(df);
  return z + (z * z * z + z) / (4 * n) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

std::string Number(double v) { return nlohmann::json(v).dump(); }

// Writes the three tables for `runs` (in sweep order) into `out`.
void WriteTables(const SweepSpec& spec, const std::vector<SweepPoint>& points, const std::vector<RunId>& runs,
                 const std::vector<nlohmann::json>& saved, const std::string& out) {
  std::vector<std::string> axis_paths;
  for (const SweepAxis& a : spec.axes) axis_paths.insert(axis_paths.end(), a.paths.begin(), a.paths.end());

  // Outcome columns: their union over all runs, in order of first appearance.
  std::vector<std::string> columns;
  std::set<std::string> seen;
  std::vector<std::map<std::string, nlohmann::json>> values(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (auto& [name, v] : Outcomes(saved[i]["summary"])) {
      if (seen.insert(name).second) columns.push_back(name);
      values[i][name] = v;
    }
  }

  std::ostringstream csv, jsonl;
  for (const std::string& p : axis_paths) csv << CsvField(p) << ',';
  csv << "replication,seed";
  for (const std::string& c : columns) csv << ',' << CsvField(c);
  csv << '\n';
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const auto& [path, v] : points[runs[i].point].assignments) csv << CsvField(Cell(v)) << ',';
    csv << runs[i].replication << ',' << saved[i]["seed"].get<std::uint64_t>();
    for (const std::string& c : columns) {
      auto it = values[i].find(c);
      csv << ',' << (it == values[i].end() ? "" : CsvField(Cell(it->second)));
    }
    csv << '\n';
    jsonl << saved[i].dump() << '\n';
  }

  // Per point: the statistics of every outcome over its replications present here.
  std::ostringstream agg;
  for (const std::string& p : axis_paths) agg << CsvField(p) << ',';
  agg << "runs";
  for (const std::string& c : columns) agg << ',' << CsvField(c + ".mean") << ',' << CsvField(c + ".sd") << ','
                                            << CsvField(c + ".ci95") << ',' << CsvField(c + ".n");
  agg << '\n';
  for (std::size_t i = 0; i < runs.size();) {
    std::size_t j = i;
    while (j < runs.size() && runs[j].point == runs[i].point) ++j;
    for (const auto& [path, v] : points[runs[i].point].assignments) agg << CsvField(Cell(v)) << ',';
    agg << (j - i);
    for (const std::string& c : columns) {
      std::vector<double> xs;
      for (std::size_t k = i; k < j; ++k) {
        auto it = values[k].find(c);
        if (it != values[k].end() && it->second.is_number()) xs.push_back(it->second.get<double>());
      }
      if (xs.empty()) {
        agg << ",,,,0";
        continue;
      }
      double mean = 0;
      for (double x : xs) mean += x;
      mean /= static_cast<double>(xs.size());
      agg << ',' << Number(mean);
      if (xs.size() < 2) {
        agg << ",,," << xs.size();
        continue;
      }
      double ss = 0;
      for (double x : xs) ss += (x - mean) * (x - mean);
      double sd = std::sqrt(ss / static_cast<double>(xs.size() - 1));
      double ci = T95(xs.size() - 1) * sd / std::sqrt(static_cast<double>(xs.size()));
      agg << ',' << Number(sd) << ',' << Number(ci) << ',' << xs.size();
    }
    agg << '\n';
    i = j;
  }

  Write(out + "/results.csv", csv.str());
  Write(out + "/results.jsonl", jsonl.str());
  Write(out + "/aggregate.csv", agg.str());
}

// A progress line on stderr, redrawn in place.
void ShowProgress(std::size_t done, std::size_t total, double seconds) {
  double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  double left = rate > 0 ? static_cast<double>(total - done) / rate : 0;
  std::fprintf(stderr, "\r[sweep] %zu/%zu runs, %.1f runs/s, %.0f s left   ", done, total, rate, left);
  std::fflush(stderr);
}

}  // namespace

SweepReport RunSweep(const SweepSpec& spec, const std::string& dir, const SweepOptions& options) {
  const std::vector<SweepPoint> points = ExpandSweep(spec);
  std::vector<RunId> shard_runs;
  {
    std::vector<RunId> all = AllRuns(points, spec.replications);
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (static_cast<int>(i % static_cast<std::size_t>(options.shards)) == options.shard) shard_runs.push_back(all[i]);
    }
  }
  // Every point must make a valid scenario before anything runs; each run then starts from its
  // point's scenario with the run's own seed.
  std::vector<Scenario> scenarios;
  scenarios.reserve(points.size());
  for (const SweepPoint& p : points) scenarios.push_back(PointScenario(spec, p, 0));
  PrepareDirectory(spec, dir);

  SweepReport report;
  report.runs_in_shard = shard_runs.size();
  std::vector<nlohmann::json> saved(shard_runs.size());
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < shard_runs.size(); ++i) {
    const RunId& r = shard_runs[i];
    if (LoadRun(RunFile(dir, points[r.point], r.replication), points[r.point], r.replication, &saved[i])) {
      ++report.already_done;
    } else {
      todo.push_back(i);
    }
  }

  std::atomic<std::size_t> next{0}, finished{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto worker = [&] {
    for (;;) {
      {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (error) return;
      }
      std::size_t k = next.fetch_add(1);
      if (k >= todo.size()) return;
      const std::size_t i = todo[k];
      const RunId& r = shard_runs[i];
      const SweepPoint& p = points[r.point];
      try {
        Scenario scenario = scenarios[r.point];
        scenario.seed = RunSeed(spec.seed, p.key, r.replication);
        const std::uint64_t seed = scenario.seed;
        RunResult result = RunScenario(scenario);
        nlohmann::json run = {{"point", nlohmann::json::parse(p.key)},
                              {"replication", r.replication},
                              {"seed", seed},
                              {"summary", result.summary}};
        // Saved as text and read back as the merge will, so both give identical tables.
        std::string text = run.dump() + "\n";
        Write(RunFile(dir, p, r.replication), text);
        saved[i] = nlohmann::json::parse(text);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
      finished.fetch_add(1);
    }
  };
  const int threads = std::max(1, std::min<int>(options.jobs, static_cast<int>(todo.size())));
  std::vector<std::thread> pool;
  auto started = std::chrono::steady_clock::now();
  for (int t = 0; t < threads && !todo.empty(); ++t) pool.emplace_back(worker);
  if (options.progress && !todo.empty()) {
    while (finished.load() < todo.size()) {
      {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (error) break;
      }
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      ShowProgress(report.already_done + finished.load(), shard_runs.size(), seconds);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  for (std::thread& t : pool) t.join();
  if (options.progress && !todo.empty()) {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    ShowProgress(report.already_done + finished.load(), shard_runs.size(), seconds);
    std::fprintf(stderr, "\n");
  }
  if (error) std::rethrow_exception(error);
  report.ran = todo.size();
  WriteTables(spec, points, shard_runs, saved, dir);
  return report;
}

void MergeSweep(const std::vector<std::string>& dirs, const std::string& out) {
  if (dirs.empty()) throw InputError("merge: no sweep directories given");
  std::string canonical;
  for (const std::string& d : dirs) {
    const std::string marker = d + "/sweep.json";
    if (!fs::exists(marker)) throw InputError(d + ": not a sweep directory (no sweep.json)");
    std::string text = ReadText(marker);
    if (canonical.empty()) canonical = text;
    if (text != canonical) throw InputError(d + ": holds a different sweep than " + dirs[0]);
  }
  nlohmann::json c = nlohmann::json::parse(canonical);
  SweepSpec spec;
  spec.name = c["name"];
  spec.base = c["base"];
  spec.seed = c["seed"];
  spec.replications = c["replications"];
  for (const nlohmann::json& a : c["axes"]) {
    SweepAxis axis;
    axis.paths = a["paths"].get<std::vector<std::string>>();
    for (const nlohmann::json& t : a["values"]) axis.values.push_back(std::vector<nlohmann::json>(t.begin(), t.end()));
    spec.axes.push_back(axis);
  }
  const std::vector<SweepPoint> points = ExpandSweep(spec);
  const std::vector<RunId> runs = AllRuns(points, spec.replications);
  std::vector<nlohmann::json> saved(runs.size());
  std::size_t missing = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    bool found = false;
    for (const std::string& d : dirs) {
      if (LoadRun(RunFile(d, points[runs[i].point], runs[i].replication), points[runs[i].point],
                  runs[i].replication, &saved[i])) {
        found = true;
        break;
      }
    }
    if (!found) ++missing;
  }
  if (missing > 0) {
    throw InputError("merge: " + std::to_string(missing) + " of " + std::to_string(runs.size()) +
                     " runs are in none of the directories given (a shard has not finished?)");
  }
  std::string error;
  if (!MakeDirectories(out, &error)) throw InputError(error);
  Write(out + "/sweep.json", canonical);
  WriteTables(spec, points, runs, saved, out);
}

void ChooseShard(const std::string& flag, SweepOptions* o) {
  auto number = [](const std::string& text, const std::string& what) {
    std::size_t used = 0;
    long long v = -1;
    try {
      v = std::stoll(text, &used);
    } catch (...) {
    }
    if (used != text.size() || v < 0) throw InputError(what + ": expected a non-negative integer, found \"" + text + "\"");
    return v;
  };
  long long index = 0, count = 1;
  if (!flag.empty()) {
    std::size_t slash = flag.find('/');
    if (slash == std::string::npos) throw InputError("--shard: expected I/N, e.g. 0/4, found \"" + flag + "\"");
    index = number(flag.substr(0, slash), "--shard");
    count = number(flag.substr(slash + 1), "--shard");
  } else if (const char* id = std::getenv("SLURM_ARRAY_TASK_ID")) {
    const char* n = std::getenv("SLURM_ARRAY_TASK_COUNT");
    if (n == nullptr) throw InputError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
    index = number(id, "SLURM_ARRAY_TASK_ID");
    count = number(n, "SLURM_ARRAY_TASK_COUNT");
    // The array must be one range, --array=MIN-MAX[:STEP]: task k of it runs shard k. A list
    // (--array=0,3,5) or a lone resubmitted task would silently run the wrong slices.
    const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
    const char* max = std::getenv("SLURM_ARRAY_TASK_MAX");
    const char* step = std::getenv("SLURM_ARRAY_TASK_STEP");
    long long lo = min ? number(min, "SLURM_ARRAY_TASK_MIN") : 0;
    long long hi = max ? number(max, "SLURM_ARRAY_TASK_MAX") : lo + count - 1;
    long long st = step ? number(step, "SLURM_ARRAY_TASK_STEP") : 1;
    if (st < 1 || (index - lo) % st != 0 || (hi - lo) / st + 1 != count) {
      throw InputError("the Slurm array is not one range MIN-MAX[:STEP] of SLURM_ARRAY_TASK_COUNT tasks; submit "
                       "the whole array (--array=0-" + std::to_string(count - 1) + "), or give --shard I/N");
    }
    index = (index - lo) / st;
  } else if (const char* k8s = std::getenv("JOB_COMPLETION_INDEX")) {
    const char* n = std::getenv("MOUNTSTORM_SHARDS");
    if (n == nullptr) throw InputError("JOB_COMPLETION_INDEX is set: set MOUNTSTORM_SHARDS to the Job's completions");
    index = number(k8s, "JOB_COMPLETION_INDEX");
    count = number(n, "MOUNTSTORM_SHARDS");
  }
  if (count < 1 || index >= count) {
    throw InputError("shard " + std::to_string(index) + " of " + std::to_string(count) + ": expected 0 <= I < N");
  }
  o->shard = static_cast<int>(index);
  o->shards = static_cast<int>(count);
}

}  // namespace mountstorm
