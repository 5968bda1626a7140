// Workload: the mount, unmount and remount operations of a scenario, applied to the MountTable at
// their times.
//
// Each generator of the scenario (an explicit list, N operations at a fixed interval, a Poisson
// stream, a burst) is expanded once, when the run starts, into timed operations; automount expiry
// adds an unmount after each mount. Random gaps come from the generator's own stream, named
// "workload.<generator name>", so adding a generator changes no other generator's times. All
// operations are kept in one list sorted by (time, generator, index), and only the next one is
// pending in the event list.
#ifndef MOUNTSTORM_MODELS_KERNEL_WORKLOAD_H_
#define MOUNTSTORM_MODELS_KERNEL_WORKLOAD_H_

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "mountstorm/scenario.h"
#include "sim/event_list.h"
#include "sim/random_stream.h"
#include "sim/server.h"
#include "sim/simulator.h"

namespace mountstorm {

class MountTable;

struct TimedMountOp {
  Time at = 0;
  int generator = 0;
  int index = 0;  // order within the generator
  MountOp op = MountOp::kMount;
  MountSpec spec;
};

// Expands the generators into operations sorted by (time, generator, index).
std::vector<TimedMountOp> ExpandWorkload(const std::vector<WorkloadGenerator>& generators,
                                         std::uint64_t seed);

class Workload : public EventTarget {
 public:
  Workload(Simulator* sim, MountTable* table, std::vector<TimedMountOp> ops);

  // Schedules the first operation.
  void Start();

  void OnEvent(Time now, EventTag tag) override;

  std::size_t operations() const { return ops_.size(); }
  std::size_t applied() const { return next_; }
  // Time of the last operation (0 if none).
  Time last_operation_time() const { return ops_.empty() ? 0 : ops_.back().at; }

 private:
  Simulator* sim_;
  MountTable* table_;
  std::vector<TimedMountOp> ops_;
  std::size_t next_ = 0;
};

// Replaces every "{i}" in `text` by `index`.
std::string ExpandIndex(const std::string& text, int index);
MountSpec ExpandSpec(const MountSpec& spec, int index);

// Applies one operation to the table.
void ApplyMountOp(MountTable* table, Time now, MountOp op, const MountSpec& spec);

// MountingProcess: a "sequence" generator: a process of the host that makes its operations one
// after another, e.g. `find /nfs/users -exec ls {} \;` triggering one automount per directory, or
// a shell loop of `mount --bind`. Each operation takes `cpu` of CPU time, which it must get from
// the host's CPUs like PID 1 and dbus-daemon, then `latency` (jittered) off the CPU, and then
// changes the table. On a host with few CPUs PID 1's scans therefore slow the storm down.
// With expire_after, each mount is unmounted that long after it was made (by the automounter,
// not by this process).
class MountingProcess : public Server {
 public:
  MountingProcess(Simulator* sim, CpuPool* cpus, MountTable* table,
                  const WorkloadGenerator& generator, std::uint64_t seed);

  void Start();
  int done() const { return done_; }
  Time last_operation_time() const { return last_op_time_; }
  // Each operation extends `window` (sim/level_integral.h) to its time.
  void ExtendOnOperations(StormWindow* window) { window_ = window; }

 protected:
  Duration Step(Time now) override;
  void StepDone(Time now) override;
  void OnOwnEvent(Time now, EventTag tag) override;

 private:
  enum class State { kReady, kOffCpu, kFinished };
  enum Kind : std::uint16_t { kOperationDone = kFirstOwnKind, kExpiry };
  MountTable* table_;
  WorkloadGenerator g_;
  RandomStream random_;
  State state_ = State::kReady;
  int done_ = 0;
  Time last_op_time_ = 0;
  StormWindow* window_ = nullptr;
  std::deque<std::string> expiring_;  // paths to unmount, in the order they expire
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_KERNEL_WORKLOAD_H_
