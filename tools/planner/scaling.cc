// How message volume and the critical storm scale with the storm and with the queue limit, as
// log-log fits (tools/planner/planner.h, "scaling").
#include "planner/planner.h"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

#include "mountstorm/error.h"
#include "io/parallel_for.h"

namespace mountstorm {
namespace planner {

LogLogFit FitLogLog(const std::vector<double>& x, const std::vector<double>& y) {
  const Eigen::Index n = static_cast<Eigen::Index>(x.size());
  Eigen::MatrixXd a(n, 2);
  Eigen::VectorXd b(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    a(i, 0) = 1.0;
    a(i, 1) = std::log(x[static_cast<std::size_t>(i)]);
    b(i) = std::log(y[static_cast<std::size_t>(i)]);
  }
  const Eigen::Vector2d c = a.colPivHouseholderQr().solve(b);
  const double ss_res = (a * c - b).squaredNorm();
  const double ss_tot = (b.array() - b.mean()).square().sum();
  return LogLogFit{c(1), c(0), ss_tot > 0 ? 1.0 - ss_res / ss_tot : 1.0, static_cast<int>(n)};
}

std::vector<std::int64_t> LogSpaced(std::int64_t a, std::int64_t b, int k) {
  if (a < 1 || b <= a) throw InputError("--from and --to: expected 1 <= from < to for log-spaced values");
  if (k < 2) throw InputError("--points: expected at least 2");
  std::vector<std::int64_t> out;
  const double la = std::log(static_cast<double>(a)), lb = std::log(static_cast<double>(b));
  for (int i = 0; i < k; ++i) {
    const std::int64_t v = i == k - 1 ? b : std::llround(std::exp(la + (lb - la) * i / (k - 1)));
    if (out.empty() || v > out.back()) out.push_back(v);
  }
  return out;
}

namespace {

std::vector<VolumePoint> MeasureVolume(Runner& runner, const ScalingQuery& q, const std::vector<std::int64_t>& values) {
  std::vector<Assignments> runs;
  for (std::int64_t v : values) runs.push_back({{q.axis, v}});
  const std::vector<RunResult> summaries = runner.Summaries(runs);
  std::vector<VolumePoint> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const PeerMessages* pid1 = summaries[i].Messages("systemd");
    Check(pid1 != nullptr, "every run reports PID 1's messages");
    // The volume PID 1 produced: what sd-bus accepted plus what the full write queue refused, so
    // that an overflow does not bend the curve.
    out.push_back(VolumePoint{values[i], pid1->sent + pid1->dropped_enobufs, Overflows(summaries[i], q.queue),
                              summaries[i].stopped_by == StopReason::kStopAt});
  }
  return out;
}

std::vector<std::int64_t> ScalingLimits(const ScalingQuery& q, const LimitParam& p, std::int64_t current) {
  std::vector<std::int64_t> limits = q.limits;
  if (limits.empty()) {
    for (double m : {0.5, 1.0, 2.0, 4.0}) limits.push_back(std::llround(m * static_cast<double>(current)));
  }
  for (std::int64_t& l : limits) {
    if (l < p.minimum || l > p.maximum) {
      throw InputError("--limits: " + p.path + " accepts " + std::to_string(p.minimum) + " to " +
                       std::to_string(p.maximum) + ", found " + std::to_string(l));
    }
  }
  std::sort(limits.begin(), limits.end());
  limits.erase(std::unique(limits.begin(), limits.end()), limits.end());
  return limits;
}

}  // namespace

ScalingResult AnalyzeScaling(Runner& runner, const ScalingQuery& q) {
  ScalingResult r;
  const std::map<std::string, QueueInfo> inventory = QueueInventory(runner.base().scenario);
  RequireQueue(inventory, q.queue);
  r.volume = MeasureVolume(runner, q, LogSpaced(q.from, q.to, q.points));
  std::vector<double> x, y;
  for (const VolumePoint& p : r.volume) {
    if (p.messages == 0) continue;  // log 0: nothing to fit
    x.push_back(static_cast<double>(p.value));
    y.push_back(static_cast<double>(p.messages));
  }
  if (x.size() < 2) throw InputError("scaling: fewer than 2 points of " + q.axis + " made PID 1 send anything");
  r.volume_fit = FitLogLog(x, y);
  if (!q.with_limits) return r;

  r.param = LimitFor(inventory, q.queue);
  r.current_limit = inventory.at(q.queue).limit;
  for (std::int64_t l : ScalingLimits(q, r.param, r.current_limit)) r.limits.push_back(LimitPoint{l, {}});
  std::vector<Trial> at_current;  // the volume runs are runs at the current limit
  for (const VolumePoint& p : r.volume) at_current.push_back(Trial{p.value, p.overflowed, 0, 0, 0});
  ParallelFor(static_cast<int>(r.limits.size()), runner.jobs(), [&](int i) {
    LimitPoint& lp = r.limits[static_cast<std::size_t>(i)];
    CriticalQuery cq{q.axis, q.queue, q.from, q.to, {}, {}};
    // At the current limit the scenario is left as it is, so that the volume runs are reused.
    if (lp.limit != r.current_limit) cq.fixed = {{r.param.path, lp.limit}};
    lp.critical = FindCritical(runner, cq, lp.limit == r.current_limit ? at_current : std::vector<Trial>{});
  });
  std::vector<double> lx, ly;
  for (const LimitPoint& lp : r.limits) {
    if (lp.critical.outcome != CriticalResult::Outcome::kFound) continue;
    lx.push_back(static_cast<double>(lp.limit));
    ly.push_back(static_cast<double>(lp.critical.critical));
  }
  if (lx.size() >= 2) r.limit_fit = FitLogLog(lx, ly);
  return r;
}

}  // namespace planner
}  // namespace mountstorm
