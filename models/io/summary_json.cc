// summary.json: a RunResult written as JSON and read back (mountstorm/result_files.h). The only
// code that knows the keys of summary.json; docs/OUTPUTS.md describes each.
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "models/json/json_text.h"
#include "mountstorm/error.h"
#include "mountstorm/result_files.h"

namespace mountstorm {

namespace {

using Json = nlohmann::json;

// ---- writing -------------------------------------------------------------------------------------

Json Seconds(std::optional<Time> t) { return t ? Json(ToSeconds(*t)) : Json(nullptr); }

Json PeerJson(const PeerMessages& p) {
  Json by_member = Json::object();
  for (const MemberCount& m : p.by_member) {
    by_member[m.member] = {{"sent", m.sent}, {"received", m.received}, {"dropped", m.dropped}};
  }
  return {{"sent", p.sent},
          {"received", p.received},
          {"dropped", {{"enobufs", p.dropped_enobufs}, {"full_queue", p.dropped_full_queue}, {"disconnect", p.dropped_disconnect}}},
          {"by_member", by_member}};
}

Json ScansJson(const ScanResult& s) {
  return {{"count", s.count},
          {"mean_table_lines", s.mean_table_lines},
          {"changes", s.changes},
          {"changes_coalesced", s.changes_coalesced},
          {"new_mount_units", s.new_mount_units},
          {"mean_new_mounts_per_scan", s.mean_new_mounts_per_scan},
          {"units_queued", s.units_queued},
          {"units_announced", s.units_announced},
          {"units_freed", s.units_freed},
          {"dispatch_blocked", s.dispatch_blocked},
          {"deferred_by_policy", s.deferred_by_policy},
          {"units_left_out_by_policy", s.units_left_out_by_policy},
          {"sends_deferred_by_policy", s.sends_deferred_by_policy}};
}

Json QueueJson(const QueueResult& q) {
  return {{"unit", QueueUnitName(q.unit)},
          {"limit", q.limit},
          {"peak", q.peak},
          {"peak_time_s", ToSeconds(q.peak_time)},
          {"enobufs_onset_s", Seconds(q.first_refusal)},
          {"refused", q.refused},
          {"time_at_limit_s", ToSeconds(q.time_at_limit)},
          {"drained_s", Seconds(q.drained)},
          {"level_at_end", q.level_at_end}};
}

Json ProcessJson(const ProcessResult& p) {
  Json j = {{"busy_s", ToSeconds(p.busy)}, {"steps", p.steps}};
  if (p.pid1) {
    j["scan_s"] = ToSeconds(p.pid1->scan);
    j["dispatch_s"] = ToSeconds(p.pid1->dispatch);
    j["bus_io_s"] = ToSeconds(p.pid1->bus_io);
    j["jobs_s"] = ToSeconds(p.pid1->jobs);
    j["jobs_run"] = p.pid1->jobs_run;
    j["transient_units"] = p.pid1->transient_units;
    j["replies_lost"] = p.pid1->replies_lost;
    j["messages_read"] = p.pid1->messages_read;
  }
  if (p.client) {
    j["busy_periods_s"] = ToSeconds(p.client->busy_periods);
    j["handled"] = p.client->handled;
  }
  return j;
}

Json LoginsJson(const LoginResult& l) {
  Json each = Json::array();
  for (const LoginAttempt& a : l.each) {
    each.push_back({{"client", a.client}, {"start_s", ToSeconds(a.start)}, {"end_s", Seconds(a.end)},
                    {"outcome", LoginOutcomeName(a.outcome)}});
  }
  Json j = {{"attempts", l.attempts},
            {"succeeded", l.succeeded},
            {"pending_at_end", l.pending_at_end},
            {"failed", {{"enobufs", l.failed_enobufs}, {"timeout", l.failed_timeout}, {"limits_exceeded", l.failed_limits_exceeded}}},
            {"latency_s",
             {{"p50", Seconds(l.latency.p50)}, {"p90", Seconds(l.latency.p90)}, {"p99", Seconds(l.latency.p99)},
              {"max", Seconds(l.latency.max)}}},
            {"each", each}};
  if (l.logind) {
    const LogindCalls& c = *l.logind;
    j["logind"] = {{"scope_calls", c.scope_calls},
                   {"scope_calls_enobufs", c.scope_calls_enobufs},
                   {"scope_calls_timeout", c.scope_calls_timeout},
                   {"scope_calls_limits_exceeded", c.scope_calls_limits_exceeded},
                   {"sessions_created", c.sessions_created},
                   {"time_in_calls_s", ToSeconds(c.time_in_calls)}};
  }
  return j;
}

Json LatencyJson(const LatencyResult& l) {
  return {{"mean", l.mean_s ? Json(*l.mean_s) : Json(nullptr)},
          {"p50", Seconds(l.percentiles.p50)},
          {"p99", Seconds(l.percentiles.p99)},
          {"max", Seconds(l.percentiles.max)}};
}

// The relay and its disconnects; written only for dbus-broker, so that a dbus-daemon run's
// summary.json stays as it was.
Json RelayJson(const RelayResult& relay) {
  Json disconnects = Json::array();
  for (const DisconnectResult& d : relay.disconnects) {
    disconnects.push_back({{"peer", d.peer}, {"at_s", ToSeconds(d.at)}, {"cause", d.cause}, {"uid", d.uid},
                           {"slot", d.slot}, {"amount", d.amount}, {"remaining", d.remaining},
                           {"consumed", d.consumed}, {"n_actors", d.n_actors}, {"messages", d.messages}});
  }
  return {{"program", relay.program}, {"disconnects", disconnects}};
}

Json SummaryJson(const RunResult& r) {
  Json patches = Json::array();
  for (const PatchSpec& p : r.patches) patches.push_back(Json::parse(p.params_json));
  Json messages = Json::object(), queues = Json::object(), processes = Json::object();
  for (const PeerMessages& p : r.messages) messages[p.peer] = PeerJson(p);
  for (const QueueResult& q : r.queues) queues[q.name] = QueueJson(q);
  for (const ProcessResult& p : r.processes) processes[p.name] = ProcessJson(p);
  const WorkloadResult& w = r.workload;
  Json j = {{"mountstorm_version", r.version},
          {"scenario", r.scenario},
          {"seed", r.seed},
          {"profile", r.profile},
          {"patches", patches},
          {"end_time_s", ToSeconds(r.end_time)},
          {"stopped_by", r.stopped_by == StopReason::kStopAt ? "stop_at" : "quiescence"},
          {"events", r.events},
          {"messages", messages},
          {"scans", ScansJson(r.scans)},
          {"queues", queues},
          {"processes", processes},
          {"workload",
           {{"operations", w.operations}, {"mounts", w.mounts}, {"umounts", w.umounts}, {"remounts", w.remounts},
            {"failed", w.failed}, {"last_operation_s", ToSeconds(w.last_operation)}}},
          {"mount_table", {{"initial_lines", r.mount_table.initial_lines}, {"final_lines", r.mount_table.final_lines}}},
          {"logins", LoginsJson(r.logins)},
          {"visibility",
           {{"mounts", r.visibility.mounts},
            {"known_s", LatencyJson(r.visibility.known)},
            {"announced_s", LatencyJson(r.visibility.announced)}}},
          {"drain_s", ToSeconds(r.drain)}};
  if (r.relay.program != "dbus-daemon") j["relay"] = RelayJson(r.relay);
  // No word of the engine: the files are the same whichever ran (RunResult::engine says which).
  return j;
}

// ---- reading -------------------------------------------------------------------------------------

// One object of the summary, read strictly: a missing key or a value of the wrong type is an
// InputError naming the file and the JSON path.
class Reader {
 public:
  Reader(const Json& value, const std::string& origin, std::string path)
      : value_(value), origin_(origin), path_(std::move(path)) {
    if (!value_.is_object()) Fail(path_.empty() ? "/" : path_, "an object");
  }

  Reader Object(const std::string& key) const { return Reader(At(key), origin_, path_ + "/" + key); }
  const Json& At(const std::string& key) const {
    if (!value_.contains(key)) Fail(path_ + "/" + key, "a value, found nothing");
    return value_.at(key);
  }
  std::uint64_t Count(const std::string& key) const {
    const Json& v = At(key);
    if (!v.is_number_unsigned()) Fail(path_ + "/" + key, "a non-negative integer", v);
    return v.get<std::uint64_t>();
  }
  // The levels and limits of queues: never below 0.
  std::int64_t Integer(const std::string& key) const {
    const Json& v = At(key);
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      Fail(path_ + "/" + key, "an integer from 0 to 9223372036854775807", v);
    }
    return v.get<std::int64_t>();
  }
  double Number(const std::string& key) const {
    const Json& v = At(key);
    if (!v.is_number()) Fail(path_ + "/" + key, "a number", v);
    return v.get<double>();
  }
  std::optional<double> NumberOrNull(const std::string& key) const {
    if (At(key).is_null()) return std::nullopt;
    return Number(key);
  }
  // A simulated time or duration: from 0 to what a Time holds (int64 nanoseconds, 292 years), so
  // that converting it is defined and a plot's axis is not drawn from garbage.
  Time Seconds(const std::string& key) const {
    const double s = Number(key);
    if (!(s >= 0 && s <= static_cast<double>(kMaxResultFileSeconds))) {
      Fail(path_ + "/" + key, "a time in seconds from 0 to " + std::to_string(kMaxResultFileSeconds), At(key));
    }
    return FromSeconds(s);
  }
  std::optional<Time> SecondsOrNull(const std::string& key) const {
    if (At(key).is_null()) return std::nullopt;
    return Seconds(key);
  }
  std::string String(const std::string& key) const {
    const Json& v = At(key);
    if (!v.is_string()) Fail(path_ + "/" + key, "a string", v);
    return v.get<std::string>();
  }
  bool Has(const std::string& key) const { return value_.contains(key); }
  const Json& value() const { return value_; }
  const std::string& path() const { return path_; }
  const std::string& origin() const { return origin_; }

  [[noreturn]] void Fail(const std::string& path, const std::string& expected, const Json& found = nullptr) const {
    throw InputError(origin_ + ": " + path + ": expected " + expected +
                     (found.is_null() ? "" : ", found " + found.dump()) + " (the summary.json of mountstorm run)");
  }

 private:
  const Json& value_;
  const std::string& origin_;
  std::string path_;
};

PeerMessages ReadPeer(const Reader& r, const std::string& name) {
  PeerMessages p;
  p.peer = name;
  p.sent = r.Count("sent");
  p.received = r.Count("received");
  const Reader dropped = r.Object("dropped");
  p.dropped_enobufs = dropped.Count("enobufs");
  p.dropped_full_queue = dropped.Count("full_queue");
  p.dropped_disconnect = dropped.Count("disconnect");
  const Reader by_member = r.Object("by_member");
  for (auto it = by_member.value().begin(); it != by_member.value().end(); ++it) {
    const Reader m = by_member.Object(it.key());
    p.by_member.push_back(MemberCount{it.key(), m.Count("sent"), m.Count("received"), m.Count("dropped")});
  }
  return p;
}

ScanResult ReadScans(const Reader& r) {
  ScanResult s;
  s.count = r.Count("count");
  s.mean_table_lines = r.Number("mean_table_lines");
  s.changes = r.Count("changes");
  s.changes_coalesced = r.Count("changes_coalesced");
  s.new_mount_units = r.Count("new_mount_units");
  s.mean_new_mounts_per_scan = r.Number("mean_new_mounts_per_scan");
  s.units_queued = r.Count("units_queued");
  s.units_announced = r.Count("units_announced");
  s.units_freed = r.Count("units_freed");
  s.dispatch_blocked = r.Count("dispatch_blocked");
  s.deferred_by_policy = r.Count("deferred_by_policy");
  s.units_left_out_by_policy = r.Count("units_left_out_by_policy");
  s.sends_deferred_by_policy = r.Count("sends_deferred_by_policy");
  return s;
}

QueueResult ReadQueue(const Reader& r, const std::string& name) {
  QueueResult q;
  q.name = name;
  const std::string unit = r.String("unit");
  if (unit != "messages" && unit != "bytes") r.Fail(r.path() + "/unit", "\"messages\" or \"bytes\"", Json(unit));
  q.unit = unit == "messages" ? QueueUnit::kMessages : QueueUnit::kBytes;
  q.limit = r.Integer("limit");
  q.peak = r.Integer("peak");
  q.peak_time = r.Seconds("peak_time_s");
  q.first_refusal = r.SecondsOrNull("enobufs_onset_s");
  q.refused = r.Count("refused");
  q.time_at_limit = r.Seconds("time_at_limit_s");
  q.drained = r.SecondsOrNull("drained_s");
  q.level_at_end = r.Integer("level_at_end");
  return q;
}

ProcessResult ReadProcess(const Reader& r, const std::string& name) {
  ProcessResult p;
  p.name = name;
  p.busy = r.Seconds("busy_s");
  p.steps = r.Count("steps");
  if (r.Has("scan_s")) {
    p.pid1 = Pid1Work{r.Seconds("scan_s"),       r.Seconds("dispatch_s"),      r.Seconds("bus_io_s"),
                      r.Seconds("jobs_s"),       r.Count("jobs_run"),          r.Count("transient_units"),
                      r.Count("replies_lost"),   r.Count("messages_read")};
  }
  if (r.Has("handled")) p.client = ClientWork{r.Seconds("busy_periods_s"), r.Count("handled")};
  return p;
}

LoginOutcome ReadOutcome(const Reader& r) {
  const std::string name = r.String("outcome");
  for (LoginOutcome o : {LoginOutcome::kPending, LoginOutcome::kSucceeded, LoginOutcome::kNoBufs,
                         LoginOutcome::kTimedOut, LoginOutcome::kLimitsExceeded}) {
    if (name == LoginOutcomeName(o)) return o;
  }
  r.Fail(r.path() + "/outcome", "a login outcome (pending, succeeded, enobufs, timeout, limits_exceeded)", Json(name));
}

Percentiles ReadPercentiles(const Reader& r, bool p90) {
  Percentiles p;
  p.p50 = r.SecondsOrNull("p50");
  if (p90) p.p90 = r.SecondsOrNull("p90");
  p.p99 = r.SecondsOrNull("p99");
  p.max = r.SecondsOrNull("max");
  return p;
}

LoginResult ReadLogins(const Reader& r) {
  LoginResult l;
  l.attempts = r.Count("attempts");
  l.succeeded = r.Count("succeeded");
  l.pending_at_end = r.Count("pending_at_end");
  const Reader failed = r.Object("failed");
  l.failed_enobufs = failed.Count("enobufs");
  l.failed_timeout = failed.Count("timeout");
  l.failed_limits_exceeded = failed.Count("limits_exceeded");
  l.latency = ReadPercentiles(r.Object("latency_s"), true);
  const Json& each = r.At("each");
  if (!each.is_array()) r.Fail(r.path() + "/each", "an array of logins", each);
  for (std::size_t i = 0; i < each.size(); ++i) {
    const Reader a(each[i], r.origin(), r.path() + "/each/" + std::to_string(i));
    l.each.push_back(LoginAttempt{a.String("client"), a.Seconds("start_s"), a.SecondsOrNull("end_s"), ReadOutcome(a)});
  }
  if (r.Has("logind")) {
    const Reader c = r.Object("logind");
    l.logind = LogindCalls{c.Count("scope_calls"),        c.Count("scope_calls_enobufs"),
                           c.Count("scope_calls_timeout"), c.Count("scope_calls_limits_exceeded"),
                           c.Count("sessions_created"),    c.Seconds("time_in_calls_s")};
  }
  return l;
}

LatencyResult ReadLatency(const Reader& r) { return LatencyResult{r.NumberOrNull("mean"), ReadPercentiles(r, false)}; }

std::vector<PatchSpec> ReadPatches(const Reader& r) {
  const Json& patches = r.At("patches");
  if (!patches.is_array()) r.Fail("/patches", "an array of patches", patches);
  std::vector<PatchSpec> out;
  for (std::size_t i = 0; i < patches.size(); ++i) {
    const Reader p(patches[i], r.origin(), "/patches/" + std::to_string(i));
    out.push_back(PatchSpec{p.String("name"), patches[i].dump(), p.path()});
  }
  return out;
}

// Reads every member of the object under `key` with `read`, in name order.
template <typename T, typename ReadOne>
std::vector<T> ReadNamed(const Reader& r, const std::string& key, ReadOne read) {
  const Reader all = r.Object(key);
  std::vector<T> out;
  for (auto it = all.value().begin(); it != all.value().end(); ++it) out.push_back(read(all.Object(it.key()), it.key()));
  return out;
}

}  // namespace

std::string SummaryJsonText(const RunResult& r) { return SummaryJson(r).dump(2) + "\n"; }

RelayResult ReadRelay(const Reader& r) {
  RelayResult out;
  out.program = r.String("program");
  const Json& list = r.At("disconnects");
  if (!list.is_array()) r.Fail(r.path() + "/disconnects", "an array", list);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Reader d(list[i], r.origin(), r.path() + "/disconnects/" + std::to_string(i));
    out.disconnects.push_back(DisconnectResult{d.String("peer"), d.Seconds("at_s"), d.String("cause"),
                                               static_cast<std::uint32_t>(d.Count("uid")), d.String("slot"),
                                               d.Count("amount"), d.Count("remaining"), d.Count("consumed"),
                                               static_cast<std::uint32_t>(d.Count("n_actors")), d.Count("messages")});
  }
  return out;
}

RunResult ParseSummaryJson(const std::string& text, const std::string& origin) {
  const Json doc = ParseJsonText(text, origin);
  const Reader r(doc, origin, "");
  RunResult out;
  out.version = r.String("mountstorm_version");
  out.scenario = r.String("scenario");
  out.seed = r.Count("seed");
  out.profile = r.String("profile");
  out.patches = ReadPatches(r);
  out.end_time = r.Seconds("end_time_s");
  const std::string stopped = r.String("stopped_by");
  if (stopped != "stop_at" && stopped != "quiescence") r.Fail("/stopped_by", "\"stop_at\" or \"quiescence\"", Json(stopped));
  out.stopped_by = stopped == "stop_at" ? StopReason::kStopAt : StopReason::kQuiescence;
  out.events = r.Count("events");
  out.messages = ReadNamed<PeerMessages>(r, "messages", ReadPeer);
  out.scans = ReadScans(r.Object("scans"));
  out.queues = ReadNamed<QueueResult>(r, "queues", ReadQueue);
  out.processes = ReadNamed<ProcessResult>(r, "processes", ReadProcess);
  const Reader w = r.Object("workload");
  out.workload = WorkloadResult{w.Count("operations"), w.Count("mounts"), w.Count("umounts"),
                                w.Count("remounts"),   w.Count("failed"), w.Seconds("last_operation_s")};
  const Reader t = r.Object("mount_table");
  out.mount_table = MountTableResult{t.Count("initial_lines"), t.Count("final_lines")};
  out.logins = ReadLogins(r.Object("logins"));
  const Reader v = r.Object("visibility");
  out.visibility = VisibilityResult{v.Count("mounts"), ReadLatency(v.Object("known_s")), ReadLatency(v.Object("announced_s"))};
  out.drain = r.Seconds("drain_s");
  if (r.Has("relay")) out.relay = ReadRelay(r.Object("relay"));
  out.engine_events = out.events;
  if (r.Has("engine")) {
    const Reader e = r.Object("engine");
    out.engine = e.String("name");
    if (out.engine != "trains") e.Fail("/engine/name", "\"trains\" (a run of the messages engine has no key \"engine\")", Json(out.engine));
    out.engine_events = e.Count("events_run");
  }
  return out;
}

}  // namespace mountstorm
