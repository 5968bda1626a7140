// mountstorm sweep and merge: a parameter sweep run on threads and shards, and the shards combined.
#include <unistd.h>

#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "io/sha256.h"
#include "io/text_io.h"
#include "mountstorm/csv.h"
#include "mountstorm/error.h"
#include "mountstorm/scenario.h"
#include "sweep/sweep_runner.h"
#include "sweep/sweep_spec.h"
#include "sweep/target_ci.h"

namespace mountstorm {

namespace {

// --dry-run: the points and their runs, as CSV on stdout, with every point's scenario checked;
// nothing is run and nothing written.
void PrintDryRun(const std::string& sweep_path, const SweepSpec& spec, const SweepOptions& o) {
  const std::vector<SweepPoint> points = ExpandSweep(spec);
  const std::size_t runs = points.size() * static_cast<std::size_t>(spec.replications);
  std::size_t in_shard = 0;
  for (std::size_t i = 0; i < runs; ++i) in_shard += static_cast<int>(i % static_cast<std::size_t>(o.shards)) == o.shard;
  std::cerr << sweep_path << ": " << points.size() << " points x " << spec.replications << " replications = " << runs
            << " runs; shard " << o.shard << " of " << o.shards << ": " << in_shard << " runs; dry run: nothing run or written\n";
  std::cout << "point";
  for (const SweepAxis& a : spec.axes) {
    for (const std::string& path : a.paths) std::cout << ',' << CsvField(path);
  }
  std::cout << ",replications,first_seed\n";
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::uint64_t seed = RunSeed(spec.seed, points[i].key, 0);
    PointScenario(spec, points[i], seed);  // a point that makes a bad scenario fails here
    std::cout << i;
    for (const auto& [path, value] : points[i].assignments) std::cout << ',' << CsvField(value.is_string() ? value.get<std::string>() : value.dump());
    std::cout << ',' << spec.replications << ',' << seed << '\n';
  }
}

// --target-ci REL [--max-seeds K] [--ci-outcome NAME ...]: replications until the intervals are narrow.
struct TargetCiArgs {
  std::optional<std::string> relative, max_seeds;
  std::vector<std::string> outcomes;

  void ApplyTo(SweepSpec* spec) const {
    if (!relative) {
      if (max_seeds || !outcomes.empty()) throw InputError("sweep: --max-seeds and --ci-outcome need --target-ci REL");
      return;
    }
    SetTargetCi(spec, *relative, max_seeds.value_or("100"), outcomes);
  }
};

const char kSweepUsage[] =
      "usage: mountstorm sweep SWEEP.json -o DIR [--jobs N] [--shard I/N] [--engine trains|messages]\n"
      "                        [--target-ci REL [--max-seeds K] [--ci-outcome NAME ...]]\n"
      "\n"
      "Runs every point and replication of a sweep (docs/SWEEPS.md) on N threads and writes\n"
      "DIR/results.csv (and results-long.csv, the same in long form), DIR/results.jsonl and\n"
      "DIR/aggregate.csv, identical whatever N, and last DIR/manifest.json (the files with sizes and\n"
      "SHA-256, the command line, the version). Each finished\n"
      "run is saved as it finishes: run the same command again after an interruption and only the\n"
      "missing runs are done. With a shard, only its slice runs; mountstorm merge combines the\n"
      "shards' directories. --dry-run lists the points instead (CSV on stdout: each point's axis\n"
      "values, replications and first seed; the counts on stderr) after checking every point's\n"
      "scenario, and runs and writes nothing. --target-ci REL adds replications to each point, in\n"
      "the order of their seeds, until the 95 % confidence interval of every outcome (or of those\n"
      "--ci-outcome names) is within REL of its mean, or the point has K replications.\n";

}  // namespace

int SweepCommand(const CommandArgs& args) {
  std::string sweep_path, out_dir;
  std::optional<std::string> shard;
  int jobs = 0;
  bool quiet = false, json = false, dry_run = false;
  TargetCiArgs target;
  SweepOptions o;
  CommandLine cl("sweep", kSweepUsage);

  cl.Positional("sweep", &sweep_path, "sweep file (JSON); - for standard input")
      .Output(&out_dir, "directory of the sweep (created if needed; reused to resume)")
      .Jobs(&jobs)
      .EngineOption(&o.engine)
      .Text("shard", &shard, "run only slice I of N: I/N, digits only, 0 <= I < N <= 1000000 (default: from SLURM_ARRAY_TASK_ID/COUNT or "
                             "JOB_COMPLETION_INDEX with MOUNTSTORM_SHARDS, else all)")
      .Json(&json)
      .Quiet(&quiet)
      .Flag("dry-run", &dry_run, "list the points and runs without running or writing anything")
      .Text("target-ci", &target.relative, "add replications until each 95 % half-width is at most REL x |mean| (0.05: 5 %)")
      .Text("max-seeds", &target.max_seeds, "with --target-ci: at most K replications per point (default 100)")
      .Texts("ci-outcome", &target.outcomes, "with --target-ci: judge this column of results.csv only (repeatable; default: every numeric outcome)");
  if (!cl.Parse(args)) return kExitOk;
  ChooseShard(shard.value_or(""), &o);
  o.jobs = Jobs(jobs);
  o.progress = !quiet && isatty(2);
  if (!quiet && !json) {
    o.started = [&](const SweepReport& r) {
      std::cout << sweep_path << ": shard " << o.shard << " of " << o.shards << ": " << r.runs_in_shard << " runs, "
                << r.already_done << " already done, " << r.runs_in_shard - r.already_done << " to run" << std::endl;
    };
  }
  // Read once, from the file or standard input (-), strictly as every JSON file.
  const std::string text = ReadInputOrStdin(sweep_path, "sweep file");
  CheckJsonText(text, sweep_path);
  SweepSpec spec = ParseSweep(nlohmann::json::parse(text), sweep_path);
  target.ApplyTo(&spec);
  if (dry_run) {
    PrintDryRun(sweep_path, spec, o);
    return kExitOk;
  }
  const std::vector<ManifestInput> inputs = {{sweep_path, Sha256Hex(text)}};
  SweepReport r = RunSweep(spec, out_dir, o, inputs);
  if (json && !quiet) {
    std::cout << nlohmann::json({{"sweep", sweep_path}, {"dir", out_dir}, {"shard", o.shard}, {"shards", o.shards},
                                 {"runs_in_shard", r.runs_in_shard}, {"already_done", r.already_done}, {"ran", r.ran}})
                     .dump(2)
              << std::endl;
  } else if (!quiet) {
    std::cout << "wrote " << out_dir << "/results.csv, results-long.csv, results.jsonl and aggregate.csv" << std::endl;
  }
  return kExitOk;
}

int MergeCommand(const CommandArgs& args) {
  std::string out_dir;
  std::vector<std::string> dirs;
  bool quiet = false, json = false;
  CommandLine cl("merge",
      "usage: mountstorm merge -o OUT DIR...\n"
      "\n"
      "Combines the directories of a sweep's shards into OUT: exactly the results.csv,\n"
      "results-long.csv, results.jsonl and aggregate.csv one unsharded run would write, then\n"
      "OUT/manifest.json. Fails if a run is missing or a directory has no manifest.json (its shard did\n"
      "not finish).\n");
  cl.Output(&out_dir, "directory for the merged results")
      .Positionals("dirs", &dirs, -1, "the shards' sweep directories")
      .Json(&json)
      .Quiet(&quiet);
  if (!cl.Parse(args)) return kExitOk;
  MergeSweep(dirs, out_dir);
  if (quiet) return kExitOk;
  if (json) {
    std::cout << nlohmann::json({{"dir", out_dir}, {"merged", dirs}}).dump(2) << std::endl;
    return kExitOk;
  }
  std::cout << "merged " << dirs.size() << " director" << (dirs.size() == 1 ? "y" : "ies") << " into " << out_dir
            << std::endl;
  return kExitOk;
}

}  // namespace mountstorm
