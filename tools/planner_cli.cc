// The planner's commands: headroom, critical, size and scaling (tools/planner.h has the analysis).
#include <cstdio>
#include <algorithm>
#include <iostream>

#include <boost/program_options.hpp>

#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "tools/cli_util.h"
#include "tools/planner.h"

namespace po = boost::program_options;

namespace mountstorm {

namespace {

// Formatting of the tables and answers: integers with thousands separators, times in simulated
// seconds with 3 decimals (as `mountstorm run` prints them).
std::string Num(std::int64_t v) { return v < 0 ? "-" + WithCommas(static_cast<std::uint64_t>(-v)) : WithCommas(static_cast<std::uint64_t>(v)); }


// 1.5 KiB, 936.4 MiB, 2.1 GiB
std::string Memory(double bytes) {
  if (bytes < 1024.0 * 1024.0) return FormatFixed(bytes / 1024.0, 1) + " KiB";
  if (bytes < 1024.0 * 1024.0 * 1024.0) return FormatFixed(bytes / (1024.0 * 1024.0), 1) + " MiB";
  return FormatFixed(bytes / (1024.0 * 1024.0 * 1024.0), 1) + " GiB";
}

std::string Seconds(double s) { return FormatSeconds(nlohmann::json(s)); }

}  // namespace
// ================================================================================================
// Commands
// ================================================================================================

namespace {

using planner::Base;
using planner::Runner;

// The options every planner command shares: the scenario, its overrides, --json.
struct CommonArgs {
  std::string scenario;
  std::vector<std::string> sets;
  int jobs = 0;
};

void AddCommonOptions(po::options_description* options, CommonArgs* c, bool with_jobs) {
  options->add_options()
      ("help,h", "show this help")
      ("scenario", po::value(&c->scenario)->required(), "scenario file (JSON)")
      ("profile", po::value<std::string>(), "systemd version whose defaults the scenario starts from (an override of /profile placed first)")
      ("set", po::value(&c->sets)->composing(), "override a scenario value: /json/path=value (repeatable)")
      ("json", "print JSON instead of a table");
  if (with_jobs) options->add_options()("jobs,j", po::value(&c->jobs), "runs at once (default: the number of CPUs; the answer is the same)");
}

Base LoadCommonBase(CommonArgs* c, const po::variables_map& vm) {
  AddProfileOverride(vm, &c->sets);
  return planner::LoadBase(c->scenario, c->sets);
}

int Jobs(const CommonArgs& c, const po::variables_map& vm) { return JobsOption(vm, c.jobs); }

std::string Title(const std::string& what, const Base& b) {
  return what + " " + b.scenario.name + " (profile " + b.scenario.profile + ", seed " + std::to_string(b.scenario.seed) + ")";
}

nlohmann::json OptionalSeconds(const std::optional<double>& t) { return t ? nlohmann::json(*t) : nlohmann::json(); }

// --- headroom -----------------------------------------------------------------------------------

const char kHeadroomUsage[] =
    "usage: mountstorm headroom SCENARIO.json [--profile NAME] [--set /json/path=value ...] [--json]\n"
    "\n"
    "Runs the scenario once and shows how close every bounded queue came to its limit: the peak as\n"
    "a fraction of the limit, when, refusals and time at the limit, highest fraction first (queues\n"
    "that reached their limit by refusals, then by time at the limit); the first queue to reach its\n"
    "limit (exact when its peak is the limit, else to the sample interval); and the busiest process\n"
    "of the pipeline: CPU busy time over the active part of the run (from the first workload\n"
    "operation, or 0, to the end). The first line is the answer. See docs/PLANNING.md.\n";

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
          {"active_from_s", h.active_from_s},
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
              " \"first at limit\" is exact when the peak is the limit, else the start of the %s s sample interval, marked ~)\n\n",
              empty, empty == 1 ? "" : "s", FormatFixed(ToSeconds(b.scenario.sample_interval), 3).c_str());
  std::printf("%-26s %12s %8s\n", "process", "busy s", "busy");
  for (const planner::ProcessLoad& p : h.processes) {
    std::printf("%-26s %12s %8s\n", p.name.c_str(), FormatFixed(p.busy_s, 3).c_str(), FormatPercent(p.fraction).c_str());
  }
  std::printf("(busy: CPU busy time over the active part of the run, %s s to %s s)\n\n", Seconds(h.active_from_s).c_str(),
              Seconds(h.end_time_s).c_str());
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

// --- critical -----------------------------------------------------------------------------------

const char kCriticalUsage[] =
    "usage: mountstorm critical SCENARIO.json --axis /json/path [--queue NAME] [--from A] [--to B]\n"
    "                           [--profile NAME] [--set /json/path=value ...] [--json] [--jobs N]\n"
    "\n"
    "The smallest integer value of the axis (e.g. /workload/0/count, the size of the storm) at which\n"
    "the queue (default systemd.wqueue) overflows: refuses something, or for dbus.in.<peer>, which\n"
    "blocks its sender instead of refusing, spends time at its limit. Searched by bisection, which\n"
    "assumes that overflow is monotone in the axis. --from defaults to 1; without --to the search\n"
    "tries the scenario's current value, twice it and 4 times it (the default --to) until one\n"
    "overflows. If --from already overflows, or --to does not, it says so (exit 0). See\n"
    "docs/PLANNING.md.\n";

std::string OverflowMeaning(const std::string& queue) {
  return planner::BlocksInsteadOfRefusing(queue)
             ? queue + " blocks its sender instead of refusing: overflow here means time at its limit > 0"
             : "overflow: " + queue + " refused something (\"refused\" > 0)";
}

std::string CriticalAnswer(const planner::CriticalResult& r, const planner::CriticalQuery& q) {
  switch (r.outcome) {
    case planner::CriticalResult::Outcome::kOverflowsAtFrom:
      return q.queue + " overflows already at " + q.axis + " = " + Num(q.from) + " (the lower end)";
    case planner::CriticalResult::Outcome::kNoOverflow:
      return q.queue + ": no overflow up to " + q.axis + " = " + Num(q.to);
    case planner::CriticalResult::Outcome::kFound:
      break;
  }
  return q.queue + " first overflows at " + q.axis + " = " + Num(r.critical) + " (" + Num(r.largest_safe) +
         " is the largest value without overflow)";
}

nlohmann::json TrialsJson(const std::vector<planner::Trial>& tried) {
  nlohmann::json out = nlohmann::json::array();
  for (const planner::Trial& t : tried) {
    out.push_back({{"value", t.value}, {"overflowed", t.overflowed}, {"refused", t.refused},
                   {"time_at_limit_s", t.time_at_limit_s}, {"peak", t.peak}});
  }
  return out;
}

const char* OutcomeName(planner::CriticalResult::Outcome o) {
  switch (o) {
    case planner::CriticalResult::Outcome::kFound: return "found";
    case planner::CriticalResult::Outcome::kNoOverflow: return "no_overflow";
    case planner::CriticalResult::Outcome::kOverflowsAtFrom: return "overflows_at_from";
  }
  return "";
}

void PrintTrials(const std::vector<planner::Trial>& tried, const std::string& value_title) {
  std::printf("%14s %9s %12s %10s %14s\n", value_title.c_str(), "overflow", "refused", "at limit", "peak");
  for (const planner::Trial& t : tried) {
    std::printf("%14s %9s %12s %10s %14s\n", Num(t.value).c_str(), t.overflowed ? "yes" : "no", WithCommas(t.refused).c_str(),
                Seconds(t.time_at_limit_s).c_str(), Num(t.peak).c_str());
  }
}

std::int64_t IntegerAxisValue(const Base& b, const std::string& axis, const std::string& flag) {
  std::optional<nlohmann::json> v = planner::CurrentValue(b, axis);
  if (!v) throw InputError(flag + ": " + axis + " has no value in the scenario and no default: give --from and --to");
  if (!v->is_number_integer()) {
    throw InputError(flag + ": " + axis + " holds " + v->dump() + ", not an integer; the search needs an integer axis");
  }
  return v->get<std::int64_t>();
}

}  // namespace

int HeadroomCommand(const std::vector<std::string>& args) {
  po::options_description options("headroom options");
  CommonArgs c;
  AddCommonOptions(&options, &c, false);
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  if (!ParseCommand("headroom", args, options, positional, kHeadroomUsage, &vm)) return kExitOk;
  const Base b = LoadCommonBase(&c, vm);
  const planner::Headroom h = planner::AnalyzeHeadroom(b.scenario);
  if (vm.count("json")) {
    std::cout << HeadroomJson(h, b).dump(2) << "\n";
  } else {
    PrintHeadroom(h, b);
  }
  return kExitOk;
}

int CriticalCommand(const std::vector<std::string>& args) {
  po::options_description options("critical options");
  CommonArgs c;
  planner::CriticalQuery q;
  AddCommonOptions(&options, &c, true);
  options.add_options()
      ("axis", po::value(&q.axis)->required(), "JSON path of the integer value to search, e.g. /workload/0/count")
      ("queue", po::value(&q.queue)->default_value("systemd.wqueue"), "the queue that must not overflow (a key of summary.json \"queues\")")
      ("from", po::value<std::int64_t>(), "lowest value (default 1)")
      ("to", po::value<std::int64_t>(), "highest value (default 4 x the scenario's current value)");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  if (!ParseCommand("critical", args, options, positional, kCriticalUsage, &vm)) return kExitOk;
  Runner runner(LoadCommonBase(&c, vm), Jobs(c, vm));
  planner::RequireQueue(planner::QueueInventory(runner.base().scenario), q.queue);
  q.from = vm.count("from") ? vm["from"].as<std::int64_t>() : 1;
  planner::Apply(runner.base(), {{q.axis, q.from}});  // a bad axis fails here, before any run
  if (vm.count("to")) {
    q.to = vm["to"].as<std::int64_t>();
  } else {
    const std::int64_t current = IntegerAxisValue(runner.base(), q.axis, "--axis");
    q.to = 4 * current;
    q.probes = planner::DefaultProbes(q.from, q.to, current);
  }
  if (q.from >= q.to) throw InputError("critical: --from (" + Num(q.from) + ") must be below --to (" + Num(q.to) + ")");
  const planner::CriticalResult r = planner::FindCritical(runner, q);
  const std::string answer = CriticalAnswer(r, q);
  if (vm.count("json")) {
    nlohmann::json j = {{"scenario", runner.base().scenario.name}, {"profile", runner.base().scenario.profile},
                        {"axis", q.axis}, {"queue", q.queue}, {"from", q.from}, {"to", q.to},
                        {"outcome", OutcomeName(r.outcome)}, {"answer", answer}, {"runs", runner.runs()},
                        {"tried", TrialsJson(r.tried)}, {"overflow_means", OverflowMeaning(q.queue)}};
    j["critical"] = r.outcome == planner::CriticalResult::Outcome::kFound ? nlohmann::json(r.critical) : nlohmann::json();
    j["largest_safe"] = r.outcome == planner::CriticalResult::Outcome::kFound ? nlohmann::json(r.largest_safe) : nlohmann::json();
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << answer << "\n\n"
            << Title("critical " + q.axis + " for " + q.queue + " in", runner.base()) << "\n"
            << OverflowMeaning(q.queue) << "\n"
            << "searched " << Num(q.from) << " to " << Num(q.to) << " by bisection (assumes overflow is monotone in the axis): "
            << runner.runs() << " runs\n\n";
  PrintTrials(r.tried, "value");
  if (r.outcome == planner::CriticalResult::Outcome::kOverflowsAtFrom && q.axis.find("_max") != std::string::npos) {
    std::cout << "(a limit overflows at small values: mountstorm size finds the smallest safe limit)\n";
  }
  return kExitOk;
}

// --- size ---------------------------------------------------------------------------------------

namespace {

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
  po::options_description options("size options");
  CommonArgs c;
  std::string queue;
  AddCommonOptions(&options, &c, false);
  options.add_options()
      ("queue", po::value(&queue)->required(), "the queue to size (a key of summary.json \"queues\"), e.g. systemd.wqueue")
      ("max", po::value<std::int64_t>(), "largest limit to consider (default: the largest the scenario accepts)");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  if (!ParseCommand("size", args, options, positional, kSizeUsage, &vm)) return kExitOk;
  Runner runner(LoadCommonBase(&c, vm), 1);  // a bisection: one run after the other
  std::optional<std::int64_t> max;
  if (vm.count("max")) max = vm["max"].as<std::int64_t>();
  const planner::SizeResult r = planner::FindSize(runner, queue, max);
  const std::string answer = SizeAnswer(r, queue);
  if (vm.count("json")) {
    std::cout << SizeJson(r, queue, runner, answer).dump(2) << "\n";
  } else {
    std::cout << answer << "\n\n";
    PrintSize(r, queue, runner);
  }
  return kExitOk;
}

// --- scaling ------------------------------------------------------------------------------------

namespace {

const char kScalingUsage[] =
    "usage: mountstorm scaling SCENARIO.json --axis /json/path --from A --to B [--points K]\n"
    "                          [--queue NAME] [--limits L1,L2,...] [--profile NAME]\n"
    "                          [--set /json/path=value ...] [--json] [--jobs N]\n"
    "\n"
    "How the storm scales. Runs K (default 8) log-spaced integer values of the axis from A to B and\n"
    "fits log(messages) = c + k log(N) by least squares, messages being what PID 1 produced (sent +\n"
    "refused with ENOBUFS): k is about 2 when every scan re-announces every mount (rhel7.7), about 1\n"
    "when it does not (v248). Then, for the queue's limit (default systemd.wqueue) at 0.5, 1, 2\n"
    "and 4 x its current value (or --limits), finds the critical axis value in [A, B] as\n"
    "`mountstorm critical` does, and fits log(N_crit) = c' + m log(limit): doubling the limit\n"
    "multiplies the safe storm by 2^m. Limits with no overflow up to B (\"> B\") or already at A\n"
    "(\"<= A\") are left out of that fit. See docs/PLANNING.md.\n";

std::vector<std::int64_t> ParseLimits(const std::string& text) {
  std::vector<std::int64_t> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    std::size_t used = 0;
    long long v = 0;
    try {
      v = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size()) throw InputError("--limits: expected integers separated by commas, found \"" + text + "\"");
    out.push_back(v);
  }
  if (out.empty()) throw InputError("--limits: expected at least one limit");
  return out;
}

std::string CriticalCell(const planner::CriticalResult& r, const planner::ScalingQuery& q) {
  switch (r.outcome) {
    case planner::CriticalResult::Outcome::kFound: return Num(r.critical);
    case planner::CriticalResult::Outcome::kNoOverflow: return "> " + Num(q.to);
    case planner::CriticalResult::Outcome::kOverflowsAtFrom: return "<= " + Num(q.from);
  }
  return "";
}

std::string ScalingAnswer(const planner::ScalingResult& r, const planner::ScalingQuery& q) {
  std::string answer = "messages ~ N^" + FormatFixed(r.volume_fit.slope, 2) + " (R^2 " + FormatFixed(r.volume_fit.r2, 4) + ")";
  if (!q.with_limits) return answer;
  if (!r.limit_fit) return answer + "; the critical " + q.axis + " against the limit cannot be fitted (fewer than 2 limits overflow within [" + Num(q.from) + ", " + Num(q.to) + "])";
  return answer + "; N_crit ~ limit^" + FormatFixed(r.limit_fit->slope, 2) + ": doubling " + r.param.path +
         " multiplies the safe storm by " + FormatFixed(std::pow(2.0, r.limit_fit->slope), 2);
}

nlohmann::json FitJson(const planner::LogLogFit& f) {
  return {{"exponent", f.slope}, {"intercept", f.intercept}, {"r2", f.r2}, {"points", f.points}};
}

nlohmann::json ScalingJson(const planner::ScalingResult& r, const planner::ScalingQuery& q, const Runner& runner,
                           const std::string& answer) {
  nlohmann::json volume = nlohmann::json::array();
  for (const planner::VolumePoint& p : r.volume) {
    volume.push_back({{"value", p.value}, {"messages", p.messages}, {"overflowed", p.overflowed}, {"stopped_at_limit", p.stopped_at_limit}});
  }
  nlohmann::json limits = nlohmann::json::array();
  for (const planner::LimitPoint& lp : r.limits) {
    limits.push_back({{"limit", lp.limit}, {"outcome", OutcomeName(lp.critical.outcome)},
                      {"critical", lp.critical.outcome == planner::CriticalResult::Outcome::kFound ? nlohmann::json(lp.critical.critical) : nlohmann::json()},
                      {"tried", TrialsJson(lp.critical.tried)}});
  }
  return {{"scenario", runner.base().scenario.name},
          {"profile", runner.base().scenario.profile},
          {"axis", q.axis},
          {"from", q.from},
          {"to", q.to},
          {"queue", q.queue},
          {"limit_path", r.param.path},
          {"current_limit", r.current_limit},
          {"answer", answer},
          {"volume", volume},
          {"volume_fit", FitJson(r.volume_fit)},
          {"limits", limits},
          {"limit_fit", r.limit_fit ? FitJson(*r.limit_fit) : nlohmann::json()},
          {"safe_storm_factor_per_doubling", r.limit_fit ? nlohmann::json(std::pow(2.0, r.limit_fit->slope)) : nlohmann::json()},
          {"runs", runner.runs()}};
}

void PrintScaling(const planner::ScalingResult& r, const planner::ScalingQuery& q, const Runner& runner) {
  std::cout << Title("scaling of", runner.base()) << " over " << q.axis << " from " << Num(q.from) << " to " << Num(q.to)
            << "\n\n";
  std::printf("%14s %16s %14s %9s\n", "value", "messages", "per unit", "overflow");
  bool truncated = false;
  for (const planner::VolumePoint& p : r.volume) {
    truncated = truncated || p.stopped_at_limit;
    std::printf("%14s %16s %14s %9s%s\n", Num(p.value).c_str(), WithCommas(p.messages).c_str(),
                FormatFixed(static_cast<double>(p.messages) / static_cast<double>(p.value), 1).c_str(), p.overflowed ? "yes" : "no",
                p.stopped_at_limit ? "  (stopped at run.stop_at_s)" : "");
  }
  std::cout << "fit: log(messages) = " << FormatFixed(r.volume_fit.intercept, 3) << " + " << FormatFixed(r.volume_fit.slope, 3)
            << " log(" << q.axis << "), R^2 " << FormatFixed(r.volume_fit.r2, 4) << ", " << r.volume_fit.points << " points\n"
            << "(messages: PID 1's sent + dropped.enobufs)\n";
  if (truncated) std::cout << "warning: some runs stopped at run.stop_at_s, so their counts are truncated\n";
  if (!q.with_limits) return;
  std::cout << "\ncritical " << q.axis << " for " << q.queue << " against " << r.param.path << " (current "
            << Num(r.current_limit) << ")\n" << OverflowMeaning(q.queue) << "\n";
  std::printf("%16s %14s %6s\n", "limit", "critical", "tried");
  for (const planner::LimitPoint& lp : r.limits) {
    std::printf("%16s %14s %6zu\n", Num(lp.limit).c_str(), CriticalCell(lp.critical, q).c_str(), lp.critical.tried.size());
  }
  if (r.limit_fit) {
    std::cout << "fit: log(N_crit) = " << FormatFixed(r.limit_fit->intercept, 3) << " + " << FormatFixed(r.limit_fit->slope, 3)
              << " log(limit), R^2 " << FormatFixed(r.limit_fit->r2, 4) << ", " << r.limit_fit->points << " limits"
              << " (limits marked > or <= are left out)\n"
              << "doubling the limit multiplies the safe storm by 2^" << FormatFixed(r.limit_fit->slope, 2) << " = "
              << FormatFixed(std::pow(2.0, r.limit_fit->slope), 2) << "\n";
  } else {
    std::cout << "fit not possible: fewer than 2 limits have a critical value within [" << Num(q.from) << ", " << Num(q.to)
              << "] (limits marked > or <= are left out)\n";
  }
  std::cout << runner.runs() << " runs\n";
}

}  // namespace

int ScalingCommand(const std::vector<std::string>& args) {
  po::options_description options("scaling options");
  CommonArgs c;
  planner::ScalingQuery q;
  std::string limits;
  AddCommonOptions(&options, &c, true);
  options.add_options()
      ("axis", po::value(&q.axis)->required(), "JSON path of the storm size, e.g. /workload/0/count")
      ("from", po::value(&q.from)->required(), "smallest value (at least 1)")
      ("to", po::value(&q.to)->required(), "largest value")
      ("points", po::value(&q.points)->default_value(8), "values of the axis to run for the message fit")
      ("queue", po::value(&q.queue)->default_value("systemd.wqueue"), "the queue whose limit is scaled")
      ("limits", po::value(&limits), "limits to try, L1,L2,... (default 0.5, 1, 2, 4 x the current limit)");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  if (!ParseCommand("scaling", args, options, positional, kScalingUsage, &vm)) return kExitOk;
  if (vm.count("limits")) q.limits = ParseLimits(limits);
  Runner runner(LoadCommonBase(&c, vm), Jobs(c, vm));
  planner::Apply(runner.base(), {{q.axis, q.from}});  // a bad axis fails here, before any run
  const planner::ScalingResult r = planner::AnalyzeScaling(runner, q);
  const std::string answer = ScalingAnswer(r, q);
  if (vm.count("json")) {
    std::cout << ScalingJson(r, q, runner, answer).dump(2) << "\n";
  } else {
    std::cout << answer << "\n\n";
    PrintScaling(r, q, runner);
  }
  return kExitOk;
}

}  // namespace mountstorm
