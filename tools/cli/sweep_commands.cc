// mountstorm sweep and merge: a parameter sweep run on threads and shards, and the shards combined.
#include <unistd.h>

#include <iostream>
#include <optional>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "sweep/sweep_runner.h"
#include "sweep/sweep_spec.h"

namespace mountstorm {

int SweepCommand(const CommandArgs& args) {
  std::string sweep_path, out_dir;
  std::optional<std::string> shard;
  int jobs = 0;
  bool quiet = false;
  CommandLine cl("sweep",
      "usage: mountstorm sweep SWEEP.json -o DIR [--jobs N] [--shard I/N]\n"
      "\n"
      "Runs every point and replication of a sweep (docs/SWEEPS.md) on N threads and writes\n"
      "DIR/results.csv, DIR/results.jsonl and DIR/aggregate.csv, identical whatever N. Each finished\n"
      "run is saved as it finishes: run the same command again after an interruption and only the\n"
      "missing runs are done. With a shard, only its slice runs; mountstorm merge combines the\n"
      "shards' directories.\n");
  cl.Positional("sweep", &sweep_path, "sweep file (JSON)")
      .Output(&out_dir, "directory of the sweep (created if needed; reused to resume)")
      .Jobs(&jobs)
      .Text("shard", &shard, "run only slice I of N: I/N, digits only, 0 <= I < N <= 1000000 (default: from SLURM_ARRAY_TASK_ID/COUNT or "
                             "JOB_COMPLETION_INDEX with MOUNTSTORM_SHARDS, else all)")
      .Quiet(&quiet);
  if (!cl.Parse(args)) return kExitOk;
  SweepOptions o;
  ChooseShard(shard.value_or(""), &o);
  o.jobs = Jobs(jobs);
  o.progress = !quiet && isatty(2);
  if (!quiet) {
    o.started = [&](const SweepReport& r) {
      std::cout << sweep_path << ": shard " << o.shard << " of " << o.shards << ": " << r.runs_in_shard << " runs, "
                << r.already_done << " already done, " << r.runs_in_shard - r.already_done << " to run" << std::endl;
    };
  }
  SweepSpec spec = LoadSweepFile(sweep_path);
  RunSweep(spec, out_dir, o);
  if (!quiet) std::cout << "wrote " << out_dir << "/results.csv, results.jsonl and aggregate.csv" << std::endl;
  return kExitOk;
}

int MergeCommand(const CommandArgs& args) {
  std::string out_dir;
  std::vector<std::string> dirs;
  CommandLine cl("merge",
      "usage: mountstorm merge -o OUT DIR...\n"
      "\n"
      "Combines the directories of a sweep's shards into OUT: exactly the results.csv,\n"
      "results.jsonl and aggregate.csv one unsharded run would write. Fails if a run is missing.\n");
  cl.Output(&out_dir, "directory for the merged results").Positionals("dirs", &dirs, -1, "the shards' sweep directories");
  if (!cl.Parse(args)) return kExitOk;
  MergeSweep(dirs, out_dir);
  std::cout << "merged " << dirs.size() << " director" << (dirs.size() == 1 ? "y" : "ies") << " into " << out_dir
            << std::endl;
  return kExitOk;
}

}  // namespace mountstorm
