// Two runs side by side: the metrics mountstorm compare shows (tools/planner/compare.h).
#include "planner/compare.h"

#include <functional>

namespace mountstorm {

namespace {

nlohmann::json ValueJson(const MetricValue& v) {
  if (!v) return nullptr;
  if (const std::uint64_t* n = std::get_if<std::uint64_t>(&*v)) return *n;
  return std::get<double>(*v);
}

double AsDouble(const MetricValue& v) {
  if (const std::uint64_t* n = std::get_if<std::uint64_t>(&*v)) return static_cast<double>(*n);
  return std::get<double>(*v);
}

// A metric: its name and how to read it from a result (nullopt: it has none, e.g. no refusal).
struct Metric {
  std::string name;
  std::function<MetricValue(const RunResult&)> value;
};

MetricValue Count(std::uint64_t n) { return MetricValue(n); }
MetricValue Secs(std::optional<Time> t) { return t ? MetricValue(ToSeconds(*t)) : std::nullopt; }
MetricValue SecsOrNull(std::optional<double> s) { return s ? MetricValue(*s) : std::nullopt; }

// A peer's count, or nullopt when the run has no such peer.
Metric PeerMetric(const std::string& peer, const std::string& what, std::uint64_t (*get)(const PeerMessages&)) {
  return {"messages." + peer + "." + what, [peer, get](const RunResult& r) -> MetricValue {
            const PeerMessages* p = r.Messages(peer);
            return p ? Count(get(*p)) : std::nullopt;
          }};
}

Metric QueueMetric(const std::string& queue, bool peak) {
  return {"queues." + queue + (peak ? ".peak" : ".enobufs_onset_s"), [queue, peak](const RunResult& r) -> MetricValue {
            const QueueResult* q = r.Queue(queue);
            if (q == nullptr) return std::nullopt;
            return peak ? Count(static_cast<std::uint64_t>(q->peak)) : Secs(q->first_refusal);
          }};
}

Metric BusyMetric(const std::string& process) {
  return {"processes." + process + ".busy_s", [process](const RunResult& r) -> MetricValue {
            const ProcessResult* p = r.Process(process);
            return p ? MetricValue(ToSeconds(p->busy)) : std::nullopt;
          }};
}

std::vector<Metric> MessageMetrics() {
  return {
      PeerMetric("systemd", "sent", [](const PeerMessages& p) { return p.sent; }),
      PeerMetric("systemd", "dropped.enobufs", [](const PeerMessages& p) { return p.dropped_enobufs; }),
      PeerMetric("logind", "received", [](const PeerMessages& p) { return p.received; }),
      PeerMetric("logind", "dropped.full_queue", [](const PeerMessages& p) { return p.dropped_full_queue; }),
      PeerMetric("dbus-daemon", "received", [](const PeerMessages& p) { return p.received; }),
      PeerMetric("dbus-daemon", "dropped.full_queue", [](const PeerMessages& p) { return p.dropped_full_queue; }),
      PeerMetric("dbus-broker", "received", [](const PeerMessages& p) { return p.received; }),
      PeerMetric("dbus-broker", "dropped.full_queue", [](const PeerMessages& p) { return p.dropped_full_queue; }),
      // dbus-broker's disconnects (none of it for a dbus-daemon run, which never disconnects).
      {"relay.disconnects", [](const RunResult& r) -> MetricValue {
         return r.relay.program == "dbus-broker" ? Count(r.relay.disconnects.size()) : MetricValue(std::nullopt);
       }},
      {"relay.first_disconnect_s", [](const RunResult& r) -> MetricValue {
         return r.relay.disconnects.empty() ? MetricValue(std::nullopt) : Secs(r.relay.disconnects.front().at);
       }},
      {"scans.count", [](const RunResult& r) { return Count(r.scans.count); }},
      {"scans.mean_new_mounts_per_scan", [](const RunResult& r) { return MetricValue(r.scans.mean_new_mounts_per_scan); }},
  };
}

std::vector<Metric> LoginMetrics() {
  return {
      {"logins.attempts", [](const RunResult& r) { return Count(r.logins.attempts); }},
      {"logins.succeeded", [](const RunResult& r) { return Count(r.logins.succeeded); }},
      {"logins.failed.enobufs", [](const RunResult& r) { return Count(r.logins.failed_enobufs); }},
      {"logins.failed.timeout", [](const RunResult& r) { return Count(r.logins.failed_timeout); }},
      {"logins.failed.limits_exceeded", [](const RunResult& r) { return Count(r.logins.failed_limits_exceeded); }},
      {"logins.latency_s.p50", [](const RunResult& r) { return Secs(r.logins.latency.p50); }},
      {"logins.latency_s.max", [](const RunResult& r) { return Secs(r.logins.latency.max); }},
  };
}

std::vector<Metric> CostMetrics() {
  return {
      BusyMetric("systemd"),
      BusyMetric("dbus-daemon"),
      BusyMetric("dbus-broker"),
      {"drain_s", [](const RunResult& r) { return MetricValue(ToSeconds(r.drain)); }},
      {"visibility.known_s.mean", [](const RunResult& r) { return SecsOrNull(r.visibility.known.mean_s); }},
      {"visibility.known_s.p99", [](const RunResult& r) { return Secs(r.visibility.known.percentiles.p99); }},
      {"visibility.announced_s.mean", [](const RunResult& r) { return SecsOrNull(r.visibility.announced.mean_s); }},
      {"visibility.announced_s.max", [](const RunResult& r) { return Secs(r.visibility.announced.percentiles.max); }},
  };
}

}  // namespace

std::vector<CompareRow> CompareRows(const RunResult& a, const RunResult& b) {
  std::vector<Metric> metrics = MessageMetrics();
  // Every queue that held something in either run: its peak and the first refusal.
  for (const QueueResult& qa : a.queues) {
    const QueueResult* qb = b.Queue(qa.name);
    if (qa.peak == 0 && (qb == nullptr || qb->peak == 0)) continue;
    metrics.push_back(QueueMetric(qa.name, true));
    metrics.push_back(QueueMetric(qa.name, false));
  }
  if (a.logins.attempts != 0 || b.logins.attempts != 0) {
    for (Metric& m : LoginMetrics()) metrics.push_back(std::move(m));
  }
  for (Metric& m : CostMetrics()) metrics.push_back(std::move(m));
  std::vector<CompareRow> rows;
  for (const Metric& m : metrics) {
    CompareRow row{m.name, m.value(a), m.value(b), std::nullopt};
    if (!row.a && !row.b) continue;  // e.g. no refusal in either run
    if (row.a && row.b && AsDouble(row.a) != 0) row.ratio = AsDouble(row.b) / AsDouble(row.a);
    rows.push_back(row);
  }
  return rows;
}

nlohmann::json CompareRowsJson(const std::vector<CompareRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const CompareRow& r : rows) {
    out.push_back({{"metric", r.metric}, {"a", ValueJson(r.a)}, {"b", ValueJson(r.b)},
                   {"ratio", r.ratio ? nlohmann::json(*r.ratio) : nlohmann::json(nullptr)}});
  }
  return out;
}

}  // namespace mountstorm
