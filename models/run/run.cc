// The library's entry points (mountstorm/run.h) and the lookups of a RunResult.
#include "mountstorm/run.h"

#include <algorithm>

#include "models/dbus/bus_topology.h"
#include "models/run/build_result.h"
#include "models/run/queue_plan.h"
#include "models/run/simulation.h"
#include "models/systemd/policies/patch_registry.h"

#ifndef MOUNTSTORM_VERSION
#define MOUNTSTORM_VERSION "unknown"
#endif

namespace mountstorm {

const char* Version() { return MOUNTSTORM_VERSION; }

const char* EngineName(Engine engine) { return engine == Engine::kTrains ? "trains" : "messages"; }

std::optional<Engine> ParseEngine(const std::string& name) {
  if (name == "messages") return Engine::kMessages;
  if (name == "trains") return Engine::kTrains;
  return std::nullopt;
}

RunResult RunScenario(const Scenario& scenario, const RunOptions& options) {
  CheckMemoryBudget(scenario, options.budget);
  Simulation sim(scenario, options.engine, options.measures);
  if (options.tap != nullptr) sim.AttachTap(options.tap);
  sim.Run(options.budget);
  return BuildResult(sim, Version());
}

RunResult RunScenario(const Scenario& scenario, MessageTap* tap) {
  RunOptions options;
  options.tap = tap;
  return RunScenario(scenario, options);
}

Time StormWindowStart(const Scenario& s) {
  std::optional<Time> first;
  auto consider = [&](Time t) { first = first ? std::min(*first, t) : t; };
  for (const WorkloadGenerator& g : s.workload) {
    if (g.kind == WorkloadGenerator::Kind::kList) {
      for (const WorkloadGenerator::Op& op : g.ops) consider(op.at);
    } else if (g.count > 0) {
      consider(g.start);  // a poisson generator's first operation comes one gap later
    }
  }
  return first.value_or(0);
}

std::vector<QueueDescription> DescribeQueues(const Scenario& scenario) {
  std::vector<std::unique_ptr<Pid1Policy>> patches;
  for (const PatchSpec& spec : scenario.patches) patches.push_back(MakePatch(spec, scenario.file));
  const Scenario s = WithPatchParams(scenario, patches);
  return PlanQueues(s, BuildTopology(s));
}

namespace {

template <typename T>
const T* Find(const std::vector<T>& v, const std::string& name, std::string T::*key) {
  for (const T& x : v) {
    if (x.*key == name) return &x;
  }
  return nullptr;
}

}  // namespace

const PeerMessages* RunResult::Messages(const std::string& peer) const { return Find(messages, peer, &PeerMessages::peer); }
const QueueResult* RunResult::Queue(const std::string& name) const { return Find(queues, name, &QueueResult::name); }
const ProcessResult* RunResult::Process(const std::string& name) const {
  return Find(processes, name, &ProcessResult::name);
}

bool QueueResult::Overflowed() const {
  const std::optional<QueueId> id = ParseQueueName(name);
  if (id && BlocksAtLimit(id->kind)) return time_at_limit > 0;
  return refused > 0;
}

int Curves::Column(const std::string& queue) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == queue) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace mountstorm
