// The outcomes of a sweep's runs and their confidence intervals, and the rule that stops a point's
// replications once its intervals are narrow enough (sweep --target-ci, docs/SWEEPS.md).
#ifndef MOUNTSTORM_TOOLS_SWEEP_TARGET_CI_H_
#define MOUNTSTORM_TOOLS_SWEEP_TARGET_CI_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mountstorm/result.h"
#include "sweep/sweep_spec.h"

namespace mountstorm {

// The key outcomes of a run, flattened, in a fixed order: the columns of results.csv.
std::vector<std::pair<std::string, nlohmann::json>> RunOutcomes(const RunResult& s);

// Two-sided 95 % quantile of Student's t with `df` degrees of freedom (Boost.Math).
double StudentT95(std::size_t df);

// The mean of xs, their sample standard deviation and the 95 % half-width of the mean's interval
// (aggregate.csv's .mean, .sd and .ci95). REQUIRES: at least two values.
struct Interval95 {
  double mean = 0;
  double sd = 0;
  double half = 0;
};
Interval95 MeanInterval95(const std::vector<double>& xs);

// sweep --target-ci REL --max-seeds K --ci-outcome NAME...: sets spec->target_ci. InputError naming
// the flag for a REL that is not a number above 0, or a K that is not an integer from
// max(2, replications) to 100000.
void SetTargetCi(SweepSpec* spec, const std::string& relative, const std::string& max_seeds,
                 const std::vector<std::string>& outcomes);

// True if the runs (a point's first replications, in order) meet the target: for every outcome
// named (every numeric one if none is), the 95 % half-width over the runs where it is a number is
// at most target.relative x |mean|. An outcome that is a number in none of them is met; in one
// only, it is not. InputError for an outcome named that no run has.
bool CiMet(const std::vector<const RunResult*>& runs, const TargetCi& target);

// How many replications a point keeps, given its first runs.size() replications in order: the
// fewest from `first` on whose intervals meet the target, or max_replications if none does; none
// while more runs are needed to tell.
std::optional<int> ReplicationsNeeded(const std::vector<const RunResult*>& runs, int first, const TargetCi& target);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_SWEEP_TARGET_CI_H_
