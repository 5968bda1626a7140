// Which limits make the whole system healthy (tools/planner/planner.h, "the system").
//
// A queue's own limit (FindSize) keeps that queue from refusing, but the storm then meets the next
// bound: a bigger write queue of PID 1 moves the overflow to dbus-daemon's outgoing queue for
// logind, a bigger outgoing queue to logind's read queue. FindSystemSize asks the question a
// planner means: with which value of this limit does nothing refuse anywhere and every login
// succeed; and when no value of it alone does, which limits raised together do, or that none do.
#include "planner/planner.h"
#include "planner/planner_internal.h"

#include <algorithm>

namespace mountstorm {
namespace planner {

namespace {

// A limit parameter of the scenario, the queues it bounds and its current value.
struct Knob {
  LimitParam param;
  std::int64_t current = 0;
  std::vector<std::string> queues;
};

// Every distinct limit parameter of the scenario, in the order LowerTogether lowers them: the ones
// it should rather leave as they are first. Those are the limits of queues that did not refuse in
// the scenario as given (a socket buffer that filled without loss), in queue-name order; then
// those of the refusing queues, the last to begin refusing first; `last`, the limit asked about,
// at the end.
std::vector<Knob> Knobs(const Base& base, const RunResult& as_given, const std::string& last) {
  const std::map<std::string, QueueInfo> inventory = QueueInventory(base.scenario);
  std::vector<Knob> knobs;
  for (const auto& [queue, info] : inventory) {
    if (info.limit_parameter.empty()) continue;
    auto known = std::find_if(knobs.begin(), knobs.end(),
                              [&](const Knob& k) { return k.param.path == info.limit_parameter; });
    if (known != knobs.end()) {
      known->queues.push_back(queue);
      continue;
    }
    knobs.push_back(Knob{LimitFor(inventory, queue), info.limit, {queue}});
  }
  auto first_refusal = [&](const Knob& k) {
    Time t = kNever;
    for (const std::string& q : k.queues) t = std::min(t, QueueOf(as_given, q).first_refusal.value_or(kNever));
    return k.param.path == last ? -1 : t;  // `last` sorts after everything
  };
  std::stable_sort(knobs.begin(), knobs.end(), [&](const Knob& a, const Knob& b) { return first_refusal(a) > first_refusal(b); });
  return knobs;
}

bool Healthy(Runner& runner, const Assignments& a) { return JudgeSystem(runner.Summary(a)).healthy; }

// The smallest value of `path` in (bad, good] with a healthy system, the others as in `fixed`:
// `good` is known healthy and `bad` not (or below every allowed value). `hint`, if inside, is
// tried first (a queue's unconstrained peak: usually just enough).
std::int64_t SmallestHealthy(Runner& runner, const Assignments& fixed, const std::string& path, std::int64_t bad,
                             std::int64_t good, std::int64_t hint) {
  if (hint > bad && hint < good) {
    if (Healthy(runner, With(fixed, path, hint))) good = hint; else bad = hint;
  }
  while (good - bad > 1) {
    const std::int64_t mid = bad + (good - bad) / 2;
    if (Healthy(runner, With(fixed, path, mid))) good = mid; else bad = mid;
  }
  return good;
}

// The highest peak of a knob's queues in a run.
std::int64_t PeakOf(const RunResult& r, const Knob& k) {
  std::int64_t peak = 0;
  for (const std::string& q : k.queues) peak = std::max(peak, QueueOf(r, q).peak);
  return peak;
}

// Every knob at its maximum is healthy: lowers them one after the other, each to the smallest
// value (not below its current one) that stays healthy with the ones before at their new values
// and the ones after still at their maximum. The last search leaves the whole set healthy.
std::vector<LimitSetting> LowerTogether(Runner& runner, const std::vector<Knob>& knobs, const RunResult& all_max) {
  Assignments fixed;
  for (const Knob& k : knobs) fixed.emplace_back(k.param.path, k.param.maximum);
  std::vector<LimitSetting> raised;
  for (const Knob& k : knobs) {
    std::int64_t value = k.current;
    if (!Healthy(runner, With(fixed, k.param.path, k.current))) {
      value = SmallestHealthy(runner, fixed, k.param.path, k.current, k.param.maximum, PeakOf(all_max, k));
      raised.push_back(LimitSetting{k.param.path, k.current, value});
    }
    fixed = With(fixed, k.param.path, value);
  }
  return raised;
}

}  // namespace

SystemSize FindSystemSize(Runner& runner, const SizeResult& own, std::optional<std::int64_t> max) {
  SystemSize s;
  const std::string& path = own.param.path;
  const std::int64_t top = max.value_or(own.param.maximum);
  s.at_queue_limit = JudgeSystem(runner.Summary({{path, own.limit}}));
  if (s.at_queue_limit.healthy) {
    s.system_limit = own.limit;
    return s;
  }
  s.at_maximum = JudgeSystem(runner.Summary({{path, top}}));
  if (own.outcome != SizeResult::Outcome::kRefusesAtMax && s.at_maximum.healthy) {
    s.system_limit = SmallestHealthy(runner, {}, path, own.limit, top, 2 * own.limit);
    return s;
  }
  const std::vector<Knob> knobs = Knobs(runner.base(), runner.Summary({}), path);
  Assignments all;
  for (const Knob& k : knobs) all.emplace_back(k.param.path, k.param.maximum);
  const RunResult all_max = runner.Summary(all);
  s.remaining = JudgeSystem(all_max);
  if (!s.remaining.healthy) {
    s.outcome = SystemSize::Outcome::kNoLimits;
    return s;
  }
  s.outcome = SystemSize::Outcome::kTogether;
  s.together = LowerTogether(runner, knobs, all_max);
  return s;
}

}  // namespace planner
}  // namespace mountstorm
