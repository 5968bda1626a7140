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
    current_seq_ = e.seq;
    e.target->OnEvent(e.time, e.tag());
    ++run;
  }
  events_run_ += run;
  // Settlers run what comes before the first event not run, and hand back the rest.
  const bool cut = !events_.empty() && events_.top().time <= end;
  const Time t = cut ? events_.top().time : end;
  const std::uint64_t seq = cut ? events_.top().seq : std::numeric_limits<std::uint64_t>::max();
  while (!settlers_.empty()) settlers_.back()->HandBack(t, seq);
  end_ = -1;
  return run + (events_in_place_ - in_place_before);
}

}  // namespace mountstorm
