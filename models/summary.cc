// What a run reports (MODEL-SPEC section 4): summary.json and curves.csv, built from a finished
// Simulation. Only simulated quantities go in; nothing here depends on the wall clock.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "models/csv_text.h"
#include "models/simulation.h"
#include "mountstorm/run.h"

#ifndef MOUNTSTORM_VERSION
#define MOUNTSTORM_VERSION "unknown"
#endif

namespace mountstorm {

namespace {

nlohmann::json Seconds(Time t) {
  if (t == kNever) return nullptr;
  return ToSeconds(t);
}

// Messages of one peer: totals, losses by cause and the same per member.
struct PeerCounts {
  MemberCounts sent{};
  MemberCounts received{};
  MemberCounts enobufs{};
  MemberCounts full_queue{};
};

void AddTo(MemberCounts& to, const MemberCounts& from) {
  for (int i = 0; i < kMemberCount; ++i) to[i] += from[i];
}

std::uint64_t Total(const MemberCounts& c) {
  std::uint64_t n = 0;
  for (std::uint64_t v : c) n += v;
  return n;
}

nlohmann::json PeerJson(const PeerCounts& p) {
  nlohmann::json j;
  j["sent"] = Total(p.sent);
  j["received"] = Total(p.received);
  j["dropped"] = {{"enobufs", Total(p.enobufs)}, {"full_queue", Total(p.full_queue)}, {"disconnect", 0}};
  nlohmann::json by_member = nlohmann::json::object();
  for (int i = 0; i < kMemberCount; ++i) {
    std::uint64_t dropped = p.enobufs[i] + p.full_queue[i];
    if (p.sent[i] == 0 && p.received[i] == 0 && dropped == 0) continue;
    by_member[MemberName(static_cast<Member>(i))] = {
        {"sent", p.sent[i]}, {"received", p.received[i]}, {"dropped", dropped}};
  }
  j["by_member"] = by_member;
  return j;
}

// A client's counts: what its sd-bus connection sent, refused and received, and what dbus-daemon
// dropped for it. `Client` is a Subscriber (logind included) or a LoginClient.
template <typename Client>
nlohmann::json ClientPeerJson(const Client& c, const DbusDaemon& daemon) {
  PeerCounts p;
  AddTo(p.sent, c.bus()->sent());
  AddTo(p.enobufs, c.bus()->enobufs());
  AddTo(p.received, c.bus()->received());
  for (const auto& dc : daemon.connections()) {
    if (dc->name == c.name()) AddTo(p.full_queue, dc->dropped);
  }
  return PeerJson(p);
}

nlohmann::json QueueJson(const QueueGauge& g) {
  return {
      {"unit", QueueUnitName(g.unit())},
      {"limit", g.limit()},
      {"peak", g.peak()},
      {"peak_time_s", ToSeconds(g.peak_time())},
      {"enobufs_onset_s", Seconds(g.first_refusal())},
      {"refused", g.refused()},
      {"time_at_limit_s", ToSeconds(g.time_at_limit())},
      {"drained_s", Seconds(g.drained_time())},
      {"level_at_end", g.level()},
  };
}

// Nearest-rank percentile of sorted values.
nlohmann::json Percentile(const std::vector<Duration>& sorted, double p) {
  if (sorted.empty()) return nullptr;
  std::size_t rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return ToSeconds(sorted[std::max<std::size_t>(rank, 1) - 1]);
}

nlohmann::json LoginsJson(const Simulation& sim) {
  std::uint64_t attempts = 0, succeeded = 0, pending = 0;
  std::uint64_t enobufs = 0, timeout = 0, limits = 0;
  std::vector<Duration> latencies;
  nlohmann::json detail = nlohmann::json::array();
  for (const auto& client : sim.login_clients()) {
    for (const LoginClient::Attempt& a : client->attempts()) {
      ++attempts;
      switch (a.outcome) {
        case LoginClient::Outcome::kSucceeded:
          ++succeeded;
          latencies.push_back(a.end - a.start);
          break;
        case LoginClient::Outcome::kNoBufs: ++enobufs; break;
        case LoginClient::Outcome::kTimedOut: ++timeout; break;
        case LoginClient::Outcome::kLimitsExceeded: ++limits; break;
        case LoginClient::Outcome::kPending: ++pending; break;
      }
      detail.push_back({{"client", client->name()},
                        {"start_s", ToSeconds(a.start)},
                        {"end_s", Seconds(a.end)},
                        {"outcome", OutcomeName(a.outcome)}});
    }
  }
  std::sort(latencies.begin(), latencies.end());
  nlohmann::json j = {
      {"attempts", attempts},
      {"succeeded", succeeded},
      {"pending_at_end", pending},
      {"failed", {{"enobufs", enobufs}, {"timeout", timeout}, {"limits_exceeded", limits}}},
      {"latency_s",
       {{"p50", Percentile(latencies, 50)},
        {"p90", Percentile(latencies, 90)},
        {"p99", Percentile(latencies, 99)},
        {"max", latencies.empty() ? nlohmann::json(nullptr) : nlohmann::json(ToSeconds(latencies.back()))}}},
      {"each", detail},
  };
  if (sim.logind() != nullptr) {
    const Logind::Stats& ls = sim.logind()->stats();
    j["logind"] = {{"scope_calls", ls.scope_calls},
                   {"scope_calls_enobufs", ls.scope_calls_enobufs},
                   {"scope_calls_timeout", ls.scope_calls_timeout},
                   {"scope_calls_limits_exceeded", ls.scope_calls_limits_exceeded},
                   {"sessions_created", ls.sessions_created},
                   {"time_in_calls_s", ToSeconds(ls.time_in_calls)}};
  }
  return j;
}

nlohmann::json BuildSummary(const Simulation& sim) {
  const Scenario& s = sim.scenario();
  nlohmann::json j;
  j["mountstorm_version"] = Version();
  j["scenario"] = s.name;
  j["seed"] = s.seed;
  j["profile"] = s.profile;
  nlohmann::json patches = nlohmann::json::array();
  for (const PatchSpec& p : s.patches) patches.push_back(p.params);
  j["patches"] = patches;
  j["end_time_s"] = ToSeconds(sim.end_time());
  j["stopped_by"] = sim.stopped_at_limit() ? "stop_at" : "quiescence";
  j["events"] = sim.simulator().events_run();

  // Messages, peer by peer.
  PeerCounts systemd;
  for (const SdBusConnection* bus : sim.systemd().buses()) {
    AddTo(systemd.sent, bus->sent());
    AddTo(systemd.enobufs, bus->enobufs());
    AddTo(systemd.received, bus->received());
  }
  PeerCounts daemon;
  for (const auto& c : sim.daemon().connections()) {
    AddTo(daemon.received, c->received);
    AddTo(daemon.sent, c->delivered);
    AddTo(daemon.full_queue, c->dropped);
  }
  nlohmann::json messages;
  messages["systemd"] = PeerJson(systemd);
  messages["dbus-daemon"] = PeerJson(daemon);
  for (const auto& c : sim.clients()) messages[c->name()] = ClientPeerJson(*c, sim.daemon());
  for (const auto& lc : sim.login_clients()) messages[lc->name()] = ClientPeerJson(*lc, sim.daemon());
  j["messages"] = messages;

  // Scans.
  const SystemdManager::Stats& st = sim.systemd().stats();
  double scans = static_cast<double>(st.scans);
  j["scans"] = {
      {"count", st.scans},
      {"mean_table_lines", st.scans ? static_cast<double>(st.lines_scanned) / scans : 0.0},
      {"changes", st.changes_seen},
      {"changes_coalesced", st.changes_seen - st.scans},
      {"new_mount_units", st.new_mount_units},
      {"mean_new_mounts_per_scan", st.scans ? static_cast<double>(st.new_mount_units) / scans : 0.0},
      {"units_queued", st.units_queued},
      {"units_announced", st.units_announced},
      {"units_freed", st.units_freed},
      {"dispatch_blocked", st.dispatch_blocked},
      {"deferred_by_policy", st.scans_deferred},
      {"units_left_out_by_policy", st.units_left_out},
      {"sends_deferred_by_policy", st.sends_deferred},
  };

  // Bounded queues.
  nlohmann::json queues = nlohmann::json::object();
  for (const QueueGauge* g : sim.gauges()) queues[g->name()] = QueueJson(*g);
  j["queues"] = queues;

  // CPU time of each process.
  nlohmann::json processes;
  processes["systemd"] = {
      {"busy_s", ToSeconds(sim.systemd().busy_time())},
      {"steps", sim.systemd().steps()},
      {"scan_s", ToSeconds(st.scan_time)},
      {"dispatch_s", ToSeconds(st.dispatch_time)},
      {"bus_io_s", ToSeconds(st.bus_io_time)},
      {"jobs_s", ToSeconds(st.job_time)},
      {"jobs_run", st.jobs_run},
      {"transient_units", st.transient_units},
      {"replies_lost", st.replies_lost},
      {"messages_read", st.messages_read},
  };
  processes["dbus-daemon"] = {{"busy_s", ToSeconds(sim.daemon().busy_time())}, {"steps", sim.daemon().steps()}};
  for (const auto& m : sim.mounters()) {
    processes[m->name()] = {{"busy_s", ToSeconds(m->busy_time())}, {"steps", m->steps()}};
  }
  for (const auto& c : sim.clients()) {
    processes[c->name()] = {{"busy_s", ToSeconds(c->busy_time())},
                            {"steps", c->steps()},
                            {"busy_periods_s", ToSeconds(c->busy_period_time())},
                            {"handled", c->handled()}};
  }
  j["processes"] = processes;

  // The workload and the table.
  const MountTable& table = sim.mount_table();
  std::size_t operations = sim.workload().operations();
  for (const auto& m : sim.mounters()) operations += static_cast<std::size_t>(m->done());
  j["workload"] = {
      {"operations", operations},
      {"mounts", table.mounts() - sim.initial_lines()},
      {"umounts", table.umounts()},
      {"remounts", table.remounts()},
      {"failed", table.failed_ops()},
      {"last_operation_s", ToSeconds(sim.last_operation_time())},
  };
  j["mount_table"] = {{"initial_lines", sim.initial_lines()}, {"final_lines", table.lines()}};

  j["logins"] = LoginsJson(sim);

  // How long new mounts stay unknown to PID 1, and unannounced.
  auto latency = [](std::vector<Duration> v) {
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (Duration d : v) sum += ToSeconds(d);
    return nlohmann::json{{"mean", v.empty() ? nlohmann::json(nullptr) : nlohmann::json(sum / static_cast<double>(v.size()))},
                          {"p50", Percentile(v, 50)},
                          {"p99", Percentile(v, 99)},
                          {"max", v.empty() ? nlohmann::json(nullptr) : nlohmann::json(ToSeconds(v.back()))}};
  };
  j["visibility"] = {{"mounts", sim.systemd().known_latency().size()},
                     {"known_s", latency(sim.systemd().known_latency())},
                     {"announced_s", latency(sim.systemd().announced_latency())}};
  // How long the pipeline stayed busy after the workload's last operation.
  j["drain_s"] = ToSeconds(std::max<Time>(0, sim.end_time() - sim.last_operation_time()));
  return j;
}

std::string CurvesCsv(const DepthRecorder& r) {
  int decimals = 9;
  for (Duration step = r.interval(); decimals > 0 && step % 10 == 0; step /= 10) --decimals;
  std::ostringstream out;
  out << "time_s";
  for (int c = 0; c < r.columns(); ++c) out << ',' << r.name(c);
  out << '\n';
  for (std::size_t k = 0; k < r.intervals(); ++k) {
    out << FormatTime(static_cast<Time>(k) * r.interval(), decimals);
    for (int c = 0; c < r.columns(); ++c) out << ',' << r.maxima(c)[k];
    out << '\n';
  }
  return out.str();
}

}  // namespace

const char* Version() { return MOUNTSTORM_VERSION; }

RunResult RunScenario(const Scenario& scenario, MessageTap* tap) {
  Simulation sim(scenario);
  if (tap != nullptr) sim.AttachTap(tap);
  sim.Run();
  return RunResult{BuildSummary(sim), CurvesCsv(sim.recorder()), sim.EventsCsv()};
}

std::string SummaryText(const nlohmann::json& summary) { return summary.dump(2) + "\n"; }

}  // namespace mountstorm
