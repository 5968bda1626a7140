// Train: a run of n items that reach (or leave) a queue one after another at evenly spaced times,
// t0, t0 + dt, ..., t0 + (n - 1) dt, each with the same amount, and what the queues do with it in
// closed form (docs/ARCHITECTURE.md, "The train engine").
//
// The per-message engine hands a queue its items one call at a time; the train engine hands it a
// whole train. The contract is exactness: QueueGauge::AddTrain(train, a) leaves the gauge, and the
// column of its DepthRecorder, exactly as n calls of Add(t_i, a) would, and likewise RemoveTrain()
// for Remove() and RefuseTrain() for Refuse(); Accepts() says how many of n back-to-back TryPush()
// calls a queue takes before it refuses. The cost is O(1) for the gauge and O(sample intervals
// the train spans) for the recorder, whatever n is. Stamps earlier than the gauge's latest count
// at the latest, as for single items, so the part of a train before it collapses onto that time.
#ifndef MOUNTSTORM_SIM_TRAIN_H_
#define MOUNTSTORM_SIM_TRAIN_H_

#include <algorithm>
#include <cstdint>
#include <span>

#include "mountstorm/time.h"

namespace mountstorm {

struct TrainTimes {
  Time first = 0;        // of item 0
  Duration spacing = 0;  // between consecutive items (>= 0)
  std::int64_t count = 0;

  // The time of item i, before any stamping.
  Time at(std::int64_t i) const { return first + i * spacing; }
  Time last() const { return at(count - 1); }
};

// The amounts of a run of items given one by one, each with its own time and amount
// (QueueGauge::RemoveRun() and the others): their sum, the highest (the first item that has it)
// and the lowest. Add() takes them one by one, in order (the definition: Of() gives the same in
// one pass, tests/sim_train_test.cc holds it to Add()).
struct RunAmounts {
  std::int64_t count = 0;
  std::int64_t sum = 0;
  std::int64_t top = 0;
  std::int64_t first_top = 0;
  std::int64_t bottom = 0;  // of the items so far (0 if none)

  void Add(std::int64_t amount) {
    if (amount > top) {
      top = amount;
      first_top = count;
    }
    bottom = count == 0 ? amount : std::min(bottom, amount);
    sum += amount;
    ++count;
  }
  // The RunAmounts of `amounts`, in one pass: for a caller that keeps the amounts in an array
  // anyway and hands them over at once.
  static RunAmounts Of(std::span<const std::int64_t> amounts) {
    RunAmounts r;
    if (amounts.empty()) return r;
    std::int64_t top = 0, first_top = 0, bottom = amounts[0], sum = 0;  // in registers
    for (std::size_t i = 0; i < amounts.size(); ++i) {
      const std::int64_t a = amounts[i];
      if (a > top) {
        top = a;
        first_top = static_cast<std::int64_t>(i);
      }
      bottom = std::min(bottom, a);
      sum += a;
    }
    r.count = static_cast<std::int64_t>(amounts.size());
    r.sum = sum;
    r.top = top;
    r.first_top = first_top;
    r.bottom = bottom;
    return r;
  }
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_TRAIN_H_
