// BoundedQueue<T>: a FIFO of small values with a limit, counted in messages or in bytes.
//
// TryPush() refuses an item when the gauge is at its limit (see QueueGauge for the two limit
// rules) and counts the refusal; it never blocks. Each item carries the amount it adds to the
// level (1 for a queue counted in messages, its size for one counted in bytes), so Pop() removes
// exactly what Push() added.
#ifndef MOUNTSTORM_SIM_BOUNDED_QUEUE_H_
#define MOUNTSTORM_SIM_BOUNDED_QUEUE_H_

#include <cstdint>
#include <string>
#include <utility>

#include "sim/queue_gauge.h"
#include "sim/ring_buffer.h"

namespace mountstorm {

template <typename T>
class BoundedQueue {
 public:
  BoundedQueue(std::string name, QueueUnit unit, std::int64_t limit, LimitRule rule)
      : gauge_(std::move(name), unit, limit, rule) {}

  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  QueueGauge& gauge() { return gauge_; }
  const QueueGauge& gauge() const { return gauge_; }

  // Appends `item` at time t unless the queue is at its limit. `bytes` is the item's size; it
  // counts only in a queue measured in bytes.
  bool TryPush(Time t, const T& item, std::int64_t bytes) {
    if (gauge_.at_limit()) {
      gauge_.Refuse(t);
      return false;
    }
    Push(t, item, bytes);
    return true;
  }

  // Appends `item` whatever the limit: for producers that checked at_limit() themselves.
  void Push(Time t, const T& item, std::int64_t bytes) {
    std::int64_t amount = gauge_.unit() == QueueUnit::kBytes ? bytes : 1;
    Entry& e = items_.NewBack();
    e.item = item;
    e.amount = amount;
    gauge_.Add(t, amount);
  }

  const T& front() const { return items_.front().item; }
  T& front() { return items_.front().item; }
  const T& operator[](std::size_t i) const { return items_[i].item; }

  // REQUIRES: !empty().
  T Pop(Time t) {
    Entry& e = items_.front();
    T item = std::move(e.item);
    const std::int64_t amount = e.amount;
    items_.DropFront();
    gauge_.Remove(t, amount);
    return item;
  }

 private:
  struct Entry {
    T item;
    std::int64_t amount;
  };
  RingBuffer<Entry> items_;
  QueueGauge gauge_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_BOUNDED_QUEUE_H_
