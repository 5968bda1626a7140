// The station measures of a finished Simulation (mountstorm/result.h, Measures): time-averaged
// queue levels, busy times, the delay of PID 1's signals to logind and the refusal runs.
#include <algorithm>

#include "models/run/build_result.h"

namespace mountstorm {

namespace {

// area / length, from the exact quotient and remainder: the same double on every machine.
std::optional<double> Ratio(Area area, Area length) {
  if (length <= 0) return std::nullopt;
  const Area q = area / length, r = area % length;
  return static_cast<double>(q) + static_cast<double>(r) / static_cast<double>(length);
}

QueueMeasures QueueOf(const QueueGauge& g, const Measures& m) {
  QueueMeasures q;
  q.name = g.name();
  q.unit = g.unit();
  q.mean_level_storm = Ratio(g.area().window(), m.storm.length());
  q.mean_level_run = Ratio(g.area().run(), m.run.length());
  q.removed = g.removed();
  // Little's law over the run: every item that went in came out, so the area is the sum of the
  // times they spent inside.
  if (g.level() == 0) {
    const std::optional<double> ns = Ratio(g.area().run(), g.removed());
    if (ns) q.mean_sojourn_s = *ns / 1e9;
  }
  return q;
}

ProcessMeasures ProcessOf(const Server& s) {
  return ProcessMeasures{s.name(), static_cast<Duration>(s.busy_area().window()),
                         static_cast<Duration>(s.busy_area().run())};
}

// What a refusal of a queue of this kind is: sd-bus's ENOBUFS, dbus-daemon dropping a message for
// a full queue, dbus-broker disconnecting the peer whose user is over quota.
const char* RefusalReason(const std::string& queue) {
  const std::optional<QueueId> id = ParseQueueName(queue);
  if (!id) return "refused";
  switch (id->kind) {
    case QueueKind::kSdBusWrite:
    case QueueKind::kSdBusRead: return "enobufs";
    case QueueKind::kRelayOutgoing: return "drop";
    case QueueKind::kRelayUserPool: return "disconnect";
    case QueueKind::kSocket:
    case QueueKind::kRelayIncoming: break;
  }
  return "refused";
}

DelayMeasures DelayOf(const DelayProbe& probe) {
  const DelayHistogram& h = probe.delays();
  DelayMeasures d;
  d.count = h.count();
  d.unmatched = probe.unmatched();
  if (h.mean_ns()) d.mean_s = *h.mean_ns() / 1e9;
  d.percentiles = Percentiles{h.Percentile(50), h.Percentile(90), h.Percentile(99), h.max()};
  return d;
}

}  // namespace

Measures BuildMeasures(const Simulation& sim) {
  Measures m;
  const StormWindow::Bounds b = sim.storm_window().For(sim.end_time());
  m.storm = StationWindow{b.from, b.to};
  m.run = StationWindow{0, sim.end_time()};
  for (const QueueGauge* g : sim.gauges()) {
    m.queues.push_back(QueueOf(*g, m));
    for (const RefusalRun& r : g->refusal_runs()) {
      m.refusal_runs.push_back(RefusalRunResult{g->name(), RefusalReason(g->name()), r.first, r.last, r.count, r.accepted});
    }
  }
  std::sort(m.queues.begin(), m.queues.end(), [](const QueueMeasures& x, const QueueMeasures& y) { return x.name < y.name; });
  std::stable_sort(m.refusal_runs.begin(), m.refusal_runs.end(), [](const RefusalRunResult& x, const RefusalRunResult& y) {
    return x.first != y.first ? x.first < y.first : x.queue < y.queue;
  });
  m.processes.push_back(ProcessOf(sim.systemd()));
  m.processes.push_back(ProcessOf(sim.relay()));
  for (const auto& p : sim.mounters()) m.processes.push_back(ProcessOf(*p));
  for (const auto& c : sim.clients()) m.processes.push_back(ProcessOf(*c));
  std::sort(m.processes.begin(), m.processes.end(),
            [](const ProcessMeasures& x, const ProcessMeasures& y) { return x.name < y.name; });
  if (sim.logind() != nullptr) m.pid1_to_logind = DelayOf(sim.pid1_to_logind());
  return m;
}

}  // namespace mountstorm
