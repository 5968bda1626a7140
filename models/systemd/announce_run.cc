// PID 1's announcing loop in runs (the train engine): SystemdManager::AnnounceRun()
// (models/systemd/systemd_manager.h), the units AnnounceOnOneBus() would announce one by one
// (manager_dispatch_dbus_queue() -> bus_unit_send_change_signal() -> send_changed_signal(),
// dbus-unit.c), each sending PropertiesChanged on its type's interface and on Unit straight to
// the socket: checked first as that loop checks them, then written at once.
#include <algorithm>

#include "models/systemd/systemd_manager.h"

namespace mountstorm {

std::size_t SystemdManager::AnnounceRun(SdBusConnection* bus, StepClock& step) {
  if (!bus->sends_straight() || call_units_left_ <= 0) return 0;
  const UnitKind kind = units_[dbus_queue_.back()].kind;
  const ChangedInterface type_iface = TypeInterface(kind);
  if (type_iface == ChangedInterface::kNone) return 0;
  const SignalKind& first = UnitSignal(Member::kPropertiesChanged, type_iface);
  const SignalKind& second = UnitSignal(Member::kPropertiesChanged, ChangedInterface::kUnit);
  // A unit's times, as its loop spends them: its dispatch, then each message built and sent.
  const Duration send = step.Cost(bus->sendmsg_cost());
  const Duration to_first = step.Cost(params_.unit_dispatch_cost) + step.Cost(first.build) + send;
  const Duration to_second = step.Cost(second.build) + send;
  const Duration per_unit = to_first + to_second;
  const std::int64_t first_charge = bus->ChargeOf(first.message.bytes);
  const std::int64_t second_charge = bus->ChargeOf(second.message.bytes);
  const std::int64_t room = bus->room();
  const std::size_t queued = dbus_queue_.size();
  const std::size_t most = std::min(queued, static_cast<std::size_t>(call_units_left_));
  std::size_t n = 0;
  std::int64_t charges = 0;
  for (Duration spent = step.spent(); n < most && spent < params_.quantum; ++n, spent += per_unit) {
    const Unit& unit = units_[dbus_queue_[queued - 1 - n]];
    // Room for both sends (Send(): the charges before each below the room; the second's is the
    // larger).
    if (!unit.in_dbus_queue || !unit.announced || unit.gc_waiting || unit.kind != kind ||
        charges + first_charge >= room) {
      break;
    }
    charges += first_charge + second_charge;
  }
  if (n == 0) return 0;
  const Time start = step.now();
  const auto written = bus->SpareRun(2 * n);
  // Emit(): the signal's message with the next serial and the unit, sent `after` the one before.
  Time t = start;
  auto emit = [&](KernelSocket::Entry& e, const SignalKind& signal, std::uint32_t u, std::int64_t charge, Duration after) {
    StampSignal(&e.message, signal, u);
    e.charged = static_cast<std::uint32_t>(charge);
    t += after;
    e.ready = t;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t u = dbus_queue_[queued - 1 - i];
    units_[u].in_dbus_queue = false;
    emit(written[2 * i], first, u, first_charge, to_first);
    emit(written[2 * i + 1], second, u, second_charge, to_second);
  }
  bus->SendRun(2 * n, Member::kPropertiesChanged, charges, start + to_first, t);
  dbus_queue_.resize(queued - n);
  call_units_left_ -= static_cast<int>(n);
  stats_.units_announced += n;
  step.SpendCost(static_cast<Duration>(n) * per_unit);
  return n;
}

}  // namespace mountstorm
