#include "models/clients/subscriber.h"

#include <algorithm>

#include "mountstorm/error.h"

namespace mountstorm {

Subscriber::Subscriber(Simulator* sim, CpuPool* cpus, const ClientParams& params,
                       SdBusConnection* bus)
    : Server(sim, cpus, params.name), params_(params), bus_(bus) {}

void Subscriber::Start() {
  for (std::size_t i = 0; i < params_.busy.size(); ++i) {
    sim()->Schedule(params_.busy[i].start, this, {kBusyPeriodStarts, static_cast<std::uint32_t>(i)});
  }
}

void Subscriber::OnOwnEvent(Time now, EventTag tag) {
  Check(tag.kind == kBusyPeriodStarts, "unknown subscriber event");
  const BusyPeriod& p = params_.busy[tag.index];
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
  Duration cost = ReadAndHandle(now);
  if (cost == kNoWork) {
    if (bus_->in() != nullptr && !bus_->in()->empty()) WakeAt(std::max(now, bus_->in()->next_ready()));
    return kNoWork;
  }
  // The train engine: the messages that follow, in this call, while nothing else can come between.
  for (Time next = NextReadInPlace(cost); next != kNever && StepOnInPlace(cost, next);
       next = NextReadInPlace(cost)) {
    cost = ReadAndHandle(next);
  }
  return cost;
}

Duration Subscriber::ReadAndHandle(Time now) {
  StepClock step(now);
  step.Spend(params_.loop_iteration_cost);
  Message m;
  if (!bus_->ReadOne(step, &m)) return kNoWork;
  step.Spend(params_.per_message_cost);
  ++handled_;
  Handle(m, step);
  return step.spent();
}

Time Subscriber::NextReadInPlace(Duration cost) const {
  if (!sim()->run_in_place() || !ReadsPlainly() || !bus_->rqueue().empty()) return kNever;
  const KernelSocket* in = bus_->in();
  if (in == nullptr || in->empty()) return kNever;
  const Time done = step_start() + cost;
  // Step() at `done` reads at once if the next message is there after the loop's cost; else it
  // wakes when it lands.
  const Time next = in->next_ready() <= done + params_.loop_iteration_cost ? done : in->next_ready();
  if (done < busy_until_) return kNever;  // (then next >= done is not either)
  return next;
}

void Subscriber::Handle(const Message&, StepClock&) {}

}  // namespace mountstorm
