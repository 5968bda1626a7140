// Running a sweep: every run (a point and a replication) on a pool of threads, each finished run
// saved atomically in its own file, and the result tables assembled from those files in a fixed
// order. So the outputs do not depend on the number of threads or on scheduling; a sweep killed
// at any moment and started again runs only what is missing; and shards run on different
// machines merge into exactly the files one run would have written.
//
// A sweep directory holds
//   sweep.json      the sweep in canonical form (a directory serves one sweep only)
//   runs/*.json     one file per finished run: point, replication, seed, summary
//   results.csv     one row per run: axis values, replication, seed, key outcomes
//   results.jsonl   one line per run: the same with the full summary
//   aggregate.csv   one row per point: mean, standard deviation and 95 % confidence interval
//                   of each outcome over the replications
//   scenario.json   the base scenario (as in sweep.json), which each point changes by its axes
//   manifest.json   written last: the files above with sizes and SHA-256, the command line,
//                   the version and the sweep file's hash (io/manifest.h)
#ifndef MOUNTSTORM_TOOLS_SWEEP_SWEEP_RUNNER_H_
#define MOUNTSTORM_TOOLS_SWEEP_SWEEP_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "io/manifest.h"
#include "mountstorm/result.h"
#include "mountstorm/run.h"
#include "sweep/sweep_spec.h"

namespace mountstorm {

struct SweepReport {
  std::size_t runs_in_shard = 0;
  std::size_t already_done = 0;
  std::size_t ran = 0;
};

struct SweepOptions {
  int jobs = 1;        // threads
  int shard = 0;       // this process runs the runs whose index % shards == shard
  int shards = 1;
  bool progress = false;  // a progress line on stderr
  Engine engine = Engine::kTrains;  // the results are the same with either
  // Called once the shard's runs and those already done are known, before any run: what a person
  // wants to see first (ran is still 0).
  std::function<void(const SweepReport&)> started;
};

// Runs what `dir` lacks of this shard, then writes the result tables of the shard's runs.
// Its tables, scenario.json and sweep.json are then listed in DIR/manifest.json (io/manifest.h) with `inputs`.
SweepReport RunSweep(const SweepSpec& spec, const std::string& dir, const SweepOptions& options,
                     const std::vector<ManifestInput>& inputs = {});

// Reads a run file's text (runs/*.json, named `origin` in messages) as the record of replication
// `replication` of the point whose key is `point_key`. False, with *damage saying what is wrong,
// for a record that is not valid JSON, is another run's or lacks a key, or whose summary is not a
// summary.json (such a record counts as missing). InputError for text that holds a NUL byte or
// nests deeper than kMaxJsonDepth.
bool ParseRunRecord(const std::string& text, const std::string& origin, const std::string& point_key, int replication,
                    nlohmann::json* record, RunResult* result, std::string* damage);

// Writes the result tables of the whole sweep into `out` from the runs found in `dirs` (shard
// outputs of the same sweep). Throws InputError if a directory holds another sweep or if runs
// are missing, or a directory has no manifest.json (its sweep did not finish). `out` gets a
// manifest.json too, whose inputs are the directories' manifests.
void MergeSweep(const std::vector<std::string>& dirs, const std::string& out);

// The most shards a sweep splits into.
inline constexpr long long kMaxShards = 1000000;

// How a sweep's shard is chosen: "--shard I/N", else SLURM_ARRAY_TASK_ID and
// SLURM_ARRAY_TASK_COUNT, else JOB_COMPLETION_INDEX (Kubernetes indexed Job) with
// MOUNTSTORM_SHARDS; else 0 of 1. `flag` is the flag's text ("" if absent). Every number is
// decimal digits only; 0 <= I < N <= kMaxShards, else an InputError.
void ChooseShard(const std::string& flag, SweepOptions* options);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_SWEEP_SWEEP_RUNNER_H_
