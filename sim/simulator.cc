#include "sim/simulator.h"

#include "mountstorm/error.h"

namespace mountstorm {

void Simulator::Schedule(Time at, EventTarget* target, EventTag tag, std::int16_t priority) {
  Check(at >= now_, "event scheduled in the past");
  events_.Push(at, priority, target, tag);
}

std::uint64_t Simulator::RunUntil(Time end) {
  stop_ = false;
  std::uint64_t run = 0;
  while (!stop_ && !events_.empty() && events_.top().time <= end) {
    Event e = events_.Pop();
    now_ = e.time;
    e.target->OnEvent(e.time, e.tag());
    ++run;
  }
  events_run_ += run;
  return run;
}

}  // namespace mountstorm
