#include "models/systemd/systemd_manager.h"

#include <algorithm>
#include <limits>

#include "models/systemd/policies/adaptive_backoff.h"
#include "models/systemd/policies/rate_limit.h"
#include "models/message/unit_name.h"
#include "mountstorm/error.h"

namespace mountstorm {

SystemdManager::SystemdManager(Simulator* sim, CpuPool* cpus, const SystemdParams& params,
                               const MessageSizeParams& sizes, std::uint16_t peer_id,
                               std::vector<Pid1Policy*> patches)
    : Server(sim, cpus, "systemd"), params_(params), sizes_(&sizes), peer_id_(peer_id) {
  if (params_.mountinfo_backoff_factor > 0) {
    own_policies_.push_back(std::make_unique<AdaptiveBackoff>(params_.mountinfo_backoff_factor));
  }
  if (params_.mountinfo_ratelimit_interval > 0) {
    own_policies_.push_back(std::make_unique<RateLimit>(params_.mountinfo_ratelimit_interval,
                                                        params_.mountinfo_ratelimit_burst));
  }
  for (const auto& p : own_policies_) policies_.push_back(p.get());
  for (Pid1Policy* p : patches) policies_.push_back(p);
}

void SystemdManager::WatchMountTable(MountTable* table) {
  // mount_setup(): /proc/self/mountinfo is opened and watched only if the profile watches it;
  // unwatched, the table is still read once at start-up (AdoptInitialTable).
  table_ = table;
  watcher_ = table->Watch(params_.watch_mountinfo ? this : nullptr);
}

void SystemdManager::AttachApiBus(SdBusConnection* bus, bool subscribed) {
  api_bus_ = buses_.size();
  api_subscribed_ = subscribed;
  buses_.push_back(bus);
}

void SystemdManager::AttachPrivateBus(SdBusConnection* bus) { buses_.push_back(bus); }

std::string SystemdManager::UnitPath(std::uint32_t unit) const {
  const Unit& u = units_[unit];
  if (u.kind == UnitKind::kScope) return UnitObjectPath("session-" + std::to_string(u.key) + ".scope");
  const std::string& key = table_->strings().Get(u.key);
  return UnitObjectPath(UnitNameFromPath(key, u.kind == UnitKind::kMount ? ".mount" : ".device"));
}

std::uint32_t& SystemdManager::UnitOfPath(std::uint32_t path) {
  if (path >= unit_of_path_.size()) unit_of_path_.resize(path + 1, kNoUnit);
  return unit_of_path_[path];
}

std::uint32_t& SystemdManager::UnitOfSource(std::uint32_t source) {
  if (source >= unit_of_source_.size()) unit_of_source_.resize(source + 1, kNoUnit);
  return unit_of_source_[source];
}

std::uint32_t SystemdManager::NewUnit(UnitKind kind, std::uint32_t key) {
  Unit u;
  u.kind = kind;
  u.key = key;
  units_.push_back(u);
  return static_cast<std::uint32_t>(units_.size() - 1);
}

void SystemdManager::AdoptInitialTable() {
  ++scan_id_;
  for (const MountEntry& e : table_->entries()) {
    if (e.dev_backed && UnitOfSource(e.source) == kNoUnit) {
      std::uint32_t d = NewUnit(UnitKind::kDevice, e.source);
      units_[d].announced = true;
      UnitOfSource(e.source) = d;
    }
    if (e.autofs || UnitOfPath(e.path) != kNoUnit) continue;
    std::uint32_t u = NewUnit(UnitKind::kMount, e.path);
    Unit& unit = units_[u];
    unit.source = e.source;
    unit.fstype = e.fstype;
    unit.options = e.options;
    unit.network = e.network;
    unit.announced = true;
    unit.seen_scan = scan_id_;
    UnitOfPath(e.path) = u;
    active_mounts_.push_back(u);
  }
  watcher_->Consume();
}

void SystemdManager::Queue(std::uint32_t unit, QueueReason reason, Time now) {
  // unit_add_to_dbus_queue(): no-op if already queued; LIST_PREPEND.
  Unit& u = units_[unit];
  if (u.in_dbus_queue || u.freed) return;
  if (!policies_.empty()) {
    UnitQueueRequest request{now, unit, reason, u.kind == UnitKind::kDevice, u.network};
    for (Pid1Policy* p : policies_) {
      if (!p->AdmitToDbusQueue(request)) {
        ++stats_.units_left_out;
        return;
      }
    }
  }
  u.in_dbus_queue = true;
  dbus_queue_.push_back(unit);
  ++stats_.units_queued;
}

std::int64_t SystemdManager::QueuedWrites() const {
  // manager_bus_n_queued_write(): summed over the API bus and every private bus.
  std::int64_t n = 0;
  for (const SdBusConnection* b : buses_) n += static_cast<std::int64_t>(b->wqueue().size());
  return n;
}

Duration SystemdManager::Step(Time now) {
  StepClock step(now);
  // A write loop cut short by the quantum goes on before anything else.
  if (writing_bus_ >= 0) {
    std::size_t b = static_cast<std::size_t>(writing_bus_);
    writing_bus_ = -1;
    BusProcess(b, step);
    stats_.bus_io_time += step.spent();
    return step.spent();
  }
  // manager_loop(): the queues run before every sd_event_run(), and the loop restarts while
  // they do work.
  if (!gc_queue_.empty()) {
    DispatchGcQueue(step);
    stats_.dispatch_time += step.spent();
    return step.spent();
  }
  if ((!dbus_queue_.empty() || !job_dbus_queue_.empty()) && DispatchDbusQueue(step)) {
    stats_.dispatch_time += step.spent();
    return step.spent();
  }
  // sd_event_run(): the ready source of highest priority, one per iteration.
  if (StepEventSources(step)) return step.spent();
  // Nothing to do now; a message still in flight towards PID 1 wakes it when it lands.
  for (SdBusConnection* bus : buses_) {
    if (bus->in() != nullptr && !bus->in()->empty()) WakeAt(std::max(now, bus->in()->next_ready()));
  }
  return kNoWork;
}

bool SystemdManager::StepEventSources(StepClock& step) {
  // The mountinfo source (priority -10), unless a policy keeps it offline for now.
  if (params_.watch_mountinfo && watcher_->ready()) {
    Time online = step.start();
    for (Pid1Policy* p : policies_) online = std::max(online, p->MountinfoDispatchTime(step.start(), watcher_->ready_since()));
    if (online == step.start()) {
      step.Spend(params_.loop_iteration_cost);
      Scan(step);
      for (Pid1Policy* p : policies_) p->MountinfoDispatched(step.start(), step.now());
      stats_.scan_time += step.spent();
      return true;
    }
    // Offline until then; the other sources run meanwhile.
    if (deferred_until_ != online) {
      deferred_until_ = online;
      ++stats_.scans_deferred;
      WakeAt(online);
    }
  }
  // Bus I/O (priority 0), round robin among the ready buses.
  for (std::size_t k = 0; k < buses_.size(); ++k) {
    std::size_t b = (next_bus_ + k) % buses_.size();
    if (buses_[b]->io_ready(step.start())) {
      next_bus_ = (b + 1) % buses_.size();
      step.Spend(params_.loop_iteration_cost);
      BusProcess(b, step);
      stats_.bus_io_time += step.spent();
      return true;
    }
  }
  // The run queue: an event source of idle priority (manager_dispatch_run_queue).
  if (!run_queue_.empty()) {
    step.Spend(params_.loop_iteration_cost);
    RunJob(step);
    stats_.job_time += step.spent();
    return true;
  }
  return false;
}

void SystemdManager::Scan(StepClock& step) {
  // The poll that reported the change cleared it: changes from now on make the source ready again.
  stats_.changes_seen += watcher_->pending_changes();
  watcher_->Consume();
  ++stats_.scans;
  ++scan_id_;
  scan_log_.push_back(ScanRecord{step.start(), static_cast<std::uint32_t>(table_->lines())});
  stats_.lines_scanned += table_->lines();
  step.Spend(params_.scan_fixed +
           params_.scan_per_line * static_cast<Duration>(table_->lines()) +
           params_.scan_per_device_line * static_cast<Duration>(table_->dev_lines()));
  for (const MountEntry& e : table_->entries()) {
    if (e.dev_backed) ScanDevice(e, step.start());
    if (!e.autofs) ScanMount(e, step);  // autofs mount points are skipped
  }
  CollectGoneMounts();
}

void SystemdManager::ScanDevice(const MountEntry& e, Time now) {
  // device_found_node() -> device_setup_unit(), which ends in an unconditional
  // unit_add_to_dbus_queue() on RHEL 7.7 and v220-v245.
  std::uint32_t& d = UnitOfSource(e.source);
  if (d == kNoUnit) {
    d = NewUnit(UnitKind::kDevice, e.source);
    Queue(d, QueueReason::kNew, now);
  } else if (params_.reannounce_dev_devices) {
    Queue(d, QueueReason::kUnchangedDevice, now);
  }
}

void SystemdManager::ScanMount(const MountEntry& e, StepClock& step) {
  std::uint32_t& slot = UnitOfPath(e.path);
  if (slot == kNoUnit) {
    std::uint32_t u = NewUnit(UnitKind::kMount, e.path);
    slot = u;
    Unit& unit = units_[u];
    unit.source = e.source;
    unit.fstype = e.fstype;
    unit.options = e.options;
    unit.network = e.network;
    unit.seen_scan = scan_id_;
    unit.mounted_at = e.mounted_at;
    known_latency_.push_back(step.now() - e.mounted_at);  // known once the scan is done
    active_mounts_.push_back(u);
    ++stats_.new_mount_units;
    Queue(u, QueueReason::kNew, step.start());
    return;
  }
  Unit& unit = units_[slot];
  if (unit.seen_scan == scan_id_) return;  // a second line on the same path
  unit.seen_scan = scan_id_;
  bool changed = unit.source != e.source || unit.fstype != e.fstype || unit.options != e.options;
  unit.source = e.source;
  unit.fstype = e.fstype;
  unit.options = e.options;
  unit.network = e.network;
  if (changed) {
    Queue(slot, QueueReason::kChanged, step.start());
  } else if (unit.network && params_.reannounce_network_mounts) {
    // mount_setup_unit() on an existing network mount: unit_add_dependency_by_name(
    // remote-fs.target) ends in an unconditional unit_add_to_dbus_queue() (v219 ... v239).
    Queue(slot, QueueReason::kUnchangedNetworkMount, step.start());
  }
}

void SystemdManager::CollectGoneMounts() {
  // Mount units whose line is gone are dead; with nothing referencing them they are freed.
  std::size_t kept = 0;
  for (std::uint32_t u : active_mounts_) {
    if (units_[u].seen_scan == scan_id_) {
      active_mounts_[kept++] = u;
    } else {
      UnitOfPath(units_[u].key) = kNoUnit;
      gc_queue_.push_back(u);
    }
  }
  active_mounts_.resize(kept);
}

void SystemdManager::DispatchGcQueue(StepClock& step) {
  while (!gc_queue_.empty() && step.spent() < params_.quantum) {
    std::uint32_t u = gc_queue_.back();
    gc_queue_.pop_back();
    Unit& unit = units_[u];
    // unit_free() takes the unit off the D-Bus queue; bus_unit_send_removed_signal() announces
    // it first if it never was, then sends UnitRemoved.
    unit.in_dbus_queue = false;
    step.Spend(params_.unit_dispatch_cost);
    for (std::size_t b = 0; b < buses_.size(); ++b) {
      if (!Subscribed(b)) continue;
      if (!unit.announced) SendSignal(buses_[b], Member::kUnitNew, ChangedInterface::kNone, u, step);
      SendSignal(buses_[b], Member::kUnitRemoved, ChangedInterface::kNone, u, step);
    }
    unit.announced = true;
    unit.freed = true;
    ++stats_.units_freed;
  }
}

bool SystemdManager::DispatchDbusQueue(StepClock& step) {
  if (step.start() < send_deferred_until_) return false;  // a policy holds the signals back until then
  if (!dispatch_call_open_) {
    // manager_dispatch_dbus_queue(): sit this cycle out while too much waits to be written.
    DispatchBudget budget;
    if (params_.dbus_queue_budget > 0) budget.max_units = params_.dbus_queue_budget;
    if (params_.bus_busy_threshold > 0) budget.pause_above_queued_writes = params_.bus_busy_threshold;
    const std::int64_t queued = QueuedWrites();
    for (Pid1Policy* p : policies_) p->LimitDispatch(step.start(), queued, &budget);
    if (budget.pause_above_queued_writes >= 0 && queued > budget.pause_above_queued_writes) {
      ++stats_.dispatch_blocked;
      return false;
    }
    dispatch_call_open_ = true;
    call_units_left_ = budget.max_units >= 0 ? budget.max_units : std::numeric_limits<int>::max();
  }
  bool worked = false;
  while (call_units_left_ > 0 && !dbus_queue_.empty() && step.spent() < params_.quantum) {
    std::uint32_t u = dbus_queue_.back();
    if (!units_[u].in_dbus_queue) {  // freed while queued
      dbus_queue_.pop_back();
      continue;
    }
    if (!policies_.empty()) {
      // The unit's signals: UnitNew, or two PropertiesChanged, per subscribed bus.
      int buses = 0;
      for (std::size_t b = 0; b < buses_.size(); ++b) buses += Subscribed(b) ? 1 : 0;
      const int messages = (units_[u].announced ? 2 : 1) * buses;
      Time t = step.now(), go = t;
      for (Pid1Policy* p : policies_) go = std::max(go, p->SendTime(t, messages));
      if (go > t) {
        ++stats_.sends_deferred;
        send_deferred_until_ = go;
        WakeAt(go);
        break;
      }
      for (Pid1Policy* p : policies_) p->Sent(t, messages);
    }
    dbus_queue_.pop_back();
    --call_units_left_;
    Announce(u, step);
    worked = true;
  }
  if (!worked && step.spent() == 0 && send_deferred_until_ > step.start()) return false;
  // Then the job queue, within the same budget.
  while (dbus_queue_.empty() && call_units_left_ > 0 && !job_dbus_queue_.empty() && step.spent() < params_.quantum) {
    std::uint32_t j = job_dbus_queue_.back();
    job_dbus_queue_.pop_back();
    if (jobs_[j].announced) continue;  // announced already when its job ran
    --call_units_left_;
    SendJobSignal(j, Member::kJobNew, step);
  }
  if (call_units_left_ == 0 || (dbus_queue_.empty() && job_dbus_queue_.empty())) dispatch_call_open_ = false;
  return true;
}

void SystemdManager::Announce(std::uint32_t u, StepClock& step) {
  Unit& unit = units_[u];
  unit.in_dbus_queue = false;
  step.Spend(params_.unit_dispatch_cost);
  ++stats_.units_announced;
  ChangedInterface type_iface = unit.kind == UnitKind::kMount    ? ChangedInterface::kMount
                                : unit.kind == UnitKind::kDevice ? ChangedInterface::kDevice
                                                                 : ChangedInterface::kScope;
  // bus_foreach_bus(): every private bus, and the API bus if someone subscribed.
  for (std::size_t b = 0; b < buses_.size(); ++b) {
    if (!Subscribed(b)) continue;
    if (!unit.announced) {
      SendSignal(buses_[b], Member::kUnitNew, ChangedInterface::kNone, u, step);
    } else if (SendSignal(buses_[b], Member::kPropertiesChanged, type_iface, u, step)) {
      SendSignal(buses_[b], Member::kPropertiesChanged, ChangedInterface::kUnit, u, step);
    }
  }
  if (!unit.announced && unit.mounted_at >= 0) announced_latency_.push_back(step.now() - unit.mounted_at);
  // Set whether or not the sends succeeded: a lost update is not retried.
  unit.announced = true;
}

Message SystemdManager::NewMessage(Member member, MessageType type, std::uint32_t object,
                                   ChangedInterface changed) {
  Message m = mountstorm::NewMessage(*sizes_, member, type, peer_id_, next_serial_++, changed);
  m.object = object;
  return m;
}

bool SystemdManager::SendSignal(SdBusConnection* bus, Member member, ChangedInterface changed,
                                std::uint32_t unit, StepClock& step) {
  Message m = NewMessage(member, MessageType::kSignal, unit, changed);
  step.Spend(params_.message_build_cost + params_.instrumentation_per_message);
  return bus->Send(step, m) != SdBusConnection::SendResult::kNoBufs;
}

void SystemdManager::SendJobSignal(std::uint32_t job, Member member, StepClock& step) {
  // bus_job_send_change_signal() / bus_job_send_removed_signal(): to every bus, like units.
  for (std::size_t b = 0; b < buses_.size(); ++b) {
    if (!Subscribed(b)) continue;
    Message m = NewMessage(member, MessageType::kSignal, job);
    step.Spend(params_.message_build_cost + params_.instrumentation_per_message);
    buses_[b]->Send(step, m);
  }
  if (member == Member::kJobNew) jobs_[job].announced = true;
}

void SystemdManager::HandleCall(std::size_t b, const Message& call, StepClock& step) {
  if (call.member != Member::kStartTransientUnit) return;
  ++stats_.transient_units;
  step.Spend(params_.start_transient_unit_cost);
  // The scope unit and its start job (method_start_transient_unit -> manager_add_job).
  std::uint32_t scope = NewUnit(UnitKind::kScope, call.object);
  Queue(scope, QueueReason::kNew, step.start());
  jobs_.push_back(Job{scope});
  std::uint32_t job = static_cast<std::uint32_t>(jobs_.size() - 1);
  job_dbus_queue_.push_back(job);
  run_queue_.PushBack(job);
  // The reply names the job; it queues behind every signal already waiting to be written.
  Message reply = NewMessage(Member::kMethodReturn, MessageType::kMethodReturn, job);
  reply.serial = call.serial;
  reply.destination = call.sender;
  step.Spend(params_.message_build_cost + params_.instrumentation_per_message);
  if (buses_[b]->Send(step, reply) == SdBusConnection::SendResult::kNoBufs) {
    // The handler fails and sd-bus tries an error reply, which meets the same full queue.
    Message error = NewMessage(Member::kError, MessageType::kError, job);
    error.serial = call.serial;
    error.destination = call.sender;
    error.error = ErrorName::kNoBufs;
    buses_[b]->Send(step, error);
    ++stats_.replies_lost;
  }
}

void SystemdManager::RunJob(StepClock& step) {
  std::uint32_t j = run_queue_.PopFront();
  ++stats_.jobs_run;
  step.Spend(params_.job_run_cost);
  // The scope starts: its state changes, and the finished job is announced and removed.
  Queue(jobs_[j].unit, QueueReason::kChanged, step.start());
  if (!jobs_[j].announced) SendJobSignal(j, Member::kJobNew, step);
  SendJobSignal(j, Member::kJobRemoved, step);
}

void SystemdManager::BusProcess(std::size_t b, StepClock& step) {
  SdBusConnection* bus = buses_[b];
  // process_running(): dispatch_wqueue() first, and return if it wrote anything.
  if (!bus->wqueue().empty()) {
    int written = bus->DispatchWqueue(step, params_.quantum);
    if (written > 0) {
      if (!bus->wqueue().empty() && bus->out()->has_room()) writing_bus_ = static_cast<int>(b);
      return;
    }
  }
  Message m;
  if (bus->ReadOne(step, &m)) {
    ++stats_.messages_read;
    step.Spend(params_.incoming_message_cost);
    if (m.type == MessageType::kMethodCall) HandleCall(b, m, step);
  }
}

}  // namespace mountstorm
