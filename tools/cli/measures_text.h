// What `mountstorm run --measures` prints: the station measures of a run (measures.json) as
// tables for people.
#ifndef MOUNTSTORM_TOOLS_CLI_MEASURES_TEXT_H_
#define MOUNTSTORM_TOOLS_CLI_MEASURES_TEXT_H_

#include <ostream>

#include "mountstorm/result.h"

namespace mountstorm {

// The storm window, then a row per queue that held anything and per process, the delay of PID 1's
// signals to logind and the number of refusal runs.
void PrintMeasures(const RunResult& r, std::ostream& out);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_CLI_MEASURES_TEXT_H_
