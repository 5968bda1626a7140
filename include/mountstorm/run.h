// Running a scenario: the library's entry point.
//
// RunScenario() builds the pipeline a scenario describes, runs it until nothing is left to do or
// the scenario's stop time, and returns what a run reports (MODEL-SPEC section 4): the summary
// (written as summary.json), the depth curves (curves.csv) and the events (events.csv). All are
// deterministic:
// the same scenario and seed give byte-identical text, whatever the machine, thread or time.
#ifndef MOUNTSTORM_INCLUDE_RUN_H_
#define MOUNTSTORM_INCLUDE_RUN_H_

#include <string>

#include <nlohmann/json.hpp>

#include "mountstorm/scenario.h"
#include "mountstorm/trace.h"

namespace mountstorm {

struct RunResult {
  nlohmann::json summary;
  std::string curves_csv;
  std::string events_csv;  // mounts, scans and login outcomes in time order (events.csv)
};

// With a tap, every message dbus-daemon routes is handed to it as the run goes.
RunResult RunScenario(const Scenario& scenario, MessageTap* tap = nullptr);

// The text of summary.json: the summary with sorted keys, two-space indent, a final newline.
std::string SummaryText(const nlohmann::json& summary);

// The version of mountstorm, as recorded in every summary.
const char* Version();

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_RUN_H_
