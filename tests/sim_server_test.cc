// Server and CpuPool: a server runs steps back to back while it has work and sleeps until woken;
// a limited pool runs at most its number of servers at once, in round robin. Run in place
// (Simulator::RunInPlace), servers take the same steps at the same times and the run counts the
// same events; only fewer of them pass through the event list.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "mountstorm/error.h"
#include "sim/server.h"
#include "sim/simulator.h"

using namespace mountstorm;

namespace {

// One step as it ran: which server, from when to when.
struct StepRun {
  std::string server;
  Time start;
  Time end;

  bool operator==(const StepRun& o) const {
    return server == o.server && start == o.start && end == o.end;
  }
};

std::ostream& operator<<(std::ostream& os, const StepRun& s) {
  return os << s.server << "[" << s.start << "," << s.end << ")";
}

// A server whose work is a counter of pending items; item i costs costs[i % costs.size()].
class Worker : public Server {
 public:
  Worker(Simulator* sim, CpuPool* cpus, std::string name, std::vector<Duration> costs,
         std::vector<StepRun>* log)
      : Server(sim, cpus, std::move(name)), costs_(std::move(costs)), log_(log) {}

  int pending = 0;   // items of work left
  int looked = 0;    // calls of Step(), including those that found nothing

  Duration CostOf(int item) const { return costs_[static_cast<std::size_t>(item) % costs_.size()]; }

 protected:
  Duration Step(Time now) override {
    ++looked;
    if (pending == 0) return kNoWork;
    --pending;
    const Duration cost = CostOf(done_++);
    log_->push_back(StepRun{name(), now, now + cost});
    return cost;
  }

 private:
  std::vector<Duration> costs_;
  std::vector<StepRun>* log_;
  int done_ = 0;
};

// The largest number of steps running at the same moment (intervals are half open).
int MaxConcurrent(const std::vector<StepRun>& log) {
  std::vector<std::pair<Time, int>> edges;  // (time, +1 start / -1 end); ends sort first
  for (const StepRun& s : log) {
    if (s.end == s.start) continue;
    edges.emplace_back(s.start, +1);
    edges.emplace_back(s.end, -1);
  }
  std::sort(edges.begin(), edges.end());
  int running = 0;
  int most = 0;
  for (const auto& [t, delta] : edges) {
    running += delta;
    most = std::max(most, running);
  }
  return most;
}

Time LastEnd(const std::vector<StepRun>& log) {
  Time last = 0;
  for (const StepRun& s : log) last = std::max(last, s.end);
  return last;
}

}  // namespace

TEST_CASE("a server runs its steps back to back while it has work", "[sim][server]") {
  Simulator sim;
  CpuPool cpus(&sim);
  std::vector<StepRun> log;
  Worker w(&sim, &cpus, "w", {7, 2, 11}, &log);
  w.pending = 5;
  w.Wake();
  sim.RunUntil(kNever);

  REQUIRE(log.size() == 5);
  Duration total = 0;
  Time t = 0;
  for (int i = 0; i < 5; ++i) {
    CHECK(log[i] == StepRun{"w", t, t + w.CostOf(i)});
    t += w.CostOf(i);
    total += w.CostOf(i);
  }
  CHECK(w.busy_time() == total);
  CHECK(w.steps() == 5);
  // After the last step it looked once more, found nothing and went idle.
  CHECK(w.looked == 6);
  CHECK(w.idle());
  CHECK(sim.now() == total);
}

TEST_CASE("an idle server does nothing until it is woken", "[sim][server]") {
  Simulator sim;
  CpuPool cpus(&sim);
  std::vector<StepRun> log;
  Worker w(&sim, &cpus, "w", {10}, &log);
  w.pending = 1;
  CHECK(sim.RunUntil(kNever) == 0);  // work without a wake is not noticed
  CHECK(log.empty());

  const Time kWake = 1000;
  w.WakeAt(kWake);
  w.WakeAt(kWake);  // already armed: not scheduled twice
  CHECK(sim.pending() == 1);
  sim.RunUntil(kWake - 1);
  CHECK(log.empty());
  CHECK(w.idle());
  sim.RunUntil(kNever);
  REQUIRE(log.size() == 1);
  CHECK(log[0] == StepRun{"w", kWake, kWake + w.CostOf(0)});
  CHECK(w.busy_time() == w.CostOf(0));

  // New work after it went idle waits for the next wake, then runs at the wake's time.
  w.pending = 1;
  sim.RunUntil(kNever);
  CHECK(log.size() == 1);
  const Time kLater = 5000;
  w.WakeAt(kLater);
  sim.RunUntil(kNever);
  REQUIRE(log.size() == 2);
  CHECK(log[1].start == kLater);
}

TEST_CASE("a wake at a time already armed is not scheduled twice, even after an earlier one",
          "[sim][server]") {
  // server.h: "a wake at a time already armed is not scheduled twice". The usual pattern: a server
  // with nothing due before a timer at kTimer arms WakeAt(kTimer) whenever it goes idle, and
  // producers Wake() it in between. Each such cycle must not add another event at kTimer.
  Simulator sim;
  CpuPool cpus(&sim);
  std::vector<StepRun> log;
  Worker w(&sim, &cpus, "w", {10}, &log);
  const Time kTimer = 1000;
  const Time kSooner = 100;
  w.WakeAt(kTimer);
  w.WakeAt(kSooner);
  CHECK(sim.pending() == 2);
  w.WakeAt(kTimer);  // still armed from the first call
  CHECK(sim.pending() == 2);
  sim.RunUntil(kNever);
  CHECK(w.looked == 2);  // one look per distinct wake time
}

TEST_CASE("waking a server in the past is an internal error", "[sim][server]") {
  Simulator sim;
  CpuPool cpus(&sim);
  std::vector<StepRun> log;
  Worker w(&sim, &cpus, "w", {10}, &log);
  w.WakeAt(100);
  sim.RunUntil(kNever);
  REQUIRE(sim.now() == 100);
  CHECK_THROWS_AS(w.WakeAt(99), InternalError);
}

TEST_CASE("a wake while the server is busy does not interrupt or repeat its steps",
          "[sim][server]") {
  Simulator sim;
  CpuPool cpus(&sim);
  std::vector<StepRun> log;
  Worker w(&sim, &cpus, "w", {10}, &log);
  w.pending = 3;
  w.Wake();
  // Wakes in the middle of steps and exactly at step boundaries (the wakes there were scheduled
  // first, so they run before the step ends). Each records whether it scheduled anything.
  class Waker : public EventTarget {
   public:
    Waker(const Simulator* s, Worker* target) : sim_(s), w_(target) {}
    void OnEvent(Time, EventTag) override {
      const std::size_t before = sim_->pending();
      w_->Wake();
      scheduled.push_back(sim_->pending() - before);
    }
    std::vector<std::size_t> scheduled;

   private:
    const Simulator* sim_;
    Worker* w_;
  };
  Waker waker(&sim, &w);
  for (Time t : {5, 10, 15, 20}) sim.Schedule(t, &waker, EventTag{0, 0});
  sim.RunUntil(kNever);
  REQUIRE(log.size() == 3);
  for (int i = 0; i < 3; ++i) CHECK(log[i].start == i * w.CostOf(i));
  CHECK(w.busy_time() == 3 * w.CostOf(0));
  CHECK(w.looked == 3 + 1);  // three steps and the final look that found nothing
  CHECK(waker.scheduled == std::vector<std::size_t>(4, 0));  // a wake of a busy server is a no-op
}

TEST_CASE("with one CPU two busy servers alternate and never run at once", "[sim][server]") {
  Simulator sim;
  CpuPool cpus(&sim, 1);
  std::vector<StepRun> log;
  Worker a(&sim, &cpus, "a", {3, 4}, &log);
  Worker b(&sim, &cpus, "b", {5}, &log);
  constexpr int kItems = 6;
  a.pending = kItems;
  b.pending = kItems;
  a.Wake();
  b.Wake();
  sim.RunUntil(kNever);

  // Round robin from the first to wake, with no gap: a, b, a, b, ...
  std::vector<StepRun> expected;
  Time t = 0;
  for (int i = 0; i < kItems; ++i) {
    expected.push_back(StepRun{"a", t, t + a.CostOf(i)});
    t += a.CostOf(i);
    expected.push_back(StepRun{"b", t, t + b.CostOf(i)});
    t += b.CostOf(i);
  }
  CHECK(log == expected);
  CHECK(MaxConcurrent(log) == 1);
  CHECK(a.busy_time() + b.busy_time() == t);
  CHECK(cpus.in_use() == 0);
  CHECK_FALSE(cpus.has_waiters());
}

TEST_CASE("with one CPU a server left alone keeps the CPU without gaps", "[sim][server]") {
  Simulator sim;
  CpuPool cpus(&sim, 1);
  std::vector<StepRun> log;
  Worker a(&sim, &cpus, "a", {3}, &log);
  Worker b(&sim, &cpus, "b", {5}, &log);
  a.pending = 7;
  b.pending = 2;
  a.Wake();
  b.Wake();
  sim.RunUntil(kNever);
  REQUIRE(log.size() == 9);
  CHECK(MaxConcurrent(log) == 1);
  // Work conserving: the CPU is never idle while a server has work.
  CHECK(LastEnd(log) == a.busy_time() + b.busy_time());
  CHECK(a.busy_time() == 7 * a.CostOf(0));
  CHECK(b.busy_time() == 2 * b.CostOf(0));
  // They alternate while both have work: a b a b, then a alone.
  std::vector<std::string> order;
  for (const StepRun& s : log) order.push_back(s.server);
  CHECK(order == std::vector<std::string>{"a", "b", "a", "b", "a", "a", "a", "a", "a"});
  CHECK(cpus.in_use() == 0);
}

TEST_CASE("with two CPUs three busy servers run at most two at a time", "[sim][server]") {
  Simulator sim;
  CpuPool cpus(&sim, 2);
  std::vector<StepRun> log;
  constexpr Duration kCost = 10;
  constexpr int kItems = 8;
  Worker a(&sim, &cpus, "a", {kCost}, &log);
  Worker b(&sim, &cpus, "b", {kCost}, &log);
  Worker c(&sim, &cpus, "c", {kCost}, &log);
  for (Worker* w : {&a, &b, &c}) {
    w->pending = kItems;
    w->Wake();
  }
  sim.RunUntil(kNever);
  REQUIRE(log.size() == 3 * kItems);
  CHECK(MaxConcurrent(log) == 2);
  // Both CPUs busy throughout: 3 * kItems equal steps on 2 CPUs.
  CHECK(LastEnd(log) == 3 * kItems * kCost / 2);
  CHECK(cpus.in_use() == 0);
}

TEST_CASE("with an unlimited pool busy servers run concurrently", "[sim][server]") {
  Simulator sim;
  CpuPool cpus(&sim, 0);
  REQUIRE(cpus.unlimited());
  std::vector<StepRun> log;
  Worker a(&sim, &cpus, "a", {3}, &log);
  Worker b(&sim, &cpus, "b", {5}, &log);
  constexpr int kItems = 4;
  a.pending = kItems;
  b.pending = kItems;
  a.Wake();
  b.Wake();
  sim.RunUntil(kNever);
  std::vector<StepRun> only_a;
  std::vector<StepRun> only_b;
  for (const StepRun& s : log) (s.server == "a" ? only_a : only_b).push_back(s);
  REQUIRE(only_a.size() == kItems);
  REQUIRE(only_b.size() == kItems);
  // Each runs back to back from time 0 as if it were alone.
  for (int i = 0; i < kItems; ++i) {
    CHECK(only_a[i].start == i * a.CostOf(0));
    CHECK(only_b[i].start == i * b.CostOf(0));
  }
  CHECK(MaxConcurrent(log) == 2);
  CHECK(LastEnd(log) == std::max(a.busy_time(), b.busy_time()));
}

namespace {

// A server with items arriving at given times, each costing `cost`: when it finds nothing to do
// it arms a wake for the next arrival itself, as the subscribers do for a message in flight.
class Poller : public Server {
 public:
  Poller(Simulator* sim, CpuPool* cpus, std::string name, std::vector<Time> arrivals, Duration cost,
         std::vector<StepRun>* log)
      : Server(sim, cpus, std::move(name)), arrivals_(std::move(arrivals)), cost_(cost), log_(log) {}

  void Start() { WakeAt(arrivals_.front()); }
  // Takes the items that follow in the same Step() call while that runs in place (StepOnInPlace).
  bool go_on = false;
  int calls = 0;  // of Step()

 protected:
  Duration Step(Time now) override {
    ++calls;
    if (next_ == arrivals_.size()) return kNoWork;
    if (arrivals_[next_] > now) {
      WakeAt(arrivals_[next_]);
      return kNoWork;
    }
    Take(now);
    // The next step takes the next item at once, or at its arrival through the wake armed for it.
    while (go_on && next_ < arrivals_.size() &&
           StepOnInPlace(cost_, std::max(step_start() + cost_, arrivals_[next_]))) {
      Take(step_start());
    }
    return cost_;
  }

 private:
  void Take(Time now) {
    ++next_;
    log_->push_back(StepRun{name(), now, now + cost_});
  }

  std::vector<Time> arrivals_;
  Duration cost_;
  std::vector<StepRun>* log_;
  std::size_t next_ = 0;
};

struct Outcome {
  std::vector<StepRun> log;
  std::uint64_t events = 0;
  std::uint64_t in_place = 0;
  std::size_t pending = 0;
  Time now = 0;
  std::vector<std::uint64_t> steps;
  std::vector<Duration> busy;
  int calls = 0;
};

// Two pollers whose arrivals interleave and tie, on `cpus` CPUs, run until `end`; `go_on`: they
// take what follows in one Step() call (StepOnInPlace).
Outcome RunPollers(bool in_place, int cpus, Time end, bool go_on = false) {
  Outcome out;
  Simulator sim;
  sim.set_run_in_place(in_place);
  CpuPool pool(&sim, cpus, 4);
  Poller a(&sim, &pool, "a", {0, 3, 4, 5, 20, 21, 22, 40, 41, 50, 52, 53, 60, 61, 62, 63, 64, 65}, 2, &out.log);
  Poller b(&sim, &pool, "b", {1, 4, 30, 31, 32, 33, 40, 62, 63}, 3, &out.log);
  a.go_on = go_on;
  b.go_on = go_on;
  a.Start();
  b.Start();
  sim.RunUntil(end);
  out.events = sim.events_run();
  out.in_place = sim.events_in_place();
  out.pending = sim.pending();
  out.now = sim.now();
  out.steps = {a.steps(), b.steps()};
  out.busy = {a.busy_time(), b.busy_time()};
  out.calls = a.calls + b.calls;
  return out;
}

}  // namespace

TEST_CASE("servers run in place take the same steps at the same times as through the event list", "[sim][server]") {
  for (int cpus : {0, 1, 2}) {
    INFO("cpus " << cpus);
    const Outcome listed = RunPollers(false, cpus, 1000);
    const Outcome in_place = RunPollers(true, cpus, 1000);
    CHECK(in_place.log == listed.log);
    CHECK(in_place.events == listed.events);
    CHECK(listed.in_place == 0);
    CHECK(in_place.in_place > 0);
  }
}

TEST_CASE("nothing runs in place beyond the end of the run", "[sim][server]") {
  for (Time end : {3, 21, 31, 35}) {
    INFO("end " << end);
    const Outcome listed = RunPollers(false, 1, end);
    const Outcome in_place = RunPollers(true, 1, end);
    CHECK(in_place.log == listed.log);
    CHECK(in_place.events == listed.events);
    CHECK(in_place.pending == listed.pending);
    CHECK(in_place.now == listed.now);
  }
}

TEST_CASE("a server that goes on in place within its step takes the same steps at the same times", "[sim][server]") {
  for (int cpus : {0, 1, 2}) {
    for (Time end : {3, 21, 31, 35, 51, 63, 1000}) {
      INFO("cpus " << cpus << " end " << end);
      const Outcome listed = RunPollers(false, cpus, end);
      const Outcome going_on = RunPollers(true, cpus, end, true);
      CHECK(going_on.log == listed.log);
      CHECK(going_on.events == listed.events);
      CHECK(going_on.pending == listed.pending);
      CHECK(going_on.now == listed.now);
      CHECK(going_on.steps == listed.steps);
      CHECK(going_on.busy == listed.busy);
    }
  }
}

TEST_CASE("a step goes on in place only in the train engine and then saves calls of Step", "[sim][server]") {
  CHECK(RunPollers(false, 0, 1000, true).calls == RunPollers(false, 0, 1000).calls);
  CHECK(RunPollers(true, 0, 1000, true).calls < RunPollers(true, 0, 1000).calls);
}
