// PID 1's unit D-Bus queue and GC queue: what it announces, when, and what a freed unit sends
// (models/systemd/systemd_manager.h).
#include <algorithm>
#include <limits>

#include "models/systemd/systemd_manager.h"

namespace mountstorm {

bool SystemdManager::Listening() const {
  for (std::size_t b = 0; b < buses_.size(); ++b) {
    if (Subscribed(b)) return true;
  }
  return false;
}

void SystemdManager::QueueChecked(std::uint32_t unit, QueueReason reason, Time now) {
  Unit& u = units_[unit];
  if (params_.queue_only_for_listeners && !Listening()) {
    // "Shortcut things if nobody cares" (unit.c v252.39 L497): never announced, never queued.
    u.announced = true;
    return;
  }
  if (!policies_.empty()) {
    UnitQueueRequest request{now, unit, reason, u.kind == UnitKind::kDevice, u.network};
    for (Pid1Policy* p : policies_) {
      if (!p->AdmitToDbusQueue(request)) {
        ++stats_.units_left_out;
        return;
      }
    }
  }
  Enqueue(unit);
}

std::int64_t SystemdManager::QueuedWrites() const {
  // manager_bus_n_queued_write(): summed over the API bus and every private bus.
  std::int64_t n = 0;
  for (const SdBusConnection* b : buses_) n += static_cast<std::int64_t>(b->wqueue().size());
  return n;
}

void SystemdManager::DispatchGcQueue(StepClock& step) {
  while (!gc_queue_.empty() && step.spent() < params_.quantum) {
    std::uint32_t u = gc_queue_.back();
    gc_queue_.pop_back();
    Unit& unit = units_[u];
    if (unit.freed) continue;
    if (params_.gc_after_announcement && unit.in_dbus_queue) {
      // unit_may_gc() (unit.c v257.13 L445): "send out D-Bus events before we unload the unit".
      unit.gc_waiting = true;
      continue;
    }
    FreeUnit(u, step);
  }
}

void SystemdManager::FreeUnit(std::uint32_t u, StepClock& step) {
  Unit& unit = units_[u];
  step.Spend(params_.unit_dispatch_cost + params_.unit_free_cost +
             params_.unit_free_per_mount_unit * static_cast<Duration>(active_mounts_.size()));
  // unit_free() -> bus_unit_send_removed_signal(): a unit never announced is announced first; a
  // modern PID 1 also sends what is still queued for it (dbus-unit.c v252.39 L1722).
  const bool pending = params_.flush_before_removal && unit.in_dbus_queue && unit.announced;
  unit.in_dbus_queue = false;
  for (std::size_t b = 0; b < buses_.size(); ++b) {
    if (!Subscribed(b)) continue;
    if (!unit.announced) SendSignal(buses_[b], Member::kUnitNew, ChangedInterface::kNone, u, step);
    if (pending) SendChanged(buses_[b], u, step);
    SendSignal(buses_[b], Member::kUnitRemoved, ChangedInterface::kNone, u, step);
  }
  unit.announced = true;
  unit.freed = true;
  if (unit.kind == UnitKind::kMount && UnitOfPath(unit.key) == u) UnitOfPath(unit.key) = kNoUnit;
  ++stats_.units_freed;
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
  SdBusConnection* sole = SoleBus();
  bool worked = sole != nullptr && AnnounceOnOneBus(sole, step);
  while (call_units_left_ > 0 && !dbus_queue_.empty() && step.spent() < params_.quantum) {
    std::uint32_t u = dbus_queue_.back();
    if (!units_[u].in_dbus_queue) {  // freed while queued
      dbus_queue_.pop_back();
      continue;
    }
    if (policies_.empty() && AllSendsRefused()) {
      AnnounceRefused(step);  // the units this loop would take, each refused everywhere
      worked = true;
      continue;
    }
    if (!policies_.empty()) {
      // The unit's signals on every bus it goes to.
      const int messages = MessagesPerAnnouncement(units_[u]) * SubscribedBuses();
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

SdBusConnection* SystemdManager::SoleBus() const {
  if (!sim()->run_in_place() || !policies_.empty() || SubscribedBuses() != 1) return nullptr;
  for (std::size_t b = 0; b < buses_.size(); ++b) {
    if (Subscribed(b)) return buses_[b];
  }
  return nullptr;
}

// flatten: every send of the loop inlined, as g++ stops doing by itself once the sends have a
// write loop (callgrind, issue 14: 470,148,704 instructions at N = 1,000 with it, 482,431,342
// without; the per-message engine's Announce() is not affected).
[[gnu::flatten]] bool SystemdManager::AnnounceOnOneBus(SdBusConnection* bus, StepClock& step) {
  // The loop below and Announce() with the bus found once and no policy to ask; nothing else
  // looks at the bus's socket until the loop ends, so it takes the loop's writes at once.
  bool worked = false;
  bus->out()->BeginWriteLoop();
  while (call_units_left_ > 0 && !dbus_queue_.empty() && step.spent() < params_.quantum) {
    const std::uint32_t u = dbus_queue_.back();
    Unit& unit = units_[u];
    if (!unit.in_dbus_queue) {  // freed while queued
      dbus_queue_.pop_back();
      continue;
    }
    if (bus->RefusesAll()) break;  // AllSendsRefused(): DispatchDbusQueue() goes on with AnnounceRefused()
    worked = true;
    if (AnnounceRun(bus, step) > 0) continue;
    dbus_queue_.pop_back();
    --call_units_left_;
    unit.in_dbus_queue = false;
    step.Spend(params_.unit_dispatch_cost);
    ++stats_.units_announced;
    SendAnnouncement<true>(bus, u, step);
    if (!unit.announced || unit.gc_waiting) Announced(u, step.now());  // else Announced() changes nothing
  }
  bus->out()->EndWriteLoop();
  return worked;
}

SystemdManager::SignalKind SystemdManager::Signal(Member member, ChangedInterface changed) const {
  return {mountstorm::NewMessage(*sizes_, member, MessageType::kSignal, peer_id_, 0, changed),
          params_.message_build_cost + params_.instrumentation_per_message + BuildCost(member)};
}

bool SystemdManager::AllSendsRefused() const {
  if (!sim()->run_in_place()) return false;  // the per-message engine sends each one
  bool any = false;
  for (std::size_t b = 0; b < buses_.size(); ++b) {
    if (!Subscribed(b)) continue;
    if (!buses_[b]->RefusesAll()) return false;
    any = true;
  }
  return any;
}

void SystemdManager::AnnounceRefused(StepClock& step) {
  // Announce() of each unit: its dispatch cost, then on each bus one message built and refused
  // (SendSignal(); a refused first PropertiesChanged skips the second, SendChanged()). Units
  // announced alike (UnitNew, or PropertiesChanged) cost the same: each run of them is one train
  // of refusals per bus.
  const std::int64_t buses = SubscribedBuses();
  const Duration dispatch = step.Cost(params_.unit_dispatch_cost);
  const Duration build = params_.message_build_cost + params_.instrumentation_per_message;
  RefusedRun run;
  std::int64_t taken = 0;
  MemberCounts members{};
  Duration elapsed = 0;
  while (call_units_left_ > 0 && !dbus_queue_.empty() && step.spent() + elapsed < params_.quantum) {
    const std::uint32_t u = dbus_queue_.back();
    dbus_queue_.pop_back();
    Unit& unit = units_[u];
    if (!unit.in_dbus_queue) continue;  // freed while queued
    const Member member = unit.announced ? Member::kPropertiesChanged : Member::kUnitNew;
    if (run.count > 0 && member != run.member) {
      RefuseRun(run, dispatch);
      run.count = 0;
    }
    if (run.count == 0) {
      const Duration message = step.Cost(build + BuildCost(member));
      run = {member, step.now() + elapsed, message, dispatch + buses * message, 0};
    }
    --call_units_left_;
    unit.in_dbus_queue = false;
    ++run.count;
    ++taken;
    ++members[static_cast<int>(member)];
    elapsed += run.per_unit;
    Announced(u, step.now() + elapsed);
  }
  if (run.count > 0) RefuseRun(run, dispatch);
  stats_.units_announced += static_cast<std::uint64_t>(taken);
  next_serial_ += static_cast<std::uint32_t>(taken * buses);
  step.SpendTimes(params_.unit_dispatch_cost, taken);
  for (Member m : {Member::kUnitNew, Member::kPropertiesChanged}) {
    step.SpendTimes(build + BuildCost(m), static_cast<std::int64_t>(members[static_cast<int>(m)]) * buses);
  }
}

void SystemdManager::RefuseRun(const RefusedRun& run, Duration dispatch) {
  // Unit i of the run, on the k-th bus (from 1): refused once its dispatch and k messages are built.
  MemberCounts members{};
  members[static_cast<int>(run.member)] = static_cast<std::uint64_t>(run.count);
  std::int64_t k = 0;
  for (std::size_t b = 0; b < buses_.size(); ++b) {
    if (!Subscribed(b)) continue;
    buses_[b]->RefuseTrain({run.start + dispatch + ++k * run.message, run.per_unit, run.count}, members);
  }
}

int SystemdManager::MessagesPerAnnouncement(const Unit& unit) const {
  if (!unit.announced) return 1;  // UnitNew
  return TypeInterface(unit.kind) == ChangedInterface::kNone ? 1 : 2;  // SendChanged()
}

void SystemdManager::Announce(std::uint32_t u, StepClock& step) {
  Unit& unit = units_[u];
  unit.in_dbus_queue = false;
  step.Spend(params_.unit_dispatch_cost);
  ++stats_.units_announced;
  // bus_foreach_bus(): every private bus, and the API bus if someone subscribed.
  for (std::size_t b = 0; b < buses_.size(); ++b) {
    if (Subscribed(b)) SendAnnouncement(buses_[b], u, step);
  }
  if (!unit.announced || unit.gc_waiting) Announced(u, step.now());  // else Announced() changes nothing
}

void SystemdManager::Announced(std::uint32_t u, Time at) {
  Unit& unit = units_[u];
  if (!unit.announced && unit.mounted_at >= 0) announced_latency_.push_back(at - unit.mounted_at);
  // Set whether or not the sends succeeded: a lost update is not retried.
  unit.announced = true;
  if (unit.gc_waiting) {
    // bus_unit_send_change_signal() puts the unit back on the GC queue (dbus-unit.c v257.13 L1704).
    unit.gc_waiting = false;
    gc_queue_.push_back(u);
  }
}

int SystemdManager::SubscribedBuses() const {
  int n = 0;
  for (std::size_t b = 0; b < buses_.size(); ++b) n += Subscribed(b) ? 1 : 0;
  return n;
}

Duration SystemdManager::BuildCost(Member member) const {
  if (member == Member::kPropertiesChanged) return params_.properties_changed_cost;
  return member == Member::kUnitRemoved ? params_.unit_removed_cost : 0;
}

Message SystemdManager::NewMessage(Member member, MessageType type, std::uint32_t object,
                                   ChangedInterface changed) {
  Message m = mountstorm::NewMessage(*sizes_, member, type, peer_id_, next_serial_++, changed);
  m.object = object;
  return m;
}

}  // namespace mountstorm
