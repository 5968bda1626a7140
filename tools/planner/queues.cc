// The bounded queues of a scenario and what a run did with them: the inventory, a queue's result
// and its limiting value (tools/planner/planner.h, "queues").
#include "planner/planner.h"

#include "mountstorm/error.h"
#include "mountstorm/queues.h"
#include "mountstorm/run.h"
#include "planner/planner_internal.h"

namespace mountstorm {
namespace planner {

std::map<std::string, QueueInfo> QueueInventory(const Scenario& s) {
  // The names, limits and limiting values come from the model itself (DescribeQueues).
  std::map<std::string, QueueInfo> out;
  for (const QueueDescription& d : DescribeQueues(s)) {
    out[d.name] = QueueInfo{QueueUnitName(d.unit), d.limit, d.limit_parameter};
  }
  return out;
}

void RequireQueue(const std::map<std::string, QueueInfo>& inventory, const std::string& queue, bool system_ok) {
  if (inventory.count(queue) || (system_ok && queue == kSystem)) return;
  std::string names = system_ok ? std::string(kSystem) + " (the whole pipeline)" : "";
  for (const auto& [name, info] : inventory) names += (names.empty() ? "" : ", ") + name;
  throw InputError("--queue: no queue \"" + queue + "\" in this scenario; its queues are " + names);
}

const QueueResult& QueueOf(const RunResult& r, const std::string& queue) {
  const QueueResult* q = r.Queue(queue);
  Check(q != nullptr, "a queue of the inventory is missing from a run");
  return *q;
}

bool Overflows(const RunResult& r, const std::string& queue) { return QueueOf(r, queue).Overflowed(); }

Trial MakeTrial(std::int64_t value, const RunResult& r, const std::string& queue) {
  if (queue == kSystem) {
    std::uint64_t refused = 0;
    for (const QueueResult& q : r.queues) refused += q.refused;
    return Trial{value, !JudgeSystem(r).healthy, refused, 0.0, 0};
  }
  const QueueResult& q = QueueOf(r, queue);
  return Trial{value, q.Overflowed(), q.refused, ToSeconds(q.time_at_limit), q.peak};
}

LimitParam LimitFor(const std::map<std::string, QueueInfo>& inventory, const std::string& queue) {
  RequireQueue(inventory, queue);
  const std::string& path = inventory.at(queue).limit_parameter;
  if (path.empty()) throw InputError("--queue " + queue + ": no single scenario value sets the limit of this queue");
  // The range the scenario reader accepts for it, from the reader itself.
  LimitParam p{path, 0, 0, {}};
  for (const ParameterInfo& info : ListParameters()) {
    if (!MatchesPattern(p.path, info.path)) continue;
    Check(info.minimum.has_value() && info.maximum.has_value(), "a queue limit is an integer parameter");
    p.minimum = *info.minimum;
    p.maximum = *info.maximum;
  }
  Check(p.maximum > 0, "every queue limit is a scenario parameter");
  for (const auto& [name, info] : inventory) {
    if (name != queue && info.limit_parameter == p.path) p.sharing.push_back(name);
  }
  return p;
}

}  // namespace planner
}  // namespace mountstorm
