// Settler: a component that runs some of its own events without the event list and late, in a
// batch (the train engine's folded readers, models/clients/folded_reads.h). Its events keep their
// place in the order of the run, (time, insertion sequence): it reserves each one's sequence
// number (Simulator::ReserveSeq()) at the moment the event list would have been given the event.
// Whoever could observe those events or interleave with them asks the settler first to run every
// one that comes before the event in progress; so the run is the same event for event.
#ifndef MOUNTSTORM_SIM_SETTLER_H_
#define MOUNTSTORM_SIM_SETTLER_H_

#include <cstdint>

#include "mountstorm/time.h"

namespace mountstorm {

class Settler {
 public:
  virtual ~Settler() = default;
  // Runs, in order, its events that come before (t, seq): earlier, or at t and inserted before seq.
  virtual void SettleBefore(Time t, std::uint64_t seq) = 0;
  // The run stops before (t, seq): SettleBefore(t, seq), then the events left go to the event
  // list (with their sequence numbers) and the settler stops settling (Simulator::RemoveSettler()).
  virtual void HandBack(Time t, std::uint64_t seq) = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_SETTLER_H_
