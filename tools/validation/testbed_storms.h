// The storms a real systemd went through in the testbed (tools/testbed/), as
// tools/testbed/storms-csv.py lists them: each storm's shape and, for each of its phases (the
// mounts, then the unmounts), what the capture and the kernel trace recorded of PID 1.
#ifndef MOUNTSTORM_TOOLS_VALIDATION_TESTBED_STORMS_H_
#define MOUNTSTORM_TOOLS_VALIDATION_TESTBED_STORMS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mountstorm {

// What PID 1 did in one phase of a storm, captured or simulated.
struct PhaseFigures {
  std::uint64_t signals = 0;             // PID 1's signals
  std::uint64_t unit_new = 0;
  std::uint64_t unit_removed = 0;
  std::uint64_t properties_changed = 0;
  std::uint64_t other = 0;               // JobNew, JobRemoved and any other member
  std::uint64_t rescans = 0;             // reads of /proc/self/mountinfo
  double active_s = 0;                   // from the loop's start to PID 1's last rescan or signal
  double pid1_cpu_s = 0;                 // PID 1's CPU time over the phase
};

enum class StormPhaseKind { kMount, kUmount };
const char* StormPhaseName(StormPhaseKind k);  // "mount", "umount"

// One phase: a loop of `mounts` (u)mount commands, `pause_ms` apart, as the testbed timed it.
struct StormPhase {
  StormPhaseKind kind = StormPhaseKind::kMount;
  double loop_s = 0;     // from the first command's start to the last one's end
  double op_mean_s = 0;  // one (u)mount command, on average
  PhaseFigures captured;
};

// How far a storm's repetitions spread (the runs_* columns of storms-csv.py): the whole storm's
// figures, lowest and highest over its runs. `runs` 1 (and nothing else set) for a single run.
struct RunsSpread {
  int runs = 1;
  std::uint64_t signals_min = 0, signals_max = 0;
  std::uint64_t rescans_min = 0, rescans_max = 0;
  double cpu_min_s = 0, cpu_max_s = 0;
  double active_min_s = -1, active_max_s = -1;  // the duration (both phases); -1: not in the file
};

struct TestbedStorm {
  std::string name;
  std::string systemd;       // "252", "257"
  std::string scenario;      // the base scenario, resolved against the CSV's directory
  int mounts = 0;
  int pause_ms = 0;
  int depth = 1;
  std::string storm_dir;     // the storm mounts are storm_dir/m1 ... storm_dir/mN
  int preexisting = 0;       // mounted before the storm: pre_base/p1 ...
  std::string pre_base;
  std::string fstype;
  std::optional<int> burst;  // the mount rate limit's burst; none: the profile's (5)
  bool unlimited = false;    // no mount rate limit (SYSTEMD_DEFAULT_MOUNT_RATE_LIMIT_BURST=0)
  bool subscriber = true;    // systemd-logind subscribed (false: masked, nobody listens)
  std::vector<StormPhase> phases;  // mount, then umount if the storm unmounted
  RunsSpread spread;
};

// Reads the storms of `path`; an InputError names the file, the line and the column for a missing
// column, a field that is not what it should be or a storm without a mount phase.
std::vector<TestbedStorm> ReadTestbedStorms(const std::string& path);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_VALIDATION_TESTBED_STORMS_H_
