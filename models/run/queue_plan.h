// The bounded queues of a scenario's pipeline, in the order a message meets them: PID 1's way
// out, each client's way in, each client's way back, PID 1's way in, then the login processes.
//
// The plan is made once from the scenario and its topology, without simulating anything, and is
// the one list both DescribeQueues() (mountstorm/run.h) and a Simulation use: the simulation
// records the curves of its queues in this order and checks that it built every queue planned.
#ifndef MOUNTSTORM_MODELS_RUN_QUEUE_PLAN_H_
#define MOUNTSTORM_MODELS_RUN_QUEUE_PLAN_H_

#include <memory>
#include <vector>

#include "models/dbus/bus_topology.h"
#include "mountstorm/policy.h"
#include "mountstorm/queues.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

// `s` with PID 1's parameters as its patches set them (Pid1Policy::Configure), in order.
Scenario WithPatchParams(const Scenario& s, const std::vector<std::unique_ptr<Pid1Policy>>& patches);

// REQUIRES: `s` has its patches' parameters (WithPatchParams), `t` is BuildTopology(s).
std::vector<QueueDescription> PlanQueues(const Scenario& s, const BusTopology& t);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_RUN_QUEUE_PLAN_H_
