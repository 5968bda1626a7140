// Scenario: everything a run needs, read from a JSON scenario file (docs/SCENARIOS.md).
//
// Every field has a default; docs/MODEL.md gives each default and its source. Durations are held
// in integer nanoseconds; the JSON file states them in the unit its key names (_s, _ms, _us).
// LoadScenarioFile() and ParseScenario() are strict: an unknown key, a value of the wrong type,
// out of range or not finite is an InputError that names the file, the JSON path, what was
// expected and what was found. Nothing is silently defaulted except a key that is absent.
#ifndef MOUNTSTORM_INCLUDE_SCENARIO_H_
#define MOUNTSTORM_INCLUDE_SCENARIO_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mountstorm/time.h"

namespace mountstorm {

// One line of /proc/self/mountinfo, as far as systemd cares: where, from what, which filesystem
// type and which options. "Network" and "/dev-backed" are derived from these exactly as systemd
// derives them (models/mount_table.h).
struct MountSpec {
  std::string path;
  std::string source;
  std::string fstype;
  std::string options = "rw,relatime";
};

// `count` entries made from a template: "{i}" in any field becomes first_index, first_index+1, ...
struct MountTemplate {
  int count = 0;
  int first_index = 1;
  MountSpec spec;
};

enum class MountOp { kMount, kUmount, kRemount };

// A period in which a process reads nothing from its bus: blocked in something else (off the
// CPU, the default), or computing (on the CPU, so on a host with few CPUs it delays the others).
struct BusyPeriod {
  Time start = 0;
  Duration length = 0;
  bool on_cpu = false;
};

// One source of mount-table operations.
struct WorkloadGenerator {
  // kSequence is a process on the host: each operation takes cpu of CPU time (shared with PID 1
  // and the others), then `latency` off the CPU (an NFS round trip, a fork and exec), and only
  // then changes the table; the next operation starts when it is done.
  enum class Kind { kList, kInterval, kPoisson, kBurst, kSequence };
  struct Op {
    Time at = 0;
    MountOp op = MountOp::kMount;
    MountSpec spec;
  };

  Kind kind = Kind::kInterval;
  std::string name;  // names the generator's random stream; unique within a scenario

  // kList: explicit operations.
  std::vector<Op> ops;

  // kInterval, kPoisson, kBurst: `count` operations made from `spec` ("{i}" -> first_index + k).
  MountOp op = MountOp::kMount;
  MountSpec spec;
  int count = 0;
  int first_index = 1;
  Time start = 0;
  Duration interval = 0;         // kInterval: gap between operations
  double jitter = 0;             // kInterval: each gap is interval * U(1 - jitter, 1 + jitter)
  double rate_per_s = 0;         // kPoisson: mean operations per second
  Duration cpu = 0;              // kSequence: CPU time per operation
  Duration latency = 0;          // kSequence: time off the CPU per operation (also jittered)
  // Automount expiry: each mount is unmounted this long after it was made (0: never).
  Duration expire_after = 0;
};

// PID 1. Defaults: systemd 219 as shipped in RHEL 7.7 (the incident).
struct SystemdParams {
  // PID 1 watches /proc/self/mountinfo (false: it never scans, as in PR #10268's comparison run
  // "with mountinfo processing disabled").
  bool watch_mountinfo = true;
  // Scan of /proc/self/mountinfo: fixed + per line + extra per /dev-backed line.
  Duration scan_fixed = 200 * kMicrosecond;
  Duration scan_per_line = 8 * kMicrosecond;
  Duration scan_per_device_line = 0;
  // Unchanged units that a scan queues again (docs/research/systemd.md section 2.4).
  bool reannounce_network_mounts = true;
  bool reannounce_dev_devices = true;
  // manager_dispatch_dbus_queue(): units per call (0: whole queue, v219) and the number of queued
  // writes above which it does nothing (0: no threshold, v219).
  int dbus_queue_budget = 0;
  int bus_busy_threshold = 0;
  // sd-bus limits (messages) and the send buffer of PID 1's sockets (bytes, as getsockopt shows).
  std::int64_t wqueue_max = 192 * 1024;
  std::int64_t rqueue_max = 192 * 1024;
  std::int64_t socket_sndbuf_bytes = 16 * 1024 * 1024;
  // CPU costs of emitting signals.
  Duration unit_dispatch_cost = 2 * kMicrosecond;     // per unit taken off the D-Bus queue
  Duration message_build_cost = 6 * kMicrosecond;     // per message built and appended
  // And on top of it, per PropertiesChanged (sd_bus_emit_properties_changed_strv() finds the
  // interface's vtables for the unit's path and calls the getter of every property that emits a
  // change, src/libsystemd/sd-bus/bus-objects.c) and per UnitRemoved. 0 in the older profiles.
  Duration properties_changed_cost = 0;
  Duration unit_removed_cost = 0;
  Duration sendmsg_cost = 3 * kMicrosecond;           // per sendmsg() of one message
  // CPU PID 1 spends in instrumentation per message sent: 0 normally; the incident's counts were
  // taken with SystemTap probes on bus_send_internal() and bus_socket_write_message().
  Duration instrumentation_per_message = 0;
  double wqueue_memmove_ns_per_entry = 1.0;           // per queued pointer moved per dequeue
  Duration loop_iteration_cost = 2 * kMicrosecond;    // per sd_event_run() iteration
  Duration incoming_message_cost = 20 * kMicrosecond; // to handle one message read from a bus
  // A login's scope: StartTransientUnit creates the unit and its start job and replies; the job
  // runs later, from the run queue (an idle-priority event source), and ends with JobRemoved.
  Duration start_transient_unit_cost = 300 * kMicrosecond;
  Duration job_run_cost = 500 * kMicrosecond;
  // When the mountinfo source may run (models/policies/). v248+: at most `burst` scans per fixed
  // window of `interval` (0: no limit). PR #10268 (backed out): no scan until the last one's end
  // plus factor x its duration (0: off).
  Duration mountinfo_ratelimit_interval = 0;
  int mountinfo_ratelimit_burst = 5;
  double mountinfo_backoff_factor = 0;
  // Longest CPU time a single simulated step may take before PID 1 yields to the event list
  // (a granularity of the simulation, not a systemd parameter).
  Duration quantum = 1 * kMillisecond;

  // The mechanisms of a modern PID 1 (v252+; docs/MODEL.md, "A modern PID 1"). Off in the older
  // profiles, whose published figures they were calibrated to.
  // A new mount unit's dependencies announce the units at their other ends: the default targets,
  // the slice, the journal's socket and every loaded parent mount (unit_add_dependency()).
  bool announce_dependencies = false;
  // The ancestor directories of a new mount point that are not mount points are loaded as units
  // for its RequiresMountsFor=, found missing, and garbage-collected again: UnitNew + UnitRemoved.
  bool ancestor_units = false;
  // An unmounted mount unit is queued as it goes dead, and a removed unit still queued sends its
  // PropertiesChanged before UnitRemoved (bus_unit_send_removed_signal()).
  bool flush_before_removal = false;
  // Nothing is queued for D-Bus while nobody listens: no subscriber and no private connection.
  bool queue_only_for_listeners = false;
  // A unit in the D-Bus queue is garbage-collected only once it was announced (v257+).
  bool gc_after_announcement = false;
  // CPU of the modern mechanisms: per new mount unit loaded (unit files, dependencies), per
  // ancestor unit loaded and not found, per unit freed.
  Duration unit_load_cost = 0;
  Duration stub_load_cost = 0;
  // And, for both, per "-" prefix of the unit's name (a path's components but its last): loading
  // looks for drop-in directories of every prefix ("srv-storm-.mount.d", "srv-.mount.d") in every
  // unit directory (unit_file_find_dirs(), src/shared/dropin.c).
  Duration unit_load_per_prefix = 0;
  Duration unit_free_cost = 0;
  // And per mount unit still loaded, for each unit freed: the garbage collection of the units a
  // freed unit referenced walks their other references (fitted to the testbed's unmounts).
  Duration unit_free_per_mount_unit = 0;
  // A process that slept runs slower at first: its caches went cold and, on a virtual machine,
  // its vCPU too. After sleeping t, the costs of PID 1's first step (a scan, mostly) are
  // multiplied by 1 + cold_slowdown x t / (t + cold_tau) (measured in the testbed; 0: never).
  double cold_slowdown = 0;
  Duration cold_tau = 100 * kMillisecond;
};

// Marshalled message sizes, bytes.
struct MessageSizeParams {
  std::uint32_t properties_changed_mount = 600;
  std::uint32_t properties_changed_device = 420;
  std::uint32_t properties_changed_unit = 884;
  std::uint32_t properties_changed_scope = 560;
  std::uint32_t properties_changed_socket = 381;
  std::uint32_t unit_new = 264;
  std::uint32_t unit_removed = 264;
  std::uint32_t job_new = 280;
  std::uint32_t job_removed = 304;
  std::uint32_t start_transient_unit = 720;
  std::uint32_t create_session = 560;
  std::uint32_t method_return = 128;
  std::uint32_t error = 224;
  // Kernel accounting of a queued AF_UNIX skb (its truesize): the payload plus skb_shared_info
  // rounded up to a power of two, plus the sk_buff itself.
  std::uint32_t skb_shared_info = 320;
  std::uint32_t skb_overhead = 256;
};

// dbus-daemon. Defaults: bus/config-parser.c and dbus/dbus-transport-socket.c (dbus 1.10/1.14);
// costs measured on a 2-vCPU EPYC VM (docs/research/dbus.md section 3.3).
struct DbusDaemonParams {
  std::int64_t max_incoming_bytes = 133169152;
  std::int64_t max_outgoing_bytes = 133169152;
  std::int64_t read_bytes_per_iteration = 4096;
  std::int64_t write_bytes_per_iteration = 2048;
  std::int64_t socket_sndbuf_bytes = 212992;
  Duration route_base = 22 * kMicrosecond;
  Duration route_per_extra_recipient = 5500;
  Duration route_per_rule = 55;
  Duration iteration_cost = 2 * kMicrosecond;
};

// Which program relays the system bus (/bus/relay).
enum class RelayKind : std::uint8_t { kDbusDaemon, kDbusBroker };

// dbus-broker 33 (docs/research/dbus-broker-model.md). The four <limit>s of the bus configuration
// that dbus-broker-launch reads (src/launch/launcher.c launcher_parse_config()), with the
// launcher's defaults: Debian 12's system.conf sets none. Each per-UID pool of the broker is the
// per-connection limit times max_connections_per_user (objects: the broker's own 16 Mi).
struct DbusBrokerParams {
  std::int64_t max_outgoing_bytes = 8 * 1024 * 1024;
  std::int64_t max_outgoing_unix_fds = 64;
  std::int64_t max_connections_per_user = 64;
  std::int64_t max_match_rules_per_connection = 256;
  std::int64_t socket_sndbuf_bytes = 212992;
  // Bytes one recvmsg() reads into a peer's input buffer (IQUEUE_RECV_MAX, src/dbus/queue.h),
  // and messages one sendmmsg() writes (SOCKET_MMSG_MAX, src/dbus/socket.h).
  std::int64_t read_bytes = 2048;
  int write_batch = 16;
  // CPU per routed message and per recipient beyond the first (docs/research/dbus.md 3.3,
  // measured on a 2-vCPU EPYC VM); match rules cost nothing measurable (rb-tree lookups).
  Duration route_base = 14500;
  Duration route_per_extra_recipient = 1350;
  Duration iteration_cost = 2 * kMicrosecond;  // assumed: dbus-daemon's
};

// A match rule in D-Bus syntax, e.g.
// "type='signal',sender='org.freedesktop.systemd1',member='PropertiesChanged'".
using MatchRuleText = std::string;

// A bus client that reads the signals it subscribed to: systemd-logind or any other subscriber.
struct ClientParams {
  std::string name;
  std::string well_known_name;          // e.g. org.freedesktop.login1 (may be empty)
  bool private_connection = false;      // connected to PID 1 directly (/run/systemd/private)
  // A monitor (BecomeMonitor(), as busctl capture and dbus-monitor): the relay gives it a copy of
  // every message it routes, before any recipient, and it has no match rules of its own.
  bool monitor = false;
  bool subscribe = false;               // calls Subscribe() on org.freedesktop.systemd1.Manager
  std::vector<MatchRuleText> match_rules;
  Duration per_message_cost = 8 * kMicrosecond;  // parse, match dispatch and handler
  Duration recvmsg_cost = 2 * kMicrosecond;      // per recvmsg(); sd-bus does two per message
  Duration loop_iteration_cost = 2 * kMicrosecond;
  std::int64_t rqueue_max = 192 * 1024;
  std::int64_t socket_sndbuf_bytes = 212992;
  // The user it runs as, for dbus-broker's per-UID accounting (logind: root, 0).
  std::uint32_t uid = 0;
  std::vector<BusyPeriod> busy;         // periods in which it reads nothing
  // logind only: handling CreateSession before it calls StartTransientUnit, and the timeout of
  // that synchronous call (sd_bus_call with BUS_DEFAULT_TIMEOUT).
  Duration create_session_cost = 200 * kMicrosecond;
  Duration call_timeout = 25 * kSecond;
  // logind only: from its goodbye on dbus-broker (it read everything after being shut down) to
  // the new logind's Subscribe(): PID 1 stops it as a Type=dbus service that lost its name and
  // starts it again (Restart=always, RestartSec=0), at most 5 starts in 10 s.
  Duration restart_delay = 500 * kMillisecond;
};

// Logins or cron jobs: a process (sshd, crond) whose pam_systemd calls CreateSession on logind
// at the given times and waits for the reply up to `timeout`.
struct LoginGenerator {
  std::string name;
  std::vector<Time> at;  // explicit times
  Time start = 0;        // and/or `count` more, `interval` apart from `start`
  Duration interval = 0;
  int count = 0;
  Duration timeout = 25 * kSecond;  // pam_systemd's CreateSession call (default: the profile's)
};

// One patch of PID 1 (mountstorm/policy.h): its registered name and its JSON object, whose other
// keys are its parameters. `path` is its JSON path in the scenario, for messages.
struct PatchSpec {
  std::string name;
  std::string params_json;  // the whole object, "name" included, as compact JSON text
  std::string path;
};

struct Scenario {
  std::string file;  // where the scenario was read from ("" if built in code)
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  std::string profile = "rhel7.7";

  Time stop_at = 3600 * kSecond;          // the run ends here at the latest
  Duration sample_interval = 10 * kMillisecond;
  int cpus = 0;                           // 0: every process has a CPU of its own
  Duration timeslice = 3 * kMillisecond;  // how long a process keeps a CPU others wait for

  std::vector<MountSpec> initial_mounts;          // from "mountinfo_file" and "entries"
  std::vector<MountTemplate> generated_mounts;     // "generate": after them, expanded when the run starts
  std::vector<WorkloadGenerator> workload;

  SystemdParams systemd;
  std::vector<PatchSpec> patches;         // applied on top of the profile, in order
  MessageSizeParams message_sizes;
  DbusDaemonParams dbus;
  RelayKind relay = RelayKind::kDbusDaemon;
  DbusBrokerParams dbus_broker;
  bool logind_enabled = true;
  ClientParams logind;
  std::vector<ClientParams> subscribers;
  std::vector<LoginGenerator> logins;
  // pam_systemd's timeout for CreateSession: the sd-bus default of 25 s before v243, 2 min since
  // (LOGIN_SLOW_BUS_CALL_TIMEOUT_USEC, commit fbcb630045).
  Duration pam_timeout = 25 * kSecond;
};

// The defaults of every field, for the named profile. Throws InputError for an unknown profile.
Scenario DefaultScenario(const std::string& profile);

// The text of the JSON file at `path`, checked as strictly as a scenario: a key given twice in an
// object, invalid JSON or a number beyond a double is an InputError naming the file and the JSON
// path (`what` says what the file should be, e.g. "sweep file").
std::string ReadJsonFileText(const std::string& path, const std::string& what);
// The same check of JSON text that came from `origin`.
void CheckJsonText(const std::string& text, const std::string& origin);

// A scenario's JSON document before it is read: what --set, a sweep's axes and the planner change.
// A value type; copies are independent.
class ScenarioDocument {
 public:
  // The scenario file at `path`, read as ReadJsonFileText reads it; its path names it in messages.
  static ScenarioDocument Read(const std::string& path, const std::string& what = "scenario file");
  // JSON text that came from `origin` (a file name, or what made it), checked like a file.
  static ScenarioDocument FromText(const std::string& text, const std::string& origin);

  ScenarioDocument(const ScenarioDocument& other);
  ScenarioDocument& operator=(const ScenarioDocument& other);
  ScenarioDocument(ScenarioDocument&&) noexcept;
  ScenarioDocument& operator=(ScenarioDocument&&) noexcept;
  ~ScenarioDocument();

  const std::string& origin() const;

  // Applies "/json/pointer=value": the value is JSON if it parses as JSON, else a string. Missing
  // objects on the way are created (every section is optional); array elements never are.
  // `origin` names the assignment in errors.
  void Override(const std::string& assignment, const std::string& origin);
  // The JSON text of the value at `pointer`, or nullopt if the document does not set it (or the
  // pointer is not one).
  std::optional<std::string> Get(const std::string& pointer) const;
  // The whole document as compact JSON text with sorted keys: equal texts, equal scenarios.
  std::string Text() const;

  // The scenario, read strictly; errors name `origin` (the document's own by default).
  Scenario Parse() const;
  Scenario Parse(const std::string& origin) const;

 private:
  struct Impl;
  explicit ScenarioDocument(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The whole initial table: initial_mounts, then every line of every generated_mounts template in
// order. The reader leaves "generate" unexpanded, so that a table too large for a run's memory
// budget is refused before it is built (EstimateRunMemory(), mountstorm/run.h).
std::uint64_t InitialMountCount(const Scenario& s);
void ForEachInitialMount(const Scenario& s, const std::function<void(const MountSpec&)>& fn);
std::vector<MountSpec> InitialMounts(const Scenario& s);

// Reads and parses a scenario file, after applying `overrides` ("/json/pointer=value"; each is
// named "--set ASSIGNMENT" in errors).
Scenario LoadScenarioFile(const std::string& path, const std::vector<std::string>& overrides = {});

// The patch that the JSON object `json_text` describes (at `where` in `file`, for messages), its
// name and parameters checked by making it once: an InputError for anything but an object with a
// registered "name" and parameters the patch accepts.
PatchSpec ParsePatchSpec(const std::string& json_text, const std::string& file, const std::string& where);

// One documented parameter: its JSON path ("*" for any array index), default and unit.
struct ParameterInfo {
  std::string path;
  std::string default_value;  // as JSON text
  std::string unit;
  // An integer parameter: the smallest and largest value the scenario reader accepts.
  std::optional<std::int64_t> minimum, maximum;
};
// Every parameter a scenario may set, in document order, with its default under `profile`.
std::vector<ParameterInfo> ListParameters(const std::string& profile = "rhel7.7");

// The profiles (systemd versions) a scenario may name, oldest first, with a line about each.
std::vector<std::pair<std::string, std::string>> ListProfiles();

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_SCENARIO_H_
