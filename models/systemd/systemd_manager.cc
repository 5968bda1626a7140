#include "models/systemd/systemd_manager.h"

#include <algorithm>

#include "models/systemd/policies/adaptive_backoff.h"
#include "models/systemd/policies/rate_limit.h"
#include "models/message/unit_name.h"
#include "mountstorm/error.h"

namespace mountstorm {

SystemdManager::SystemdManager(Simulator* sim, CpuPool* cpus, const SystemdParams& params,
                               const MessageSizeParams& sizes, std::uint16_t peer_id,
                               std::vector<Pid1Policy*> patches)
    : Server(sim, cpus, "systemd"), params_(params), sizes_(&sizes), peer_id_(peer_id) {
  signals_.unit_new = Signal(Member::kUnitNew, ChangedInterface::kNone);
  signals_.unit_removed = Signal(Member::kUnitRemoved, ChangedInterface::kNone);
  for (std::size_t i = 0; i < signals_.changed.size(); ++i) {
    signals_.changed[i] = Signal(Member::kPropertiesChanged, static_cast<ChangedInterface>(i));
  }
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

void SystemdManager::ApiBusClosed(Time at) {
  api_bus_closed_ = true;
  WakeAt(at);
}

void SystemdManager::ApiSubscribers(Time at, bool any) {
  api_subscribed_ = any;
  WakeAt(at);
}

void SystemdManager::ReconnectApiBus(StepClock& step) {
  // signal_disconnected() -> bus_done_api(): the queues are gone and so is every Subscribe();
  // unit_notify() -> manager_recheck_dbus() -> bus_init_api() connects again at once, in a storm.
  api_bus_closed_ = false;
  step.Spend(params_.loop_iteration_cost);
  SdBusConnection* api = buses_[api_bus_];
  api->Abandon(step.now());
  if (writing_bus_ == static_cast<int>(api_bus_)) writing_bus_ = -1;
  api_subscribed_ = false;
}

std::string SystemdManager::UnitPath(std::uint32_t unit) const {
  const Unit& u = units_[unit];
  if (u.kind == UnitKind::kScope) return UnitObjectPath("session-" + std::to_string(u.key) + ".scope");
  const std::string& key = table_->strings().Get(u.key);
  switch (u.kind) {
    case UnitKind::kMount: return UnitObjectPath(UnitNameFromPath(key, ".mount"));
    case UnitKind::kDevice: return UnitObjectPath(UnitNameFromPath(key, ".device"));
    default: return UnitObjectPath(key);  // a target, slice or socket: its name
  }
}

std::int64_t SystemdManager::ColdPermille(Duration slept) const {
  // 1 + slowdown x slept / (slept + tau): no slower after a short nap, at most 1 + slowdown.
  const auto slowdown = static_cast<std::int64_t>(params_.cold_slowdown * 1000.0 + 0.5);
  if (slowdown == 0 || slept <= 0) return 1000;
  return 1000 + slowdown * slept / (slept + params_.cold_tau);
}

Duration SystemdManager::Step(Time now) {
  // The first step after a sleep runs with cold caches; the ones after it are warm again.
  StepClock step(now, asleep_ ? ColdPermille(now - asleep_since_) : 1000);
  asleep_ = false;
  if (api_bus_closed_) {
    ReconnectApiBus(step);
    return step.spent();
  }
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
  asleep_ = true;
  asleep_since_ = now;
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
