// Running a scenario: the library's entry point.
//
// RunScenario() builds the pipeline a scenario describes, runs it until nothing is left to do or
// until the scenario's stop time, and returns what the run reports (mountstorm/result.h). It is
// deterministic: the same scenario and seed give the same result, whatever the machine, thread
// or time; mountstorm/result_files.h turns it into summary.json, curves.csv and events.csv.
#ifndef MOUNTSTORM_INCLUDE_RUN_H_
#define MOUNTSTORM_INCLUDE_RUN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mountstorm/queues.h"
#include "mountstorm/result.h"
#include "mountstorm/scenario.h"
#include "mountstorm/time.h"
#include "mountstorm/trace.h"

namespace mountstorm {

// The limits of one run (docs/SCENARIOS.md, "Run budgets"; mountstorm run --max-events,
// --max-sim-time-s, --max-memory-mib). The defaults are generous: every shipped scenario runs well
// within them. A run that would exceed one is bad input: an InputError naming the limit, the
// scenario and how to raise it; a run known to need more memory is refused before it starts.
struct RunBudget {
  std::uint64_t max_events = 2'000'000'000;           // events the simulator runs
  Time max_sim_time = 1'000'000 * kSecond;            // simulated time, whatever /run/stop_at_s says
  std::uint64_t max_memory_bytes = std::uint64_t{4096} << 20;  // what the run is estimated to need
};

// The memory a run of `scenario` needs, estimated before it runs from what grows with its size:
// the mount operations (each held from the start, and a row of events.csv), the mount table, and
// the depth curves (a sample per interval up to the stop time, per queue).
std::uint64_t EstimateRunMemory(const Scenario& scenario);
// InputError, naming the scenario, its size and --max-memory-mib, if the estimate is over budget.
void CheckMemoryBudget(const Scenario& scenario, const RunBudget& budget);
// InputError, naming the budget and how to raise it, unless a run that ran `events` events and
// whose next event is due at `next_event` (kNever: none) stayed within `budget`.
void CheckRunWithinBudget(const Scenario& scenario, const RunBudget& budget, std::uint64_t events, Time next_event);

// How a run is simulated. kMessages: every message is its own value and every step of every
// process its own events; the reference. kTrains: the train engine (docs/ARCHITECTURE.md, "The
// train engine"), the default: the same results with less work. The result files are byte for
// byte the same whichever engine ran (tests/engine_exactness_test.cc); RunResult::engine and
// engine_events say which did and how many events it took from its list.
enum class Engine : std::uint8_t { kMessages, kTrains };
// "messages" or "trains", as --engine spells them.
const char* EngineName(Engine engine);
// The engine --engine names; nullopt for anything else.
std::optional<Engine> ParseEngine(const std::string& name);

struct RunOptions {
  Engine engine = Engine::kTrains;
  // With a tap, every message the relay routes is handed to it as the run goes.
  MessageTap* tap = nullptr;
  RunBudget budget;
  // Computes the station measures (RunResult::measures, measures.json): `mountstorm run` does;
  // without them a run does less work per message (sweeps and the planners leave them out).
  bool measures = false;
};

RunResult RunScenario(const Scenario& scenario, const RunOptions& options);

// The start of the storm window (measures.json, headroom): the first operation of the scenario's
// workload (a generator's start), or 0 without one.
Time StormWindowStart(const Scenario& scenario);
// The per-message engine, with an optional tap.
RunResult RunScenario(const Scenario& scenario, MessageTap* tap = nullptr);

// Every bounded queue of the scenario's pipeline, in the order a message meets them, with its
// limit and the scenario value that sets it. Nothing is simulated.
std::vector<QueueDescription> DescribeQueues(const Scenario& scenario);

// The scenario's bus topology as Graphviz DOT: processes, connections (bus or private to PID 1),
// match rules and limits.
std::string TopologyDot(const Scenario& scenario);

// The version of mountstorm, as recorded in every result.
const char* Version();

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_RUN_H_
