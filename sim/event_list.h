// EventList: the pending events of a run, ordered by (time, priority, insertion sequence).
//
// The order is total: two events at the same time and priority come out in the order they were
// inserted. A run therefore never depends on how the heap breaks ties, and any correct event list
// implementation gives the same trajectory. Lower priority values come out first.
//
// An event names its target and what it is for, an EventTag: a kind, which the target names in an
// enum of its own, and an index (which login, which busy period). It carries no heap-allocated
// payload, so inserting and removing an event allocates nothing once the vector has grown to the
// largest pending set, and an event is 32 bytes.
#ifndef MOUNTSTORM_SIM_EVENT_LIST_H_
#define MOUNTSTORM_SIM_EVENT_LIST_H_

#include <cstdint>
#include <vector>

#include "mountstorm/time.h"

namespace mountstorm {

// What an event is for, as its target reads it.
struct EventTag {
  std::uint16_t kind = 0;    // one of the target's own kinds of event
  std::uint32_t index = 0;   // which one of them, e.g. the login attempt
};

// Something that receives events: a component of the model.
class EventTarget {
 public:
  virtual ~EventTarget() = default;
  // Called when an event scheduled for this target is due. `now` is the event's time.
  virtual void OnEvent(Time now, EventTag tag) = 0;
};

struct Event {
  Time time;
  std::int16_t priority;
  std::uint16_t kind;   // the EventTag, unpacked to keep the event at 32 bytes
  std::uint32_t index;
  std::uint64_t seq;  // insertion order: the last tie breaker
  EventTarget* target;

  EventTag tag() const { return EventTag{kind, index}; }
};
static_assert(sizeof(Event) == 32, "an event stays small");

// A binary min-heap keyed by (time, priority, seq).
class EventList {
 public:
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.front(); }

  void Push(Time time, std::int16_t priority, EventTarget* target, EventTag tag) {
    PushReserved(time, priority, target, tag, next_seq_++);
  }

  // An insertion sequence number, taken now for an event pushed later with PushReserved(): that
  // event ties with others as if it had been pushed now.
  std::uint64_t ReserveSeq() { return next_seq_++; }
  // `n` (> 0) calls of ReserveSeq() in a row: the last one's number.
  std::uint64_t ReserveSeqs(std::uint64_t n) {
    next_seq_ += n;
    return next_seq_ - 1;
  }
  // REQUIRES: `seq` came from ReserveSeq() and is pushed once.
  void PushReserved(Time time, std::int16_t priority, EventTarget* target, EventTag tag, std::uint64_t seq) {
    heap_.push_back(Event{time, priority, tag.kind, tag.index, seq, target});
    SiftUp(heap_.size() - 1);
  }

  // REQUIRES: !empty().
  Event Pop() {
    Event first = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) SiftDown(0);
    return first;
  }

 private:
  static bool Before(const Event& a, const Event& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.seq < b.seq;
  }

  void SiftUp(std::size_t i) {
    Event e = heap_[i];
    while (i > 0) {
      std::size_t parent = (i - 1) / 2;
      if (!Before(e, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  void SiftDown(std::size_t i) {
    const std::size_t n = heap_.size();
    Event e = heap_[i];
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && Before(heap_[child + 1], heap_[child])) ++child;
      if (!Before(heap_[child], e)) break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = e;
  }

  std::vector<Event> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_EVENT_LIST_H_
