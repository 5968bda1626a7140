#include "models/subscriber.h"

#include <algorithm>

namespace mountstorm {

Subscriber::Subscriber(Simulator* sim, CpuPool* cpus, const ClientParams& params,
                       SdBusConnection* bus)
    : Server(sim, cpus, params.name), params_(params), bus_(bus) {
  if (bus_->in() != nullptr) bus_->in()->set_reader(this);
  bus_->out()->set_writer(this);
}

void Subscriber::Start() {
  for (std::size_t i = 0; i < params_.busy.size(); ++i) {
    sim()->Schedule(params_.busy[i].start, this, kFirstOwnTag + static_cast<std::uint32_t>(i));
  }
}

void Subscriber::OnOwnEvent(Time now, std::uint32_t tag) {
  const BusyPeriod& p = params_.busy[tag - kFirstOwnTag];
  busy_until_ = std::max(busy_until_, now + p.length);
  Wake();
}

Duration Subscriber::Step(Time now) {
  if (now < busy_until_) {
    // Doing other work: nothing is read until it is over.
    Duration d = busy_until_ - now;
    busy_period_time_ += d;
    return d;
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
