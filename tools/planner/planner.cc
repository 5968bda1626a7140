#include "tools/planner.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <Eigen/Dense>

#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "tools/cli_util.h"
#include "tools/csv_table.h"
#include "tools/parallel_for.h"

namespace mountstorm {


namespace planner {

// ================================================================================================
// Base scenario and runs
// ================================================================================================

namespace {

std::string Assignment(const std::string& path, const nlohmann::json& value) { return path + "=" + value.dump(); }

nlohmann::json AppliedDocument(const Base& base, const Assignments& a) {
  nlohmann::json doc = base.doc;
  for (const auto& [path, value] : a) {
    const std::string text = Assignment(path, value);
    ApplyOverride(doc, text, base.origin + " with " + text);
  }
  return doc;
}

}  // namespace

Base LoadBase(const std::string& path, const std::vector<std::string>& sets) {
  // Read, overridden and parsed as `mountstorm run` reads a scenario (LoadScenarioFile), so that
  // every input error is reported as a run would report it.
  return BaseFromJson(ReadJsonFile(path, "scenario file"), path, sets);
}

Base BaseFromJson(nlohmann::json doc, const std::string& origin, const std::vector<std::string>& sets) {
  Base base;
  base.origin = origin;
  base.doc = std::move(doc);
  for (const std::string& o : sets) ApplyOverride(base.doc, o, "--set " + o);
  base.scenario = ParseScenario(base.doc, origin);
  return base;
}

Scenario Apply(const Base& base, const Assignments& a) { return ParseScenario(AppliedDocument(base, a), base.origin); }

namespace {

// "/subscribers/0/rqueue_max" matches "/subscribers/*/rqueue_max".
bool MatchesPattern(const std::string& path, const std::string& pattern) {
  std::size_t i = 0, j = 0;
  while (i < path.size() && j < pattern.size()) {
    if (pattern[j] == '*') {
      std::size_t end = path.find('/', i);
      if (end == std::string::npos) end = path.size();
      if (end == i || path.find_first_not_of("0123456789", i) < end) return false;
      i = end;
      ++j;
    } else if (path[i++] != pattern[j++]) {
      return false;
    }
  }
  return i == path.size() && j == pattern.size();
}

}  // namespace

std::optional<nlohmann::json> CurrentValue(const Base& base, const std::string& path) {
  try {
    const nlohmann::json::json_pointer pointer(path);
    if (base.doc.contains(pointer)) return base.doc.at(pointer);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // not a JSON pointer: ApplyOverride reports it when the axis is set
  }
  for (const ParameterInfo& p : ListParameters(base.scenario.profile)) {
    if (MatchesPattern(path, p.path)) return nlohmann::json::parse(p.default_value);
  }
  return std::nullopt;
}

Runner::Runner(Base base, int jobs) : base_(std::move(base)), jobs_(std::max(1, jobs)) {}

nlohmann::json Runner::Summary(const Assignments& a) {
  nlohmann::json doc = AppliedDocument(base_, a);
  // The whole document is the key: two assignment lists that make the same scenario share a run.
  const std::string key = doc.dump();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return *it->second;
  }
  auto summary = std::make_shared<nlohmann::json>(RunScenario(ParseScenario(doc, base_.origin)).summary);
  std::lock_guard<std::mutex> lock(mutex_);
  cache_.emplace(key, summary);
  return *summary;
}

std::vector<nlohmann::json> Runner::Summaries(const std::vector<Assignments>& runs) {
  std::vector<nlohmann::json> out(runs.size());
  ParallelFor(static_cast<int>(runs.size()), jobs_,
              [&](int i) { out[static_cast<std::size_t>(i)] = Summary(runs[static_cast<std::size_t>(i)]); });
  return out;
}

int Runner::runs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(cache_.size());
}

// ================================================================================================
// Queues
// ================================================================================================

std::map<std::string, QueueInfo> QueueInventory(const Scenario& s) {
  // Stopped at 0 the run builds every queue of the pipeline and simulates nothing: the names and
  // limits come from the model itself, not from a copy of its naming rules.
  Scenario empty = s;
  empty.stop_at = 0;
  const nlohmann::json summary = RunScenario(empty).summary;
  std::map<std::string, QueueInfo> out;
  for (auto it = summary["queues"].begin(); it != summary["queues"].end(); ++it) {
    out[it.key()] = QueueInfo{it.value()["unit"].get<std::string>(), it.value()["limit"].get<std::int64_t>()};
  }
  return out;
}

void RequireQueue(const std::map<std::string, QueueInfo>& inventory, const std::string& queue) {
  if (inventory.count(queue)) return;
  std::string names;
  for (const auto& [name, info] : inventory) names += (names.empty() ? "" : ", ") + name;
  throw InputError("--queue: no queue \"" + queue + "\" in this scenario; its queues are " + names);
}

bool BlocksInsteadOfRefusing(const std::string& queue) { return queue.rfind("dbus.in.", 0) == 0; }

bool Overflows(const nlohmann::json& summary, const std::string& queue) {
  const nlohmann::json& q = summary.at("queues").at(queue);
  if (BlocksInsteadOfRefusing(queue)) return q.at("time_at_limit_s").get<double>() > 0;
  return q.at("refused").get<std::uint64_t>() > 0;
}

namespace {

// The queues that pass through dbus-daemon for peer `name` and the scenario values that limit them.
void AddDaemonQueues(const std::string& name, std::map<std::string, std::string>* out) {
  (*out)["dbus.in." + name] = "/dbus/max_incoming_bytes";
  (*out)["dbus.out." + name] = "/dbus/max_outgoing_bytes";
  (*out)["dbus.socket." + name] = "/dbus/socket_sndbuf_bytes";
}

// Queue name -> the scenario value that sets its limit, from the scenario's structure (the same
// wiring as models/simulation.cc).
std::map<std::string, std::string> LimitPaths(const Scenario& s) {
  std::map<std::string, std::string> out;
  out["systemd.wqueue"] = "/systemd/wqueue_max";
  out["systemd.rqueue"] = "/systemd/rqueue_max";
  out["systemd.socket"] = "/systemd/socket_sndbuf_bytes";
  AddDaemonQueues("systemd", &out);
  if (s.logind_enabled) {
    out["logind.rqueue"] = out["logind.wqueue"] = "/logind/rqueue_max";
    out["logind.socket"] = "/logind/socket_sndbuf_bytes";
    AddDaemonQueues("logind", &out);
  }
  for (std::size_t i = 0; i < s.subscribers.size(); ++i) {
    const ClientParams& c = s.subscribers[i];
    const std::string prefix = "/subscribers/" + std::to_string(i) + "/";
    out[c.name + ".rqueue"] = out[c.name + ".wqueue"] = prefix + "rqueue_max";
    out[c.name + ".socket"] = prefix + "socket_sndbuf_bytes";
    if (c.private_connection) {
      out["systemd.private." + c.name + ".wqueue"] = "/systemd/wqueue_max";
      out["systemd.private." + c.name + ".rqueue"] = "/systemd/rqueue_max";
      out["systemd.private." + c.name + ".socket"] = "/systemd/socket_sndbuf_bytes";
    } else {
      AddDaemonQueues(c.name, &out);
    }
  }
  for (const LoginGenerator& g : s.logins) {
    out[g.name + ".socket"] = "/logind/socket_sndbuf_bytes";
    out["dbus.out." + g.name] = "/dbus/max_outgoing_bytes";
    out["dbus.socket." + g.name] = "/dbus/socket_sndbuf_bytes";
  }
  return out;
}

}  // namespace

LimitParam LimitFor(const Base& base, const std::map<std::string, QueueInfo>& inventory, const std::string& queue) {
  RequireQueue(inventory, queue);
  const std::map<std::string, std::string> paths = LimitPaths(base.scenario);
  auto it = paths.find(queue);
  if (it == paths.end()) {
    throw InputError("--queue " + queue + ": no single scenario value sets the limit of this queue");
  }
  // The range the scenario reader accepts for it, from the reader itself.
  LimitParam p{it->second, 0, 0, {}};
  for (const ParameterInfo& info : ListParameters()) {
    if (!MatchesPattern(p.path, info.path)) continue;
    Check(info.minimum.has_value() && info.maximum.has_value(), "a queue limit is an integer parameter");
    p.minimum = *info.minimum;
    p.maximum = *info.maximum;
  }
  Check(p.maximum > 0, "every queue limit is a scenario parameter");
  for (const auto& [name, info] : inventory) {
    auto other = paths.find(name);
    if (name != queue && other != paths.end() && other->second == p.path) p.sharing.push_back(name);
  }
  return p;
}

// ================================================================================================
// headroom
// ================================================================================================

double FirstOperationTime(const Scenario& s) {
  std::optional<Time> first;
  auto consider = [&](Time t) { first = first ? std::min(*first, t) : t; };
  for (const WorkloadGenerator& g : s.workload) {
    if (g.kind == WorkloadGenerator::Kind::kList) {
      for (const WorkloadGenerator::Op& op : g.ops) consider(op.at);
    } else if (g.count > 0) {
      consider(g.start);  // a poisson generator's first operation comes one gap later
    }
  }
  return first ? ToSeconds(*first) : 0.0;
}

namespace {

// At its limit: a level at or above it (outgoing queues and sockets overshoot by one message).
bool AtLimit(std::int64_t level, std::int64_t limit) { return level >= limit && level > 0; }

// The start of the first sample interval of curves.csv in which each queue was at its limit.
std::map<std::string, double> FirstIntervalAtLimit(const std::string& csv, const nlohmann::json& queues) {
  const CsvTable t = ParseCsv(csv, "curves.csv");
  std::map<std::string, double> first;
  for (const std::vector<std::string>& row : t.rows) {
    for (std::size_t c = 1; c < row.size(); ++c) {
      const std::string& name = t.header[c];
      if (first.count(name) || !queues.contains(name)) continue;
      if (AtLimit(std::stoll(row[c]), queues[name]["limit"].get<std::int64_t>())) first[name] = std::stod(row[0]);
    }
  }
  return first;
}

// When the queue first reached its limit: exactly its peak time if the peak is the limit (a
// write or read queue: the level never goes above it); otherwise the start of the first sample
// interval of curves.csv at the limit (the peak of a socket or an outgoing queue overshoots the
// limit, and the time of that peak says nothing of when the limit was first reached).
std::optional<double> FirstAtLimit(const std::map<std::string, double>& first_interval, const std::string& name,
                                   const nlohmann::json& q, bool* exact) {
  *exact = q["peak"].get<std::int64_t>() == q["limit"].get<std::int64_t>() && q["peak"].get<std::int64_t>() > 0;
  if (*exact) return q["peak_time_s"].get<double>();
  auto f = first_interval.find(name);
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
  const nlohmann::json& queues = r.summary["queues"];
  const std::map<std::string, double> first = FirstIntervalAtLimit(r.curves_csv, queues);
  std::vector<QueueHeadroom> out;
  for (auto it = queues.begin(); it != queues.end(); ++it) {
    const nlohmann::json& q = it.value();
    QueueHeadroom h;
    h.name = it.key();
    h.unit = q["unit"].get<std::string>();
    h.limit = q["limit"].get<std::int64_t>();
    h.peak = q["peak"].get<std::int64_t>();
    h.fraction = static_cast<double>(h.peak) / static_cast<double>(std::max<std::int64_t>(h.limit, 1));
    h.peak_time_s = q["peak_time_s"].get<double>();
    h.refused = q["refused"].get<std::uint64_t>();
    h.time_at_limit_s = q["time_at_limit_s"].get<double>();
    h.first_at_limit_s = FirstAtLimit(first, h.name, q, &h.first_at_limit_exact);
    out.push_back(h);
  }
  std::stable_sort(out.begin(), out.end(), CloserToLimit);
  return out;
}

// The pipeline's processes by busy fraction; the workload's own processes (mounter.*) are the
// storm, not a stage of the pipeline, and are left out.
std::vector<ProcessLoad> ProcessTable(const nlohmann::json& summary, double from, double to) {
  std::vector<ProcessLoad> out;
  const double span = to - from;
  for (auto it = summary["processes"].begin(); it != summary["processes"].end(); ++it) {
    if (it.key().rfind("mounter.", 0) == 0) continue;
    const double busy = it.value()["busy_s"].get<double>();
    out.push_back(ProcessLoad{it.key(), busy, span > 0 ? busy / span : 0.0});
  }
  std::stable_sort(out.begin(), out.end(), [](const ProcessLoad& a, const ProcessLoad& b) { return a.fraction > b.fraction; });
  return out;
}

std::string HeadroomAnswer(const Headroom& h) {
  std::string answer;
  if (h.queues.empty() || h.queues[0].peak == 0) {
    answer = "no queue held anything";
  } else {
    const QueueHeadroom& top = h.queues[0];
    answer = top.name + " peaked at " + FormatPercent(top.fraction) + " of its limit at " + FormatSeconds(nlohmann::json(top.peak_time_s)) + " s";
  }
  answer += h.first_at_limit ? "; first at its limit: " + h.first_at_limit->name + " at " +
                                   (h.first_at_limit->first_at_limit_exact ? "" : "~") +
                                   FormatSeconds(nlohmann::json(*h.first_at_limit->first_at_limit_s)) + " s"
                             : "; no queue reached its limit";
  if (!h.processes.empty()) {
    answer += "; busiest: " + h.processes[0].name + " (" + FormatPercent(h.processes[0].fraction) + " of the time)";
  }
  return answer;
}

}  // namespace

Headroom AnalyzeHeadroom(const Scenario& s) {
  const RunResult r = RunScenario(s);
  Headroom h;
  h.end_time_s = r.summary["end_time_s"].get<double>();
  h.active_from_s = std::min(FirstOperationTime(s), h.end_time_s);
  h.queues = QueueTable(r);
  h.processes = ProcessTable(r.summary, h.active_from_s, h.end_time_s);
  for (const QueueHeadroom& q : h.queues) {
    if (q.first_at_limit_s && (!h.first_at_limit || *q.first_at_limit_s < *h.first_at_limit->first_at_limit_s)) {
      h.first_at_limit = q;
    }
  }
  h.answer = HeadroomAnswer(h);
  return h;
}

// ================================================================================================
// critical
// ================================================================================================

namespace {

Trial MakeTrial(std::int64_t value, const nlohmann::json& summary, const std::string& queue) {
  const nlohmann::json& q = summary.at("queues").at(queue);
  return Trial{value, Overflows(summary, queue), q["refused"].get<std::uint64_t>(), q["time_at_limit_s"].get<double>(),
               q["peak"].get<std::int64_t>()};
}

Assignments With(const Assignments& fixed, const std::string& path, std::int64_t value) {
  Assignments a = fixed;
  a.emplace_back(path, value);
  return a;
}

// A bisection over integers: `lo` does not overflow, `hi` does (or is not known yet).
class Search {
 public:
  Search(Runner& runner, const CriticalQuery& q, std::vector<Trial>* tried) : runner_(runner), q_(q), tried_(tried) {}

  Trial Eval(std::int64_t v) { return Record(v, runner_.Summary(With(q_.fixed, q_.axis, v))); }

  // Both values, run at once; recorded in the order given.
  std::pair<Trial, Trial> EvalPair(std::int64_t a, std::int64_t b) {
    std::vector<nlohmann::json> s = runner_.Summaries({With(q_.fixed, q_.axis, a), With(q_.fixed, q_.axis, b)});
    Trial ta = Record(a, s[0]);
    return {ta, Record(b, s[1])};
  }

 private:
  Trial Record(std::int64_t v, const nlohmann::json& summary) {
    tried_->push_back(MakeTrial(v, summary, q_.queue));
    return tried_->back();
  }
  Runner& runner_;
  const CriticalQuery& q_;
  std::vector<Trial>* tried_;
};

// The probes still worth trying above `lo`, ending with `to`.
std::vector<std::int64_t> UpperCandidates(const CriticalQuery& q, std::int64_t lo) {
  std::vector<std::int64_t> c;
  for (std::int64_t p : q.probes) {
    if (p > lo && p < q.to && (c.empty() || p > c.back())) c.push_back(p);
  }
  c.push_back(q.to);
  return c;
}

}  // namespace

std::vector<std::int64_t> DefaultProbes(std::int64_t from, std::int64_t to, std::int64_t current) {
  std::vector<std::int64_t> probes;
  for (std::int64_t p : {current, 2 * current}) {
    if (p > from && p < to) probes.push_back(p);
  }
  return probes;
}

CriticalResult FindCritical(Runner& runner, const CriticalQuery& q, const std::vector<Trial>& known) {
  if (q.from >= q.to) throw InputError("--from must be below --to");
  CriticalResult r;
  Search search(runner, q, &r.tried);

  // What earlier runs already say, assuming monotonicity: the largest value without overflow below
  // the smallest value with one.
  std::optional<std::int64_t> lo, hi;
  for (const Trial& t : known) {
    if (t.value < q.from || t.value > q.to) continue;
    if (t.overflowed && (!hi || t.value < *hi)) hi = t.value;
  }
  for (const Trial& t : known) {
    if (t.value >= q.from && t.value <= q.to && !t.overflowed && (!hi || t.value < *hi) && (!lo || t.value > *lo)) lo = t.value;
  }
  if (hi && *hi == q.from) {
    r.outcome = CriticalResult::Outcome::kOverflowsAtFrom;
    return r;
  }

  // The lower end must not overflow; the first upper candidate is needed too unless `from`
  // overflows, so both run at once.
  std::vector<std::int64_t> upper = UpperCandidates(q, lo.value_or(q.from));
  std::size_t next_upper = 0;
  if (!lo) {
    Trial at_from;
    if (!hi) {
      auto [a, b] = search.EvalPair(q.from, upper[0]);
      at_from = a;
      if (b.overflowed) hi = b.value; else lo = b.value;
      next_upper = 1;
    } else {
      at_from = search.Eval(q.from);
    }
    if (at_from.overflowed) {
      r.outcome = CriticalResult::Outcome::kOverflowsAtFrom;
      return r;
    }
    if (!lo) lo = q.from;
  }
  // An upper end that overflows: the probes in order, then `to`.
  for (; !hi && next_upper < upper.size(); ++next_upper) {
    if (upper[next_upper] <= *lo) continue;
    Trial t = search.Eval(upper[next_upper]);
    if (t.overflowed) hi = t.value; else lo = t.value;
  }
  if (!hi) {
    r.outcome = CriticalResult::Outcome::kNoOverflow;
    return r;
  }
  while (*hi - *lo > 1) {
    const std::int64_t mid = *lo + (*hi - *lo) / 2;
    if (search.Eval(mid).overflowed) hi = mid; else lo = mid;
  }
  r.critical = *hi;
  r.largest_safe = *lo;
  return r;
}

// ================================================================================================
// size
// ================================================================================================

namespace {

// Marshalled size of a member's messages. PropertiesChanged comes in pairs per announced unit
// (the type interface, then org.freedesktop.systemd1.Unit); in a storm almost every announced
// unit is a mount unit, so the pair's mean is taken.
double MemberBytes(const std::string& member, const MessageSizeParams& m) {
  if (member == "PropertiesChanged") return (m.properties_changed_mount + m.properties_changed_unit) / 2.0;
  if (member == "UnitNew") return m.unit_new;
  if (member == "UnitRemoved") return m.unit_removed;
  if (member == "JobNew") return m.job_new;
  if (member == "JobRemoved") return m.job_removed;
  if (member == "StartTransientUnit") return m.start_transient_unit;
  if (member == "CreateSession") return m.create_session;
  if (member == "MethodReturn") return m.method_return;
  if (member == "Error") return m.error;
  return (m.properties_changed_mount + m.properties_changed_unit) / 2.0;
}

// The process whose sd-bus connection holds a message queue, and which of its counts (sent for
// a write queue, received for a read queue) passes through it.
std::pair<std::string, std::string> QueueOwner(const std::string& queue) {
  const bool write = queue.size() > 7 && queue.compare(queue.size() - 7, 7, ".wqueue") == 0;
  const std::string direction = write ? "sent" : "received";
  if (queue.rfind("systemd.", 0) == 0) return {"systemd", direction};
  return {queue.substr(0, queue.rfind('.')), direction};
}

}  // namespace

double MeanMessageBytes(const nlohmann::json& summary, const Scenario& s, const std::string& queue) {
  const auto [process, direction] = QueueOwner(queue);
  double count = 0, bytes = 0;
  if (summary["messages"].contains(process)) {
    const nlohmann::json& members = summary["messages"][process]["by_member"];
    for (auto it = members.begin(); it != members.end(); ++it) {
      const double n = it.value()[direction].get<double>();
      count += n;
      bytes += n * MemberBytes(it.key(), s.message_sizes);
    }
  }
  return count > 0 ? bytes / count : MemberBytes("PropertiesChanged", s.message_sizes);
}

SizeResult FindSize(Runner& runner, const std::string& queue, std::optional<std::int64_t> max) {
  const std::map<std::string, QueueInfo> inventory = QueueInventory(runner.base().scenario);
  SizeResult r;
  r.param = LimitFor(runner.base(), inventory, queue);
  r.unit = inventory.at(queue).unit;
  r.current = inventory.at(queue).limit;
  const std::int64_t top = max.value_or(r.param.maximum);
  if (top < r.param.minimum || top > r.param.maximum) {
    throw InputError("--max: " + r.param.path + " accepts " + std::to_string(r.param.minimum) + " to " +
                     std::to_string(r.param.maximum) + ", found " + std::to_string(top));
  }
  auto eval = [&](std::int64_t limit) {
    const nlohmann::json summary = runner.Summary({{r.param.path, limit}});
    r.tried.push_back(MakeTrial(limit, summary, queue));
    return r.tried.back();
  };

  // With the limit out of reach the queue shows what it would hold: its unconstrained peak P.
  const Trial unconstrained = eval(top);
  r.unconstrained_peak = unconstrained.peak;
  if (unconstrained.overflowed) {
    r.outcome = SizeResult::Outcome::kRefusesAtMax;
    r.limit = top;
    return r;
  }
  // A limit of P cannot refuse (the run is the unconstrained one), but a queue that counts time
  // at its limit (dbus.in.*) needs more: try P, P + 1, 2P before falling back to `top`.
  std::int64_t hi = top, lo = r.param.minimum - 1;  // lo: overflows, or below every allowed value
  for (std::int64_t c : {unconstrained.peak, unconstrained.peak + 1, 2 * unconstrained.peak}) {
    c = std::max(c, r.param.minimum);
    if (c <= lo || c >= hi) continue;
    if (eval(c).overflowed) {
      lo = c;
    } else {
      hi = c;
      break;
    }
  }
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (eval(mid).overflowed) lo = mid; else hi = mid;
  }
  r.limit = hi;
  r.outcome = hi == r.param.minimum ? SizeResult::Outcome::kSafeAtMinimum : SizeResult::Outcome::kFound;

  const nlohmann::json at_limit = runner.Summary({{r.param.path, r.limit}});
  if (r.unit == "messages") {
    r.mean_message_bytes = MeanMessageBytes(at_limit, runner.base().scenario, queue);
    r.bytes_per_entry = kSdBusMessageStructBytes + r.mean_message_bytes;
  } else {
    r.bytes_per_entry = 1;
  }
  for (const std::string& other : r.param.sharing) {
    if (Overflows(at_limit, other)) r.sharing_refused[other] = at_limit["queues"][other]["refused"].get<std::uint64_t>();
  }
  return r;
}

// ================================================================================================
// scaling
// ================================================================================================

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
  const std::vector<nlohmann::json> summaries = runner.Summaries(runs);
  std::vector<VolumePoint> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const nlohmann::json& pid1 = summaries[i]["messages"]["systemd"];
    // The volume PID 1 produced: what sd-bus accepted plus what the full write queue refused, so
    // that an overflow does not bend the curve.
    out.push_back(VolumePoint{values[i], pid1["sent"].get<std::uint64_t>() + pid1["dropped"]["enobufs"].get<std::uint64_t>(),
                              Overflows(summaries[i], q.queue), summaries[i]["stopped_by"] == "stop_at"});
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

  r.param = LimitFor(runner.base(), inventory, q.queue);
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
