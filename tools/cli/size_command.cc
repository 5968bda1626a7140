// mountstorm size: the smallest limit of a queue with which it refuses nothing (docs/PLANNING.md).
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

const char kSizeUsage[] =
    "usage: mountstorm size SCENARIO.json --queue NAME [--max M] [--profile NAME]\n"
    "                       [--set /json/path=value ...] [--json]\n"
    "\n"
    "The smallest limit of the queue with which it refuses nothing in the scenario (for\n"
    "dbus.in.<peer>: spends no time at its limit), and the memory that limit implies. Runs once with\n"
    "the limit at --max (default: the largest value the scenario accepts) to find the peak P the\n"
    "queue reaches unconstrained, then bisects over [minimum, P]. The limit is a scenario value\n"
    "(e.g. /systemd/wqueue_max, /dbus/max_outgoing_bytes); when it also limits other queues (every\n"
    "dbus.out.* for /dbus/max_outgoing_bytes) they change with it, and the output says so. Memory\n"
    "of a message queue: limit x (904 bytes of struct sd_bus_message + the mean marshalled message\n"
    "of the run); of a byte queue: the limit. See docs/PLANNING.md.\n";

const char* SizeOutcomeName(planner::SizeResult::Outcome o) {
  switch (o) {
    case planner::SizeResult::Outcome::kFound: return "found";
    case planner::SizeResult::Outcome::kRefusesAtMax: return "refuses_at_max";
    case planner::SizeResult::Outcome::kSafeAtMinimum: return "safe_at_minimum";
  }
  return "";
}

std::string SizeAnswer(const planner::SizeResult& r, const std::string& queue) {
  // "1 message", "2,048 bytes"
  const std::string limit = Num(r.limit) + " " + (r.limit == 1 ? r.unit.substr(0, r.unit.size() - 1) : r.unit);
  switch (r.outcome) {
    case planner::SizeResult::Outcome::kRefusesAtMax:
      return queue + " overflows even with " + r.param.path + " = " + limit + " (--max)";
    case planner::SizeResult::Outcome::kSafeAtMinimum:
      return queue + " refuses nothing even at the smallest " + r.param.path + " the scenario accepts, " + limit;
    case planner::SizeResult::Outcome::kFound:
      break;
  }
  const double ratio = static_cast<double>(r.limit) / static_cast<double>(std::max<std::int64_t>(r.current, 1));
  return queue + " needs " + r.param.path + " >= " + limit + " to refuse nothing (" + FormatFixed(ratio, 2) + " x the current " +
         Num(r.current) + "), about " + Memory(static_cast<double>(r.limit) * r.bytes_per_entry);
}

nlohmann::json SizeJson(const planner::SizeResult& r, const std::string& queue, const Runner& runner, const std::string& answer) {
  return {{"scenario", runner.base().scenario.name},
          {"profile", runner.base().scenario.profile},
          {"queue", queue},
          {"path", r.param.path},
          {"unit", r.unit},
          {"outcome", SizeOutcomeName(r.outcome)},
          {"answer", answer},
          {"limit", r.limit},
          {"current_limit", r.current},
          {"ratio", static_cast<double>(r.limit) / static_cast<double>(std::max<std::int64_t>(r.current, 1))},
          {"unconstrained_peak", r.unconstrained_peak},
          {"mean_message_bytes", r.unit == "messages" ? nlohmann::json(r.mean_message_bytes) : nlohmann::json()},
          {"bytes_per_entry", r.bytes_per_entry},
          {"memory_bytes", static_cast<double>(r.limit) * r.bytes_per_entry},
          {"current_memory_bytes", static_cast<double>(r.current) * r.bytes_per_entry},
          {"also_limits", r.param.sharing},
          {"also_limited_overflowed", r.sharing_refused},
          {"runs", runner.runs()},
          {"tried", TrialsJson(r.tried)}};
}

void PrintSize(const planner::SizeResult& r, const std::string& queue, const Runner& runner) {
  std::cout << Title("size of " + queue + " (" + r.param.path + ") in", runner.base()) << "\n"
            << OverflowMeaning(queue) << "\n"
            << "unconstrained peak " << Num(r.unconstrained_peak) << " " << r.unit << " (with " << r.param.path << " = "
            << Num(r.tried.front().value) << ")\n";
  if (r.outcome != planner::SizeResult::Outcome::kRefusesAtMax) {
    if (r.unit == "messages") {
      std::cout << "memory: limit x (" << FormatFixed(planner::kSdBusMessageStructBytes, 0) << " bytes sizeof(struct sd_bus_message) + "
                << FormatFixed(r.mean_message_bytes, 0) << " bytes mean marshalled message) = "
                << Memory(static_cast<double>(r.limit) * r.bytes_per_entry) << " (current limit: "
                << Memory(static_cast<double>(r.current) * r.bytes_per_entry) << ")\n";
    } else {
      std::cout << "memory: the limit itself, " << Memory(static_cast<double>(r.limit)) << " (current limit: "
                << Memory(static_cast<double>(r.current)) << ")\n";
    }
  }
  if (!r.param.sharing.empty()) {
    std::string names;
    for (const std::string& n : r.param.sharing) names += (names.empty() ? "" : ", ") + n;
    std::cout << "note: " << r.param.path << " also sets the limit of " << names << "; changing it changes theirs too\n";
    for (const auto& [name, refused] : r.sharing_refused) {
      std::cout << "note: at this limit " << name << " still overflows (" << WithCommas(refused) << " refused)\n";
    }
  }
  std::cout << runner.runs() << " runs\n\n";
  PrintTrials(r.tried, "limit");
}

}  // namespace

int SizeCommand(const std::vector<std::string>& args) {
  std::string scenario, queue;
  std::vector<std::string> sets;
  bool json = false;
  std::optional<std::int64_t> max;
  CommandLine cl("size", kSizeUsage);
  cl.Scenario(&scenario).Overrides(&sets).Json(&json);
  cl.RequiredText("queue", &queue, "the queue to size (a key of summary.json \"queues\"), e.g. systemd.wqueue")
      .Integer("max", &max, "largest limit to consider (default: the largest the scenario accepts)");
  if (!cl.Parse(args)) return kExitOk;
  Runner runner(planner::LoadBase(scenario, sets), 1);  // a bisection: one run after the other
  const planner::SizeResult r = planner::FindSize(runner, queue, max);
  const std::string answer = SizeAnswer(r, queue);
  if (json) {
    std::cout << SizeJson(r, queue, runner, answer).dump(2) << "\n";
  } else {
    std::cout << answer << "\n\n";
    PrintSize(r, queue, runner);
  }
  return kExitOk;
}

}  // namespace mountstorm
