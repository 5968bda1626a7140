// The station measures of the event core (sim/level_integral.h, sim/delay_probe.h, the refusal
// runs of sim/queue_gauge.h), against values worked out by hand.
#include <functional>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/bounded_queue.h"
#include "sim/delay_probe.h"
#include "sim/level_integral.h"
#include "sim/server.h"
#include "sim/simulator.h"

using namespace mountstorm;

namespace {

// Runs `action` when the simulator's clock reaches each of its times.
class Script : public EventTarget {
 public:
  Script(Simulator* sim, std::vector<std::pair<Time, std::function<void()>>> steps) : steps_(std::move(steps)) {
    for (std::size_t i = 0; i < steps_.size(); ++i) sim->Schedule(steps_[i].first, this, {0, static_cast<std::uint32_t>(i)});
  }
  void OnEvent(Time, EventTag tag) override { steps_[tag.index].second(); }

 private:
  std::vector<std::pair<Time, std::function<void()>>> steps_;
};

// One queue and one server: a customer arrives every `gap`, is served for `service` (< gap) and
// leaves at the end of its service, so that each spends exactly `service` in the system.
class Desk : public Server {
 public:
  Desk(Simulator* sim, CpuPool* cpus, BoundedQueue<int>* system, Duration service)
      : Server(sim, cpus, "desk"), system_(system), service_(service) {}

 protected:
  Duration Step(Time now) override {
    if (serving_) {
      system_->Pop(now);
      serving_ = false;
    }
    if (system_->empty()) return kNoWork;
    serving_ = true;
    return service_;
  }

 private:
  BoundedQueue<int>* system_;
  Duration service_;
  bool serving_ = false;
};

}  // namespace

TEST_CASE("a level integral gives the area over the run and over the window to its last end", "[measures]") {
  Simulator sim;
  StormWindow window(&sim, 10);
  LevelIntegral area;
  area.Attach(&window);
  // Level 2 from 0, 5 from 20, 0 from 40; the window runs from 10 to 30 (extended to 25, then 30).
  Script script(&sim, {{0, [&] { area.Set(0, 2); }},
                       {20, [&] { area.Set(20, 5); window.Extend(25); }},
                       {30, [&] { window.Extend(30); }},
                       {40, [&] { area.Set(40, 0); }}});
  sim.RunUntil(100);
  area.Finish(50);
  CHECK(area.run() == 2 * 20 + 5 * 20);
  CHECK(area.window() == 2 * 10 + 5 * 10);
}

TEST_CASE("a level integral stays exact when levels are stamped ahead of a window end that comes later", "[measures]") {
  Simulator sim;
  StormWindow window(&sim, 0);
  LevelIntegral area;
  area.Attach(&window);
  // At clock 10 a step stamps its changes at 12, 14 and 18; at clock 13 another ends the window
  // at 15, between them: the area up to 15 is 1 x 2 (12..14) + 2 x 1 (14..15) = 4.
  Script script(&sim, {{10, [&] {
                          area.Set(12, 1);
                          area.Set(14, 2);
                          area.Set(18, 0);
                        }},
                       {13, [&] { window.Extend(15); }}});
  sim.RunUntil(100);
  area.Finish(20);
  CHECK(area.window() == 4);
  CHECK(area.run() == 1 * 2 + 2 * 4);
}

TEST_CASE("a level set twice at one time counts as its last value and busy periods without a gap as one", "[measures]") {
  Simulator sim;
  StormWindow window(&sim, 0);
  LevelIntegral level;
  LevelIntegral busy;
  level.Attach(&window);
  busy.Attach(&window);
  // Level 3 then 7 at 10 (3 lasts no time), 1 twice at 20; busy 0..5, 5..9 and 9..12 (one
  // period), then 20..25; the window ends at 10, then 11: inside that period.
  Script script(&sim, {{0, [&] { busy.Busy(0, 5); }},
                       {5, [&] { busy.Busy(5, 9); }},
                       {9, [&] { busy.Busy(9, 12); }},
                       {10, [&] {
                          level.Set(10, 3);
                          level.Set(10, 7);
                          level.Set(20, 1);
                          level.Set(20, 1);
                          window.Extend(10);
                        }},
                       {11, [&] { window.Extend(11); }},
                       {20, [&] { busy.Busy(20, 25); }}});
  sim.RunUntil(100);
  level.Finish(30);
  busy.Finish(30);
  CHECK(level.run() == 7 * 10 + 1 * 10);
  CHECK(level.window() == 7 * 1);
  CHECK(busy.run() == 12 + 5);
  CHECK(busy.window() == 11);
}

TEST_CASE("a window that no storm ends is the rest of the run from its start", "[measures]") {
  Simulator sim;
  StormWindow window(&sim, 5);
  const StormWindow::Bounds b = window.For(50);
  CHECK(b.from == 5);
  CHECK(b.to == 50);
  window.Extend(70);  // an end after the run's: cut at the run's end
  CHECK(window.For(50).to == 50);
  CHECK(StormWindow(&sim, 80).For(50).from == 50);  // a start after the end: an empty window
}

TEST_CASE("one queue and one server with fixed service times give the time average utilisation and sojourn by hand", "[measures]") {
  constexpr Duration kGap = 1000, kService = 300;
  constexpr int kCustomers = 10;
  Simulator sim;
  CpuPool cpus(&sim);
  StormWindow window(&sim, 0);
  BoundedQueue<int> system("system", QueueUnit::kMessages, 100, LimitRule::kRefuseAtLimit);
  system.gauge().MeasureIn(&window);
  Desk desk(&sim, &cpus, &system, kService);
  desk.MeasureIn(&window);
  std::vector<std::pair<Time, std::function<void()>>> arrivals;
  for (int i = 0; i < kCustomers; ++i) {
    arrivals.emplace_back(i * kGap, [&sim, &system, &desk, i] {
      system.Push(sim.now(), i, 0);
      desk.Wake();
    });
  }
  Script script(&sim, arrivals);
  sim.RunUntil(kNever - 1);
  const Time end = sim.now();
  system.gauge().Finish(end);
  desk.FinishMeasures(end);
  // The last customer leaves at 9 x 1000 + 300: the queue drains then, and the window ends.
  REQUIRE(end == (kCustomers - 1) * kGap + kService);
  const StormWindow::Bounds b = window.For(end);
  CHECK(b.from == 0);
  CHECK(b.to == end);
  // Each customer is in the system for exactly its service: the area is 10 x 300 customer-ns,
  // the server is busy as long, and Little's law gives back the service time.
  CHECK(system.gauge().area().window() == kCustomers * kService);
  CHECK(system.gauge().area().run() == kCustomers * kService);
  CHECK(desk.busy_area().window() == kCustomers * kService);
  CHECK(desk.busy_area().run() == desk.busy_time());
  CHECK(system.gauge().removed() == kCustomers);
  CHECK(system.gauge().area().run() / system.gauge().removed() == kService);
}

TEST_CASE("refusals of a queue form one run until the queue drains", "[measures]") {
  QueueGauge g("q", QueueUnit::kMessages, 2, LimitRule::kRefuseAtLimit);
  g.Add(1, 1);
  g.Add(2, 1);
  g.Refuse(3);
  g.Refuse(4);
  g.Remove(5, 1);
  g.Add(6, 1);  // taken inside the run
  g.Refuse(7);
  g.Remove(8, 1);
  g.Remove(9, 1);  // drained: the run is over
  g.Add(10, 1);
  g.Add(11, 1);
  g.Refuse(12);
  REQUIRE(g.refusal_runs().size() == 2);
  const RefusalRun& a = g.refusal_runs()[0];
  CHECK(a.first == 3);
  CHECK(a.last == 7);
  CHECK(a.count == 3);
  CHECK(a.accepted == 1);
  const RefusalRun& b = g.refusal_runs()[1];
  CHECK(b.first == 12);
  CHECK(b.count == 1);
  CHECK(b.accepted == 0);
}

TEST_CASE("a train of refusals joins the run a single refusal opened", "[measures]") {
  QueueGauge g("q", QueueUnit::kMessages, 1, LimitRule::kRefuseAtLimit);
  g.Add(1, 1);
  g.Refuse(2);
  g.RefuseTrain(TrainTimes{5, 10, 4});
  REQUIRE(g.refusal_runs().size() == 1);
  CHECK(g.refusal_runs()[0].first == 2);
  CHECK(g.refusal_runs()[0].last == 35);
  CHECK(g.refusal_runs()[0].count == 5);
}

TEST_CASE("a delay histogram is exact below 64 ns and within 1 in 64 above", "[measures]") {
  for (Duration d : {Duration{0}, Duration{1}, Duration{63}}) CHECK(DelayHistogram::UpperEdge(DelayHistogram::BucketOf(d)) == d);
  for (Duration d : {Duration{64}, Duration{65}, Duration{1000}, Duration{123456789}, Duration{55'275'000'000}}) {
    const Duration upper = DelayHistogram::UpperEdge(DelayHistogram::BucketOf(d));
    CHECK(upper >= d);
    CHECK((upper - d) * 64 < d);
    CHECK(DelayHistogram::BucketOf(upper) == DelayHistogram::BucketOf(d));
    CHECK(DelayHistogram::BucketOf(upper + 1) == DelayHistogram::BucketOf(d) + 1);
  }
  DelayHistogram h;
  for (Duration d = 1; d <= 100; ++d) h.Add(d * 10);
  CHECK(h.count() == 100);
  CHECK(*h.mean_ns() == 505.0);
  CHECK(*h.max() == 1000);
  // Nearest rank: p50 is 500, in the bucket [500, 503]; p99 is 990, in [984, 991].
  CHECK(*h.Percentile(50) == 503);
  CHECK(*h.Percentile(99) == 991);
  CHECK(*h.Percentile(100) == 1000);
}

TEST_CASE("a delay probe matches arrivals to sends by serial and passes over what never arrives", "[measures]") {
  DelayProbe p;
  p.Sent(1, 100);
  p.Sent(2, 200);
  p.Sent(4, 300);  // 3 went to another connection, or was refused
  p.Sent(5, 400);
  p.Arrived(2, 1200);  // 1 was dropped on the way
  p.Arrived(5, 1500);  // and 4
  p.Arrived(1, 2000);  // older than one that arrived: cannot be matched
  CHECK(p.delays().count() == 2);
  CHECK(*p.delays().max() == 1100);
  CHECK(*p.delays().mean_ns() == 1050.0);
  CHECK(p.unmatched() == 1);
}

TEST_CASE("a delay probe keeps at most its limit of send times in flight", "[measures]") {
  DelayProbe p(1024);
  for (std::uint32_t s = 1; s <= 3000; ++s) p.Sent(s, s);
  p.Arrived(100, 5000);   // forgotten: only the last 1024 are kept
  p.Arrived(2990, 5000);
  CHECK(p.unmatched() == 1);
  CHECK(p.delays().count() == 1);
  CHECK(*p.delays().max() == 2010);
}
