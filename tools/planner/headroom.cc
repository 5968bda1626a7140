// How close one run of a scenario comes to each queue limit, and how busy each process of the
// pipeline is (tools/planner/planner.h, "headroom").
#include "planner/planner.h"

#include <algorithm>

#include "mountstorm/queues.h"
#include "mountstorm/run.h"
#include "io/text_io.h"

namespace mountstorm {
namespace planner {

double FirstOperationTime(const Scenario& s) { return ToSeconds(StormWindowStart(s)); }

namespace {

// At its limit: a level at or above it (outgoing queues and sockets overshoot by one message).
bool AtLimit(std::int64_t level, std::int64_t limit) { return level >= limit && level > 0; }

// The start of the first sample interval of the curves in which each queue was at its limit.
std::map<std::string, double> FirstIntervalAtLimit(const RunResult& r) {
  std::map<std::string, double> first;
  for (std::size_t c = 0; c < r.curves.columns.size(); ++c) {
    const QueueResult* q = r.Queue(r.curves.columns[c]);
    if (q == nullptr) continue;
    const std::vector<std::int64_t>& levels = r.curves.values[c];
    for (std::size_t k = 0; k < levels.size(); ++k) {
      if (AtLimit(levels[k], q->limit)) {
        first[q->name] = ToSeconds(r.curves.times[k]);
        break;
      }
    }
  }
  return first;
}

// When the queue first reached its limit: exactly its peak time if the peak is the limit (a
// write or read queue: the level never goes above it); otherwise the start of the first sample
// interval of curves.csv at the limit (the peak of a socket or an outgoing queue overshoots the
// limit, and the time of that peak says nothing of when the limit was first reached).
std::optional<double> FirstAtLimit(const std::map<std::string, double>& first_interval, const QueueResult& q,
                                   bool* exact) {
  *exact = q.peak == q.limit && q.peak > 0;
  if (*exact) return ToSeconds(q.peak_time);
  auto f = first_interval.find(q.name);
  if (f == first_interval.end()) return std::nullopt;
  return f->second;
}

// Highest peak / limit first. Every queue that reached its limit counts as full (sockets and
// dbus-daemon's queues overshoot it by up to one message, which says nothing): among those, the
// one that refused most comes first, then the one that spent longest at its limit.
bool CloserToLimit(const QueueHeadroom& a, const QueueHeadroom& b) {
  const double fa = std::min(a.fraction, 1.0), fb = std::min(b.fraction, 1.0);
  if (fa != fb) return fa > fb;
  if (a.refused != b.refused) return a.refused > b.refused;
  return a.time_at_limit_s > b.time_at_limit_s;
}

std::vector<QueueHeadroom> QueueTable(const RunResult& r) {
  const std::map<std::string, double> first = FirstIntervalAtLimit(r);
  std::vector<QueueHeadroom> out;
  for (const QueueResult& q : r.queues) {
    QueueHeadroom h;
    h.name = q.name;
    h.unit = QueueUnitName(q.unit);
    h.limit = q.limit;
    h.peak = q.peak;
    h.fraction = static_cast<double>(h.peak) / static_cast<double>(std::max<std::int64_t>(h.limit, 1));
    h.peak_time_s = ToSeconds(q.peak_time);
    h.refused = q.refused;
    h.time_at_limit_s = ToSeconds(q.time_at_limit);
    h.first_at_limit_s = FirstAtLimit(first, q, &h.first_at_limit_exact);
    out.push_back(h);
  }
  std::stable_sort(out.begin(), out.end(), CloserToLimit);
  return out;
}

// The pipeline's processes by busy fraction; the workload's own processes (mounter.*) are the
// storm, not a stage of the pipeline, and are left out.
std::vector<ProcessLoad> ProcessTable(const RunResult& r, double from, double to) {
  std::vector<ProcessLoad> out;
  const double span = to - from;
  for (const ProcessResult& p : r.processes) {
    if (p.name.rfind("mounter.", 0) == 0) continue;
    const double busy = ToSeconds(p.busy);
    out.push_back(ProcessLoad{p.name, busy, span > 0 ? busy / span : 0.0});
  }
  std::stable_sort(out.begin(), out.end(), [](const ProcessLoad& a, const ProcessLoad& b) { return a.fraction > b.fraction; });
  return out;
}

// The end of the storm: its last operation, or, if later, the last time a queue of messages (an
// sd-bus read or write queue) went back to empty: the pipeline still working off the storm. Byte
// queues (sockets, the relay's) are left out: every login passes through them, long after a storm.
double StormEnd(const RunResult& r) {
  Time end = r.workload.last_operation;
  for (const QueueResult& q : r.queues) {
    if (q.unit == QueueUnit::kMessages && q.peak > 0 && q.drained) end = std::max(end, *q.drained);
  }
  return ToSeconds(end);
}

std::string HeadroomAnswer(const Headroom& h) {
  std::string answer = (h.system.healthy ? "healthy: " : "not healthy: ") + DescribeVerdict(h.system) + ". ";
  if (h.queues.empty() || h.queues[0].peak == 0) {
    answer += "No queue held anything";
  } else {
    const QueueHeadroom& top = h.queues[0];
    answer += top.name + " peaked at " + FormatPercent(top.fraction) + " of its limit at " + FormatSeconds(top.peak_time_s) + " s";
  }
  answer += h.first_at_limit ? "; first at its limit: " + h.first_at_limit->name + " at " +
                                   (h.first_at_limit->first_at_limit_exact ? "" : "~") +
                                   FormatSeconds(*h.first_at_limit->first_at_limit_s) + " s"
                             : "; no queue reached its limit";
  if (!h.processes.empty()) {
    answer += "; busiest: " + h.processes[0].name + " (" + FormatPercent(h.processes[0].fraction) + " of the time)";
  }
  return answer;
}

}  // namespace

Headroom AnalyzeHeadroom(const Scenario& s, Engine engine) {
  RunOptions options;
  options.engine = engine;
  const RunResult r = RunScenario(s, options);
  Headroom h;
  h.end_time_s = ToSeconds(r.end_time);
  h.active_from_s = std::min(FirstOperationTime(s), h.end_time_s);
  h.storm_end_s = std::clamp(StormEnd(r), h.active_from_s, h.end_time_s);
  if (h.storm_end_s <= h.active_from_s) h.storm_end_s = h.end_time_s;  // no storm: the whole run
  h.queues = QueueTable(r);
  h.processes = ProcessTable(r, h.active_from_s, h.storm_end_s);
  h.system = JudgeSystem(r);
  for (const QueueHeadroom& q : h.queues) {
    if (q.first_at_limit_s && (!h.first_at_limit || *q.first_at_limit_s < *h.first_at_limit->first_at_limit_s)) {
      h.first_at_limit = q;
    }
  }
  h.answer = HeadroomAnswer(h);
  return h;
}

}  // namespace planner
}  // namespace mountstorm
