// Simulator: the clock and the event list of one run.
//
// Components schedule events for themselves or for each other; Run() takes the earliest event,
// advances the clock to its time and hands it to its target, until no event is left or the next
// one lies beyond the end time. Time never goes backwards: scheduling an event in the past is an
// internal error. A Simulator is single-threaded; parallel runs use one Simulator each.
#ifndef MOUNTSTORM_SIM_SIMULATOR_H_
#define MOUNTSTORM_SIM_SIMULATOR_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "mountstorm/time.h"
#include "sim/event_list.h"
#include "sim/settler.h"

namespace mountstorm {

class Simulator {
 public:
  Time now() const { return now_; }

  // Schedules `tag` for `target` at time `at`; at equal times a lower `priority` comes first.
  // REQUIRES: at >= now().
  void Schedule(Time at, EventTarget* target, EventTag tag = {}, std::int16_t priority = 0);

  // Runs events in order while the next one is due at or before `end`, at most `max_events` of
  // them; then settlers (AddSettler()) run theirs up to the same point and hand back the rest.
  // Afterwards now() is the time of the last event run (or unchanged if none ran). Returns the
  // number of events run, settlers' included.
  std::uint64_t RunUntil(Time end, std::uint64_t max_events = std::numeric_limits<std::uint64_t>::max());

  // Stops RunUntil() after the current event.
  void Stop() { stop_ = true; }

  // Running in place (the train engine, docs/ARCHITECTURE.md "The train engine"). An event that
  // would be the very next one RunUntil() takes, because nothing pending comes at or before its
  // time, may be run by its target in place, without the round trip through the event list:
  // RunInPlace(at) says whether that holds (it never does unless set_run_in_place(true)); if so
  // the clock moves to `at` and the event counts as run, and the caller must then do exactly what
  // the event would have done. Nothing else can happen in between, so the run is the same event
  // for event, and events_run() counts the same.
  void set_run_in_place(bool on) { run_in_place_ = on; }
  bool run_in_place() const { return run_in_place_; }
  bool RunInPlace(Time at) {
    if (!WouldRunInPlace(at)) return false;
    RunInPlaceWithin(at);
    return true;
  }
  // RunInPlace() of an event whose insertion order `seq` was reserved (ReserveSeq()).
  bool RunInPlace(Time at, std::uint64_t seq) {
    if (!WouldRunInPlace(at)) return false;
    RunHere(at, seq);
    return true;
  }
  // What RunInPlace(at) would say now, without running anything.
  bool WouldRunInPlace(Time at) const {
    return run_in_place_ && !stop_ && at <= end_ && (events_.empty() || events_.top().time > at);
  }
  // The last time at which an event could run in place now: WouldRunInPlace(at) holds exactly
  // for `at` up to it. It stays so until an event is scheduled or the run is stopped, so a caller
  // that runs many events in place asks once (and again after anything that may schedule).
  Time in_place_limit() const {
    if (!run_in_place_ || stop_) return std::numeric_limits<Time>::min();
    return events_.empty() ? end_ : std::min(end_, events_.top().time - 1);
  }
  // RunInPlace(at) for an `at` at most in_place_limit().
  void RunInPlaceWithin(Time at) { RunHere(at, events_.ReserveSeq()); }  // its place in the list
  // The insertion order of the event in progress (reserved for one run in place), with now() its
  // place in the order of the run.
  std::uint64_t current_seq() const { return current_seq_; }
  // An event may be scheduled with an insertion order taken earlier (EventList::ReserveSeq()).
  std::uint64_t ReserveSeq() { return events_.ReserveSeq(); }
  // `n` (> 0) calls of ReserveSeq() in a row, for a caller that needs only the last one's order.
  std::uint64_t ReserveSeqs(std::uint64_t n) { return events_.ReserveSeqs(n); }
  void ScheduleReserved(Time at, EventTarget* target, EventTag tag, std::uint64_t seq);

  // Settlers (sim/settler.h) hand back their events when RunUntil() stops; one that stops
  // settling before then removes itself.
  void AddSettler(Settler* s) { settlers_.push_back(s); }
  void RemoveSettler(Settler* s) { std::erase(settlers_, s); }
  // `n` events that a settler ran itself, the last at `last`: they count as run in place.
  void CountSettled(std::uint64_t n, Time last) {
    events_run_ += n;
    events_in_place_ += n;
    now_ = std::max(now_, last);
  }

  // Every event run, in place or not; and those run in place.
  std::uint64_t events_run() const { return events_run_; }
  std::uint64_t events_in_place() const { return events_in_place_; }
  std::size_t pending() const { return events_.size(); }
  // Time of the next pending event, or kNever.
  Time next_event_time() const { return events_.empty() ? kNever : events_.top().time; }

 private:
  // An event at `at`, of insertion order `seq`, run in place by its target.
  void RunHere(Time at, std::uint64_t seq) {
    now_ = at;
    current_seq_ = seq;
    ++events_run_;
    ++events_in_place_;
  }

  EventList events_;
  Time now_ = 0;
  std::uint64_t current_seq_ = 0;
  std::vector<Settler*> settlers_;
  std::uint64_t events_run_ = 0;
  std::uint64_t events_in_place_ = 0;
  Time end_ = -1;  // of the RunUntil() in progress: nothing runs in place outside one
  bool stop_ = false;
  bool run_in_place_ = false;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_SIMULATOR_H_
