// Two runs of the same workload side by side (mountstorm compare): the metrics that matter, the
// value in each run and the ratio B/A: messages, drops, queue peaks and onsets, logins, CPU time,
// drain time and the visibility latency a patch adds.
#ifndef MOUNTSTORM_TOOLS_PLANNER_COMPARE_H_
#define MOUNTSTORM_TOOLS_PLANNER_COMPARE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "mountstorm/result.h"

namespace mountstorm {

// A compared value: a count, a measure (seconds, a mean), or none (e.g. no refusal in the run).
using MetricValue = std::optional<std::variant<std::uint64_t, double>>;

// One row of a comparison: the metric, its value in A and in B, and B/A (none when undefined).
struct CompareRow {
  std::string metric;  // its path in summary.json, dotted: "queues.systemd.wqueue.peak"
  MetricValue a, b;
  std::optional<double> ratio;
};

// The rows of the comparison of two runs.
std::vector<CompareRow> CompareRows(const RunResult& a, const RunResult& b);
// As compare.json writes them: [{"metric", "a", "b", "ratio"}, ...].
nlohmann::json CompareRowsJson(const std::vector<CompareRow>& rows);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_PLANNER_COMPARE_H_
