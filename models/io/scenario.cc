// Reading scenario files: the JSON format of docs/SCENARIOS.md.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "models/dbus/bus_topology.h"
#include "models/json/json_reader.h"
#include "models/io/scenario_json.h"
#include "models/clients/logind.h"
#include "models/io/mountinfo_file.h"
#include "models/systemd/policies/patch_registry.h"
#include "models/systemd/profiles.h"
#include "models/kernel/workload.h"
#include "mountstorm/error.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

namespace {

constexpr double kMaxSeconds = 1e6;  // about 11.6 days of simulated time
constexpr std::int64_t kMaxBytes = std::int64_t{1} << 40;
constexpr std::int64_t kMaxMessages = std::int64_t{1} << 32;

const std::vector<std::string> kOps = {"mount", "umount", "remount"};
const std::vector<std::string> kKinds = {"list", "interval", "poisson", "burst", "sequence"};

void ReadMountSpec(JsonReader& r, MountSpec* spec, bool need_source) {
  r.String("path", &spec->path);
  r.String("source", &spec->source);
  r.String("fstype", &spec->fstype);
  r.String("options", &spec->options);
  if (!r.Has("path")) r.Fail("path", "a mount point path such as \"/nfs/users/u{i}\"");
  if (spec->path.empty() || spec->path[0] != '/') r.Fail("path", "an absolute path");
  if (r.Has("fstype") && spec->fstype.empty()) r.Fail("fstype", "a filesystem type such as \"nfs4\"");
  if (need_source) {
    if (!r.Has("source")) r.Fail("source", "the mounted source, e.g. \"server:/export\" or \"/dev/sda1\"");
    if (!r.Has("fstype")) r.Fail("fstype", "a filesystem type such as \"nfs4\"");
  }
}

void ReadBusy(JsonReader& r, std::vector<BusyPeriod>* busy) {
  r.ObjectArray("busy", [&](JsonReader& b) {
    BusyPeriod p;
    b.Duration("start_s", &p.start, 1e9, 0, kMaxSeconds);
    b.Duration("length_s", &p.length, 1e9, 0, kMaxSeconds);
    b.Bool("on_cpu", &p.on_cpu);
    if (!b.Has("start_s")) b.Fail("start_s", "the start of the busy period in seconds");
    if (!b.Has("length_s")) b.Fail("length_s", "the length of the busy period in seconds");
    busy->push_back(p);
  });
}

void ReadClient(JsonReader& r, ClientParams* c, bool is_logind) {
  if (!is_logind) {
    r.String("name", &c->name);
    r.String("well_known_name", &c->well_known_name);
    r.Bool("private_connection", &c->private_connection);
    r.Bool("monitor", &c->monitor);
  }
  r.Bool("subscribe", &c->subscribe);
  r.StringList("match_rules", &c->match_rules);
  r.Duration("per_message_us", &c->per_message_cost, 1e3, 0, 1e9);
  r.Duration("recvmsg_us", &c->recvmsg_cost, 1e3, 0, 1e9);
  r.Duration("loop_iteration_us", &c->loop_iteration_cost, 1e3, 0, 1e9);
  r.Int64("rqueue_max", &c->rqueue_max, 1, kMaxMessages, "messages");
  r.Int64("socket_sndbuf_bytes", &c->socket_sndbuf_bytes, 2048, kMaxBytes, "bytes");
  r.Uint32("uid", &c->uid, 0, 4294967294, "");
  ReadBusy(r, &c->busy);
}

void ReadSystemd(JsonReader r, SystemdParams* p) {
  r.Bool("watch_mountinfo", &p->watch_mountinfo);
  r.Duration("scan_fixed_us", &p->scan_fixed, 1e3, 0, 1e9);
  r.Duration("scan_per_line_us", &p->scan_per_line, 1e3, 0, 1e6);
  r.Duration("scan_per_device_line_us", &p->scan_per_device_line, 1e3, 0, 1e6);
  r.Bool("reannounce_network_mounts", &p->reannounce_network_mounts);
  r.Bool("reannounce_dev_devices", &p->reannounce_dev_devices);
  r.Int("dbus_queue_budget", &p->dbus_queue_budget, 0, 1 << 30, "units");
  r.Int("bus_busy_threshold", &p->bus_busy_threshold, 0, 1 << 30, "messages");
  r.Int64("wqueue_max", &p->wqueue_max, 1, kMaxMessages, "messages");
  r.Int64("rqueue_max", &p->rqueue_max, 1, kMaxMessages, "messages");
  r.Int64("socket_sndbuf_bytes", &p->socket_sndbuf_bytes, 2048, kMaxBytes, "bytes");
  r.Duration("unit_dispatch_us", &p->unit_dispatch_cost, 1e3, 0, 1e9);
  r.Duration("message_build_us", &p->message_build_cost, 1e3, 0, 1e9);
  r.Duration("properties_changed_us", &p->properties_changed_cost, 1e3, 0, 1e9);
  r.Duration("unit_removed_us", &p->unit_removed_cost, 1e3, 0, 1e9);
  r.Duration("sendmsg_us", &p->sendmsg_cost, 1e3, 0, 1e9);
  r.Duration("instrumentation_us_per_message", &p->instrumentation_per_message, 1e3, 0, 1e9);
  r.Double("wqueue_memmove_ns_per_entry", &p->wqueue_memmove_ns_per_entry, 0, 1e6, "ns");
  r.Duration("loop_iteration_us", &p->loop_iteration_cost, 1e3, 0, 1e9);
  r.Duration("incoming_message_us", &p->incoming_message_cost, 1e3, 0, 1e9);
  r.Duration("start_transient_unit_us", &p->start_transient_unit_cost, 1e3, 0, 1e9);
  r.Duration("job_run_us", &p->job_run_cost, 1e3, 0, 1e9);
  JsonReader limit = r.Object("mountinfo_ratelimit");
  limit.Duration("interval_s", &p->mountinfo_ratelimit_interval, 1e9, 0, kMaxSeconds);
  limit.Int("burst", &p->mountinfo_ratelimit_burst, 1, 1 << 30, "scans");
  limit.Finish();
  r.Double("mountinfo_backoff_factor", &p->mountinfo_backoff_factor, 0, 1e6);
  r.Duration("quantum_us", &p->quantum, 1e3, 1, 1e9);
  r.Bool("announce_dependencies", &p->announce_dependencies);
  r.Bool("ancestor_units", &p->ancestor_units);
  r.Bool("flush_before_removal", &p->flush_before_removal);
  r.Bool("queue_only_for_listeners", &p->queue_only_for_listeners);
  r.Bool("gc_after_announcement", &p->gc_after_announcement);
  r.Duration("unit_load_us", &p->unit_load_cost, 1e3, 0, 1e9);
  r.Duration("stub_load_us", &p->stub_load_cost, 1e3, 0, 1e9);
  r.Duration("unit_load_per_prefix_us", &p->unit_load_per_prefix, 1e3, 0, 1e9);
  r.Duration("unit_free_us", &p->unit_free_cost, 1e3, 0, 1e9);
  r.Duration("unit_free_per_mount_unit_ns", &p->unit_free_per_mount_unit, 1, 0, 1e9);
  r.Double("cold_slowdown", &p->cold_slowdown, 0, 100);
  r.Duration("cold_tau_ms", &p->cold_tau, 1e6, 0.001, 1e6);
  r.Finish();
}

void ReadMessageSizes(JsonReader r, MessageSizeParams* m) {
  r.Uint32("properties_changed_mount_bytes", &m->properties_changed_mount, 16, 1 << 27);
  r.Uint32("properties_changed_device_bytes", &m->properties_changed_device, 16, 1 << 27);
  r.Uint32("properties_changed_unit_bytes", &m->properties_changed_unit, 16, 1 << 27);
  r.Uint32("properties_changed_scope_bytes", &m->properties_changed_scope, 16, 1 << 27);
  r.Uint32("properties_changed_socket_bytes", &m->properties_changed_socket, 16, 1 << 27);
  r.Uint32("unit_new_bytes", &m->unit_new, 16, 1 << 27);
  r.Uint32("unit_removed_bytes", &m->unit_removed, 16, 1 << 27);
  r.Uint32("job_new_bytes", &m->job_new, 16, 1 << 27);
  r.Uint32("job_removed_bytes", &m->job_removed, 16, 1 << 27);
  r.Uint32("start_transient_unit_bytes", &m->start_transient_unit, 16, 1 << 27);
  r.Uint32("create_session_bytes", &m->create_session, 16, 1 << 27);
  r.Uint32("method_return_bytes", &m->method_return, 16, 1 << 27);
  r.Uint32("error_bytes", &m->error, 16, 1 << 27);
  r.Uint32("skb_shared_info_bytes", &m->skb_shared_info, 0, 1 << 20);
  r.Uint32("skb_overhead_bytes", &m->skb_overhead, 0, 1 << 20);
  r.Finish();
}

void ReadDbus(JsonReader r, DbusDaemonParams* d) {
  r.Int64("max_incoming_bytes", &d->max_incoming_bytes, 1, kMaxBytes, "bytes");
  r.Int64("max_outgoing_bytes", &d->max_outgoing_bytes, 0, kMaxBytes, "bytes");
  r.Int64("read_bytes_per_iteration", &d->read_bytes_per_iteration, 1, kMaxBytes, "bytes");
  r.Int64("write_bytes_per_iteration", &d->write_bytes_per_iteration, 0, kMaxBytes, "bytes");
  r.Int64("socket_sndbuf_bytes", &d->socket_sndbuf_bytes, 2048, kMaxBytes, "bytes");
  r.Duration("route_base_us", &d->route_base, 1e3, 0, 1e9);
  r.Duration("route_per_extra_recipient_us", &d->route_per_extra_recipient, 1e3, 0, 1e9);
  r.Duration("route_per_rule_us", &d->route_per_rule, 1e3, 0, 1e9);
  r.Duration("iteration_us", &d->iteration_cost, 1e3, 0, 1e9);
  r.Finish();
}

const std::vector<std::string> kRelays = {"dbus-daemon", "dbus-broker"};

void ReadBus(JsonReader r, RelayKind* relay) {
  int which = static_cast<int>(*relay);
  r.Choice("relay", &which, kRelays);
  *relay = static_cast<RelayKind>(which);
  r.Finish();
}

void ReadDbusBroker(JsonReader r, DbusBrokerParams* d) {
  r.Int64("max_outgoing_bytes", &d->max_outgoing_bytes, 0, kMaxBytes, "bytes");
  r.Int64("max_outgoing_unix_fds", &d->max_outgoing_unix_fds, 0, 1 << 30, "fds");
  r.Int64("max_connections_per_user", &d->max_connections_per_user, 1, 1 << 30, "connections");
  r.Int64("max_match_rules_per_connection", &d->max_match_rules_per_connection, 0, 1 << 30, "rules");
  r.Int64("socket_sndbuf_bytes", &d->socket_sndbuf_bytes, 2048, kMaxBytes, "bytes");
  r.Int64("read_bytes", &d->read_bytes, 64, kMaxBytes, "bytes");
  r.Int("write_batch", &d->write_batch, 1, 1024, "messages");
  r.Duration("route_base_us", &d->route_base, 1e3, 0, 1e9);
  r.Duration("route_per_extra_recipient_us", &d->route_per_extra_recipient, 1e3, 0, 1e9);
  r.Duration("iteration_us", &d->iteration_cost, 1e3, 0, 1e9);
  r.Finish();
}

void ReadGenerator(JsonReader& g, int index, WorkloadGenerator* w) {
  int kind = static_cast<int>(WorkloadGenerator::Kind::kInterval);
  g.Choice("kind", &kind, kKinds);
  if (!g.Has("kind")) g.Fail("kind", "one of \"list\", \"interval\", \"poisson\", \"burst\", \"sequence\"");
  w->kind = static_cast<WorkloadGenerator::Kind>(kind);
  w->name = std::to_string(index);
  g.String("name", &w->name);
  g.Duration("expire_after_s", &w->expire_after, 1e9, 0, kMaxSeconds);
  if (w->kind == WorkloadGenerator::Kind::kList) {
    g.ObjectArray("ops", [&](JsonReader& o) {
      WorkloadGenerator::Op op;
      int which = 0;
      o.Duration("at_s", &op.at, 1e9, 0, kMaxSeconds);
      o.Choice("op", &which, kOps);
      op.op = static_cast<MountOp>(which);
      ReadMountSpec(o, &op.spec, op.op == MountOp::kMount);
      if (!o.Has("at_s")) o.Fail("at_s", "the time of the operation in seconds");
      w->ops.push_back(op);
    });
    if (!g.Has("ops")) g.Fail("ops", "an array of operations");
    return;
  }
  int which = 0;
  g.Choice("op", &which, kOps);
  w->op = static_cast<MountOp>(which);
  g.Int("count", &w->count, 0, 100000000, "operations");
  g.Int("first_index", &w->first_index, -1000000000, 1000000000);
  g.Duration("start_s", &w->start, 1e9, 0, kMaxSeconds);
  JsonReader spec = g.Object("mount");
  ReadMountSpec(spec, &w->spec, w->op == MountOp::kMount);
  spec.Finish();
  if (!g.Has("count")) g.Fail("count", "the number of operations");
  switch (w->kind) {
    case WorkloadGenerator::Kind::kInterval:
      g.Duration("interval_ms", &w->interval, 1e6, 0, kMaxSeconds * 1e3);
      g.Double("jitter", &w->jitter, 0, 0.999999);
      if (!g.Has("interval_ms")) g.Fail("interval_ms", "the gap between operations in milliseconds");
      break;
    case WorkloadGenerator::Kind::kPoisson:
      g.Double("rate_per_s", &w->rate_per_s, 1e-9, 1e9, "1/s");
      if (!g.Has("rate_per_s")) g.Fail("rate_per_s", "the mean number of operations per second");
      break;
    case WorkloadGenerator::Kind::kSequence:
      g.Duration("cpu_ms", &w->cpu, 1e6, 0, kMaxSeconds * 1e3);
      g.Duration("latency_ms", &w->latency, 1e6, 0, kMaxSeconds * 1e3);
      g.Double("jitter", &w->jitter, 0, 0.999999);
      if (!g.Has("cpu_ms") && !g.Has("latency_ms")) {
        g.Fail("cpu_ms", "the CPU time per operation in milliseconds (and/or latency_ms)");
      }
      break;
    default:
      break;
  }
}

}  // namespace

Scenario DefaultScenario(const std::string& profile) {
  Scenario s;
  s.logind.name = "logind";
  s.logind.well_known_name = "org.freedesktop.login1";
  s.logind.subscribe = true;
  s.logind.match_rules = LogindMatchRules();
  ApplyProfile(profile, &s);
  return s;
}

namespace {

// The defaults of the profile the document names (before any key is read, so that every default
// the document does not override is the profile's).
Scenario ProfileDefaults(const nlohmann::json& doc, const std::string& file) {
  if (!doc.is_object()) throw InputError(file + ": /: expected a scenario object, found " + DescribeJson(doc));
  std::string profile = "rhel7.7";
  if (doc.contains("profile") && doc.at("profile").is_string()) profile = doc.at("profile").get<std::string>();
  try {
    Scenario s = DefaultScenario(profile);
    s.file = file;
    return s;
  } catch (const InputError& e) {
    throw InputError(file + ": /profile: " + e.what());
  }
}

void ReadRunAndHost(JsonReader& r, Scenario* s) {
  JsonReader run = r.Object("run");
  run.Duration("stop_at_s", &s->stop_at, 1e9, 0, kMaxSeconds);
  run.Duration("sample_interval_ms", &s->sample_interval, 1e6, 0.001, 1e6);
  run.Finish();
  if (s->stop_at / s->sample_interval > 20'000'000) {
    r.FailHere("run.stop_at_s / run.sample_interval_ms gives more than 20,000,000 samples; "
               "raise sample_interval_ms");
  }
  JsonReader host = r.Object("host");
  host.Int("cpus", &s->cpus, 0, 4096, "CPUs");
  host.Duration("timeslice_ms", &s->timeslice, 1e6, 0, 1e6);
  host.Finish();
}

// A real table (e.g. a copy of /proc/self/mountinfo), relative to the scenario file.
void ReadMountinfo(JsonReader& table, Scenario* s) {
  std::string mountinfo;
  table.String("mountinfo_file", &mountinfo);
  if (mountinfo.empty()) return;
  std::filesystem::path p = mountinfo;
  if (p.is_relative()) p = std::filesystem::path(s->file).parent_path() / p;
  try {
    s->initial_mounts = ReadMountinfoFile(p.lexically_normal().string());
  } catch (const InputError& e) {
    throw InputError(s->file + ": /mount_table/mountinfo_file: " + e.what());
  }
}

void ReadMountTable(JsonReader& r, Scenario* s) {
  JsonReader table = r.Object("mount_table");
  ReadMountinfo(table, s);
  table.ObjectArray("entries", [&](JsonReader& e) {
    MountSpec spec;
    ReadMountSpec(e, &spec, true);
    s->initial_mounts.push_back(spec);
  });
  table.ObjectArray("generate", [&](JsonReader& g) {
    MountTemplate t;
    g.Int("count", &t.count, 0, 10000000, "entries");
    g.Int("first_index", &t.first_index, -1000000000, 1000000000);
    ReadMountSpec(g, &t.spec, true);
    if (!g.Has("count")) g.Fail("count", "the number of entries to generate");
    s->generated_mounts.push_back(std::move(t));  // expanded by the run, after its budget check
  });
  table.Finish();
}

void ReadWorkload(JsonReader& r, Scenario* s) {
  int index = 0;
  std::set<std::string> names;
  r.ObjectArray("workload", [&](JsonReader& g) {
    WorkloadGenerator w;
    ReadGenerator(g, index++, &w);
    if (!names.insert(w.name).second) g.Fail("name", "a name no other generator has");
    s->workload.push_back(std::move(w));
  });
}

void ReadPatches(JsonReader& r, Scenario* s) {
  const nlohmann::json* patches = r.Raw("patches");
  if (patches == nullptr) return;
  if (!patches->is_array()) r.Fail("patches", "an array of patches such as {\"name\": \"ratelimit\", \"burst\": 5}");
  for (std::size_t i = 0; i < patches->size(); ++i) {
    s->patches.push_back(ReadPatchSpec(patches->at(i), s->file, "/patches/" + std::to_string(i)));
  }
}

void ReadLogindAndSubscribers(JsonReader& r, std::int64_t profile_rqueue_max, Scenario* s) {
  JsonReader logind = r.Object("logind");
  logind.Bool("enabled", &s->logind_enabled);
  ReadClient(logind, &s->logind, true);
  logind.Duration("create_session_us", &s->logind.create_session_cost, 1e3, 0, 1e9);
  logind.Duration("call_timeout_s", &s->logind.call_timeout, 1e9, 0, kMaxSeconds);
  logind.Duration("restart_delay_ms", &s->logind.restart_delay, 1e6, 0, kMaxSeconds * 1e3);
  logind.Finish();
  r.ObjectArray("subscribers", [&](JsonReader& c) {
    ClientParams p;
    p.rqueue_max = profile_rqueue_max;  // every client links the profile's sd-bus
    ReadClient(c, &p, false);
    if (!c.Has("name")) c.Fail("name", "a name for the subscriber");
    if (p.name.empty()) c.Fail("name", "a non-empty name");
    s->subscribers.push_back(p);
  });
}

LoginGenerator ReadLogin(JsonReader& l, Duration default_timeout) {
  LoginGenerator g;
  g.timeout = default_timeout;
  l.String("name", &g.name);
  if (!l.Has("name") || g.name.empty()) l.Fail("name", "the name of the process that logs in, e.g. \"sshd\"");
  std::vector<double> at;
  l.DoubleList("at_s", &at, 0, kMaxSeconds);
  for (double t : at) g.at.push_back(FromSeconds(t));
  l.Duration("start_s", &g.start, 1e9, 0, kMaxSeconds);
  l.Duration("interval_s", &g.interval, 1e9, 0, kMaxSeconds);
  l.Int("count", &g.count, 0, 10000000, "logins");
  l.Duration("timeout_s", &g.timeout, 1e9, 0, kMaxSeconds);
  if (g.count > 0 && g.interval == 0 && g.count > 1) l.Fail("interval_s", "a positive interval between the logins");
  if (g.at.empty() && g.count == 0) l.Fail("at_s", "login times (at_s) or a series (start_s, interval_s, count)");
  return g;
}

void ReadLogins(JsonReader& r, Scenario* s) {
  std::set<std::string> names;
  r.ObjectArray("logins", [&](JsonReader& l) {
    LoginGenerator g = ReadLogin(l, s->pam_timeout);
    if (!names.insert(g.name).second) l.Fail("name", "a name no other login generator has");
    s->logins.push_back(g);
  });
}

// Reads `doc` in the order of docs/SCENARIOS.md, which is also the order ListParameters() lists.
Scenario ParseScenarioInto(const nlohmann::json& doc, const std::string& file, ParameterSink* sink) {
  Scenario s = ProfileDefaults(doc, file);
  const std::int64_t profile_rqueue_max = s.systemd.rqueue_max;
  JsonReader r(&doc, file, "", sink);
  r.String("name", &s.name);
  r.String("description", &s.description);
  r.String("profile", &s.profile);
  r.Uint64("seed", &s.seed);
  ReadRunAndHost(r, &s);
  ReadMountTable(r, &s);
  ReadWorkload(r, &s);
  ReadSystemd(r.Object("systemd"), &s.systemd);
  ReadPatches(r, &s);
  ReadMessageSizes(r.Object("message_sizes"), &s.message_sizes);
  ReadDbus(r.Object("dbus"), &s.dbus);
  ReadBus(r.Object("bus"), &s.relay);
  ReadDbusBroker(r.Object("dbus_broker"), &s.dbus_broker);
  ReadLogindAndSubscribers(r, profile_rqueue_max, &s);
  ReadLogins(r, &s);
  r.Finish();
  return s;
}

}  // namespace

Scenario ParseScenarioJson(const nlohmann::json& doc, const std::string& file) {
  Scenario s = ParseScenarioInto(doc, file, nullptr);
  BuildTopology(s);  // checks what only the wiring reads
  return s;
}

std::uint64_t InitialMountCount(const Scenario& s) {
  std::uint64_t n = s.initial_mounts.size();
  for (const MountTemplate& t : s.generated_mounts) n += static_cast<std::uint64_t>(t.count);
  return n;
}

void ForEachInitialMount(const Scenario& s, const std::function<void(const MountSpec&)>& fn) {
  for (const MountSpec& m : s.initial_mounts) fn(m);
  for (const MountTemplate& t : s.generated_mounts) {
    for (int k = 0; k < t.count; ++k) fn(ExpandSpec(t.spec, t.first_index + k));
  }
}

std::vector<MountSpec> InitialMounts(const Scenario& s) {
  std::vector<MountSpec> out;
  ForEachInitialMount(s, [&](const MountSpec& m) { out.push_back(m); });
  return out;
}

std::vector<std::pair<std::string, std::string>> ListProfiles() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const ProfileInfo& p : Profiles()) out.emplace_back(p.name, p.description);
  return out;
}

std::vector<ParameterInfo> ListParameters(const std::string& profile) {
  // One example of every array element kind, so that every key of the format is visited.
  const nlohmann::json exemplar = {
      {"profile", profile},
      {"mount_table",
       {{"entries", {{{"path", "/"}, {"source", "/dev/sda1"}, {"fstype", "xfs"}}}},
        {"generate", {{{"count", 1}, {"path", "/"}, {"source", "/dev/sda1"}, {"fstype", "xfs"}}}}}},
      {"workload",
       {{{"kind", "list"}, {"ops", {{{"at_s", 0}, {"op", "umount"}, {"path", "/x"}}}}},
        {{"kind", "interval"}, {"count", 0}, {"interval_ms", 1}, {"mount", {{"path", "/x"}}}, {"op", "umount"}},
        {{"kind", "poisson"}, {"count", 0}, {"rate_per_s", 1}, {"mount", {{"path", "/x"}}}, {"op", "umount"}},
        {{"kind", "burst"}, {"count", 0}, {"mount", {{"path", "/x"}}}, {"op", "umount"}},
        {{"kind", "sequence"}, {"count", 0}, {"cpu_ms", 1}, {"mount", {{"path", "/x"}}}, {"op", "umount"}}}},
      {"logind", {{"busy", {{{"start_s", 0}, {"length_s", 0}}}}}},
      {"subscribers", {{{"name", "agent"}, {"busy", {{{"start_s", 0}, {"length_s", 0}}}}}}},
      {"logins", {{{"name", "sshd"}, {"at_s", {1}}}}},
  };
  ParameterSink sink;
  ParseScenarioInto(exemplar, "(exemplar)", &sink);
  return sink.parameters();
}

}  // namespace mountstorm
