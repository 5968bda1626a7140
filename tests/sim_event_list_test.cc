// EventList and Simulator: events come out by (time, priority, insertion order); RunUntil() stops
// at its end time; time never goes backwards.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "mountstorm/error.h"
#include "sim/event_list.h"
#include "sim/simulator.h"

using namespace mountstorm;

namespace {

// Records the time of every event it receives, and the simulator's clock at that moment.
class Recorder : public EventTarget {
 public:
  explicit Recorder(const Simulator* sim = nullptr) : sim_(sim) {}

  void OnEvent(Time now, EventTag) override {
    times.push_back(now);
    if (sim_ != nullptr) clock.push_back(sim_->now());
  }

  std::vector<Time> times;  // the `now` of each event
  std::vector<Time> clock;  // sim->now() during each event

 private:
  const Simulator* sim_;
};

// Pops everything and returns the tags in the order they came out.
std::vector<std::uint32_t> DrainTags(EventList& list) {
  std::vector<std::uint32_t> tags;
  while (!list.empty()) tags.push_back(list.Pop().index);
  return tags;
}

}  // namespace

TEST_CASE("events at the same time and priority come out in insertion order",
          "[sim][event_list]") {
  Recorder r;
  EventList list;
  constexpr std::uint32_t kCount = 100;  // enough for several heap levels
  for (std::uint32_t tag = 0; tag < kCount; ++tag) list.Push(42, 3, &r, EventTag{0, tag});
  std::vector<std::uint32_t> expected(kCount);
  for (std::uint32_t tag = 0; tag < kCount; ++tag) expected[tag] = tag;
  CHECK(DrainTags(list) == expected);
}

TEST_CASE("at equal time a lower priority value comes out first", "[sim][event_list]") {
  Recorder r;
  EventList list;
  // Inserted in descending priority, so insertion order alone would give the wrong answer.
  list.Push(10, 5, &r, EventTag{0, 5});
  list.Push(10, 0, &r, EventTag{0, 0});
  list.Push(10, -7, &r, EventTag{0, 7});
  list.Push(10, 2, &r, EventTag{0, 2});
  CHECK(DrainTags(list) == std::vector<std::uint32_t>{7, 0, 2, 5});
}

TEST_CASE("an earlier time comes out first whatever the priority", "[sim][event_list]") {
  Recorder r;
  EventList list;
  list.Push(30, -100, &r, EventTag{0, 30});
  list.Push(10, 100, &r, EventTag{0, 10});
  list.Push(20, 0, &r, EventTag{0, 20});
  list.Push(kNever, -100, &r, EventTag{0, 99});
  list.Push(0, 100, &r, EventTag{0, 0});
  REQUIRE(list.size() == 5);
  CHECK(list.top().time == 0);
  CHECK(DrainTags(list) == std::vector<std::uint32_t>{0, 10, 20, 30, 99});
}

TEST_CASE("the event list matches a stable sort by (time, priority) under interleaved pushes "
          "and pops",
          "[sim][event_list]") {
  // The oracle keeps every pending event in insertion order; the next event is the first one of
  // a std::stable_sort by (time, priority). Times and priorities come from small ranges so that
  // ties are frequent.
  struct Pending {
    Time time;
    std::int32_t priority;
    std::uint32_t tag;
  };
  auto key_less = [](const Pending& a, const Pending& b) {
    if (a.time != b.time) return a.time < b.time;
    return a.priority < b.priority;
  };

  const std::uint32_t seed = GENERATE(1u, 2u, 3u, 4u, 5u);
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  // Phases of 500 operations alternately fill (3 pushes in 4) and drain (1 push in 4) the list,
  // so it is sometimes deep and sometimes empty.
  std::uniform_int_distribution<int> op(0, 3);
  std::uniform_int_distribution<Time> time(0, 20);
  std::uniform_int_distribution<std::int32_t> priority(-2, 2);

  Recorder r;
  EventList list;
  std::vector<Pending> oracle;
  std::uint32_t next_tag = 0;
  std::size_t pops = 0;
  for (int step = 0; step < 5000; ++step) {
    const bool filling = (step / 500) % 2 == 0;
    const bool push = op(rng) < (filling ? 3 : 1);
    if (push || oracle.empty()) {
      Pending p{time(rng), priority(rng), next_tag++};
      list.Push(p.time, p.priority, &r, EventTag{0, p.tag});
      oracle.push_back(p);
    } else {
      std::stable_sort(oracle.begin(), oracle.end(), key_less);
      Pending want = oracle.front();
      oracle.erase(oracle.begin());
      Event got = list.Pop();
      ++pops;
      REQUIRE(got.index == want.tag);
      REQUIRE(got.time == want.time);
      REQUIRE(got.priority == want.priority);
      REQUIRE(got.target == &r);
    }
    REQUIRE(list.size() == oracle.size());
  }
  std::stable_sort(oracle.begin(), oracle.end(), key_less);
  for (const Pending& want : oracle) {
    REQUIRE(list.Pop().index == want.tag);
    ++pops;
  }
  CHECK(list.empty());
  CHECK(pops == next_tag);
}

TEST_CASE("RunUntil runs the events due up to its end time and leaves later ones pending",
          "[sim][simulator]") {
  Simulator sim;
  Recorder r(&sim);
  for (Time t : {5, 10, 10, 11, 20}) sim.Schedule(t, &r, EventTag{0, static_cast<std::uint32_t>(t)});

  // An event exactly at the end time runs; the one just after it does not.
  CHECK(sim.RunUntil(10) == 3);
  CHECK(sim.pending() == 2);
  CHECK(sim.next_event_time() == 11);
  CHECK(sim.events_run() == 3);
  // The clock stands at the last event run, not at the end time.
  CHECK(sim.now() == 10);
  CHECK(r.times == std::vector<Time>{5, 10, 10});
  // During each event the clock reads the event's time.
  CHECK(r.clock == r.times);

  // Nothing is due before 11: no event runs and the clock does not move.
  CHECK(sim.RunUntil(10) == 0);
  CHECK(sim.now() == 10);

  CHECK(sim.RunUntil(kNever) == 2);
  CHECK(sim.now() == 20);
  CHECK(sim.pending() == 0);
  CHECK(sim.next_event_time() == kNever);
  CHECK(sim.events_run() == 5);
  CHECK(r.times == std::vector<Time>{5, 10, 10, 11, 20});
  CHECK(r.clock == r.times);
}

TEST_CASE("Stop ends RunUntil after the current event", "[sim][simulator]") {
  Simulator sim;
  class Stopper : public EventTarget {
   public:
    explicit Stopper(Simulator* s) : sim_(s) {}
    void OnEvent(Time, EventTag event) override {
      const std::uint32_t tag = event.index;
      ++runs;
      if (tag == 1) sim_->Stop();
    }
    int runs = 0;

   private:
    Simulator* sim_;
  };
  Stopper s(&sim);
  sim.Schedule(1, &s, EventTag{0, 0});
  sim.Schedule(2, &s, EventTag{0, 1});  // stops the run
  sim.Schedule(2, &s, EventTag{0, 0});
  sim.Schedule(3, &s, EventTag{0, 0});
  CHECK(sim.RunUntil(kNever) == 2);
  CHECK(sim.now() == 2);
  CHECK(sim.pending() == 2);
  // The next RunUntil() starts afresh.
  CHECK(sim.RunUntil(kNever) == 2);
  CHECK(s.runs == 4);
}

TEST_CASE("events scheduled from inside an event at the current time run in the same RunUntil",
          "[sim][simulator]") {
  Simulator sim;
  class Chain : public EventTarget {
   public:
    explicit Chain(Simulator* s) : sim_(s) {}
    void OnEvent(Time now, EventTag event) override {
    const std::uint32_t tag = event.index;
      order.push_back(tag);
      if (tag < 3) sim_->Schedule(now, this, EventTag{0, static_cast<std::uint32_t>(tag + 1)});
    }
    std::vector<std::uint32_t> order;

   private:
    Simulator* sim_;
  };
  Chain c(&sim);
  sim.Schedule(7, &c, EventTag{0, 0});
  sim.Schedule(7, &c, EventTag{0, 100});  // inserted before the chain's follow-ups, so it runs before them
  CHECK(sim.RunUntil(7) == 5);
  CHECK(c.order == std::vector<std::uint32_t>{0, 100, 1, 2, 3});
  CHECK(sim.now() == 7);
}

TEST_CASE("scheduling an event in the past is an internal error", "[sim][simulator]") {
  Simulator sim;
  Recorder r(&sim);
  sim.Schedule(100, &r, EventTag{0, 0});
  sim.RunUntil(kNever);
  REQUIRE(sim.now() == 100);
  CHECK_THROWS_AS(sim.Schedule(99, &r, EventTag{0, 1}), InternalError);
  CHECK(sim.pending() == 0);
  // The present is not the past.
  CHECK_NOTHROW(sim.Schedule(100, &r, EventTag{0, 2}));
  CHECK(sim.pending() == 1);
}

namespace {

// Checks, in each of its events, that the in-place limit says what WouldRunInPlace() says.
class LimitChecker : public EventTarget {
 public:
  explicit LimitChecker(Simulator* sim) : sim_(sim) {}

  void OnEvent(Time now, EventTag tag) override {
    if (tag.index == 1) sim_->Stop();
    for (Time at = now; at <= now + 40; ++at) {
      if (sim_->WouldRunInPlace(at) != (at <= sim_->in_place_limit())) ++disagreements;
      if (sim_->WouldRunInPlace(at)) ++in_place;
    }
  }

  int disagreements = 0;
  int in_place = 0;

 private:
  Simulator* sim_;
};

}  // namespace

TEST_CASE("the in-place limit is the last time at which an event would run in place", "[sim][simulator]") {
  for (bool on : {false, true}) {
    for (std::uint32_t stop_tag : {0u, 1u}) {
      INFO("run in place " << on << ", stopped " << stop_tag);
      Simulator sim;
      sim.set_run_in_place(on);
      LimitChecker checker(&sim);
      for (Time t : {10, 20, 20, 26, 35}) sim.Schedule(t, &checker, {0, t == 26 ? stop_tag : 0u});
      sim.RunUntil(30);
      CHECK(checker.disagreements == 0);
      CHECK((checker.in_place > 0) == on);
      CHECK(sim.in_place_limit() < 0);  // outside RunUntil() nothing runs in place
    }
  }
}
