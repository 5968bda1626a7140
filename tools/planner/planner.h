// Planner answers (docs/PLANNING.md): how close a scenario comes to each queue limit (headroom),
// the smallest storm that overflows a queue (critical), the smallest limit that refuses nothing
// (size), and how message volume and the safe storm scale with storm size and limit (scaling).
//
// Each answer comes from whole runs of the simulator with some values of the scenario changed,
// searched by bisection. Every search is deterministic: the same scenario, overrides and options
// give the same runs in the same order and the same answer, whatever the number of threads
// (threads only run independent runs at once, and results are kept by index, not by finish time).
//
// One file per part below: base.cc (the base scenario and the runs), queues.cc, headroom.cc,
// critical.cc, size.cc and scaling.cc.
#ifndef MOUNTSTORM_TOOLS_PLANNER_PLANNER_H_
#define MOUNTSTORM_TOOLS_PLANNER_PLANNER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/progress.h"
#include "mountstorm/result.h"
#include "mountstorm/run.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

namespace planner {

// "/json/pointer" -> value: changes made to the base scenario for one run.
using Assignments = std::vector<std::pair<std::string, nlohmann::json>>;

// The scenario every run of a command starts from: the file's JSON with the command line's
// overrides applied (--profile first, then each --set), and that document parsed.
struct Base {
  std::string origin;  // names the scenario in messages (its file, or what built it)
  ScenarioDocument doc;
  Scenario scenario;
};

// Reads `path` and applies `sets`; checks the result as `mountstorm run` would (InputError).
Base LoadBase(const std::string& path, const std::vector<std::string>& sets);
// The same for a document built in code (tests).
Base BaseFromDocument(ScenarioDocument doc, const std::vector<std::string>& sets = {});

// The base scenario with `a` applied. InputError if a path or value is not accepted.
Scenario Apply(const Base& base, const Assignments& a);

// The value at `path` in the base document, or, if the document does not set it, the default
// `mountstorm params` lists for it under the base's profile; nullopt if neither exists.
std::optional<nlohmann::json> CurrentValue(const Base& base, const std::string& path);

// Runs scenarios made from one base, each distinct scenario once (a cache keyed by the whole
// scenario document), on up to `jobs` threads. Safe to call from several threads.
class Runner {
 public:
  // `engine`: how the runs are simulated (mountstorm/run.h); the answers are the same.
  // `progress`, if given, is told the number of runs made after each one (the commands pass a
  // line on stderr for a person at a terminal).
  Runner(Base base, int jobs, Engine engine = Engine::kTrains, Progress* progress = nullptr);
  const Base& base() const { return base_; }
  int jobs() const { return jobs_; }
  // The result of the base with `a` applied (without its curves and events).
  RunResult Summary(const Assignments& a);
  // The results of several runs, run in parallel; in the order given.
  std::vector<RunResult> Summaries(const std::vector<Assignments>& runs);
  // Distinct scenarios simulated so far.
  int runs() const;

 private:
  Base base_;
  int jobs_;
  Engine engine_;
  Progress* progress_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<RunResult>> cache_;
};

// --- queues -------------------------------------------------------------------------------------

struct QueueInfo {
  std::string unit;  // "messages" or "bytes"
  std::int64_t limit = 0;
  std::string limit_parameter;  // the scenario value that sets the limit
};
// The name `critical` takes for the whole pipeline instead of one queue: it "overflows" when a run
// is not healthy (JudgeSystem).
inline constexpr const char* kSystem = "system";

// Every bounded queue of the scenario (the keys of summary.json "queues"), with its unit, limit
// and limiting value, as the model describes them (DescribeQueues).
std::map<std::string, QueueInfo> QueueInventory(const Scenario& s);
// InputError naming `queue` and listing the queues that exist, unless it is one of them (or, with
// `system_ok`, kSystem).
void RequireQueue(const std::map<std::string, QueueInfo>& inventory, const std::string& queue, bool system_ok = false);

// The queue `queue` of a run (InternalError if the run has none: the inventory lists it).
const QueueResult& QueueOf(const RunResult& r, const std::string& queue);
// Whether `queue` overflowed in a run (QueueResult::Overflowed).
bool Overflows(const RunResult& r, const std::string& queue);

// The scenario value that sets a queue's limit.
struct LimitParam {
  std::string path;       // e.g. "/systemd/wqueue_max"
  std::int64_t minimum;   // the smallest value the scenario reader accepts
  std::int64_t maximum;   // the largest
  std::vector<std::string> sharing;  // other queues of the scenario whose limit it also sets
};
// InputError for a queue whose limit no single scenario value sets.
LimitParam LimitFor(const std::map<std::string, QueueInfo>& inventory, const std::string& queue);

// --- the system ---------------------------------------------------------------------------------

// The verdict on the whole pipeline of a run: healthy when no queue refused anything, no message
// was lost, the relay disconnected nobody and every login succeeded.
struct SystemVerdict {
  bool healthy = true;
  // One phrase per problem: the refusing queues in the order they began to refuse, losses no queue
  // counts, disconnects, failed logins.
  std::vector<std::string> problems;
  std::optional<std::string> first_refusing_queue;  // where the system broke first
  std::optional<double> first_refusal_s;
  std::uint64_t failed_logins = 0;
  std::string busiest_process;  // the process with the most CPU time, and that time
  double busiest_cpu_s = 0;
  double end_s = 0;             // the run's end
};
SystemVerdict JudgeSystem(const RunResult& r);
// The problems joined into one sentence, or what a healthy run means.
std::string DescribeVerdict(const SystemVerdict& v);

// --- headroom -----------------------------------------------------------------------------------

struct QueueHeadroom {
  std::string name;
  std::string unit;
  std::int64_t limit = 0;
  std::int64_t peak = 0;
  double fraction = 0;          // peak / limit
  double peak_time_s = 0;
  std::optional<double> first_at_limit_s;  // when the level first reached the limit
  bool first_at_limit_exact = false;       // false: the start of the sample interval it happened in
  std::uint64_t refused = 0;
  double time_at_limit_s = 0;
};
struct ProcessLoad {
  std::string name;
  double busy_s = 0;
  double fraction = 0;  // busy_s over the active part of the run
};
struct Headroom {
  double active_from_s = 0;  // the first workload operation (0 without a workload)
  double storm_end_s = 0;    // the last operation, or the last time a queue went back to empty if later
  double end_time_s = 0;
  std::vector<QueueHeadroom> queues;  // by peak / limit, highest first
  std::vector<ProcessLoad> processes;  // by busy fraction, highest first
  std::optional<QueueHeadroom> first_at_limit;
  SystemVerdict system;  // the whole pipeline
  std::string answer;
};
Headroom AnalyzeHeadroom(const Scenario& s, Engine engine = Engine::kTrains);
// When the run's first workload operation is due (0 if there is none).
double FirstOperationTime(const Scenario& s);

// --- critical -----------------------------------------------------------------------------------

struct Trial {
  std::int64_t value = 0;
  bool overflowed = false;
  std::uint64_t refused = 0;
  double time_at_limit_s = 0;
  std::int64_t peak = 0;
};

struct CriticalQuery {
  std::string axis;
  std::string queue = "systemd.wqueue";
  std::int64_t from = 1;
  std::int64_t to = 0;
  // Values between from and to tried, in order, before `to`, to find an overflow cheaply (runs
  // grow with the axis); a value that does not overflow raises the lower end of the bisection.
  std::vector<std::int64_t> probes;
  Assignments fixed;  // set in every run (e.g. a queue limit)
};
struct CriticalResult {
  enum class Outcome { kFound, kNoOverflow, kOverflowsAtFrom };
  Outcome outcome = Outcome::kFound;
  std::int64_t critical = 0;      // kFound: smallest value that overflows
  std::int64_t largest_safe = 0;  // kFound: critical - 1
  std::vector<Trial> tried;       // in the order tried (runs already made are reused)
};
// Smallest value of the integer axis in [from, to] at which `queue` overflows, by bisection
// (assumes overflow is monotone in the axis). `known` holds trials already made at the same
// fixed values, used to narrow the search before any run.
CriticalResult FindCritical(Runner& runner, const CriticalQuery& q, const std::vector<Trial>& known = {});
// The default probes when --to is not given: the current value and twice it, below `to`.
std::vector<std::int64_t> DefaultProbes(std::int64_t from, std::int64_t to, std::int64_t current);

// --- size ---------------------------------------------------------------------------------------

struct SizeResult {
  enum class Outcome { kFound, kRefusesAtMax, kSafeAtMinimum };
  Outcome outcome = Outcome::kFound;
  LimitParam param;
  std::string unit;
  std::int64_t limit = 0;             // smallest limit with no overflow
  std::int64_t current = 0;           // the scenario's limit
  std::int64_t unconstrained_peak = 0;
  std::vector<Trial> tried;           // the limits tried, in order
  double mean_message_bytes = 0;      // message queues: mean marshalled size in the run at `limit`
  double bytes_per_entry = 0;         // message queues: 904 + mean_message_bytes; bytes: 1
  std::map<std::string, std::uint64_t> sharing_refused;  // at `limit`, queues of `sharing` that overflowed
};
constexpr double kSdBusMessageStructBytes = 904;  // sizeof(struct sd_bus_message), systemd#8166
SizeResult FindSize(Runner& runner, const std::string& queue, std::optional<std::int64_t> max);
// Mean marshalled size of the messages that pass through a message queue in a run.
double MeanMessageBytes(const RunResult& r, const Scenario& s, const std::string& queue);

// The whole-system answer of `size`: which value of the queue's limit, or which limits together,
// make the system healthy. Assumes, as FindSize does, that raising a limit never makes things worse.
struct LimitSetting {
  std::string path;
  std::int64_t current = 0;
  std::int64_t value = 0;
};
struct SystemSize {
  enum class Outcome { kSingleLimit, kTogether, kNoLimits };
  Outcome outcome = Outcome::kSingleLimit;
  SystemVerdict at_queue_limit;      // the system with the queue's own limit (SizeResult::limit)
  std::int64_t system_limit = 0;     // kSingleLimit: smallest value of its parameter with a healthy system
  SystemVerdict at_maximum;          // kTogether, kNoLimits: the system with the queue's limit at --max
  std::vector<LimitSetting> together;  // kTogether: every limit that must be raised, and to what
  SystemVerdict remaining;           // kNoLimits: what still fails with every limit at its maximum
};
SystemSize FindSystemSize(Runner& runner, const SizeResult& own, std::optional<std::int64_t> max);

// --- scaling ------------------------------------------------------------------------------------

struct LogLogFit {
  double slope = 0;
  double intercept = 0;
  double r2 = 0;
  int points = 0;
};
// Least squares (Eigen) of log(y) = intercept + slope log(x). Needs 2 points with distinct x.
LogLogFit FitLogLog(const std::vector<double>& x, const std::vector<double>& y);
// k integers from a to b, evenly spaced in log, rounded and without repeats (both ends included).
std::vector<std::int64_t> LogSpaced(std::int64_t a, std::int64_t b, int k);

struct VolumePoint {
  std::int64_t value = 0;
  std::uint64_t messages = 0;  // messages PID 1 produced: sent + dropped.enobufs
  bool overflowed = false;
  bool stopped_at_limit = false;  // the run hit run.stop_at_s: messages are truncated
};
struct LimitPoint {
  std::int64_t limit = 0;
  CriticalResult critical;
};
struct ScalingQuery {
  std::string axis;
  std::int64_t from = 0, to = 0;
  int points = 8;
  std::string queue = "systemd.wqueue";
  std::vector<std::int64_t> limits;  // empty: 0.5, 1, 2 and 4 x the current limit
  bool with_limits = true;           // false: only the volume fit
};
struct ScalingResult {
  std::vector<VolumePoint> volume;
  LogLogFit volume_fit;
  LimitParam param;
  std::int64_t current_limit = 0;
  std::vector<LimitPoint> limits;
  std::optional<LogLogFit> limit_fit;  // nullopt when fewer than 2 limits had a critical value
};
ScalingResult AnalyzeScaling(Runner& runner, const ScalingQuery& q);

}  // namespace planner
}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_PLANNER_PLANNER_H_
