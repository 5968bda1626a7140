// gauge_bench: nanoseconds per change of a QueueGauge with its DepthRecorder column, the unit of
// per-message work that the train engine's design counts (docs/ARCHITECTURE.md, "What the rest
// costs"): a message of the slow storm makes seven of them.
//
// Each pattern runs --changes changes on one gauge (byte-counted, a socket's limit of 16 MiB,
// 10 ms sample intervals, one change every --spacing-ns), as the storm's queues see them:
//   rise-fall   Add then Remove of one message, alternately 600 and 884 bytes (a socket read at once)
//   pulse       Add at t, Remove at t + 22 us (dbus-daemon's incoming counter while it routes)
//   pass        Pass(t): a copy that goes straight through an empty queue (one call per message)
// and reports the median, minimum and maximum of --reps timed runs, per change (a Pass counts as
// one). The checksum of the gauges' final figures shows that every run did the same work.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_args.h"
#include "mountstorm/queue_limit.h"
#include "mountstorm/time.h"
#include "sim/depth_recorder.h"
#include "sim/queue_gauge.h"

namespace mountstorm {
namespace {

const char kUsage[] =
    "usage: gauge_bench [--changes N] [--reps N] [--spacing-ns N]\n"
    "\n"
    "Nanoseconds per change of a QueueGauge with a DepthRecorder column (10 ms intervals), for\n"
    "three patterns of the slow storm's queues: rise-fall, pulse and pass.\n"
    "\n"
    "  --changes N      changes per timed run (default 20000000)\n"
    "  --reps N         timed runs per pattern (default 5)\n"
    "  --spacing-ns N   simulated time between two messages (default 22000)\n";

[[noreturn]] void Usage(const std::string& error) {
  if (!error.empty()) std::fprintf(stderr, "gauge_bench: %s\n", error.c_str());
  std::fputs(kUsage, error.empty() ? stdout : stderr);
  std::exit(error.empty() ? 0 : 2);
}

struct Options {
  std::int64_t changes = 20'000'000;
  int reps = 5;
  Duration spacing = 22'000;
};

// One timed run of `pattern`: its seconds, and a checksum of what the gauge recorded.
double RunOnce(const std::string& pattern, const Options& o, std::int64_t* checksum) {
  DepthRecorder recorder(10 * kMillisecond);
  QueueGauge gauge("q", QueueUnit::kBytes, 16 << 20, LimitRule::kRefuseAtLimit);
  gauge.RecordInto(&recorder);
  const auto start = std::chrono::steady_clock::now();
  Time t = 0;
  if (pattern == "pass") {
    for (std::int64_t i = 0; i < o.changes; ++i, t += o.spacing) gauge.Pass(t, (i & 1) ? 884 : 600);
  } else {
    const Duration width = pattern == "pulse" ? 22'000 : 0;
    for (std::int64_t i = 0; i < o.changes / 2; ++i, t += o.spacing) {
      const std::int64_t bytes = (i & 1) ? 884 : 600;
      gauge.Add(t, bytes);
      gauge.Remove(t + width, bytes);
    }
  }
  gauge.Finish(t);
  recorder.Finish(t);
  const auto end = std::chrono::steady_clock::now();
  *checksum += gauge.peak() + gauge.removed() + static_cast<std::int64_t>(recorder.intervals());
  return std::chrono::duration<double>(end - start).count();
}

int Main(int argc, char** argv) {
  Options o;
  for (bench::ArgReader a(argc, argv, Usage); a.Next();) {
    if (a.arg() == "--help" || a.arg() == "-h") Usage("");
    if (a.arg() == "--changes") {
      o.changes = static_cast<std::int64_t>(a.Count(1'000'000'000));
    } else if (a.arg() == "--reps") {
      o.reps = static_cast<int>(a.Count(1000));
    } else if (a.arg() == "--spacing-ns") {
      o.spacing = static_cast<Duration>(a.Count(1'000'000'000));
    } else {
      Usage("unknown option " + a.arg());
    }
  }
  if (!bench::kOptimized) std::printf("warning: not an optimized build; these figures mean nothing\n");
  for (const std::string pattern : {"rise-fall", "pulse", "pass"}) {
    std::vector<double> ns;
    std::int64_t checksum = 0;
    for (int r = 0; r < o.reps; ++r) ns.push_back(RunOnce(pattern, o, &checksum) * 1e9 / static_cast<double>(o.changes));
    const auto [lo, hi] = std::minmax_element(ns.begin(), ns.end());
    std::printf("%-10s %lld changes: median %.2f ns per change (min %.2f, max %.2f), checksum %lld\n",
                pattern.c_str(), static_cast<long long>(o.changes), bench::Median(ns), *lo, *hi,
                static_cast<long long>(checksum));
  }
  return 0;
}

}  // namespace
}  // namespace mountstorm

int main(int argc, char** argv) { return mountstorm::Main(argc, argv); }
