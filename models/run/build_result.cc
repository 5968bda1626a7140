// What a run reports (docs/OUTPUTS.md), taken from a finished Simulation into a RunResult. Only
// simulated quantities go in; nothing here depends on the wall clock.
#include "models/run/build_result.h"

#include <algorithm>
#include <cmath>

namespace mountstorm {

namespace {

// Messages of one peer by member: what it sent, received, and lost by cause.
struct MemberTally {
  MemberCounts sent{};
  MemberCounts received{};
  MemberCounts enobufs{};
  MemberCounts full_queue{};
  MemberCounts disconnect{};  // accepted by sd-bus, lost when the relay closed the connection
};

void AddTo(MemberCounts& to, const MemberCounts& from) {
  for (int i = 0; i < kMemberCount; ++i) to[i] += from[i];
}

std::uint64_t Total(const MemberCounts& c) {
  std::uint64_t n = 0;
  for (std::uint64_t v : c) n += v;
  return n;
}

PeerMessages Peer(const std::string& name, const MemberTally& t) {
  PeerMessages p;
  p.peer = name;
  p.sent = Total(t.sent);
  p.received = Total(t.received);
  p.dropped_enobufs = Total(t.enobufs);
  p.dropped_full_queue = Total(t.full_queue);
  p.dropped_disconnect = Total(t.disconnect);
  for (int i = 0; i < kMemberCount; ++i) {
    const std::uint64_t dropped = t.enobufs[i] + t.full_queue[i] + t.disconnect[i];
    if (t.sent[i] == 0 && t.received[i] == 0 && dropped == 0) continue;
    p.by_member.push_back(MemberCount{MemberName(static_cast<Member>(i)), t.sent[i], t.received[i], dropped});
  }
  std::sort(p.by_member.begin(), p.by_member.end(),
            [](const MemberCount& a, const MemberCount& b) { return a.member < b.member; });
  return p;
}

// A client's counts: what its sd-bus connection sent, refused and received, and what the relay
// dropped for it. `Client` is a Subscriber (logind included) or a LoginClient.
template <typename Client>
PeerMessages ClientPeer(const Client& c, const std::vector<RelayCounts>& relay) {
  MemberTally t;
  AddTo(t.sent, c.bus()->sent());
  AddTo(t.enobufs, c.bus()->enobufs());
  AddTo(t.received, c.bus()->received());
  for (const RelayCounts& rc : relay) {
    if (rc.name == c.name()) AddTo(t.full_queue, rc.dropped);
  }
  return Peer(c.name(), t);
}

std::vector<PeerMessages> Messages(const Simulation& sim) {
  MemberTally systemd;
  for (const SdBusConnection* bus : sim.systemd().buses()) {
    AddTo(systemd.sent, bus->sent());
    AddTo(systemd.enobufs, bus->enobufs());
    AddTo(systemd.received, bus->received());
    AddTo(systemd.disconnect, bus->lost());
  }
  const std::vector<RelayCounts> relay_counts = sim.relay().counts();
  MemberTally relay;
  for (const RelayCounts& c : relay_counts) {
    AddTo(relay.received, c.received);
    AddTo(relay.sent, c.delivered);
    AddTo(relay.full_queue, c.dropped);
  }
  std::vector<PeerMessages> out = {Peer("systemd", systemd), Peer(sim.relay().name(), relay)};
  for (const auto& c : sim.clients()) out.push_back(ClientPeer(*c, relay_counts));
  for (const auto& lc : sim.login_clients()) out.push_back(ClientPeer(*lc, relay_counts));
  return out;
}

ScanResult Scans(const SystemdManager::Stats& st) {
  const double scans = static_cast<double>(st.scans);
  ScanResult r;
  r.count = st.scans;
  r.mean_table_lines = st.scans ? static_cast<double>(st.lines_scanned) / scans : 0.0;
  r.changes = st.changes_seen;
  r.changes_coalesced = st.changes_seen - st.scans;
  r.new_mount_units = st.new_mount_units;
  r.mean_new_mounts_per_scan = st.scans ? static_cast<double>(st.new_mount_units) / scans : 0.0;
  r.units_queued = st.units_queued;
  r.units_announced = st.units_announced;
  r.units_freed = st.units_freed;
  r.dispatch_blocked = st.dispatch_blocked;
  r.deferred_by_policy = st.scans_deferred;
  r.units_left_out_by_policy = st.units_left_out;
  r.sends_deferred_by_policy = st.sends_deferred;
  return r;
}

QueueResult Queue(const QueueGauge& g) {
  QueueResult q;
  q.name = g.name();
  q.unit = g.unit();
  q.limit = g.limit();
  q.peak = g.peak();
  q.peak_time = g.peak_time();
  if (g.first_refusal() != kNever) q.first_refusal = g.first_refusal();
  q.refused = g.refused();
  q.time_at_limit = g.time_at_limit();
  if (g.drained_time() != kNever) q.drained = g.drained_time();
  q.level_at_end = g.level();
  return q;
}

std::vector<ProcessResult> Processes(const Simulation& sim) {
  const SystemdManager::Stats& st = sim.systemd().stats();
  std::vector<ProcessResult> out;
  ProcessResult pid1{"systemd", sim.systemd().busy_time(), sim.systemd().steps(), Pid1Work{}, std::nullopt};
  pid1.pid1 = Pid1Work{st.scan_time,       st.dispatch_time,   st.bus_io_time,  st.job_time,
                       st.jobs_run,        st.transient_units, st.replies_lost, st.messages_read};
  out.push_back(pid1);
  out.push_back(ProcessResult{sim.relay().name(), sim.relay().busy_time(), sim.relay().steps(), std::nullopt, std::nullopt});
  for (const auto& m : sim.mounters()) {
    out.push_back(ProcessResult{m->name(), m->busy_time(), m->steps(), std::nullopt, std::nullopt});
  }
  for (const auto& c : sim.clients()) {
    out.push_back(ProcessResult{c->name(), c->busy_time(), c->steps(), std::nullopt,
                                ClientWork{c->busy_period_time(), c->handled()}});
  }
  return out;
}

// Nearest-rank percentiles of sorted values.
std::optional<Duration> Percentile(const std::vector<Duration>& sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  std::size_t rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

Percentiles PercentilesOf(std::vector<Duration> v) {
  std::sort(v.begin(), v.end());
  Percentiles p{Percentile(v, 50), Percentile(v, 90), Percentile(v, 99), std::nullopt};
  if (!v.empty()) p.max = v.back();
  return p;
}

LatencyResult Latency(std::vector<Duration> v) {
  std::sort(v.begin(), v.end());
  LatencyResult r;
  double sum = 0;
  for (Duration d : v) sum += ToSeconds(d);
  if (!v.empty()) r.mean_s = sum / static_cast<double>(v.size());
  r.percentiles = PercentilesOf(v);
  r.percentiles.p90.reset();  // not reported for latencies of mounts
  return r;
}

void Count(LoginOutcome o, LoginResult* r) {
  switch (o) {
    case LoginOutcome::kSucceeded: ++r->succeeded; break;
    case LoginOutcome::kNoBufs: ++r->failed_enobufs; break;
    case LoginOutcome::kTimedOut: ++r->failed_timeout; break;
    case LoginOutcome::kLimitsExceeded: ++r->failed_limits_exceeded; break;
    case LoginOutcome::kPending: ++r->pending_at_end; break;
  }
}

LoginResult Logins(const Simulation& sim) {
  LoginResult r;
  std::vector<Duration> latencies;
  for (const auto& client : sim.login_clients()) {
    for (const LoginClient::Attempt& a : client->attempts()) {
      ++r.attempts;
      Count(a.outcome, &r);
      if (a.outcome == LoginOutcome::kSucceeded) latencies.push_back(a.end - a.start);
      LoginAttempt each{client->name(), a.start, std::nullopt, a.outcome};
      if (a.end != kNever) each.end = a.end;
      r.each.push_back(each);
    }
  }
  r.latency = PercentilesOf(latencies);
  if (sim.logind() != nullptr) {
    const Logind::Stats& ls = sim.logind()->stats();
    r.logind = LogindCalls{ls.scope_calls,    ls.scope_calls_enobufs,       ls.scope_calls_timeout,
                           ls.scope_calls_limits_exceeded, ls.sessions_created, ls.time_in_calls};
  }
  return r;
}

WorkloadResult WorkloadOf(const Simulation& sim) {
  const MountTable& table = sim.mount_table();
  std::uint64_t operations = sim.workload().operations();
  for (const auto& m : sim.mounters()) operations += static_cast<std::uint64_t>(m->done());
  return WorkloadResult{operations,         table.mounts() - sim.initial_lines(), table.umounts(), table.remounts(),
                        table.failed_ops(), sim.last_operation_time()};
}

// The recorder's curves, its columns moved out.
Curves TakeCurves(DepthRecorder& r) {
  Curves c;
  c.interval = r.interval();
  for (std::size_t k = 0; k < r.intervals(); ++k) c.times.push_back(static_cast<Time>(k) * r.interval());
  for (int col = 0; col < r.columns(); ++col) {
    c.columns.push_back(r.name(col));
    c.values.push_back(r.TakeMaxima(col));
  }
  return c;
}

template <typename T>
void SortByName(std::vector<T>& v, std::string T::*name) {
  std::sort(v.begin(), v.end(), [name](const T& a, const T& b) { return a.*name < b.*name; });
}

}  // namespace

std::vector<RunEvent> BuildEventLog(const Simulation& sim) {
  // (event, order within the same time): mounts, then scans, then login starts, then their ends.
  std::vector<std::pair<RunEvent, int>> rows;
  const MountTable& table = sim.mount_table();
  for (std::size_t i = sim.initial_operations(); i < table.log().size(); ++i) {
    const MountTable::Operation& op = table.log()[i];
    RunEvent e;
    e.time = op.at;
    e.kind = op.op == MountOp::kMount ? RunEvent::Kind::kMount
             : op.op == MountOp::kUmount ? RunEvent::Kind::kUmount : RunEvent::Kind::kRemount;
    e.failed = !op.applied;
    e.detail = table.strings().Get(op.path);
    rows.emplace_back(e, 0);
  }
  for (const SystemdManager::ScanRecord& scan : sim.systemd().scan_log()) {
    RunEvent e;
    e.time = scan.start;
    e.kind = RunEvent::Kind::kScan;
    e.lines = scan.lines;
    rows.emplace_back(e, 1);
  }
  for (const auto& client : sim.login_clients()) {
    for (const LoginClient::Attempt& a : client->attempts()) {
      rows.emplace_back(RunEvent{a.start, RunEvent::Kind::kLoginStart, false, a.outcome, 0, client->name()}, 2);
      if (a.end != kNever) rows.emplace_back(RunEvent{a.end, RunEvent::Kind::kLoginEnd, false, a.outcome, 0, client->name()}, 3);
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    return x.first.time != y.first.time ? x.first.time < y.first.time : x.second < y.second;
  });
  std::vector<RunEvent> out;
  for (auto& [e, order] : rows) out.push_back(std::move(e));
  return out;
}

RelayResult RelayOf(const Relay& relay) {
  RelayResult out;
  out.program = relay.name();
  const std::vector<RelayCounts> counts = relay.counts();
  for (const PeerDisconnect& d : relay.disconnects()) {
    std::string peer;
    for (const RelayCounts& c : counts) {
      if (c.peer == d.peer) peer = c.name;
    }
    out.disconnects.push_back(DisconnectResult{peer, d.at, DisconnectCauseName(d.cause), d.uid, d.slot, d.amount,
                                               d.remaining, d.consumed, d.n_actors, d.delivered_before});
  }
  return out;
}

RunResult BuildResult(Simulation& sim, const char* version) {
  const Scenario& s = sim.scenario();
  RunResult r;
  r.version = version;
  r.scenario = s.name;
  r.seed = s.seed;
  r.profile = s.profile;
  r.patches = s.patches;
  r.end_time = sim.end_time();
  r.stopped_by = sim.stopped_at_limit() ? StopReason::kStopAt : StopReason::kQuiescence;
  r.events = sim.simulator().events_run();
  r.engine = EngineName(sim.engine());
  r.engine_events = sim.simulator().events_run() - sim.simulator().events_in_place();
  r.messages = Messages(sim);
  SortByName(r.messages, &PeerMessages::peer);
  r.scans = Scans(sim.systemd().stats());
  for (const QueueGauge* g : sim.gauges()) r.queues.push_back(Queue(*g));
  SortByName(r.queues, &QueueResult::name);
  r.processes = Processes(sim);
  SortByName(r.processes, &ProcessResult::name);
  r.workload = WorkloadOf(sim);
  r.mount_table = MountTableResult{sim.initial_lines(), sim.mount_table().lines()};
  r.logins = Logins(sim);
  r.visibility = VisibilityResult{sim.systemd().known_latency().size(), Latency(sim.systemd().known_latency()),
                                  Latency(sim.systemd().announced_latency())};
  // How long the pipeline stayed busy after the workload's last operation.
  r.drain = std::max<Time>(0, sim.end_time() - sim.last_operation_time());
  r.relay = RelayOf(sim.relay());
  r.curves = TakeCurves(sim.recorder());
  r.event_log = BuildEventLog(sim);
  if (sim.measures()) r.measures = BuildMeasures(sim);
  return r;
}

}  // namespace mountstorm
