// event_core_bench: events per second of the event core in the classic "hold" model.
//
// N events are pending at all times. Each event, when it comes out, schedules one new event at
// its own time plus an exponentially distributed delay (mean --mean-ns, rounded to whole
// nanoseconds), so the pending set stays at N. Three implementations run the same trajectory:
//
//   simulator      Simulator::Schedule() + RunUntil(): pop, advance the clock, virtual OnEvent(),
//                  whose handler calls Schedule() (the whole event core as the models use it)
//   eventlist      EventList::Pop() / Push() in a plain loop (no clock, no dispatch)
//   priority_queue std::priority_queue<Event> with the same key (time, priority, seq): a reference
//
// All three order events by the total order (time, priority, insertion sequence), so they pop
// exactly the same sequence; a checksum of every popped (time, tag) shows it. The delays are drawn
// up front into a table (default) so the random number generator does not dominate, or with
// --delays=inline one std::exponential_distribution draw per hold (as in the bare hold model of
// docs/research/anchors.md A4).
//
// Each measurement fills N events, runs an untimed warm-up of max(10 N, 1,000,000) holds, then
// times --events holds with std::chrono::steady_clock; it is repeated --reps times and the median,
// minimum and maximum are reported. Results go to stdout as text, or as JSON with --json.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_args.h"
#include "mountstorm/time.h"
#include "sim/event_list.h"
#include "sim/simulator.h"

namespace mountstorm {
namespace {

const char kUsage[] =
    "usage: event_core_bench [--pending N,N,...] [--events N] [--reps N] [--mean-ns N]\n"
    "                        [--delays table|inline] [--impl simulator,eventlist,priority_queue]\n"
    "                        [--json]\n"
    "\n"
    "Hold model: N pending events; each popped event schedules one new event at now + Exp(mean).\n"
    "Reports holds (events) per second for each implementation and pending-set size, the median,\n"
    "minimum and maximum of --reps timed runs of --events holds each, and a checksum of the popped\n"
    "event sequence (equal checksums: identical trajectories).\n"
    "\n"
    "  --pending LIST   pending-set sizes (default 10,1000,100000)\n"
    "  --events N       timed holds per run (default 10000000)\n"
    "  --reps N         timed runs per measurement (default 5)\n"
    "  --mean-ns N      mean delay in ns (default 1000000)\n"
    "  --delays KIND    table: 65,536 delays drawn up front and reused cyclically (default);\n"
    "                   inline: one mt19937_64 + exponential_distribution draw per hold\n"
    "  --impl LIST      implementations to run (default simulator,eventlist,priority_queue)\n"
    "  --json           print the results as JSON instead of text\n";

constexpr std::uint64_t kSeed = 1;
constexpr std::size_t kTableSize = std::size_t{1} << 16;

// Folds one popped event into the running checksum (FNV-1a over two 64-bit words).
inline std::uint64_t Fold(std::uint64_t h, Time time, std::uint32_t tag) {
  h = (h ^ static_cast<std::uint64_t>(time)) * 0x100000001b3ULL;
  h = (h ^ tag) * 0x100000001b3ULL;
  return h;
}
constexpr std::uint64_t kChecksumInit = 0xcbf29ce484222325ULL;

// The delays: a table of precomputed draws read cyclically, or a draw per call.
class TableDelays {
 public:
  explicit TableDelays(const std::vector<Duration>* table) : table_(table->data()) {}
  Duration Next() { return table_[next_++ & (kTableSize - 1)]; }

 private:
  const Duration* table_;
  std::size_t next_ = 0;
};

class InlineDelays {
 public:
  explicit InlineDelays(double mean_ns) : gen_(kSeed), exp_(1.0 / mean_ns) {}
  Duration Next() { return static_cast<Duration>(std::llround(exp_(gen_))); }

 private:
  std::mt19937_64 gen_;
  std::exponential_distribution<double> exp_;
};

std::vector<Duration> MakeTable(double mean_ns) {
  std::mt19937_64 gen(kSeed);
  std::exponential_distribution<double> exp(1.0 / mean_ns);
  std::vector<Duration> table(kTableSize);
  for (Duration& d : table) d = static_cast<Duration>(std::llround(exp(gen)));
  return table;
}

struct RunOutcome {
  double seconds = 0;          // wall time of the timed holds
  std::uint64_t checksum = 0;  // over every popped event, warm-up included
  std::uint64_t popped = 0;
};

using Clock = std::chrono::steady_clock;

std::uint64_t WarmupHolds(std::size_t pending) {
  return std::max<std::uint64_t>(10 * static_cast<std::uint64_t>(pending), 1000000);
}

// --- simulator: the whole core, with a handler that reschedules itself ---

template <typename Delays>
class HoldTarget final : public EventTarget {
 public:
  HoldTarget(Simulator* sim, Delays delays) : sim_(sim), delays_(delays) {}

  void Start(std::size_t pending) {
    for (std::size_t i = 0; i < pending; ++i) sim_->Schedule(delays_.Next(), this, EventTag{0, static_cast<std::uint32_t>(i)});
  }
  // Runs `holds` events; the handler stops the simulator after the last one.
  void Run(std::uint64_t holds) {
    if (holds == 0) return;
    remaining_ = holds;
    sim_->RunUntil(kNever);
  }
  void OnEvent(Time now, EventTag event) override {
    const std::uint32_t tag = event.index;
    checksum_ = Fold(checksum_, now, tag);
    sim_->Schedule(now + delays_.Next(), this, EventTag{0, static_cast<std::uint32_t>(tag)});
    if (--remaining_ == 0) sim_->Stop();
  }
  std::uint64_t checksum() const { return checksum_; }

 private:
  Simulator* sim_;
  Delays delays_;
  std::uint64_t remaining_ = 0;
  std::uint64_t checksum_ = kChecksumInit;
};

// Runs the warm-up holds, then times `holds` holds; hold(n) performs n holds. The caller fills in
// the checksum.
template <typename Hold>
RunOutcome TimeHolds(std::size_t pending, std::uint64_t holds, Hold hold) {
  const std::uint64_t warmup = WarmupHolds(pending);
  hold(warmup);
  auto started = Clock::now();
  hold(holds);
  RunOutcome out;
  out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  out.popped = warmup + holds;
  return out;
}

template <typename Delays>
RunOutcome RunSimulator(std::size_t pending, std::uint64_t holds, Delays delays) {
  Simulator sim;
  HoldTarget<Delays> target(&sim, delays);
  target.Start(pending);
  RunOutcome out = TimeHolds(pending, holds, [&](std::uint64_t n) { target.Run(n); });
  out.checksum = target.checksum();
  out.popped = sim.events_run();  // what the simulator itself counted, rather than what was asked
  return out;
}

// --- eventlist: Pop() and Push() only ---

class NullTarget final : public EventTarget {
 public:
  void OnEvent(Time, EventTag) override {}
};

template <typename Delays>
RunOutcome RunEventList(std::size_t pending, std::uint64_t holds, Delays delays) {
  NullTarget target;
  EventList list;
  std::uint64_t checksum = kChecksumInit;
  for (std::size_t i = 0; i < pending; ++i) {
    list.Push(delays.Next(), 0, &target, EventTag{0, static_cast<std::uint32_t>(i)});
  }
  auto hold = [&](std::uint64_t n) {
    for (std::uint64_t k = 0; k < n; ++k) {
      const Event e = list.Pop();
      checksum = Fold(checksum, e.time, e.index);
      list.Push(e.time + delays.Next(), 0, e.target, e.tag());
    }
  };
  RunOutcome out = TimeHolds(pending, holds, hold);
  out.checksum = checksum;
  return out;
}

// --- priority_queue: the standard library's binary heap with the same key ---

struct Later {
  bool operator()(const Event& a, const Event& b) const {
    if (a.time != b.time) return a.time > b.time;
    if (a.priority != b.priority) return a.priority > b.priority;
    return a.seq > b.seq;
  }
};

template <typename Delays>
RunOutcome RunPriorityQueue(std::size_t pending, std::uint64_t holds, Delays delays) {
  NullTarget target;
  std::vector<Event> storage;
  storage.reserve(pending + 1);
  std::priority_queue<Event, std::vector<Event>, Later> queue(Later{}, std::move(storage));
  std::uint64_t seq = 0;
  std::uint64_t checksum = kChecksumInit;
  for (std::size_t i = 0; i < pending; ++i)
    queue.push(Event{delays.Next(), 0, 0, static_cast<std::uint32_t>(i), seq++, &target});
  auto hold = [&](std::uint64_t n) {
    for (std::uint64_t k = 0; k < n; ++k) {
      const Event e = queue.top();
      queue.pop();
      checksum = Fold(checksum, e.time, e.index);
      queue.push(Event{e.time + delays.Next(), 0, 0, e.index, seq++, e.target});
    }
  };
  RunOutcome out = TimeHolds(pending, holds, hold);
  out.checksum = checksum;
  return out;
}

// --- driver ---

struct Options {
  std::vector<std::size_t> pending = {10, 1000, 100000};
  std::uint64_t events = 10000000;
  int reps = 5;
  double mean_ns = 1e6;
  bool inline_delays = false;
  std::vector<std::string> impls = {"simulator", "eventlist", "priority_queue"};
  bool json = false;
};

[[noreturn]] void Usage(const std::string& error) {
  std::cerr << "event_core_bench: " << error << "\n\n" << kUsage;
  std::exit(2);
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = s.find(',', start);
    parts.push_back(s.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return parts;
}

std::uint64_t ParseCount(const std::string& flag, const std::string& text) {
  std::size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || v == 0) Usage(flag + " wants a positive integer, got '" + text + "'");
  return v;
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (bench::ArgReader a(argc, argv, Usage); a.Next();) {
    const std::string& arg = a.arg();
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      std::exit(0);
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--pending") {
      o.pending.clear();
      for (const std::string& p : SplitComma(a.Value())) o.pending.push_back(ParseCount("--pending", p));
    } else if (arg == "--events") {
      o.events = ParseCount(arg, a.Value());
    } else if (arg == "--reps") {
      o.reps = static_cast<int>(std::min<std::uint64_t>(ParseCount(arg, a.Value()), 1000));
    } else if (arg == "--mean-ns") {
      o.mean_ns = static_cast<double>(ParseCount(arg, a.Value()));
    } else if (arg == "--delays") {
      std::string kind = a.Value();
      if (kind != "table" && kind != "inline") Usage("--delays wants table or inline, got '" + kind + "'");
      o.inline_delays = kind == "inline";
    } else if (arg == "--impl") {
      o.impls = SplitComma(a.Value());
      for (const std::string& impl : o.impls)
        if (impl != "simulator" && impl != "eventlist" && impl != "priority_queue")
          Usage("unknown --impl '" + impl + "'");
    } else {
      Usage("unknown argument '" + arg + "'");
    }
  }
  return o;
}

template <typename Delays>
RunOutcome RunOnce(const std::string& impl, std::size_t pending, std::uint64_t holds, Delays delays) {
  if (impl == "simulator") return RunSimulator(pending, holds, delays);
  if (impl == "eventlist") return RunEventList(pending, holds, delays);
  return RunPriorityQueue(pending, holds, delays);
}

std::string Hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

int Main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  const std::vector<Duration> table = MakeTable(o.mean_ns);
  const std::string delays_text =
      o.inline_delays ? "inline: one mt19937_64 + std::exponential_distribution draw per hold (included in the time)"
                      : "table: 65,536 exponential delays drawn up front (mt19937_64, seed 1), read cyclically";
  const bool optimized = bench::kOptimized;

  nlohmann::json results = nlohmann::json::array();
  bool all_match = true;
  if (!o.json) {
    std::printf("event_core_bench: hold model, %" PRIu64 " timed holds per run, %d runs per row, mean delay %.0f ns\n",
                o.events, o.reps, o.mean_ns);
    std::printf("delays    %s\n", delays_text.c_str());
    std::printf("compiler  g++ %s%s\n", __VERSION__, optimized ? "" : "  (WARNING: NDEBUG not set; not a release build)");
    std::printf("\n%-15s %9s %12s %12s %12s %8s  %s\n", "impl", "pending", "median ev/s", "min ev/s", "max ev/s",
                "ns/ev", "checksum");
  }
  for (std::size_t pending : o.pending) {
    std::uint64_t reference_checksum = 0;
    bool have_reference = false;
    for (const std::string& impl : o.impls) {
      std::vector<double> rates;
      std::uint64_t checksum = 0;
      std::uint64_t popped = 0;
      bool stable = true;
      for (int r = 0; r < o.reps; ++r) {
        RunOutcome out = o.inline_delays ? RunOnce(impl, pending, o.events, InlineDelays(o.mean_ns))
                                         : RunOnce(impl, pending, o.events, TableDelays(&table));
        rates.push_back(static_cast<double>(o.events) / out.seconds);
        if (r > 0 && (out.checksum != checksum || out.popped != popped)) stable = false;
        checksum = out.checksum;
        popped = out.popped;
      }
      std::sort(rates.begin(), rates.end());  // front() and back() are the slowest and fastest runs
      const double median = bench::Median(rates);
      const bool matches = !have_reference || checksum == reference_checksum;
      if (!have_reference) {
        reference_checksum = checksum;
        have_reference = true;
      }
      if (!matches || !stable) all_match = false;
      if (o.json) {
        results.push_back({{"impl", impl},
                           {"pending", pending},
                           {"timed_holds", o.events},
                           {"popped_per_run", popped},
                           {"reps", o.reps},
                           {"median_events_per_s", median},
                           {"min_events_per_s", rates.front()},
                           {"max_events_per_s", rates.back()},
                           {"checksum", Hex(checksum)},
                           {"checksum_matches_first_impl", matches},
                           {"checksum_same_every_rep", stable}});
      } else {
        std::printf("%-15s %9zu %12.3e %12.3e %12.3e %8.1f  %s%s%s\n", impl.c_str(), pending, median, rates.front(),
                    rates.back(), 1e9 / median, Hex(checksum).c_str(), matches ? "" : "  MISMATCH",
                    stable ? "" : "  UNSTABLE");
        std::fflush(stdout);
      }
    }
  }
  if (o.json) {
    nlohmann::json doc = {{"benchmark", "event_core_bench"},
                          {"model", "hold"},
                          {"timed_holds_per_run", o.events},
                          {"reps", o.reps},
                          {"mean_delay_ns", o.mean_ns},
                          {"delays", o.inline_delays ? "inline" : "table"},
                          {"delays_description", delays_text},
                          {"compiler", std::string("g++ ") + __VERSION__},
                          {"optimized", optimized},
                          {"trajectories_identical", all_match},
                          {"results", results}};
    std::cout << doc.dump(2) << "\n";
  } else {
    std::printf("\n%s\n", all_match ? "trajectories identical: every implementation and run popped the same sequence"
                                    : "TRAJECTORIES DIFFER: checksums are not all equal");
  }
  return all_match ? 0 : 1;
}

}  // namespace
}  // namespace mountstorm

int main(int argc, char** argv) { return mountstorm::Main(argc, argv); }
