// mountstorm critical: the smallest storm at which the system fails, or a queue overflows
// (docs/PLANNING.md).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/planner_text.h"
#include "io/text_io.h"
#include "mountstorm/error.h"
#include "planner/planner.h"

namespace mountstorm {

namespace {

using planner::Base;
using planner::Runner;

const char kCriticalUsage[] =
    "usage: mountstorm critical SCENARIO.json --axis /json/path [--queue NAME] [--from A] [--to B]\n"
    "                           [--profile NAME] [--set /json/path=value ...] [--json] [--jobs N]\n"
    "                           [--engine trains|messages]\n"
    "\n"
    "The smallest integer value of the axis (e.g. /workload/0/count, the size of the storm) at which\n"
    "the system fails: a queue refuses something, a message is lost, the relay disconnects a peer or\n"
    "a login fails; the output says what failed there. With --queue NAME, the smallest at which that\n"
    "queue overflows instead: refuses something, or for dbus.in.<peer>, which blocks its sender\n"
    "instead of refusing, spends time at its limit. Searched by bisection, which\n"
    "assumes that overflow is monotone in the axis. --from defaults to 1; without --to the search\n"
    "tries the scenario's current value, twice it and 4 times it (the default --to) until one\n"
    "overflows. If --from already overflows, or --to does not, it says so (exit 0). See\n"
    "docs/PLANNING.md.\n";

std::string CriticalAnswer(const planner::CriticalResult& r, const planner::CriticalQuery& q, Runner& runner) {
  const bool system = q.queue == planner::kSystem;
  switch (r.outcome) {
    case planner::CriticalResult::Outcome::kOverflowsAtFrom:
      return (system ? "the system fails" : q.queue + " overflows") + " already at " + q.axis + " = " + Num(q.from) +
             " (the lower end)";
    case planner::CriticalResult::Outcome::kNoOverflow:
      return (system ? "the system stays healthy" : q.queue + ": no overflow") + " up to " + q.axis + " = " + Num(q.to);
    case planner::CriticalResult::Outcome::kFound:
      break;
  }
  if (!system) {
    return q.queue + " first overflows at " + q.axis + " = " + Num(r.critical) + " (" + Num(r.largest_safe) +
           " is the largest value without overflow)";
  }
  planner::Assignments at = q.fixed;
  at.emplace_back(q.axis, r.critical);
  return "the system first fails at " + q.axis + " = " + Num(r.critical) + " (" + Num(r.largest_safe) +
         " is the largest healthy value): " + planner::DescribeVerdict(planner::JudgeSystem(runner.Summary(at)));
}

void PrintCritical(const planner::CriticalResult& r, const planner::CriticalQuery& q, const Runner& runner,
                   const std::string& answer) {
  std::cout << answer << "\n\n"
            << Title("critical " + q.axis + " for " + (q.queue == planner::kSystem ? std::string("the whole system") : q.queue) + " in", runner.base()) << "\n"
            << OverflowMeaning(q.queue) << "\n"
            << "searched " << Num(q.from) << " to " << Num(q.to) << " by bisection (assumes overflow is monotone in the axis): "
            << runner.runs() << " runs\n\n";
  PrintTrials(r.tried, "value");
  if (r.outcome == planner::CriticalResult::Outcome::kOverflowsAtFrom && q.axis.find("_max") != std::string::npos) {
    std::cout << "(a limit overflows at small values: mountstorm size finds the smallest safe limit)\n";
  }
}

nlohmann::json CriticalJson(const planner::CriticalResult& r, const planner::CriticalQuery& q, const Runner& runner,
                            const std::string& answer) {
  const bool found = r.outcome == planner::CriticalResult::Outcome::kFound;
  return {{"scenario", runner.base().scenario.name}, {"profile", runner.base().scenario.profile},
          {"axis", q.axis}, {"queue", q.queue}, {"from", q.from}, {"to", q.to},
          {"outcome", OutcomeName(r.outcome)}, {"answer", answer}, {"runs", runner.runs()},
          {"tried", TrialsJson(r.tried)}, {"overflow_means", OverflowMeaning(q.queue)},
          {"critical", found ? nlohmann::json(r.critical) : nlohmann::json()},
          {"largest_safe", found ? nlohmann::json(r.largest_safe) : nlohmann::json()}};
}

}  // namespace

int CriticalCommand(const std::vector<std::string>& args) {
  std::string scenario;
  std::vector<std::string> sets;
  bool json = false;
  int jobs = 0;
  std::optional<std::int64_t> from, to;
  planner::CriticalQuery q;
  q.queue = planner::kSystem;
  CommandLine cl("critical", kCriticalUsage);
  Engine engine = Engine::kTrains;
  cl.Scenario(&scenario).Overrides(&sets).Json(&json).Jobs(&jobs).EngineOption(&engine);
  cl.RequiredText("axis", &q.axis, "JSON path of the integer value to search, e.g. /workload/0/count")
      .Text("queue", &q.queue, "the queue that must not overflow (a key of summary.json \"queues\"; default: the whole system)")
      .Integer("from", &from, "lowest value (default 1)")
      .Integer("to", &to, "highest value (default 4 x the scenario's current value)");
  if (!cl.Parse(args)) return kExitOk;
  CheckAxisFlag(q.axis);
  Progress progress("critical", true);
  Runner runner(planner::LoadBase(scenario, sets), Jobs(jobs), engine, &progress);
  planner::RequireQueue(planner::QueueInventory(runner.base().scenario), q.queue, /*system_ok=*/true);
  q.from = from.value_or(1);
  planner::Apply(runner.base(), {{q.axis, q.from}});  // a bad axis fails here, before any run
  if (to) {
    q.to = *to;
  } else {
    const std::int64_t current = IntegerAxisValue(runner.base(), q.axis, "--axis");
    q.to = 4 * current;
    q.probes = planner::DefaultProbes(q.from, q.to, current);
  }
  if (q.from >= q.to) throw InputError("critical: --from (" + Num(q.from) + ") must be below --to (" + Num(q.to) + ")");
  const planner::CriticalResult r = planner::FindCritical(runner, q);
  const std::string answer = CriticalAnswer(r, q, runner);
  progress.Done();
  if (json) {
    std::cout << CriticalJson(r, q, runner, answer).dump(2) << "\n";
  } else {
    PrintCritical(r, q, runner, answer);
  }
  return kExitOk;
}

}  // namespace mountstorm
