// The planner (tools/planner.h, docs/PLANNING.md): critical and size agree with brute force over
// the same axis, scaling measures the exponent of the message volume (2 when every scan
// re-announces every mount, 1 when none does), headroom names the queue at its limit, and the
// answers do not depend on the number of threads.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "planner/planner.h"
#include "tests/test_support.h"

using namespace mountstorm;
using namespace mountstorm::planner;
using mountstorm::test::ReadFile;
using mountstorm::test::SourcePath;
using mountstorm::test::TempDir;

namespace {

nlohmann::json NfsTemplate() { return {{"path", "/nfs/u{i}"}, {"source", "nfs01:/u{i}"}, {"fstype", "nfs4"}}; }

// The incident's host (64 lines: 26 NFS mounts and 6 /dev-backed devices re-announced by every
// scan) with `count` NFS automounts 20 ms apart, each scanned on its own; PID 1's write queue is
// cut to 200 messages and its socket to 16 KiB, so that a scan's burst of 2 x (k + 32) signals
// fills the queue from about 75 mounts on. Every run takes milliseconds.
nlohmann::json SmallStorm(int count) {
  nlohmann::json doc = nlohmann::json::parse(ReadFile(SourcePath("scenarios/incident-single-mount.json")));
  doc["name"] = "small-storm";
  doc["workload"] = {{{"kind", "interval"}, {"name", "storm"}, {"count", count}, {"start_s", 1},
                      {"interval_ms", 20}, {"mount", NfsTemplate()}}};
  doc["systemd"] = {{"wqueue_max", 200}, {"socket_sndbuf_bytes", 16384}};
  return doc;
}

// scenarios/steady-nfs-storm.json: a small table (the root on /dev/sda1 and an autofs map) and one
// NFS mount every 100 ms, each scanned on its own. Under rhel7.7 scan k re-announces the k - 1 NFS
// mount units before it and the root's device: N + 2 sum (k - 1 + 1) = N^2 + 2N messages, a
// log-log slope of (2N + 2) / (N + 2), close to 2. Under v248 each mount is one UnitNew: N messages.
nlohmann::json SteadyStorm() {
  return nlohmann::json::parse(ReadFile(SourcePath("scenarios/steady-nfs-storm.json")));
}

// The smallest value of `values` whose run overflows `queue`, trying each one (no search).
std::optional<std::int64_t> BruteForceSmallest(Runner& runner, const std::string& path, std::int64_t from,
                                               std::int64_t to, const std::string& queue, const Assignments& fixed = {}) {
  std::vector<Assignments> runs;
  for (std::int64_t v = from; v <= to; ++v) {
    Assignments a = fixed;
    a.emplace_back(path, v);
    runs.push_back(a);
  }
  const std::vector<RunResult> summaries = runner.Summaries(runs);
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    if (Overflows(summaries[i], queue)) return from + static_cast<std::int64_t>(i);
  }
  return std::nullopt;
}

// The planner's base for a scenario document built in code, named `origin` in messages.
Base BaseFromJson(const nlohmann::json& doc, const std::string& origin, const std::vector<std::string>& sets = {}) {
  return BaseFromDocument(ScenarioDocument::FromText(doc.dump(), origin), sets);
}

std::vector<std::int64_t> Values(const std::vector<Trial>& tried) {
  std::vector<std::int64_t> v;
  for (const Trial& t : tried) v.push_back(t.value);
  return v;
}

}  // namespace

TEST_CASE("critical: bisection finds the storm size brute force finds", "[planner]") {
  const Base base = BaseFromJson(SmallStorm(1), "small-storm");
  Runner brute(base, 2);
  const std::optional<std::int64_t> expected = BruteForceSmallest(brute, "/workload/0/count", 1, 120, "systemd.wqueue");
  REQUIRE(expected.has_value());
  INFO("brute force: " << *expected);
  REQUIRE(*expected > 1);
  REQUIRE(*expected < 120);

  Runner runner(base, 2);
  CriticalQuery q;
  q.axis = "/workload/0/count";
  q.from = 1;
  q.to = 120;
  const CriticalResult r = FindCritical(runner, q);
  REQUIRE(r.outcome == CriticalResult::Outcome::kFound);
  CHECK(r.critical == *expected);
  CHECK(r.largest_safe == *expected - 1);
  // A bisection: about log2(120) + 2 runs, not 120.
  CHECK(r.tried.size() <= 10);

  // With probes (as without --to) and with earlier runs to start from, the same answer.
  q.probes = DefaultProbes(q.from, q.to, 30);
  CHECK(FindCritical(runner, q).critical == *expected);
  CHECK(FindCritical(runner, q, {Trial{40, false, 0, 0, 0}, Trial{100, true, 1, 0, 0}}).critical == *expected);
}

TEST_CASE("critical: says when the lower end overflows and when nothing overflows", "[planner]") {
  Runner runner(BaseFromJson(SmallStorm(1), "small-storm"), 1);
  CriticalQuery q;
  q.axis = "/workload/0/count";
  q.from = 1;
  q.to = 30;
  CHECK(FindCritical(runner, q).outcome == CriticalResult::Outcome::kNoOverflow);
  q.from = 100;
  q.to = 120;
  CHECK(FindCritical(runner, q).outcome == CriticalResult::Outcome::kOverflowsAtFrom);
}

TEST_CASE("critical: the same runs and answer on one thread and on two", "[planner]") {
  const Base base = BaseFromJson(SmallStorm(1), "small-storm");
  CriticalQuery q;
  q.axis = "/workload/0/count";
  q.from = 1;
  q.to = 120;
  q.probes = {30, 60};
  Runner one(base, 1), two(base, 2);
  const CriticalResult a = FindCritical(one, q), b = FindCritical(two, q);
  CHECK(Values(a.tried) == Values(b.tried));
  CHECK(a.critical == b.critical);
  CHECK(one.runs() == two.runs());
}

TEST_CASE("size: the smallest write-queue limit with no refusal is the one brute force finds", "[planner]") {
  const Base base = BaseFromJson(SmallStorm(60), "small-storm");
  Runner runner(base, 1);
  const SizeResult r = FindSize(runner, "systemd.wqueue", std::nullopt);
  REQUIRE(r.outcome == SizeResult::Outcome::kFound);
  CHECK(r.param.path == "/systemd/wqueue_max");
  CHECK(r.current == 200);
  CHECK(r.unit == "messages");
  REQUIRE(r.unconstrained_peak > 1);

  // Every limit from 1 to just above the unconstrained peak.
  Runner brute(base, 2);
  std::vector<Assignments> runs;
  for (std::int64_t limit = 1; limit <= r.unconstrained_peak + 2; ++limit) runs.push_back({{"/systemd/wqueue_max", limit}});
  const std::vector<RunResult> summaries = brute.Summaries(runs);
  std::optional<std::int64_t> smallest_safe;
  for (std::size_t i = 0; i < summaries.size() && !smallest_safe; ++i) {
    if (!Overflows(summaries[i], "systemd.wqueue")) smallest_safe = static_cast<std::int64_t>(i) + 1;
  }
  REQUIRE(smallest_safe.has_value());
  CHECK(r.limit == *smallest_safe);
  // Found in three runs: at the maximum (the peak P), at P, at P - 1 (it refuses).
  CHECK(r.limit == r.unconstrained_peak);
  CHECK(Values(r.tried).size() == 3);
  // And every limit above it refuses nothing: the bisection's monotonicity holds here.
  for (std::size_t i = static_cast<std::size_t>(*smallest_safe) - 1; i < summaries.size(); ++i) {
    CHECK_FALSE(Overflows(summaries[i], "systemd.wqueue"));
  }
  // Memory: 904 bytes of struct sd_bus_message plus a marshalled message of a few hundred bytes.
  CHECK(r.mean_message_bytes > 264);
  CHECK(r.mean_message_bytes < 884);
  CHECK(r.bytes_per_entry == Approx(904 + r.mean_message_bytes));
}

TEST_CASE("size: the train engine tries the same limits and finds the same one", "[planner][engine]") {
  const Base base = BaseFromJson(SmallStorm(60), "small-storm");
  Runner messages(base, 1, Engine::kMessages);
  Runner trains(base, 1, Engine::kTrains);
  const SizeResult a = FindSize(messages, "systemd.wqueue", std::nullopt);
  const SizeResult b = FindSize(trains, "systemd.wqueue", std::nullopt);
  REQUIRE(a.outcome == SizeResult::Outcome::kFound);
  CHECK(b.limit == a.limit);
  CHECK(b.unconstrained_peak == a.unconstrained_peak);
  CHECK(Values(b.tried) == Values(a.tried));
  CHECK(b.mean_message_bytes == a.mean_message_bytes);
}

TEST_CASE("size: a byte queue's limit is exact to the byte, and a shared limit is named", "[planner]") {
  // logind reads nothing for 0.5 s during the storm, so dbus-daemon queues megabytes for it.
  nlohmann::json doc = SmallStorm(40);
  doc["logind"] = {{"busy", {{{"start_s", 1}, {"length_s", 0.5}}}}};
  Runner runner(BaseFromJson(doc, "stalled-logind"), 1);
  const SizeResult r = FindSize(runner, "dbus.out.logind", std::nullopt);
  REQUIRE(r.outcome == SizeResult::Outcome::kFound);
  CHECK(r.param.path == "/dbus/max_outgoing_bytes");
  CHECK(r.unit == "bytes");
  CHECK(r.bytes_per_entry == 1);
  CHECK(std::find(r.param.sharing.begin(), r.param.sharing.end(), "dbus.out.systemd") != r.param.sharing.end());

  // Brute force over a grid of limits and the bytes next to the answer.
  Runner brute(runner.base(), 2);
  std::vector<std::int64_t> limits = {r.limit - 1, r.limit, r.limit + 1};
  for (int k = 1; k <= 8; ++k) limits.push_back(r.unconstrained_peak * k / 8);
  std::vector<Assignments> runs;
  for (std::int64_t l : limits) runs.push_back({{"/dbus/max_outgoing_bytes", l}});
  const std::vector<RunResult> summaries = brute.Summaries(runs);
  for (std::size_t i = 0; i < limits.size(); ++i) {
    INFO("limit " << limits[i] << ", answer " << r.limit);
    CHECK(Overflows(summaries[i], "dbus.out.logind") == (limits[i] < r.limit));
  }
}

TEST_CASE("size: the limit of each kind of queue is the scenario value that sets it", "[planner]") {
  nlohmann::json doc = SmallStorm(1);
  doc["subscribers"] = {{{"name", "agent"}, {"private_connection", true}},
                        {{"name", "watcher"}, {"match_rules", {"type='signal'"}}}};
  doc["logins"] = {{{"name", "crond"}, {"at_s", {2}}}};
  const Base base = BaseFromJson(doc, "clients");
  const std::map<std::string, QueueInfo> inventory = QueueInventory(base.scenario);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"systemd.wqueue", "/systemd/wqueue_max"},
      {"systemd.private.agent.wqueue", "/systemd/wqueue_max"},
      {"systemd.rqueue", "/systemd/rqueue_max"},
      {"systemd.socket", "/systemd/socket_sndbuf_bytes"},
      {"systemd.private.agent.socket", "/systemd/socket_sndbuf_bytes"},
      {"logind.rqueue", "/logind/rqueue_max"},
      {"agent.rqueue", "/subscribers/0/rqueue_max"},
      {"watcher.socket", "/subscribers/1/socket_sndbuf_bytes"},
      {"dbus.socket.watcher", "/dbus/socket_sndbuf_bytes"},
      {"dbus.out.crond", "/dbus/max_outgoing_bytes"},
      {"dbus.in.logind", "/dbus/max_incoming_bytes"},
      {"crond.socket", "/logind/socket_sndbuf_bytes"},
  };
  for (const auto& [queue, path] : expected) {
    INFO(queue);
    CHECK(LimitFor(inventory, queue).path == path);
  }
  // Every queue the model reports has a limit the planner can set: a scenario value whose current
  // value is the queue's limit, within the range the planner searches, shared with queues whose
  // limit the same value sets.
  for (const auto& [queue, info] : inventory) {
    INFO(queue);
    const LimitParam p = LimitFor(inventory, queue);
    const std::optional<nlohmann::json> current = CurrentValue(base, p.path);
    REQUIRE(current.has_value());
    CHECK(*current == info.limit);
    CHECK(p.minimum <= info.limit);
    CHECK(info.limit <= p.maximum);
    for (const std::string& other : p.sharing) {
      INFO("shared with " << other);
      CHECK(other != queue);
      CHECK(LimitFor(inventory, other).path == p.path);
    }
  }
  const LimitParam shared = LimitFor(inventory, "systemd.wqueue");
  CHECK(shared.sharing == std::vector<std::string>{"systemd.private.agent.wqueue"});
}

TEST_CASE("a queue that does not exist is an input error that lists the queues", "[planner]") {
  const Base base = BaseFromJson(SmallStorm(1), "small-storm");
  const std::map<std::string, QueueInfo> inventory = QueueInventory(base.scenario);
  REQUIRE_THROWS_AS(RequireQueue(inventory, "systemd.wqeue"), InputError);
  try {
    RequireQueue(inventory, "systemd.wqeue");
  } catch (const InputError& e) {
    const std::string message = e.what();
    CHECK(message.find("systemd.wqeue") != std::string::npos);
    CHECK(message.find("systemd.wqueue") != std::string::npos);
    CHECK(message.find("logind.rqueue") != std::string::npos);
  }
  // Through the command, before any run.
  const std::string path = TempDir("planner") + "/small.json";
  std::ofstream(path) << SmallStorm(1).dump();
  CHECK_THROWS_AS(CriticalCommand({path, "--axis", "/workload/0/count", "--queue", "nope"}), InputError);
  CHECK_THROWS_AS(SizeCommand({path, "--queue", "nope"}), InputError);
  CHECK_THROWS_AS(CriticalCommand({path, "--axis", "/workload/0/count", "--from", "9", "--to", "3"}), InputError);
  CHECK_THROWS_AS(ScalingCommand({path, "--axis", "/workload/0/count", "--from", "0", "--to", "3"}), InputError);
}

TEST_CASE("scaling: messages grow as N^2 under rhel7.7 and as N under v248", "[planner]") {
  ScalingQuery q;
  q.axis = "/workload/0/count";
  q.from = 100;
  q.to = 1600;
  q.points = 5;
  q.with_limits = false;
  for (const auto& [profile, exponent] : {std::pair<std::string, double>{"rhel7.7", 2.0}, {"v248", 1.0}}) {
    INFO(profile);
    Runner runner(BaseFromJson(SteadyStorm(), "steady-storm", {"/profile=" + profile}), 2);
    const ScalingResult r = AnalyzeScaling(runner, q);
    REQUIRE(r.volume.size() == 5);
    CHECK(r.volume.front().value == 100);
    CHECK(r.volume.back().value == 1600);
    CHECK(r.volume_fit.slope == Approx(exponent).margin(0.1));
    CHECK(r.volume_fit.r2 > 0.99);
  }
}

TEST_CASE("scaling: the critical storm at each limit is the one critical finds", "[planner]") {
  Runner runner(BaseFromJson(SmallStorm(1), "small-storm"), 2);
  ScalingQuery q;
  q.axis = "/workload/0/count";
  q.from = 10;
  q.to = 320;
  q.points = 4;
  q.limits = {100, 200, 400};
  const ScalingResult r = AnalyzeScaling(runner, q);
  CHECK(r.param.path == "/systemd/wqueue_max");
  CHECK(r.current_limit == 200);
  REQUIRE(r.limits.size() == 3);
  for (const LimitPoint& lp : r.limits) {
    INFO("limit " << lp.limit);
    REQUIRE(lp.critical.outcome == CriticalResult::Outcome::kFound);
    Runner alone(runner.base(), 1);
    CriticalQuery cq;
    cq.axis = q.axis;
    cq.from = q.from;
    cq.to = q.to;
    cq.fixed = {{"/systemd/wqueue_max", lp.limit}};
    CHECK(FindCritical(alone, cq).critical == lp.critical.critical);
  }
  // A scan's burst grows linearly with the table, so the safe storm grows with the limit, and
  // faster than its square root.
  REQUIRE(r.limit_fit.has_value());
  CHECK(r.limit_fit->slope > 0.5);
  CHECK(r.limit_fit->slope < 1.5);
}

TEST_CASE("FitLogLog recovers a power law, LogSpaced spans the range", "[planner]") {
  const LogLogFit f = FitLogLog({1, 2, 4, 8, 16}, {3, 12, 48, 192, 768});
  CHECK(f.slope == Approx(2.0));
  CHECK(std::exp(f.intercept) == Approx(3.0));
  CHECK(f.r2 == Approx(1.0));
  const std::vector<std::int64_t> v = LogSpaced(100, 1600, 5);
  CHECK(v == std::vector<std::int64_t>{100, 200, 400, 800, 1600});
  CHECK(LogSpaced(1, 3, 8) == std::vector<std::int64_t>{1, 2, 3});
  CHECK_THROWS_AS(LogSpaced(0, 10, 3), InputError);
}

TEST_CASE("headroom: the full write queue first, the first queue at its limit, the busiest process", "[planner]") {
  const Base base = BaseFromJson(SmallStorm(100), "small-storm");
  const Headroom h = AnalyzeHeadroom(base.scenario);
  REQUIRE_FALSE(h.queues.empty());
  CHECK(h.queues[0].name == "systemd.wqueue");
  CHECK(h.queues[0].fraction == 1.0);
  CHECK(h.queues[0].refused > 0);
  REQUIRE(h.first_at_limit.has_value());
  for (const QueueHeadroom& q : h.queues) {
    if (q.first_at_limit_s) CHECK(*q.first_at_limit_s >= *h.first_at_limit->first_at_limit_s);
  }
  CHECK(h.active_from_s == 1.0);
  REQUIRE_FALSE(h.processes.empty());
  for (std::size_t i = 1; i < h.processes.size(); ++i) CHECK(h.processes[i - 1].fraction >= h.processes[i].fraction);
  // The verdict on the system first, then the queue closest to its limit.
  CHECK_FALSE(h.system.healthy);
  CHECK(h.answer.rfind("not healthy: systemd.wqueue refused " + std::to_string(h.queues[0].refused) + " messages. ", 0) == 0);
  CHECK(h.answer.find(". systemd.wqueue peaked at 100.0 % of its limit") != std::string::npos);
  CHECK(h.answer.find("busiest: " + h.processes[0].name) != std::string::npos);
  // Busy over the storm: from the first mount until the write queue drained.
  CHECK(h.storm_end_s == Approx(ToSeconds(*QueueOf(RunScenario(base.scenario), "systemd.wqueue").drained)));
  CHECK(h.processes[0].fraction == Approx(h.processes[0].busy_s / (h.storm_end_s - h.active_from_s)));

  // The shipped single mount: 65 messages, nowhere near a limit.
  const Headroom quiet = AnalyzeHeadroom(LoadBase(SourcePath("scenarios/incident-single-mount.json"), {}).scenario);
  CHECK_FALSE(quiet.first_at_limit.has_value());
  CHECK(quiet.answer.find("no queue reached its limit") != std::string::npos);
  CHECK(quiet.system.healthy);
  CHECK(quiet.answer.rfind("healthy: nothing refused or lost anywhere and every login succeeded. ", 0) == 0);
}

// SmallStorm(100) with logind slowed to 100 us a message and dbus-daemon's outgoing queues cut to
// 20,000 bytes: dbus-daemon's queue for logind refuses first, then PID 1's write queue.
Base TwoQueueStorm() {
  return BaseFromJson(SmallStorm(100), "two-queue-storm", {"/logind/per_message_us=100", "/dbus/max_outgoing_bytes=20000"});
}

TEST_CASE("the system verdict names every refusing queue in the order it began to refuse", "[planner]") {
  Runner runner(TwoQueueStorm(), 1);
  const RunResult r = runner.Summary({});
  const SystemVerdict v = JudgeSystem(r);
  REQUIRE_FALSE(v.healthy);
  const QueueResult& out = QueueOf(r, "dbus.out.logind");
  const QueueResult& wqueue = QueueOf(r, "systemd.wqueue");
  REQUIRE(out.refused > 0);
  REQUIRE(wqueue.refused > 0);
  REQUIRE(*out.first_refusal < *wqueue.first_refusal);
  // Each loss once: dbus-daemon's drops are not counted again at logind.
  REQUIRE(v.problems.size() == 2);
  CHECK(v.problems[0] == "dbus.out.logind refused " + std::to_string(out.refused) + " messages");
  CHECK(v.problems[1] == "systemd.wqueue refused " + std::to_string(wqueue.refused) + " messages");
  REQUIRE(v.first_refusing_queue.has_value());
  CHECK(*v.first_refusing_queue == "dbus.out.logind");
  CHECK(*v.first_refusal_s == Approx(ToSeconds(*out.first_refusal)));
  CHECK(DescribeVerdict(v) == v.problems[0] + "; " + v.problems[1]);
  CHECK(JudgeSystem(runner.Summary({{"/dbus/max_outgoing_bytes", 1LL << 40}, {"/systemd/wqueue_max", 100000}})).healthy);
}

TEST_CASE("size: when the queue's own limit leaves another queue refusing the limits to raise together are named", "[planner]") {
  Runner runner(TwoQueueStorm(), 1);
  const SizeResult own = FindSize(runner, "systemd.wqueue", std::nullopt);
  REQUIRE(own.outcome == SizeResult::Outcome::kFound);
  const SystemSize s = FindSystemSize(runner, own, std::nullopt);
  // The write queue's own limit stops its refusals but not dbus-daemon's.
  CHECK_FALSE(s.at_queue_limit.healthy);
  CHECK_FALSE(s.at_maximum.healthy);
  REQUIRE(s.outcome == SystemSize::Outcome::kTogether);
  // The limits of the two refusing queues, the one asked about last; no socket buffer.
  REQUIRE(s.together.size() == 2);
  CHECK(s.together[0].path == "/dbus/max_outgoing_bytes");
  CHECK(s.together[1].path == "/systemd/wqueue_max");
  Assignments raised;
  for (const LimitSetting& l : s.together) {
    CHECK(l.value > l.current);
    raised.emplace_back(l.path, l.value);
  }
  // Together they make the system healthy, and the last one searched is the smallest that does.
  CHECK(JudgeSystem(runner.Summary(raised)).healthy);
  raised.back().second = raised.back().second.get<std::int64_t>() - 1;
  CHECK_FALSE(JudgeSystem(runner.Summary(raised)).healthy);
}

TEST_CASE("size: a limit that fixes the whole system on its own is the smallest such value", "[planner]") {
  Runner runner(BaseFromJson(SmallStorm(100), "small-storm"), 1);
  const SizeResult own = FindSize(runner, "systemd.wqueue", std::nullopt);
  const SystemSize s = FindSystemSize(runner, own, std::nullopt);
  REQUIRE(s.outcome == SystemSize::Outcome::kSingleLimit);
  CHECK(JudgeSystem(runner.Summary({{"/systemd/wqueue_max", s.system_limit}})).healthy);
  CHECK_FALSE(JudgeSystem(runner.Summary({{"/systemd/wqueue_max", s.system_limit - 1}})).healthy);
  CHECK(s.system_limit >= own.limit);
}

TEST_CASE("critical for the whole system finds the smallest storm brute force finds unhealthy", "[planner]") {
  Runner runner(TwoQueueStorm(), 2);
  CriticalQuery q;
  q.axis = "/workload/0/count";
  q.queue = kSystem;
  q.from = 1;
  q.to = 100;
  const CriticalResult r = FindCritical(runner, q);
  REQUIRE(r.outcome == CriticalResult::Outcome::kFound);
  std::vector<Assignments> runs;
  for (std::int64_t n = 1; n <= 100; ++n) runs.push_back({{"/workload/0/count", n}});
  const std::vector<RunResult> summaries = runner.Summaries(runs);
  std::int64_t first = 0;
  for (std::size_t i = 0; i < summaries.size() && first == 0; ++i) {
    if (!JudgeSystem(summaries[i]).healthy) first = static_cast<std::int64_t>(i) + 1;
  }
  CHECK(r.critical == first);
  // The system fails no later than the write queue alone overflows.
  q.queue = "systemd.wqueue";
  const CriticalResult wqueue = FindCritical(runner, q);
  REQUIRE(wqueue.outcome == CriticalResult::Outcome::kFound);
  CHECK(r.critical <= wqueue.critical);
}
