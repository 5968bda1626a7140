// SweepSpec: a parameter sweep read from a JSON sweep file (docs/SWEEPS.md).
//
// A sweep is a base scenario (a path relative to the sweep file, or inline), a list of axes over
// any JSON path of the scenario, a number of replications and a sweep seed. Its points are the
// cartesian product of the axes, the first axis varying slowest; a "zip" axis moves several
// paths together. Each run (a point and a replication) gets a seed derived from the sweep seed,
// the point's parameter VALUES and the replication index, so adding a value to an axis leaves
// every other point's runs, and their results, unchanged.
#ifndef MOUNTSTORM_TOOLS_SWEEP_SWEEP_SPEC_H_
#define MOUNTSTORM_TOOLS_SWEEP_SWEEP_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mountstorm/scenario.h"

namespace mountstorm {

struct SweepAxis {
  std::vector<std::string> paths;                    // one, or several for a zip axis
  std::vector<std::vector<nlohmann::json>> values;   // values[k][p]: the k-th value of path p
};

// Replications until a confidence interval is narrow enough (sweep --target-ci, docs/SWEEPS.md):
// each point runs `replications` first, then more, in the order of their seeds, until the 95 %
// half-width of every outcome named is at most `relative` x |mean|, or it has max_replications.
struct TargetCi {
  double relative = 0;
  int max_replications = 0;
  std::vector<std::string> outcomes;  // columns of results.csv; empty: every numeric outcome
};

struct SweepSpec {
  std::string file;          // the sweep file, for messages
  std::string name;
  nlohmann::json base;       // the base scenario document
  std::string base_origin;   // where it came from, for messages
  std::uint64_t seed = 1;
  int replications = 1;
  std::vector<SweepAxis> axes;
  std::optional<TargetCi> target_ci;  // set by sweep --target-ci; kept in sweep.json

  // The most replications a point can have.
  int MaxReplications() const { return target_ci ? target_ci->max_replications : replications; }

  // The sweep in canonical form: two sweeps with the same text run the same runs.
  nlohmann::json Canonical() const;
};

struct SweepPoint {
  std::vector<std::pair<std::string, nlohmann::json>> assignments;  // path, value
  std::string key;  // the assignments as canonical text: what identifies the point
};

// Reads a sweep file. Errors are InputErrors naming the file and the JSON path.
SweepSpec LoadSweepFile(const std::string& path);
SweepSpec ParseSweep(const nlohmann::json& doc, const std::string& file);
// The sweep a sweep directory's sweep.json holds (SweepSpec::Canonical() as written by `sweep`).
SweepSpec ParseCanonicalSweep(const std::string& text, const std::string& origin);

// The most runs (points times replications) a sweep may have: 10^6. Each run keeps a record of a
// few kilobytes in memory until the tables are written.
inline constexpr std::uint64_t kMaxSweepRuns = 1000000;

// The number of runs of `spec` (points times replications), or kMaxSweepRuns + 1 if it has more.
std::uint64_t CountSweepRuns(const SweepSpec& spec);

// The points in order: the first axis slowest, values in the order given. Counts them first:
// an InputError naming the sweep file if the sweep has more than kMaxSweepRuns runs.
std::vector<SweepPoint> ExpandSweep(const SweepSpec& spec);

// The seed of replication `replication` of the point whose key is `key`.
std::uint64_t RunSeed(std::uint64_t sweep_seed, const std::string& key, int replication);

// The scenario of a point, with its run seed. Throws InputError (naming the sweep file and the
// point) if the assignments make an invalid scenario.
Scenario PointScenario(const SweepSpec& spec, const SweepPoint& point, std::uint64_t seed);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_SWEEP_SWEEP_SPEC_H_
