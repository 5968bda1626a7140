// SystemdManager: PID 1 as far as mount units and their D-Bus signals go.
//
// The event loop follows manager_loop() (src/core/manager.c): before every sd_event_run() the
// manager runs its queues, here the GC queue and the unit D-Bus queue; then sd_event_run()
// dispatches the ONE ready event source of highest priority: the mountinfo source (priority -10)
// before bus I/O (priority 0). So while mounts keep arriving, PID 1 scans and announces, and the
// write queue is drained only when no scan is pending.
//
// Scan (mount_dispatch_io / mount_load_proc_self_mountinfo): one readiness covers every change
// since the last scan. The whole table is parsed; cost = scan_fixed + scan_per_line x lines +
// scan_per_device_line x /dev-backed lines. For each line in table order the device unit of a
// /dev source is set up, then the mount unit: new and changed units are queued; unchanged network
// mount units and device units are queued again when the profile re-announces them (docs/research/
// systemd.md section 2.4). Mount units whose line is gone are collected and freed.
//
// Unit D-Bus queue (unit_add_to_dbus_queue): a set (a unit is queued once) dispatched LIFO.
// manager_dispatch_dbus_queue() takes the whole queue per call (v219) or at most `budget` units,
// and nothing while more than `threshold` messages wait in the write queues (v238+).
// Announcing a unit sends, to the API bus (if anyone subscribed) and to every private
// connection: UnitNew the first time, else PropertiesChanged for the unit type's interface and
// then for org.freedesktop.systemd1.Unit (send_changed_signal, src/core/dbus-unit.c). A failed
// send is only logged: the unit leaves the queue and the update is lost. A freed unit sends
// UnitRemoved (preceded by UnitNew if it was never announced).
//
// Policies (mountstorm/policy.h; the profile's own, like v248's rate limit, and a scenario's
// patches) act at four points: they may keep the ready mountinfo source offline for a while (its
// changes stay pending and one scan covers them), leave units out of the queue, narrow a dispatch
// call's budget or hold a unit's signals back, and change the queue limits before the run.
//
// Bus I/O (io_callback -> sd_bus_process): writes before reads; one call either writes the write
// queue until EAGAIN or reads and handles one incoming message.
//
// StartTransientUnit (a login's session scope, from logind): creates the scope unit and its start
// job, and replies through the same write queue, behind every queued signal; the reply can itself
// fail with ENOBUFS, and then so does the error reply sd-bus tries instead, and the caller hears
// nothing. The job runs from the run queue, an idle-priority source (behind mountinfo and bus
// I/O), and ends with JobRemoved (preceded by JobNew if that was never sent).
//
// A modern PID 1 (v252+, profiles v252, v257 and main; docs/MODEL.md "A modern PID 1") adds what
// its sources do around a new mount unit (src/core/mount.c mount_setup_new_unit(), mount_load(),
// unit_add_mount_dependencies(); docs/research/v252-mechanisms.md): the unit's default
// dependencies announce the targets they point to, its slice and the journal's socket, and each
// loaded parent mount (UnitGraph); the ancestor directories of its mount point that are not mount
// points are loaded as units, found missing and freed at the next garbage collection, each with
// UnitNew and UnitRemoved; an unmounted unit goes dead, is queued, and at its removal sends its
// PropertiesChanged before UnitRemoved. Targets and slices have no property that emits a change
// on their own interface, so they send one PropertiesChanged (org.freedesktop.systemd1.Unit).
// Nothing is queued while nobody listens. From v257 a queued unit is freed only once announced.
// Files: systemd_manager.cc (the loop, bus I/O, jobs), mount_units.cc (scans and units),
// dbus_queue.cc (the D-Bus and GC queues).
#ifndef MOUNTSTORM_MODELS_SYSTEMD_SYSTEMD_MANAGER_H_
#define MOUNTSTORM_MODELS_SYSTEMD_SYSTEMD_MANAGER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/message/message.h"
#include "models/dbus/object_paths.h"
#include "models/kernel/mount_table.h"
#include "mountstorm/policy.h"
#include "models/systemd/sdbus_connection.h"
#include "models/systemd/unit_graph.h"
#include "mountstorm/scenario.h"
#include "sim/ring_buffer.h"
#include "sim/server.h"
#include "sim/step_clock.h"

namespace mountstorm {

class SystemdManager : public Server, public ObjectPaths {
 public:
  // `patches` (owned by the caller, may be empty) apply on top of the profile's own behaviour.
  SystemdManager(Simulator* sim, CpuPool* cpus, const SystemdParams& params,
                 const MessageSizeParams& sizes, std::uint16_t peer_id,
                 std::vector<Pid1Policy*> patches = {});

  // Opens /proc/self/mountinfo of `table`: PID 1 is woken when it changes (if the profile
  // watches it). Call before AdoptInitialTable().
  void WatchMountTable(MountTable* table);

  // The API bus connection (to dbus-daemon). `subscribed`: someone called Subscribe(), so signals
  // are sent there (logind always does).
  void AttachApiBus(SdBusConnection* bus, bool subscribed);
  // A direct connection on /run/systemd/private: it gets every signal.
  void AttachPrivateBus(SdBusConnection* bus);
  // The relay closed the API bus connection (dbus-broker, models/dbus/relay.h): PID 1 reads EOF
  // and, at its next step, does what signal_disconnected() and manager_recheck_dbus() do in
  // v252 (src/core/dbus.c, manager.c; research/dbus-broker-model.md 5.2): drops both queues,
  // forgets every Subscribe() and connects again. Nothing is re-sent, and no unit signal goes to
  // the API bus until a client subscribes again.
  void ApiBusClosed(Time at);
  // The only client that called Subscribe() left the bus, or a new one subscribed: whether unit
  // signals go to the API bus (bus_foreach_bus(): only while someone is subscribed).
  void ApiSubscribers(Time at, bool any);

  // Creates the units of the table as it is before the run: they exist and were announced.
  void AdoptInitialTable();

  enum class UnitKind : std::uint8_t { kMount, kDevice, kScope, kTarget, kSlice, kSocket };
  struct Unit {
    UnitKind kind;
    // mount: path id; device: source id (StringTable); scope: session; others: their name's id
    std::uint32_t key;
    std::uint32_t source;   // mount: what/fstype/options seen at the last scan
    std::uint32_t fstype;
    std::uint32_t options;
    std::uint64_t seen_scan = 0;
    Time mounted_at = -1;     // new mount units: when the mount was made
    bool network = false;
    bool announced = false;   // sent_dbus_new_signal
    bool in_dbus_queue = false;
    bool freed = false;
    bool stub = false;        // an ancestor directory loaded as a unit and not found
    bool gc_waiting = false;  // v257+: to be freed once announced
  };
  const std::vector<Unit>& units() const { return units_; }

  struct Stats {
    std::uint64_t scans = 0;
    std::uint64_t lines_scanned = 0;       // sum of table lines over scans
    std::uint64_t changes_seen = 0;        // table changes covered by the scans
    std::uint64_t new_mount_units = 0;     // mount units created by scans
    std::uint64_t units_queued = 0;        // insertions into the D-Bus queue
    std::uint64_t units_announced = 0;     // units taken off the D-Bus queue and sent
    std::uint64_t units_freed = 0;
    std::uint64_t dispatch_blocked = 0;    // queue calls that sat out over the threshold
    std::uint64_t scans_deferred = 0;      // times a policy kept the ready source offline
    std::uint64_t units_left_out = 0;      // queue insertions a policy refused
    std::uint64_t sends_deferred = 0;      // times a policy held a unit's signals back
    std::uint64_t messages_read = 0;
    std::uint64_t transient_units = 0;     // StartTransientUnit calls handled
    std::uint64_t replies_lost = 0;        // their replies refused with ENOBUFS
    std::uint64_t jobs_run = 0;
    Duration scan_time = 0;
    Duration dispatch_time = 0;
    Duration bus_io_time = 0;
    Duration job_time = 0;
  };
  const Stats& stats() const { return stats_; }

  // Visibility of new mounts: for each mount unit a scan created, from the mount to the scan that
  // made PID 1 know it, and to the dispatch that announced it (UnitNew). The cost a rate limit or
  // a debounce adds.
  const std::vector<Duration>& known_latency() const { return known_latency_; }
  const std::vector<Duration>& announced_latency() const { return announced_latency_; }

  // Every scan: when it started and how many lines it read (for events.csv).
  struct ScanRecord {
    Time start;
    std::uint32_t lines;
  };
  const std::vector<ScanRecord>& scan_log() const { return scan_log_; }

  // The D-Bus object path of one of its units (ObjectPaths).
  std::string UnitPath(std::uint32_t unit) const override;

  // All connections, the API bus first.
  const std::vector<SdBusConnection*>& buses() const { return buses_; }

 protected:
  Duration Step(Time now) override;
  // How much slower PID 1 runs after sleeping `slept` (SystemdParams::cold_slowdown), per mille.
  std::int64_t ColdPermille(Duration slept) const;

 private:
  static constexpr std::uint32_t kNoUnit = 0xffffffffu;

  // The units every mount unit of a modern PID 1 depends on (mount_add_default_dependencies(),
  // unit_set_default_slice(), unit_add_exec_dependencies(); src/core/mount.c and unit.c v252).
  struct SharedUnits {
    std::uint32_t local_fs, local_fs_pre, umount, swap, remote_fs, remote_fs_pre, network, network_online;
    std::uint32_t system_slice, journald_socket;
  };

  // mount_units.cc
  std::uint32_t NewUnit(UnitKind kind, std::uint32_t key);
  std::uint32_t NamedUnit(UnitKind kind, const char* name);
  std::uint32_t& UnitOfPath(std::uint32_t path) {
    if (path >= unit_of_path_.size()) GrowUnitOfPath(path);
    return unit_of_path_[path];
  }
  void GrowUnitOfPath(std::uint32_t path);
  std::uint32_t& UnitOfSource(std::uint32_t source);
  void AdoptSharedUnits();
  void Scan(StepClock& step);
  void ScanDevice(const MountEntry& e, Time now);
  void ScanMount(const MountEntry& e, StepClock& step);
  std::uint32_t NewMountUnit(const MountEntry& e, StepClock& step);
  // The mount unit of a line of the table, with the line's fields, seen by this scan.
  std::uint32_t MountUnitOfLine(const MountEntry& e);
  void AddDefaultDependencies(std::uint32_t unit, Time now);
  void LoadMountUnit(std::uint32_t unit, StepClock& step);
  void AddMountDependencies(std::uint32_t unit, StepClock& step);
  // unit_add_dependency(): announces both ends when the dependency is new.
  void Depend(std::uint32_t from, std::uint32_t to, std::uint16_t kinds, Time now);
  void CollectGoneMounts(Time now);
  // dbus_queue.cc
  // unit_add_to_dbus_queue(): a no-op if already queued (or freed); LIST_PREPEND, unless a patch
  // leaves the unit out. Inline for its common case: no listener check and no policy to ask
  // (QueueChecked() asks them).
  void Queue(std::uint32_t unit, QueueReason reason, Time now) {
    const Unit& u = units_[unit];
    if (u.in_dbus_queue || u.freed) return;
    if (params_.queue_only_for_listeners || !policies_.empty()) {
      QueueChecked(unit, reason, now);
      return;
    }
    Enqueue(unit);
  }
  void QueueChecked(std::uint32_t unit, QueueReason reason, Time now);
  void Enqueue(std::uint32_t unit) {
    units_[unit].in_dbus_queue = true;
    dbus_queue_.push_back(unit);
    ++stats_.units_queued;
  }
  bool Listening() const;
  bool DispatchDbusQueue(StepClock& step);
  void DispatchGcQueue(StepClock& step);
  void FreeUnit(std::uint32_t unit, StepClock& step);
  void Announce(std::uint32_t unit, StepClock& step);
  // A unit's signals were sent (or refused) by `at`: its latency if new, announced, and back on
  // the GC queue if it waited for them.
  void Announced(std::uint32_t unit, Time at);
  // Buses a unit's signals go to: every private bus, and the API bus if someone subscribed.
  int SubscribedBuses() const;
  // The train engine: every bus the units go to refuses whatever is sent (a full write queue that
  // nothing empties during the step), so each unit costs the same and sends one refused message
  // per bus. AnnounceRefused() announces, as one train per bus, the units that the loop of
  // DispatchDbusQueue() would announce one by one (REQUIRES: AllSendsRefused()).
  bool AllSendsRefused() const;
  void AnnounceRefused(StepClock& step);
  // Units of AnnounceRefused() announced alike, back to back: each refused on every bus.
  struct RefusedRun {
    Member member = Member::kUnitNew;  // what each unit's refused message is
    Time start = 0;                    // the run's first unit starts its dispatch
    Duration message = 0;              // each of a unit's messages
    Duration per_unit = 0;             // its dispatch and one message per bus
    std::int64_t count = 0;
  };
  // Each unit's messages refused on every bus; `dispatch` what a unit's dispatch costs.
  void RefuseRun(const RefusedRun& run, Duration dispatch);
  // The train engine's common case: no policy, one bus subscribed (SoleBus(), else null).
  // AnnounceOnOneBus() announces the units the loop of DispatchDbusQueue() would take, one by one
  // as Announce() does, with the bus found once; it stops where AllSendsRefused() starts to hold.
  // True if it announced any.
  SdBusConnection* SoleBus() const;
  bool AnnounceOnOneBus(SdBusConnection* bus, StepClock& step);
  // The units AnnounceOnOneBus() would announce next, at once while each is as the first (in
  // the queue, announced, not waiting for GC, of its kind, one with a type interface), sends its
  // two PropertiesChanged straight to the socket (SdBusConnection::sends_straight(), room for
  // both), and the quantum and the call's budget allow it. Returns how many (models/systemd/
  // announce_run.cc).
  std::size_t AnnounceRun(SdBusConnection* bus, StepClock& step);
  // A unit's announcement on `bus`: UnitNew the first time, then SendChanged().
  // kInLoop: inside a write loop of `bus` (SdBusConnection::Send()).
  template <bool kInLoop = false>
  void SendAnnouncement(SdBusConnection* bus, std::uint32_t unit, StepClock& step) {
    if (!units_[unit].announced) {
      SendSignal<kInLoop>(bus, Member::kUnitNew, ChangedInterface::kNone, unit, step);
    } else {
      SendChanged<kInLoop>(bus, unit, step);
    }
  }
  // A signal about a unit: its message but for the serial and the object, and what building it
  // costs. Taken once for the run (signals_: sizes and costs do not change), not per message.
  struct SignalKind {
    Message message;
    Duration build = 0;
  };
  SignalKind Signal(Member member, ChangedInterface changed) const;
  struct UnitSignals {
    SignalKind unit_new;
    SignalKind unit_removed;
    std::array<SignalKind, static_cast<std::size_t>(ChangedInterface::kUnit) + 1> changed;  // PropertiesChanged
  };
  const SignalKind& UnitSignal(Member member, ChangedInterface changed) const {
    if (member == Member::kPropertiesChanged) return signals_.changed[static_cast<std::size_t>(changed)];
    Check(member == Member::kUnitNew || member == Member::kUnitRemoved, "not a signal about a unit");
    return member == Member::kUnitNew ? signals_.unit_new : signals_.unit_removed;
  }
  // *m is signal `kind`'s message about `unit`, with the next serial (filled in place).
  void StampSignal(Message* m, const SignalKind& kind, std::uint32_t unit) {
    *m = kind.message;
    m->serial = next_serial_++;
    m->object = unit;
  }
  // Sends signal `kind` about `unit` on `bus` (SendSignal()): false if refused.
  template <bool kInLoop = false>
  bool Emit(SdBusConnection* bus, const SignalKind& kind, std::uint32_t unit, StepClock& step) {
    Message m;
    StampSignal(&m, kind, unit);
    step.Spend(kind.build);
    return bus->Send<kInLoop>(step, m) != SdBusConnection::SendResult::kNoBufs;
  }
  // The interface of a unit's type that sends PropertiesChanged (kNone: target, slice).
  static ChangedInterface TypeInterface(UnitKind kind) {
    switch (kind) {
      case UnitKind::kMount: return ChangedInterface::kMount;
      case UnitKind::kDevice: return ChangedInterface::kDevice;
      case UnitKind::kScope: return ChangedInterface::kScope;
      case UnitKind::kSocket: return ChangedInterface::kSocket;
      case UnitKind::kTarget:
      case UnitKind::kSlice: break;
    }
    return ChangedInterface::kNone;
  }
  // What building a message of `member` costs on top of message_build_cost.
  Duration BuildCost(Member member) const;
  // The announcement of a unit already announced, send_changed_signal() (dbus-unit.c):
  // PropertiesChanged on its type's interface, then on org.freedesktop.systemd1.Unit.
  // sd_bus_emit_properties_changed_strv() builds nothing for an interface none of whose
  // properties emits a change (target, slice), and a failed first send skips the second.
  template <bool kInLoop = false>
  void SendChanged(SdBusConnection* bus, std::uint32_t unit, StepClock& step) {
    const ChangedInterface type_iface = TypeInterface(units_[unit].kind);
    if (type_iface != ChangedInterface::kNone &&
        !SendSignal<kInLoop>(bus, Member::kPropertiesChanged, type_iface, unit, step)) {
      return;
    }
    SendSignal<kInLoop>(bus, Member::kPropertiesChanged, ChangedInterface::kUnit, unit, step);
  }
  int MessagesPerAnnouncement(const Unit& unit) const;
  // systemd_manager.cc
  // sd_event_run(): dispatches the ready event source of highest priority; false if none is.
  void ReconnectApiBus(StepClock& step);
  bool StepEventSources(StepClock& step);
  // A signal about `unit` (UnitNew, UnitRemoved, PropertiesChanged on `changed`) on `bus`: false
  // if refused.
  template <bool kInLoop = false>
  bool SendSignal(SdBusConnection* bus, Member member, ChangedInterface changed, std::uint32_t unit,
                  StepClock& step) {
    return Emit<kInLoop>(bus, UnitSignal(member, changed), unit, step);
  }
  void BusProcess(std::size_t bus, StepClock& step);
  void HandleCall(std::size_t bus, const Message& call, StepClock& step);
  void RunJob(StepClock& step);
  void SendJobSignal(std::uint32_t job, Member member, StepClock& step);
  Message NewMessage(Member member, MessageType type, std::uint32_t object,
                     ChangedInterface changed = ChangedInterface::kNone);
  std::int64_t QueuedWrites() const;
  bool Subscribed(std::size_t bus) const { return bus != api_bus_ || api_subscribed_; }

  SystemdParams params_;
  const MessageSizeParams* sizes_;
  MountTable* table_ = nullptr;
  MountinfoWatcher* watcher_ = nullptr;
  std::uint16_t peer_id_;

  std::vector<SdBusConnection*> buses_;
  std::size_t api_bus_ = static_cast<std::size_t>(-1);
  bool api_subscribed_ = false;
  bool api_bus_closed_ = false;  // the relay closed it; handled at the next step
  std::size_t next_bus_ = 0;   // round robin among ready buses
  int writing_bus_ = -1;       // a write loop cut by the quantum continues here

  std::vector<Unit> units_;
  UnitGraph graph_;
  SharedUnits shared_{};
  std::uint32_t root_mount_ = 0xffffffffu;         // -.mount, perpetual
  std::vector<std::uint32_t> pending_load_;         // new mount units of the scan, to be loaded
  std::vector<std::uint32_t> unit_of_path_;
  std::vector<std::uint32_t> unit_of_source_;
  std::vector<std::uint32_t> active_mounts_;   // mount units with a line in the table
  std::uint64_t umounts_collected_ = 0;        // the table's umounts() at CollectGoneMounts()'s last pass
  std::vector<std::uint32_t> dbus_queue_;      // a stack: LIST_PREPEND + take the head
  std::vector<std::uint32_t> gc_queue_;
  // Jobs: the start job of each transient scope.
  struct Job {
    std::uint32_t unit;
    bool announced = false;  // JobNew sent; until then the job waits in job_dbus_queue_
  };
  std::vector<Job> jobs_;
  std::vector<std::uint32_t> job_dbus_queue_;
  RingBuffer<std::uint32_t> run_queue_;  // jobs, first in first out
  std::uint64_t scan_id_ = 0;
  bool dispatch_call_open_ = false;
  int call_units_left_ = 0;
  std::uint32_t next_serial_ = 1;
  UnitSignals signals_;
  std::vector<std::unique_ptr<Pid1Policy>> own_policies_;  // the profile's (v248 rate limit, ...)
  std::vector<Pid1Policy*> policies_;                       // those and the scenario's patches
  Time deferred_until_ = -1;
  Time send_deferred_until_ = -1;
  // Cold caches: whether PID 1 sleeps, and since when (its first step after is slower).
  bool asleep_ = true;
  Time asleep_since_ = 0;

  Stats stats_;
  std::vector<Duration> known_latency_;
  std::vector<Duration> announced_latency_;
  std::vector<ScanRecord> scan_log_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_SYSTEMD_SYSTEMD_MANAGER_H_
