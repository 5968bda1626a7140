// RunResult: what one run reports, as values (docs/OUTPUTS.md describes every field).
//
// RunScenario() (mountstorm/run.h) returns it; summary.json, curves.csv and events.csv are its
// text, written and read back by mountstorm/result_files.h and nowhere else. Every tool works on
// this type: a misspelled field is a compile error, not a missing key at run time.
//
// Lists keyed by a name in summary.json (message peers, queues, processes) are in name order, as
// summary.json lists them; the curves keep the pipeline's order of the queues. Times and durations
// are integer nanoseconds (mountstorm/time.h); summary.json states them in seconds.
#ifndef MOUNTSTORM_INCLUDE_RESULT_H_
#define MOUNTSTORM_INCLUDE_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mountstorm/queues.h"
#include "mountstorm/scenario.h"
#include "mountstorm/time.h"

namespace mountstorm {

// The messages of one member (UnitNew, PropertiesChanged, ...) a peer sent, received and lost.
struct MemberCount {
  std::string member;
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t dropped = 0;
};

// The messages of one process: PID 1 ("systemd"), the relay ("dbus-daemon"), a client.
struct PeerMessages {
  std::string peer;
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t dropped_enobufs = 0;     // refused by its own full sd-bus write queue
  std::uint64_t dropped_full_queue = 0;  // dropped by the relay: the recipient's queue was full
  std::uint64_t dropped_disconnect = 0;  // lost with a connection the relay closed
  std::vector<MemberCount> by_member;    // members with any count, in name order

  std::uint64_t dropped() const { return dropped_enobufs + dropped_full_queue + dropped_disconnect; }
};

// One bounded queue over the run.
struct QueueResult {
  std::string name;
  QueueUnit unit = QueueUnit::kMessages;
  std::int64_t limit = 0;
  std::int64_t peak = 0;
  Time peak_time = 0;
  std::optional<Time> first_refusal;  // the ENOBUFS onset (summary.json: enobufs_onset_s)
  std::uint64_t refused = 0;
  Duration time_at_limit = 0;
  std::optional<Time> drained;  // the last time it went back to empty
  std::int64_t level_at_end = 0;

  // Overflowed: refused something, or, for a queue that blocks its producer at the limit
  // (BlocksAtLimit), spent time at it.
  bool Overflowed() const;
};

// PID 1's scans of /proc/self/mountinfo and its unit D-Bus queue.
struct ScanResult {
  std::uint64_t count = 0;
  double mean_table_lines = 0;
  std::uint64_t changes = 0;            // table changes the scans covered
  std::uint64_t changes_coalesced = 0;  // changes - count
  std::uint64_t new_mount_units = 0;
  double mean_new_mounts_per_scan = 0;
  std::uint64_t units_queued = 0;
  std::uint64_t units_announced = 0;
  std::uint64_t units_freed = 0;
  std::uint64_t dispatch_blocked = 0;
  std::uint64_t deferred_by_policy = 0;
  std::uint64_t units_left_out_by_policy = 0;
  std::uint64_t sends_deferred_by_policy = 0;
};

// PID 1's CPU time by activity.
struct Pid1Work {
  Duration scan = 0;
  Duration dispatch = 0;
  Duration bus_io = 0;
  Duration jobs = 0;
  std::uint64_t jobs_run = 0;
  std::uint64_t transient_units = 0;
  std::uint64_t replies_lost = 0;
  std::uint64_t messages_read = 0;
};

// A subscriber's time away from its socket and the messages it handled.
struct ClientWork {
  Duration busy_periods = 0;
  std::uint64_t handled = 0;
};

// The CPU time of one process of the host.
struct ProcessResult {
  std::string name;
  Duration busy = 0;
  std::uint64_t steps = 0;
  std::optional<Pid1Work> pid1;      // PID 1 only
  std::optional<ClientWork> client;  // subscribers (logind included) only
};

struct WorkloadResult {
  std::uint64_t operations = 0;
  std::uint64_t mounts = 0;
  std::uint64_t umounts = 0;
  std::uint64_t remounts = 0;
  std::uint64_t failed = 0;
  Time last_operation = 0;
};

struct MountTableResult {
  std::uint64_t initial_lines = 0;
  std::uint64_t final_lines = 0;
};

enum class LoginOutcome { kPending, kSucceeded, kNoBufs, kTimedOut, kLimitsExceeded };
// "pending", "succeeded", "enobufs", "timeout", "limits_exceeded": as summary.json and events.csv
// name them.
const char* LoginOutcomeName(LoginOutcome o);

struct LoginAttempt {
  std::string client;  // the process that logged in (sshd, crond)
  Time start = 0;
  std::optional<Time> end;  // none while pending
  LoginOutcome outcome = LoginOutcome::kPending;
};

// Nearest-rank percentiles of a set of durations (none when the set is empty).
struct Percentiles {
  std::optional<Duration> p50, p90, p99, max;
};

// logind's side of the logins: its StartTransientUnit calls to PID 1.
struct LogindCalls {
  std::uint64_t scope_calls = 0;
  std::uint64_t scope_calls_enobufs = 0;
  std::uint64_t scope_calls_timeout = 0;
  std::uint64_t scope_calls_limits_exceeded = 0;
  std::uint64_t sessions_created = 0;
  Duration time_in_calls = 0;
};

struct LoginResult {
  std::uint64_t attempts = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t pending_at_end = 0;
  std::uint64_t failed_enobufs = 0;
  std::uint64_t failed_timeout = 0;
  std::uint64_t failed_limits_exceeded = 0;
  Percentiles latency;  // of the logins that succeeded
  std::vector<LoginAttempt> each;  // by client, then in time order
  std::optional<LogindCalls> logind;  // none when the scenario disables logind
};

// How long new mounts stay unknown to PID 1, or unannounced.
struct LatencyResult {
  std::optional<double> mean_s;
  Percentiles percentiles;  // p50, p99 and max (p90 is not reported)
};

struct VisibilityResult {
  std::uint64_t mounts = 0;
  LatencyResult known;      // from the mount to the end of the scan that found it
  LatencyResult announced;  // to the dispatch that sent its UnitNew
};

// Depth curves: for each sample interval, the maximum level of each queue in it (curves.csv).
struct Curves {
  Duration interval = 0;             // 0 when read from a file of fewer than two rows
  std::vector<std::string> columns;  // queue names, in pipeline order
  std::vector<Time> times;           // the start of each interval
  std::vector<std::vector<std::int64_t>> values;  // values[column][interval]

  // The column of `queue`, or -1.
  int Column(const std::string& queue) const;
};

// One row of events.csv: a mount operation, a scan or a login's start or end.
struct RunEvent {
  enum class Kind { kMount, kUmount, kRemount, kScan, kLoginStart, kLoginEnd };
  Time time = 0;
  Kind kind = Kind::kMount;
  bool failed = false;                             // mount operations: the table refused it
  LoginOutcome outcome = LoginOutcome::kPending;   // kLoginEnd
  std::uint64_t lines = 0;                         // kScan: the lines it read
  std::string detail;                              // the path, or the login's client
};

enum class StopReason { kQuiescence, kStopAt };

// A peer the relay disconnected, with the charge that failed as dbus-broker logs it
// (DBUS_BROKER_USER_CHARGE_*). dbus-daemon never disconnects anyone.
struct DisconnectResult {
  std::string peer;
  Time at = 0;
  std::string cause;           // "subscribed-signal", "reply", "driver-unicast", "sender-input"
  std::uint32_t uid = 0;       // the user charged
  std::string slot;            // "bytes", "fds", "matches", "objects"
  std::uint64_t amount = 0;    // what the charge asked for
  std::uint64_t remaining = 0; // what the user had left
  std::uint64_t consumed = 0;  // what the user had in use on that slot
  std::uint32_t n_actors = 0;  // users sharing the pool
  std::uint64_t messages = 0;  // messages the peer got in all (written before, or still queued)
};

// The relay that ran the system bus, and whom it disconnected, in time order.
struct RelayResult {
  std::string program = "dbus-daemon";  // or "dbus-broker"
  std::vector<DisconnectResult> disconnects;
};

// Station measures (measures.json, measures.csv, drops.csv; docs/OUTPUTS.md "measures.json").
// Over the storm window (from the workload's first operation to its last operation or the last
// drain of a queue of messages, whichever is later) and over the whole run.
struct StationWindow {
  Time from = 0;
  Time to = 0;
  Duration length() const { return to - from; }
};

// A queue's time-averaged level (in its unit: messages or bytes), none over an empty window; the
// amount it let out over the run; and the mean time an item (a byte, for a queue of bytes) spent
// in it, by Little's law over the run: the area under the level divided by the amount let out,
// exact when the queue is empty at the end (none otherwise, or when nothing went through).
struct QueueMeasures {
  std::string name;
  QueueUnit unit = QueueUnit::kMessages;
  std::optional<double> mean_level_storm;
  std::optional<double> mean_level_run;
  std::int64_t removed = 0;
  std::optional<double> mean_sojourn_s;
};

// A process's CPU time in steps within each window; utilisation is that over the window's length.
struct ProcessMeasures {
  std::string name;
  Duration busy_storm = 0;
  Duration busy_run = 0;
};

// End-to-end delay of PID 1's signals to logind: from sd-bus taking the signal in PID 1 to logind
// taking it from its connection. Percentiles (nearest rank) are the upper edge of a histogram
// bucket: never below the exact value and at most 1/64 above it; mean and max are exact.
struct DelayMeasures {
  std::uint64_t count = 0;
  std::uint64_t unmatched = 0;  // read by logind with no send time kept (none in the shipped scenarios)
  std::optional<double> mean_s;
  Percentiles percentiles;
};

// Refusals of one queue with no return to empty in between (drops.csv).
struct RefusalRunResult {
  std::string queue;
  std::string reason;  // "enobufs", "drop" or "disconnect"
  Time first = 0;
  Time last = 0;
  std::uint64_t count = 0;
  std::uint64_t accepted = 0;  // items the queue took between the first and the last refusal
};

struct Measures {
  StationWindow storm;
  StationWindow run;
  std::vector<QueueMeasures> queues;        // in queue-name order
  std::vector<ProcessMeasures> processes;   // in process-name order
  std::optional<DelayMeasures> pid1_to_logind;  // none when the scenario disables logind
  std::vector<RefusalRunResult> refusal_runs;   // by first refusal, then queue name
};

struct RunResult {
  std::string version;  // of mountstorm
  std::string scenario;
  std::uint64_t seed = 0;
  std::string profile;
  std::vector<PatchSpec> patches;
  Time end_time = 0;
  StopReason stopped_by = StopReason::kQuiescence;
  std::uint64_t events = 0;  // simulation events run (by the per-message engine: the same in both)
  // The engine that ran ("messages" or "trains"), and the events it took from its event list:
  // in the train engine fewer than `events`, which counts those it ran in place too. Not written
  // to summary.json (the files are the same whichever engine ran), so a summary read back says
  // "messages" unless it is an older file that named the engine.
  std::string engine = "messages";
  std::uint64_t engine_events = 0;

  std::vector<PeerMessages> messages;   // in peer-name order
  ScanResult scans;
  std::vector<QueueResult> queues;      // in queue-name order
  std::vector<ProcessResult> processes; // in process-name order
  WorkloadResult workload;
  MountTableResult mount_table;
  LoginResult logins;
  VisibilityResult visibility;
  Duration drain = 0;  // from the workload's last operation to the end of the run
  RelayResult relay;

  Curves curves;
  std::vector<RunEvent> event_log;  // in time order
  Measures measures;  // not in summary.json: measures.json, measures.csv and drops.csv

  // Lookups by name; null when there is none.
  const PeerMessages* Messages(const std::string& peer) const;
  const QueueResult* Queue(const std::string& name) const;
  const ProcessResult* Process(const std::string& name) const;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_RESULT_H_
