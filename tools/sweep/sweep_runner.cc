#include "sweep/sweep_runner.h"

#include <unistd.h>

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


#include "mountstorm/csv.h"
#include "mountstorm/error.h"
#include "mountstorm/input.h"
#include "mountstorm/result_files.h"
#include "mountstorm/run.h"
#include "mountstorm/seed.h"
#include "io/atomic_file.h"
#include "io/output_dir.h"
#include "io/parallel_for.h"
#include "sweep/target_ci.h"

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

// A finished run as saved in runs/: the record as written (point, replication, seed, summary)
// and its summary read back.
struct SavedRun {
  nlohmann::json record;
  RunResult result;
};

// The record of a run as saved in its file.
std::string RunRecordText(const SweepPoint& p, int replication, std::uint64_t seed, const RunResult& result) {
  nlohmann::json run = {{"point", nlohmann::json::parse(p.key)},
                        {"replication", replication},
                        {"seed", seed},
                        {"summary", nlohmann::json::parse(SummaryJsonText(result))}};
  return run.dump() + "\n";
}

// The saved run, if `path` holds a complete one for this point and replication. A record that
// is cut short or damaged counts as missing: a sweep runs it again, a merge reports it missing
// and says what was wrong with it in *damage (if given).
bool LoadRun(const std::string& path, const SweepPoint& point, int replication, SavedRun* run,
             std::string* damage = nullptr) {
  if (!fs::exists(path)) return false;
  std::string why;
  const bool ok = ParseRunRecord(ReadInputFile(path, "run file"), path, point.key, replication, &run->record,
                                 &run->result, &why);
  if (!ok && damage != nullptr) *damage = why;
  return ok;
}

void Write(const std::string& path, const std::string& text) {
  std::string error;
  if (!WriteFileAtomically(path, text, &error)) throw InputError(error);
}

// Makes `dir` a directory of this sweep, or checks that it already is.
void PrepareDirectory(const SweepSpec& spec, const std::string& dir) {
  std::string error;
  if (!MakeDirectories(dir + "/runs", &error)) throw InputError(error);
  RemoveStaleTemps(dir + "/runs");
  const std::string marker = dir + "/sweep.json";
  const std::string canonical = spec.Canonical().dump(2) + "\n";
  if (fs::exists(marker)) {
    if (ReadInputFile(marker, "sweep.json of the directory") != canonical) {
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

std::string Number(double v) { return nlohmann::json(v).dump(); }

// The outcomes of each run by column, and the columns: their union over all runs, in order of
// first appearance.
struct OutcomeTable {
  std::vector<std::string> columns;
  std::vector<std::map<std::string, nlohmann::json>> values;  // one map per run
};

OutcomeTable CollectOutcomes(const std::vector<SavedRun>& saved) {
  OutcomeTable t;
  std::set<std::string> seen;
  t.values.resize(saved.size());
  for (std::size_t i = 0; i < saved.size(); ++i) {
    for (auto& [name, v] : RunOutcomes(saved[i].result)) {
      if (seen.insert(name).second) t.columns.push_back(name);
      t.values[i][name] = v;
    }
  }
  return t;
}

// The first cells of a header: the axes' paths, each followed by a comma.
std::string AxisHeaderCells(const SweepSpec& spec) {
  std::string cells;
  for (const SweepAxis& a : spec.axes) {
    for (const std::string& p : a.paths) cells += CsvField(p) + ',';
  }
  return cells;
}

// The first cells of a row: the point's value of each axis path, each followed by a comma.
std::string AxisCells(const SweepPoint& point) {
  std::string cells;
  for (const auto& [path, v] : point.assignments) cells += CsvField(Cell(v)) + ',';
  return cells;
}

// results.csv: one row per run, its axis values, replication, seed and outcomes.
std::string ResultsCsv(const SweepSpec& spec, const std::vector<SweepPoint>& points, const std::vector<RunId>& runs,
                       const std::vector<SavedRun>& saved, const OutcomeTable& table) {
  std::ostringstream csv;
  csv << AxisHeaderCells(spec) << "replication,seed";
  for (const std::string& c : table.columns) csv << ',' << CsvField(c);
  csv << '\n';
  for (std::size_t i = 0; i < runs.size(); ++i) {
    csv << AxisCells(points[runs[i].point]);
    csv << runs[i].replication << ',' << saved[i].record.at("seed").get<std::uint64_t>();
    for (const std::string& c : table.columns) {
      auto it = table.values[i].find(c);
      csv << ',' << (it == table.values[i].end() ? "" : CsvField(Cell(it->second)));
    }
    csv << '\n';
  }
  return csv.str();
}

// results-long.csv: the same values in long ("tidy") form, one row per run and outcome, for
// pandas (melted already) and R (tidyr): the axes, replication, seed, outcome, value. Outcomes a
// run does not have are left out, not written empty.
std::string ResultsLongCsv(const SweepSpec& spec, const std::vector<SweepPoint>& points, const std::vector<RunId>& runs,
                           const std::vector<SavedRun>& saved, const OutcomeTable& table) {
  std::ostringstream csv;
  csv << AxisHeaderCells(spec) << "replication,seed,outcome,value\n";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::string first = AxisCells(points[runs[i].point]) + std::to_string(runs[i].replication) + ',' +
                              std::to_string(saved[i].record.at("seed").get<std::uint64_t>()) + ',';
    for (const std::string& c : table.columns) {
      auto it = table.values[i].find(c);
      if (it == table.values[i].end() || it->second.is_null()) continue;
      csv << first << CsvField(c) << ',' << CsvField(Cell(it->second)) << '\n';
    }
  }
  return csv.str();
}

// results.jsonl: the record of each run as saved, one per line.
std::string ResultsJsonl(const std::vector<SavedRun>& saved) {
  std::ostringstream jsonl;
  for (const SavedRun& run : saved) jsonl << run.record.dump() << '\n';
  return jsonl.str();
}

// The aggregate cells of outcome `column` over the runs [first, last) of one point:
// ",mean,sd,ci95,n" over the runs where it is a number; the cells that fewer than two values (sd,
// ci95) or none (mean too) cannot give are left empty.
std::string StatisticsCells(const OutcomeTable& table, std::size_t first, std::size_t last, const std::string& column) {
  std::vector<double> xs;
  for (std::size_t k = first; k < last; ++k) {
    auto it = table.values[k].find(column);
    if (it != table.values[k].end() && it->second.is_number()) xs.push_back(it->second.get<double>());
  }
  if (xs.empty()) return ",,,,0";
  std::ostringstream cells;
  if (xs.size() < 2) {
    cells << ',' << Number(xs[0]) << ",,," << xs.size();
    return cells.str();
  }
  const Interval95 i = MeanInterval95(xs);
  cells << ',' << Number(i.mean) << ',' << Number(i.sd) << ',' << Number(i.half) << ',' << xs.size();
  return cells.str();
}

// aggregate.csv: one row per point, the statistics of every outcome over its replications present
// in `runs` (which holds each point's runs together).
std::string AggregateCsv(const SweepSpec& spec, const std::vector<SweepPoint>& points, const std::vector<RunId>& runs,
                         const OutcomeTable& table) {
  std::ostringstream agg;
  agg << AxisHeaderCells(spec) << "runs";
  for (const std::string& c : table.columns) agg << ',' << CsvField(c + ".mean") << ',' << CsvField(c + ".sd") << ','
                                                  << CsvField(c + ".ci95") << ',' << CsvField(c + ".n");
  agg << '\n';
  for (std::size_t i = 0; i < runs.size();) {
    std::size_t j = i;
    while (j < runs.size() && runs[j].point == runs[i].point) ++j;
    agg << AxisCells(points[runs[i].point]) << (j - i);
    for (const std::string& c : table.columns) agg << StatisticsCells(table, i, j, c);
    agg << '\n';
    i = j;
  }
  return agg.str();
}

// Writes the three tables for `runs` (in sweep order; saved[i] is the run runs[i]) into `out`.
void WriteTables(const SweepSpec& spec, const std::vector<SweepPoint>& points, const std::vector<RunId>& runs,
                 const std::vector<SavedRun>& saved, OutputDir& out) {
  const OutcomeTable table = CollectOutcomes(saved);
  out.Add("results.csv", ResultsCsv(spec, points, runs, saved, table));
  out.Add("results-long.csv", ResultsLongCsv(spec, points, runs, saved, table));
  out.Add("results.jsonl", ResultsJsonl(saved));
  out.Add("aggregate.csv", AggregateCsv(spec, points, runs, table));
}

// ---- running a shard ----

// A progress line on stderr, redrawn in place.
void ShowProgress(std::size_t done, std::size_t total, double seconds) {
  double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  double left = rate > 0 ? static_cast<double>(total - done) / rate : 0;
  std::fprintf(stderr, "\r[sweep] %zu/%zu runs, %.1f runs/s, %.0f s left   ", done, total, rate, left);
  std::fflush(stderr);
}

// What a shard runs: the sweep's points, the scenario of each, and the shard's runs.
struct ShardPlan {
  std::vector<SweepPoint> points;
  std::vector<Scenario> scenarios;  // one per point, with seed 0
  std::vector<RunId> runs;          // in sweep order
};

// The plan of the shard `options` names: the runs whose index in the whole sweep is `shard` modulo
// `shards`. Every point must make a valid scenario before anything runs (else the InputError of
// the first that does not); each run then starts from its point's scenario with its own seed.
ShardPlan PlanShard(const SweepSpec& spec, const SweepOptions& options) {
  ShardPlan plan;
  plan.points = ExpandSweep(spec);
  const std::vector<RunId> all = AllRuns(plan.points, spec.replications);
  // Under a target CI a point's replications depend on each other: a shard runs whole points.
  const auto shards = static_cast<std::size_t>(options.shards);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::size_t slot = spec.target_ci ? all[i].point : i;
    if (static_cast<int>(slot % shards) == options.shard) plan.runs.push_back(all[i]);
  }
  plan.scenarios.reserve(plan.points.size());
  for (const SweepPoint& p : plan.points) plan.scenarios.push_back(PointScenario(spec, p, 0));
  return plan;
}

// Reads into (*saved)[i] each run plan.runs[i] (i >= from) that `dir` already holds; returns the
// indexes of the others, in order.
std::vector<std::size_t> LoadFinishedRuns(const std::string& dir, const ShardPlan& plan, std::size_t from,
                                          std::vector<SavedRun>* saved) {
  std::vector<std::size_t> todo;
  saved->resize(plan.runs.size());
  for (std::size_t i = from; i < plan.runs.size(); ++i) {
    const RunId& r = plan.runs[i];
    const SweepPoint& p = plan.points[r.point];
    if (!LoadRun(RunFile(dir, p, r.replication), p, r.replication, &(*saved)[i])) {
      todo.push_back(i);
    }
  }
  return todo;
}

// Runs replication `replication` of point `p` (whose scenario is `point_scenario`) with its own seed,
// saves its file in `dir`, and reads the file's text back into *saved as a merge will, so that both
// give identical tables.
void RunAndSave(const SweepSpec& spec, const std::string& dir, const SweepPoint& p, const Scenario& point_scenario,
                int replication, Engine engine, SavedRun* saved) {
  Scenario scenario = point_scenario;
  scenario.seed = RunSeed(spec.seed, p.key, replication);
  const std::uint64_t seed = scenario.seed;
  const std::string text = RunRecordText(p, replication, seed, RunScenario(scenario, RunOptions{engine, nullptr, {}}));
  Write(RunFile(dir, p, replication), text);
  saved->record = nlohmann::json::parse(text);
  saved->result = ParseSummaryJson(saved->record.at("summary").dump(), RunFile(dir, p, replication));
}

// How the runs of RunMissing stand, shared by its threads: how many have finished, and the first
// error, after which no run starts.
class RunState {
 public:
  std::atomic<std::size_t> finished{0};

  bool Failed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_ != nullptr;
  }
  // Keeps `e` unless an error is already kept.
  void Fail(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = e;
  }
  // Rethrows the kept error, if any.
  void RethrowError() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  mutable std::mutex mutex_;
  std::exception_ptr error_;
};

double SecondsSince(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

// Redraws the progress line every 200 ms until the `todo` runs have finished or one has failed.
void ShowProgressUntilDone(const RunState& state, std::size_t already_done, std::size_t todo, std::size_t total,
                           std::chrono::steady_clock::time_point started) {
  while (state.finished.load() < todo) {
    if (state.Failed()) break;
    ShowProgress(already_done + state.finished.load(), total, SecondsSince(started));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// Runs and saves the run plan.runs[i] for each i of `todo`, on options.jobs threads, into
// (*saved)[i]; with options.progress, a progress line counts them after the `already_done` ones.
// After an error no further run starts, and the first error is rethrown once the started runs
// are done.
void RunMissing(const SweepSpec& spec, const std::string& dir, const ShardPlan& plan,
                const std::vector<std::size_t>& todo, std::size_t already_done, const SweepOptions& options,
                std::vector<SavedRun>* saved) {
  RunState state;
  const bool show_progress = options.progress && !todo.empty();
  const auto started = std::chrono::steady_clock::now();
  std::thread progress;
  if (show_progress) {
    progress = std::thread(ShowProgressUntilDone, std::cref(state), already_done, todo.size(), plan.runs.size(),
                           started);
  }
  ParallelFor(static_cast<int>(todo.size()), options.jobs, [&](int k) {
    if (state.Failed()) return;
    const std::size_t i = todo[static_cast<std::size_t>(k)];
    const RunId& r = plan.runs[i];
    try {
      RunAndSave(spec, dir, plan.points[r.point], plan.scenarios[r.point], r.replication, options.engine, &(*saved)[i]);
    } catch (...) {
      state.Fail(std::current_exception());
    }
    state.finished.fetch_add(1);
  });
  if (show_progress) {
    progress.join();
    ShowProgress(already_done + state.finished.load(), plan.runs.size(), SecondsSince(started));
    std::fprintf(stderr, "\n");
  }
  state.RethrowError();
}

// Reads each run plan.runs[i] (i >= from) from the first of `dirs` that holds it into (*saved)[i];
// returns how many none holds, and sets *damaged to the first damaged file's fault.
std::size_t LoadFromDirs(const std::vector<std::string>& dirs, const ShardPlan& plan, std::size_t from,
                         std::vector<SavedRun>* saved, std::string* damaged) {
  saved->resize(plan.runs.size());
  std::size_t missing = 0;
  for (std::size_t i = from; i < plan.runs.size(); ++i) {
    const SweepPoint& p = plan.points[plan.runs[i].point];
    bool found = false;
    for (const std::string& d : dirs) {
      std::string damage;
      found = LoadRun(RunFile(d, p, plan.runs[i].replication), p, plan.runs[i].replication, &(*saved)[i], &damage);
      if (found) break;
      if (damaged->empty()) *damaged = damage;
    }
    if (!found) ++missing;
  }
  return missing;
}

// ---- replications until a target CI ----

// Each point's results so far, in replication order (plan->runs holds a point's runs in that order).
std::map<std::size_t, std::vector<const RunResult*>> ResultsByPoint(const ShardPlan& plan,
                                                                    const std::vector<SavedRun>& saved) {
  std::map<std::size_t, std::vector<const RunResult*>> by_point;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) by_point[plan.runs[i].point].push_back(&saved[i].result);
  return by_point;
}

// Appends to plan->runs the next replications (as many as the sweep's, up to max_replications) of
// every point whose intervals are still too wide; false if none is.
bool AddRound(const SweepSpec& spec, ShardPlan* plan, const std::vector<SavedRun>& saved) {
  bool added = false;
  for (const auto& [point, results] : ResultsByPoint(*plan, saved)) {
    if (ReplicationsNeeded(results, spec.replications, *spec.target_ci)) continue;
    const int have = static_cast<int>(results.size());
    const int next = std::min(spec.target_ci->max_replications, have + spec.replications);
    for (int r = have; r < next; ++r) plan->runs.push_back(RunId{point, r});
    added = true;
  }
  return added;
}

// Rounds of replications until every point of the plan meets its target or has max_replications.
// What a point keeps depends only on its own results in seed order, so the tables are the same
// whatever the threads, shards or rounds.
void RunRoundsToTarget(const SweepSpec& spec, const std::string& dir, const SweepOptions& options, ShardPlan* plan,
                       std::vector<SavedRun>* saved, SweepReport* report) {
  for (;;) {
    const std::size_t from = plan->runs.size();
    if (!AddRound(spec, plan, *saved)) return;
    const std::vector<std::size_t> todo = LoadFinishedRuns(dir, *plan, from, saved);
    report->runs_in_shard = plan->runs.size();
    report->already_done += plan->runs.size() - from - todo.size();
    RunMissing(spec, dir, *plan, todo, report->already_done, options, saved);
    report->ran += todo.size();
  }
}

// Keeps, of each point, the replications it needs, grouped by point in sweep order.
void KeepNeededRuns(const SweepSpec& spec, ShardPlan* plan, std::vector<SavedRun>* saved) {
  std::map<std::size_t, std::vector<std::size_t>> indexes;  // point -> its runs, in replication order
  for (std::size_t i = 0; i < plan->runs.size(); ++i) indexes[plan->runs[i].point].push_back(i);
  const auto by_point = ResultsByPoint(*plan, *saved);
  std::vector<RunId> runs;
  std::vector<SavedRun> kept;
  for (const auto& [point, list] : indexes) {
    const int n = *ReplicationsNeeded(by_point.at(point), spec.replications, *spec.target_ci);
    for (int r = 0; r < n; ++r) {
      runs.push_back(plan->runs[list[static_cast<std::size_t>(r)]]);
      kept.push_back(std::move((*saved)[list[static_cast<std::size_t>(r)]]));
    }
  }
  plan->runs = std::move(runs);
  *saved = std::move(kept);
}

}  // namespace

bool ParseRunRecord(const std::string& text, const std::string& origin, const std::string& point_key, int replication,
                    nlohmann::json* record, RunResult* result, std::string* damage) {
  GuardJsonText(text, origin);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  // Every key is looked up before it is read: a record without "seed", or with a "replication"
  // that is not a number, is damaged like any other, never an internal error.
  if (j.is_discarded() || !j.is_object()) {
    *damage = origin + ": expected a run record (a JSON object), found " + (j.is_discarded() ? "no valid JSON" : "another value");
    return false;
  }
  const auto p = j.find("point"), r = j.find("replication"), seed = j.find("seed"), summary = j.find("summary");
  if (p == j.end() || r == j.end() || seed == j.end() || summary == j.end() || p->dump() != point_key ||
      !r->is_number_integer() || r->get<std::int64_t>() != replication || !seed->is_number_unsigned() ||
      !summary->is_object()) {
    *damage = origin + ": expected the point " + point_key + ", replication " + std::to_string(replication) +
              ", a seed and a summary, found another record or a key missing";
    return false;
  }
  try {
    *result = ParseSummaryJson(summary->dump(), origin + " (/summary)");
  } catch (const InputError& e) {
    *damage = e.what();
    return false;
  }
  *record = std::move(j);
  return true;
}

SweepReport RunSweep(const SweepSpec& spec, const std::string& dir, const SweepOptions& options,
                     const std::vector<ManifestInput>& inputs) {
  OutputDir out(dir, "-o");
  ShardPlan plan = PlanShard(spec, options);
  PrepareDirectory(spec, dir);  // refuses a directory of another sweep before anything changes
  out.Open();

  SweepReport report;
  report.runs_in_shard = plan.runs.size();
  std::vector<SavedRun> saved(plan.runs.size());
  const std::vector<std::size_t> todo = LoadFinishedRuns(dir, plan, 0, &saved);
  report.already_done = plan.runs.size() - todo.size();
  if (options.started) options.started(report);
  RunMissing(spec, dir, plan, todo, report.already_done, options, &saved);
  report.ran = todo.size();
  if (spec.target_ci) {
    RunRoundsToTarget(spec, dir, options, &plan, &saved, &report);
    KeepNeededRuns(spec, &plan, &saved);
  }
  WriteTables(spec, plan.points, plan.runs, saved, out);
  out.Add("scenario.json", spec.base.dump(2) + "\n");
  out.AddWritten("sweep.json");
  out.Commit(inputs);
  return report;
}

void MergeSweep(const std::vector<std::string>& dirs, const std::string& out_dir) {
  if (dirs.empty()) throw InputError("merge: no sweep directories given");
  OutputDir out(out_dir, "merge -o");
  std::string canonical;
  std::vector<ManifestInput> inputs;
  for (const std::string& d : dirs) {
    const std::string marker = d + "/sweep.json";
    if (!fs::exists(marker)) throw InputError(d + ": not a sweep directory (no sweep.json)");
    RequireManifest(d, "sweep");
    inputs.push_back({d + "/" + kManifestName, DescribeFile(d, kManifestName).sha256});
    std::string text = ReadInputFile(marker, "sweep.json of the directory");
    if (canonical.empty()) canonical = text;
    if (text != canonical) throw InputError(d + ": holds a different sweep than " + dirs[0]);
  }
  const SweepSpec spec = ParseCanonicalSweep(canonical, dirs[0] + "/sweep.json");
  ShardPlan plan;
  plan.points = ExpandSweep(spec);
  plan.runs = AllRuns(plan.points, spec.replications);
  std::vector<SavedRun> saved;
  std::string damaged;  // the first damaged run file, and what is wrong with it
  std::size_t missing = LoadFromDirs(dirs, plan, 0, &saved, &damaged);
  // Under a target CI, each point's further replications, round by round as the sweep ran them.
  for (std::size_t from = plan.runs.size(); missing == 0 && spec.target_ci && AddRound(spec, &plan, saved);
       from = plan.runs.size()) {
    missing = LoadFromDirs(dirs, plan, from, &saved, &damaged);
  }
  if (missing == 0 && spec.target_ci) KeepNeededRuns(spec, &plan, &saved);
  const std::vector<SweepPoint>& points = plan.points;
  const std::vector<RunId>& runs = plan.runs;
  if (missing > 0) {
    throw InputError("merge: " + std::to_string(missing) + " of " + std::to_string(runs.size()) +
                     " runs are in none of the directories given (a shard has not finished?)" +
                     (damaged.empty() ? "" : "; a damaged run file counted as missing: " + damaged));
  }
  // The tables, sweep.json, then manifest.json last: a directory that has it holds the tables of
  // this sweep, not a failed merge.
  WriteTables(spec, points, runs, saved, out);
  out.Add("scenario.json", spec.base.dump(2) + "\n");
  out.Add("sweep.json", canonical);
  out.Commit(inputs);
}

}  // namespace mountstorm
