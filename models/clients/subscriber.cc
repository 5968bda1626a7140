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
  return sim()->run_in_place() ? ReadOnInPlace(cost) : cost;
}

Duration Subscriber::ReadOnInPlace(Duration cost) {
  KernelSocket* in = bus_->in();
  if (in == nullptr) return cost;
  const Duration loop = params_.loop_iteration_cost;
  const Duration recv = 2 * bus_->recvmsg_cost();
  // Asked again only after a step that may schedule something or stop reading plainly.
  Time limit = sim()->in_place_limit();
  bool plainly = ReadsPlainly();
  while (plainly && bus_->rqueue().empty() && !in->empty()) {
    const Time done = step_start() + cost;
    if (done < busy_until_) break;
    // Step() at `done` reads at once if the next message is there after the loop's cost; else it
    // wakes when it lands.
    const Time ready = in->next_ready();
    const Time next = ready <= done + loop ? done : ready;
    if (!StepOnInPlace(cost, next, limit)) break;
    if (!in->reads_quietly() || !HandlesQuietly(in->front())) {
      cost = ReadAndHandle(next);
      limit = sim()->in_place_limit();
      plainly = ReadsPlainly();
      continue;
    }
    cost = ReadQuietly(next, loop, recv);
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

void Subscriber::Handle(const Message&, StepClock&) {}

}  // namespace mountstorm
