#include "sim/simulator.h"

#include "mountstorm/error.h"

namespace mountstorm {

void Simulator::Schedule(Time at, EventTarget* target, EventTag tag, std::int16_t priority) {
  Check(at >= now_, "event scheduled in the past");
  events_.Push(at, priority, target, tag);
}

void Simulator::ScheduleReserved(Time at, EventTarget* target, EventTag tag, std::uint64_t seq) {
  Check(at >= now_, "event scheduled in the past");
  events_.PushReserved(at, 0, target, tag, seq);
}

std::uint64_t Simulator::RunUntil(Time end) {
  stop_ = false;
  end_ = end;
  const std::uint64_t before = events_run_;
  while (!stop_ && !events_.empty() && events_.top().time <= end) {
    Event e = events_.Pop();
    now_ = e.time;
    ++events_run_;
    e.target->OnEvent(e.time, e.tag());
  }
  end_ = -1;
  return events_run_ - before;
}

}  // namespace mountstorm
