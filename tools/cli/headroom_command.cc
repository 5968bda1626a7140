// mountstorm headroom: how close every queue of a scenario comes to its limit (docs/PLANNING.md).
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

const char kHeadroomUsage[] =
    "usage: mountstorm headroom SCENARIO.json [--profile NAME] [--set /json/path=value ...] [--json]\n"
    "                          [--engine trains|messages]\n"
    "\n"
    "Runs the scenario once and shows how close every bounded queue came to its limit: the peak as\n"
    "a fraction of the limit, when, refusals and time at the limit, highest fraction first (queues\n"
    "that reached their limit by refusals, then by time at the limit); the first queue to reach its\n"
    "limit (exact when its peak is the limit, else to the sample interval); and the busiest process\n"
    "of the pipeline: its CPU time over the storm (from the first workload operation to the last,\n"
    "or to the last time a read or write queue went back to empty if later). The first line is the\n"
    "answer: the verdict on the whole system (healthy when no queue refused anything, nothing was\n"
    "lost, nobody was disconnected and every login succeeded, else what went wrong), then the\n"
    "queue closest to its limit, the first at it and the busiest process. See docs/PLANNING.md.\n";

nlohmann::json HeadroomJson(const planner::Headroom& h, const Base& b) {
  nlohmann::json queues = nlohmann::json::array();
  for (const planner::QueueHeadroom& q : h.queues) {
    queues.push_back({{"queue", q.name}, {"unit", q.unit}, {"limit", q.limit}, {"peak", q.peak}, {"fraction", q.fraction},
                      {"peak_time_s", q.peak_time_s}, {"first_at_limit_s", OptionalSeconds(q.first_at_limit_s)},
                      {"first_at_limit_exact", q.first_at_limit_exact},
                      {"refused", q.refused}, {"time_at_limit_s", q.time_at_limit_s}});
  }
  nlohmann::json processes = nlohmann::json::array();
  for (const planner::ProcessLoad& p : h.processes) {
    processes.push_back({{"process", p.name}, {"busy_s", p.busy_s}, {"fraction", p.fraction}});
  }
  nlohmann::json first;
  if (h.first_at_limit) first = {{"queue", h.first_at_limit->name}, {"time_s", *h.first_at_limit->first_at_limit_s}};
  return {{"scenario", b.scenario.name},
          {"profile", b.scenario.profile},
          {"seed", b.scenario.seed},
          {"answer", h.answer},
          {"healthy", h.system.healthy},
          {"problems", h.system.problems},
          {"active_from_s", h.active_from_s},
          {"storm_end_s", h.storm_end_s},
          {"end_time_s", h.end_time_s},
          {"queues", queues},
          {"first_at_limit", first},
          {"busiest", processes.empty() ? nlohmann::json() : processes[0]},
          {"processes", processes}};
}

std::string FirstAtLimitCell(const planner::QueueHeadroom& q) {
  if (!q.first_at_limit_s) return "-";
  return (q.first_at_limit_exact ? "" : "~") + Seconds(*q.first_at_limit_s);
}

// A queue whose peak is above its limit: a socket or a relay's queue takes a message whole while it
// is below its limit, so it can pass the limit by up to one message; say so where it happened.
void PrintOvershoot(const planner::Headroom& h) {
  for (const planner::QueueHeadroom& q : h.queues) {
    if (q.peak <= q.limit) continue;
    std::cout << "(" << q.name << ": the peak passes the limit by " << Num(q.peak - q.limit) << " " << q.unit
              << ": the queue takes a message whole while it is below its limit)\n";
  }
  std::cout << "\n";
}

void PrintHeadroom(const planner::Headroom& h, const Base& b) {
  std::cout << h.answer << "\n\n" << Title("headroom of", b) << ", simulated to " << Seconds(h.end_time_s) << " s\n\n";
  std::printf("%-26s %-8s %14s %14s %8s %9s %14s %10s %9s\n", "queue", "unit", "limit", "peak", "of limit", "peak at",
              "first at limit", "refused", "at limit");
  int empty = 0;
  for (const planner::QueueHeadroom& q : h.queues) {
    if (q.peak == 0) {
      ++empty;
      continue;
    }
    std::printf("%-26s %-8s %14s %14s %8s %9s %14s %10s %9s\n", q.name.c_str(), q.unit.c_str(), Num(q.limit).c_str(),
                Num(q.peak).c_str(), FormatPercent(q.fraction).c_str(), Seconds(q.peak_time_s).c_str(),
                FirstAtLimitCell(q).c_str(), WithCommas(q.refused).c_str(),
                Seconds(q.time_at_limit_s).c_str());
  }
  std::printf("(%d queue%s that stayed empty omitted; times in simulated seconds; \"at limit\" is the total time there;\n"
              " \"first at limit\" is exact when the peak is the limit, else the start of the %s s sample interval, marked ~)\n",
              empty, empty == 1 ? "" : "s", FormatFixed(ToSeconds(b.scenario.sample_interval), 3).c_str());
  PrintOvershoot(h);
  std::printf("%-26s %12s %8s\n", "process", "busy s", "busy");
  for (const planner::ProcessLoad& p : h.processes) {
    std::printf("%-26s %12s %8s\n", p.name.c_str(), FormatFixed(p.busy_s, 3).c_str(), FormatPercent(p.fraction).c_str());
  }
  std::printf("(busy: CPU time over the storm, from its first operation until the read and write queues drained, %s s to %s s)\n\n",
              Seconds(h.active_from_s).c_str(), Seconds(h.storm_end_s).c_str());
  if (!h.processes.empty()) {
    std::cout << "bottleneck: " << h.processes[0].name << " is the busiest stage (" << FormatPercent(h.processes[0].fraction)
              << " busy)";
  }
  if (h.first_at_limit) {
    std::cout << "; " << h.first_at_limit->name << " was the first queue at its limit, at "
              << Seconds(*h.first_at_limit->first_at_limit_s) << " s";
  } else {
    std::cout << "; no queue reached its limit";
  }
  std::cout << "\n";
}

}  // namespace

int HeadroomCommand(const std::vector<std::string>& args) {
  std::string scenario;
  std::vector<std::string> sets;
  bool json = false;
  Engine engine = Engine::kTrains;
  CommandLine cl("headroom", kHeadroomUsage);
  cl.Scenario(&scenario).Overrides(&sets).Json(&json).EngineOption(&engine);
  if (!cl.Parse(args)) return kExitOk;
  const Base b = planner::LoadBase(scenario, sets);
  const planner::Headroom h = planner::AnalyzeHeadroom(b.scenario, engine);
  if (json) {
    std::cout << HeadroomJson(h, b).dump(2) << "\n";
  } else {
    PrintHeadroom(h, b);
  }
  return kExitOk;
}

}  // namespace mountstorm
