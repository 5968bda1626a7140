#include "models/clients/subscriber.h"

#include <algorithm>

namespace mountstorm {

Subscriber::Subscriber(Simulator* sim, CpuPool* cpus, const ClientParams& params,
                       SdBusConnection* bus)
    : Server(sim, cpus, params.name), params_(params), bus_(bus) {}

void Subscriber::Start() {
  for (std::size_t i = 0; i < params_.busy.size(); ++i) {
    sim()->Schedule(params_.busy[i].start, this, kFirstOwnTag + static_cast<std::uint32_t>(i));
  }
}

void Subscriber::OnOwnEvent(Time now, std::uint32_t tag) {
  const BusyPeriod& p = params_.busy[tag - kFirstOwnTag];
  if (now + p.length > busy_until_) {
    busy_period_time_ += now + p.length - std::max(now, busy_until_);
    busy_until_ = now + p.length;
    busy_on_cpu_ = p.on_cpu;
  }
  Wake();
}

Duration Subscriber::Step(Time now) {
  if (now < busy_until_) {
    // Doing other work: nothing is read until it is over.
    if (busy_on_cpu_) return busy_until_ - now;
    WakeAt(busy_until_);  // blocked: no CPU used
    return kNoWork;
  }
  Duration cost = params_.loop_iteration_cost;
  Message m;
  if (bus_->ReadOne(now, &m, &cost)) {
    cost += params_.per_message_cost;
    ++handled_;
    Handle(m, now, &cost);
    return cost;
  }
  if (bus_->in() != nullptr && !bus_->in()->empty()) WakeAt(std::max(now, bus_->in()->next_ready()));
  return kNoWork;
}

void Subscriber::Handle(const Message&, Time, Duration*) {}

}  // namespace mountstorm
