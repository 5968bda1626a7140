// The RunResult of a finished Simulation (mountstorm/result.h): its messages, queues, scans,
// processes, logins, curves and events.
#ifndef MOUNTSTORM_MODELS_RUN_BUILD_RESULT_H_
#define MOUNTSTORM_MODELS_RUN_BUILD_RESULT_H_

#include <vector>

#include "models/run/simulation.h"
#include "mountstorm/result.h"

namespace mountstorm {

// `version` is recorded as the result's version of mountstorm. The curves are moved out of
// `sim`'s recorder (a long run's are megabytes), so call it once, last.
RunResult BuildResult(Simulation& sim, const char* version);

// Every mount operation, scan and login start and end, in time order (events.csv).
std::vector<RunEvent> BuildEventLog(const Simulation& sim);

// The station measures: queues and processes over the storm window and the run, the delay of
// PID 1's signals to logind, the refusal runs (models/run/build_measures.cc).
Measures BuildMeasures(const Simulation& sim);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_RUN_BUILD_RESULT_H_
