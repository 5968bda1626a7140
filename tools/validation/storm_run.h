// A testbed storm's phase as a scenario, and its run: the base scenario of the storm's systemd
// (its container's mount table, its profile, its host) plus the storm's shape and nothing else.
//
// The phase starts at kPhaseStart with the container's table, the pre-existing mounts and, for
// the unmount phase, the storm's own mounts. Its (u)mount commands change the table
// op_mean_s after the loop's start and then every (loop_s - op_mean_s) / (mounts - 1): the
// loop's own timing as the testbed measured it (a mount(8) command does its system call at its
// end). The burst of the mount rate limit and whether logind subscribes come from the storm.
#ifndef MOUNTSTORM_TOOLS_VALIDATION_STORM_RUN_H_
#define MOUNTSTORM_TOOLS_VALIDATION_STORM_RUN_H_

#include "mountstorm/scenario.h"
#include "validation/testbed_storms.h"

namespace mountstorm {

// When a phase's loop starts in its simulation: a second of quiet first, as in the testbed.
constexpr Time kPhaseStart = 1 * kSecond;

// The scenario of one phase of `storm`: `base` with the storm's shape applied.
ScenarioDocument PhaseScenario(const ScenarioDocument& base, const TestbedStorm& storm, const StormPhase& phase);

// Runs it and measures what the testbed measures: PID 1's signals by member, its scans, the time
// from kPhaseStart to its last scan or signal, and its CPU time.
PhaseFigures SimulatePhase(const Scenario& scenario);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_VALIDATION_STORM_RUN_H_
