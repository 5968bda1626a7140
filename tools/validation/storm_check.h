// Checking the model against the testbed: each storm's phases simulated from its base scenario,
// and the simulated figures held against the captured ones with the tolerances of issue 12
// (docs/VALIDATION.md, "A real systemd 252 and 257").
#ifndef MOUNTSTORM_TOOLS_VALIDATION_STORM_CHECK_H_
#define MOUNTSTORM_TOOLS_VALIDATION_STORM_CHECK_H_

#include <string>
#include <vector>

#include "validation/testbed_storms.h"

namespace mountstorm {

// How far a simulated figure may be from the captured one.
struct Tolerances {
  double signals = 0.03;   // PID 1's signals, relative
  double member = 0.05;    // each member (UnitNew, UnitRemoved, PropertiesChanged, other), relative
  int rescans = 1;         // rescans of /proc/self/mountinfo, absolute
  double active = 0.10;    // the storm's duration (PID 1's active time), relative
  double cpu_factor = 1.5; // PID 1's CPU time, either way
};

// The figures of a whole storm: its phases added up.
PhaseFigures Total(const std::vector<PhaseFigures>& phases);

struct StormCheck {
  const TestbedStorm* storm = nullptr;
  std::vector<PhaseFigures> simulated;  // one per phase of the storm
  PhaseFigures captured_total, simulated_total;
  std::vector<std::string> misses;      // what is out of tolerance, e.g. "umount: UnitNew 100 vs 112"
  bool ok() const { return misses.empty(); }
  // Whether the whole storm is within the tolerances of some repetition: its signals, rescans and
  // CPU time within the tolerances of the range its runs spanned (the duration of the median run
  // as in ok()). The same as ok() for a storm that ran once.
  bool within_repeats = false;
};

// Simulates every phase of every storm on up to `jobs` threads and compares, phase by phase and
// for the whole storm. Each storm's base scenario is read once per file.
std::vector<StormCheck> CheckStorms(const std::vector<TestbedStorm>& storms, const Tolerances& tol, int jobs);

// Writes every phase's scenario to `dir` as STORM-PHASE.json (the runs CheckStorms makes).
void WritePhaseScenarios(const std::vector<TestbedStorm>& storms, const std::string& dir);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_VALIDATION_STORM_CHECK_H_
