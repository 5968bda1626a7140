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

std::uint64_t Simulator::RunUntil(Time end, std::uint64_t max_events) {
  stop_ = false;
  end_ = end;
  const std::uint64_t in_place_before = events_in_place_;
  std::uint64_t run = 0;  // taken from the list (a local: the loop is the hot path)
  // The budget counts every event, those run in place too, as events_run() does.
  while (!stop_ && run + (events_in_place_ - in_place_before) < max_events && !events_.empty() &&
         events_.top().time <= end) {
    Event e = events_.Pop();
    now_ = e.time;
    e.target->OnEvent(e.time, e.tag());
    ++run;
  }
  end_ = -1;
  events_run_ += run;
  return run + (events_in_place_ - in_place_before);
}

}  // namespace mountstorm
