// Run budgets (mountstorm/run.h): what a run may take, checked before it starts when it can be
// known, and as it runs when it cannot.
#include <algorithm>
#include <cstdio>
#include <string>

#include "mountstorm/error.h"
#include "mountstorm/run.h"

namespace mountstorm {
namespace {

// Bytes a mount operation holds for the whole run, beyond its strings: the operation made at the
// start (models/kernel/workload.cc), its row of the result's events and of events.csv, and its
// line in the mount table. Its strings are held about three times over (operation, table, row).
// Fitted to `/usr/bin/time -v mountstorm run` on a burst of 10^6 NFS mounts (paths of about 20
// characters): a maximum resident set of 996,328 KiB, about 1,000 bytes per operation.
constexpr std::uint64_t kBytesPerOperation = 800;
constexpr std::uint64_t kStringCopies = 3;
// A mount of the initial table: its line, its unit and its strings.
constexpr std::uint64_t kBytesPerMount = 400;
// A sample of one queue's depth curve: the recorder's and the result's copy.
constexpr std::uint64_t kBytesPerSample = 16;

std::uint64_t StringBytes(const MountSpec& m) {
  return m.path.size() + m.source.size() + m.fstype.size() + m.options.size();
}

// The mount operations of the workload (and the unmounts of automount expiry), with their strings.
std::uint64_t OperationBytes(const Scenario& s, std::uint64_t* operations) {
  std::uint64_t bytes = 0;
  for (const WorkloadGenerator& g : s.workload) {
    std::uint64_t n = g.kind == WorkloadGenerator::Kind::kList ? g.ops.size() : static_cast<std::uint64_t>(g.count);
    if (g.expire_after > 0) n *= 2;
    std::uint64_t strings = StringBytes(g.spec) + 8;  // "{i}" becomes an index of a few digits
    if (g.kind == WorkloadGenerator::Kind::kList) {
      strings = 0;
      for (const auto& op : g.ops) strings = std::max(strings, StringBytes(op.spec));
    }
    *operations += n;
    bytes += n * (kBytesPerOperation + kStringCopies * strings);
  }
  return bytes;
}

std::string MiB(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%llu MiB", static_cast<unsigned long long>((bytes + (1 << 20) - 1) >> 20));
  return text;
}

std::string Named(const Scenario& s) { return s.file.empty() ? "the scenario " + s.name : s.file; }

}  // namespace

std::uint64_t EstimateRunMemory(const Scenario& s) {
  std::uint64_t operations = 0;
  std::uint64_t bytes = OperationBytes(s, &operations);
  for (const MountSpec& m : s.initial_mounts) bytes += kBytesPerMount + kStringCopies * StringBytes(m);
  for (const MountTemplate& t : s.generated_mounts) {  // "{i}" becomes an index of a few digits
    bytes += static_cast<std::uint64_t>(t.count) * (kBytesPerMount + kStringCopies * (StringBytes(t.spec) + 8));
  }
  const std::uint64_t samples = static_cast<std::uint64_t>(s.stop_at / s.sample_interval) + 1;
  bytes += samples * DescribeQueues(s).size() * kBytesPerSample;
  return bytes;
}

void CheckMemoryBudget(const Scenario& s, const RunBudget& budget) {
  const std::uint64_t need = EstimateRunMemory(s);
  if (need <= budget.max_memory_bytes) return;
  std::uint64_t operations = 0;
  OperationBytes(s, &operations);
  throw InputError(Named(s) + ": expected a run within the memory budget of " + MiB(budget.max_memory_bytes) +
                   ", found one that needs about " + MiB(need) + " (" + std::to_string(operations) +
                   " mount operations, " + std::to_string(InitialMountCount(s)) +
                   " mounts in the initial table, the depth curves up to /run/stop_at_s); refused before it "
                   "starts: raise the budget with --max-memory-mib or make the workload smaller");
}

void CheckRunWithinBudget(const Scenario& s, const RunBudget& budget, std::uint64_t events, Time next_event) {
  if (next_event == kNever || next_event > s.stop_at) return;  // the run ended as the scenario says
  char at[64];
  if (events >= budget.max_events) {
    throw InputError(Named(s) + ": the run reached its event budget of " + std::to_string(budget.max_events) +
                     " events with events still due before /run/stop_at_s; stopped: raise the budget with "
                     "--max-events or shorten the run (/run/stop_at_s)");
  }
  std::snprintf(at, sizeof at, "%.3f s", static_cast<double>(budget.max_sim_time) / kSecond);
  throw InputError(Named(s) + ": the run reached its simulated-time budget of " + at +
                   " with events still due before /run/stop_at_s; stopped: raise the budget with --max-sim-time-s "
                   "or shorten the run (/run/stop_at_s)");
}

}  // namespace mountstorm
