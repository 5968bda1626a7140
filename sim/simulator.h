// Simulator: the clock and the event list of one run.
//
// Components schedule events for themselves or for each other; Run() takes the earliest event,
// advances the clock to its time and hands it to its target, until no event is left or the next
// one lies beyond the end time. Time never goes backwards: scheduling an event in the past is an
// internal error. A Simulator is single-threaded; parallel runs use one Simulator each.
#ifndef MOUNTSTORM_SIM_SIMULATOR_H_
#define MOUNTSTORM_SIM_SIMULATOR_H_

#include <cstdint>

#include "mountstorm/time.h"
#include "sim/event_list.h"

namespace mountstorm {

class Simulator {
 public:
  Time now() const { return now_; }

  // Schedules `tag` for `target` at time `at`; at equal times a lower `priority` comes first.
  // REQUIRES: at >= now().
  void Schedule(Time at, EventTarget* target, EventTag tag = {}, std::int16_t priority = 0);

  // Runs events in order while the next one is due at or before `end`. Afterwards now() is the
  // time of the last event run (or unchanged if none ran). Returns the number of events run.
  std::uint64_t RunUntil(Time end);

  // Stops RunUntil() after the current event.
  void Stop() { stop_ = true; }

  std::uint64_t events_run() const { return events_run_; }
  std::size_t pending() const { return events_.size(); }
  // Time of the next pending event, or kNever.
  Time next_event_time() const { return events_.empty() ? kNever : events_.top().time; }

 private:
  EventList events_;
  Time now_ = 0;
  std::uint64_t events_run_ = 0;
  bool stop_ = false;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_SIMULATOR_H_
