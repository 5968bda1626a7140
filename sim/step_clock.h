// StepClock: the CPU time a server's step has spent so far.
//
// A step of a Server (sim/server.h) does several things one after another, each costing CPU time;
// what it does is stamped at the moment it happens, the step's start plus the time spent so far,
// so that a long step hands out its messages one by one without an event for each. The functions a
// step calls take its StepClock: they Spend() what they cost and stamp their effects at now().
// A step may run slower than its nominal costs (a process whose caches went cold while it slept):
// every cost it spends is then scaled by `permille` / 1000, in integer arithmetic.
#ifndef MOUNTSTORM_SIM_STEP_CLOCK_H_
#define MOUNTSTORM_SIM_STEP_CLOCK_H_

#include <cstdint>

#include "mountstorm/time.h"

namespace mountstorm {

class StepClock {
 public:
  explicit StepClock(Time start, std::int64_t permille = 1000) : start_(start), permille_(permille) {}

  // When the step started.
  Time start() const { return start_; }
  // The CPU time spent so far: the step's cost when it ends.
  Duration spent() const { return spent_; }
  // The moment reached inside the step.
  Time now() const { return start_ + spent_; }

  void Spend(Duration d) { spent_ += Cost(d); }
  // Spend() of a cost already taken through Cost(): for a loop that spends the same one often.
  void SpendCost(Duration cost) { spent_ += cost; }
  // What Spend(d) adds.
  Duration Cost(Duration d) const { return permille_ == 1000 ? d : d * permille_ / 1000; }
  // Spend(d), `times` times in a row.
  void SpendTimes(Duration d, std::int64_t times) { spent_ += times * Cost(d); }

 private:
  Time start_;
  std::int64_t permille_;
  Duration spent_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_STEP_CLOCK_H_
