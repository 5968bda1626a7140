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
    "                       [--set /json/path=value ...] [--json] [--engine trains|messages]\n"
    "\n"
    "The smallest limit of the queue with which it refuses nothing in the scenario (for\n"
    "dbus.in.<peer>: spends no time at its limit), and the memory that limit implies. Runs once with\n"
    "the limit at --max (default: the largest value the scenario accepts) to find the peak P the\n"
    "queue reaches unconstrained, then tries P (and, for a queue of messages, P - 1, which usually\n"
    "settles it) and bisects over [minimum, P] as far as needed. The limit is a scenario value\n"
    "(e.g. /systemd/wqueue_max, /dbus/max_outgoing_bytes); when it also limits other queues (every\n"
    "dbus.out.* for /dbus/max_outgoing_bytes) they change with it, and the output says so. Memory\n"
    "of a message queue: limit x (904 bytes of struct sd_bus_message + the mean marshalled message\n"
    "of the run); of a byte queue: the limit.\n"
    "\n"
    "Then the whole system: with that limit, is nothing refused or lost anywhere and does every login\n"
    "succeed? If not, the smallest value of the same limit with which they do; if no value of it\n"
    "alone does, which limits of the scenario raised together do (each lowered in turn from its\n"
    "maximum to the smallest value that keeps the system healthy, never below its current value),\n"
    "or that none do. The first line of the output is that answer. See docs/PLANNING.md.\n";

// "1 message", "2,048 bytes"
std::string LimitText(const planner::SizeResult& r, std::int64_t v) {
  return Num(v) + " " + (v == 1 ? r.unit.substr(0, r.unit.size() - 1) : r.unit);
}

std::string Ratio(std::int64_t v, std::int64_t current) {
  return FormatFixed(static_cast<double>(v) / static_cast<double>(std::max<std::int64_t>(current, 1)), 2) + " x";
}

// The answer for the whole system: the sentence a planner reads first.
std::string SystemAnswer(const planner::SizeResult& r, const planner::SystemSize& s) {
  const std::string& path = r.param.path;
  switch (s.outcome) {
    case planner::SystemSize::Outcome::kSingleLimit:
      if (s.system_limit == r.limit) {
        return path + " >= " + LimitText(r, r.limit) + " is enough for the whole system: " +
               planner::DescribeVerdict(s.at_queue_limit);
      }
      return "the system needs " + path + " >= " + LimitText(r, s.system_limit) + " (" + Ratio(s.system_limit, r.current) +
             " the current " + Num(r.current) + "); at the queue's own limit " + Num(r.limit) + " still " +
             planner::DescribeVerdict(s.at_queue_limit);
    case planner::SystemSize::Outcome::kTogether: {
      std::string together;
      for (const planner::LimitSetting& l : s.together) {
        together += (together.empty() ? "" : ", ") + l.path + " >= " + Num(l.value) + " (now " + Num(l.current) + ")";
      }
      return "no value of " + path + " alone is enough (at " + Num(r.tried.front().value) + " still " +
             planner::DescribeVerdict(s.at_maximum) + "); enough for the whole system: " + together +
             ", the other limits as they are";
    }
    case planner::SystemSize::Outcome::kNoLimits:
      break;
  }
  std::string answer = "no queue limit, alone or together with the others, is enough: with every limit at its maximum still " +
                       planner::DescribeVerdict(s.remaining);
  if (!s.remaining.busiest_process.empty()) {
    answer += "; the busiest process, " + s.remaining.busiest_process + ", was on a CPU for " +
              FormatFixed(s.remaining.busiest_cpu_s, 1) + " s of the " + FormatFixed(s.remaining.end_s, 1) +
              " s run: more buffer only lets more messages wait for it";
  }
  return answer;
}

const char* SystemOutcomeName(planner::SystemSize::Outcome o) {
  switch (o) {
    case planner::SystemSize::Outcome::kSingleLimit: return "single_limit";
    case planner::SystemSize::Outcome::kTogether: return "together";
    case planner::SystemSize::Outcome::kNoLimits: return "no_limits";
  }
  return "";
}

nlohmann::json VerdictJson(const planner::SystemVerdict& v) {
  nlohmann::json j = {{"healthy", v.healthy}, {"problems", v.problems}, {"failed_logins", v.failed_logins},
                      {"busiest_process", v.busiest_process}, {"busiest_cpu_s", v.busiest_cpu_s}};
  j["first_refusing_queue"] = v.first_refusing_queue ? nlohmann::json(*v.first_refusing_queue) : nlohmann::json();
  j["first_refusal_s"] = v.first_refusal_s ? nlohmann::json(*v.first_refusal_s) : nlohmann::json();
  return j;
}

nlohmann::json SystemJson(const planner::SystemSize& s, const planner::SystemVerdict& base, const std::string& answer) {
  nlohmann::json together = nlohmann::json::array();
  for (const planner::LimitSetting& l : s.together) {
    together.push_back({{"path", l.path}, {"current", l.current}, {"value", l.value}});
  }
  return {{"outcome", SystemOutcomeName(s.outcome)},
          {"answer", answer},
          {"as_given", VerdictJson(base)},
          {"at_queue_limit", VerdictJson(s.at_queue_limit)},
          {"limit", s.outcome == planner::SystemSize::Outcome::kSingleLimit ? nlohmann::json(s.system_limit) : nlohmann::json()},
          {"together", together},
          {"remaining", s.outcome == planner::SystemSize::Outcome::kNoLimits ? VerdictJson(s.remaining) : nlohmann::json()}};
}

const char* SizeOutcomeName(planner::SizeResult::Outcome o) {
  switch (o) {
    case planner::SizeResult::Outcome::kFound: return "found";
    case planner::SizeResult::Outcome::kRefusesAtMax: return "refuses_at_max";
    case planner::SizeResult::Outcome::kSafeAtMinimum: return "safe_at_minimum";
  }
  return "";
}

std::string SizeAnswer(const planner::SizeResult& r, const std::string& queue) {
  const std::string limit = LimitText(r, r.limit);
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
  Engine engine = Engine::kTrains;
  cl.Scenario(&scenario).Overrides(&sets).Json(&json).EngineOption(&engine);
  cl.RequiredText("queue", &queue, "the queue to size (a key of summary.json \"queues\"), e.g. systemd.wqueue")
      .Integer("max", &max, "largest limit to consider (default: the largest the scenario accepts)");
  if (!cl.Parse(args)) return kExitOk;
  Progress progress("size", true);
  Runner runner(planner::LoadBase(scenario, sets), 1, engine, &progress);  // a bisection: one run after the other
  const planner::SystemVerdict as_given = planner::JudgeSystem(runner.Summary({}));
  const planner::SizeResult r = planner::FindSize(runner, queue, max);
  const planner::SystemSize system = planner::FindSystemSize(runner, r, max);
  progress.Done();
  const std::string answer = SizeAnswer(r, queue);
  const std::string system_answer = SystemAnswer(r, system);
  if (json) {
    nlohmann::json j = SizeJson(r, queue, runner, answer);
    j["system"] = SystemJson(system, as_given, system_answer);
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "system: " << system_answer << "\n"
              << "queue:  " << answer << "\n";
    if (as_given.first_refusing_queue) {
      std::cout << "as given: " << *as_given.first_refusing_queue << " refuses first, at "
                << FormatFixed(*as_given.first_refusal_s, 3) << " s\n";
    }
    std::cout << "\n";
    PrintSize(r, queue, runner);
  }
  return kExitOk;
}

}  // namespace mountstorm
