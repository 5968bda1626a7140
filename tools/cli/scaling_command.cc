// mountstorm scaling: how message volume and the safe storm scale (docs/PLANNING.md).
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

const char kScalingUsage[] =
    "usage: mountstorm scaling SCENARIO.json --axis /json/path --from A --to B [--points K]\n"
    "                          [--queue NAME] [--limits L1,L2,...] [--profile NAME]\n"
    "                          [--set /json/path=value ...] [--json] [--jobs N]\n"
    "                          [--engine trains|messages]\n"
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
  if (!r.limit_fit) return answer + "; the critical " + q.axis + " against the limit cannot be fitted (fewer than 2 limits overflow within " + Interval(q.from, q.to) + ")";
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
    std::cout << "fit not possible: fewer than 2 limits have a critical value within " << Interval(q.from, q.to)
              << " (limits marked > or <= are left out)\n";
  }
  std::cout << runner.runs() << " runs\n";
}

}  // namespace

int ScalingCommand(const std::vector<std::string>& args) {
  std::string scenario;
  std::vector<std::string> sets;
  bool json = false;
  int jobs = 0;
  std::optional<std::string> limits_text;
  planner::ScalingQuery q;
  CommandLine cl("scaling", kScalingUsage);
  Engine engine = Engine::kTrains;
  cl.Scenario(&scenario).Overrides(&sets).Json(&json).Jobs(&jobs).EngineOption(&engine);
  cl.RequiredText("axis", &q.axis, "JSON path of the storm size, e.g. /workload/0/count")
      .RequiredInteger("from", &q.from, "smallest value (at least 1)")
      .RequiredInteger("to", &q.to, "largest value")
      .Integer("points", &q.points, "values of the axis to run for the message fit (default 8)")
      .Text("queue", &q.queue, "the queue whose limit is scaled (default systemd.wqueue)")
      .Text("limits", &limits_text, "limits to try, L1,L2,... (default 0.5, 1, 2, 4 x the current limit)");
  if (!cl.Parse(args)) return kExitOk;
  CheckAxisFlag(q.axis);
  if (limits_text) q.limits = ParseLimits(*limits_text);
  Progress progress("scaling", true);
  Runner runner(planner::LoadBase(scenario, sets), Jobs(jobs), engine, &progress);
  planner::Apply(runner.base(), {{q.axis, q.from}});  // a bad axis fails here, before any run
  const planner::ScalingResult r = planner::AnalyzeScaling(runner, q);
  progress.Done();
  const std::string answer = ScalingAnswer(r, q);
  if (json) {
    std::cout << ScalingJson(r, q, runner, answer).dump(2) << "\n";
  } else {
    std::cout << answer << "\n\n";
    PrintScaling(r, q, runner);
  }
  return kExitOk;
}

}  // namespace mountstorm
