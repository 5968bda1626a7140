// Settlers (sim/settler.h): events a component runs itself keep their place in the order of the
// run, and when the run stops the Simulator asks for what comes before its end and takes back
// the rest into the event list.
#include <cstdint>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/settler.h"
#include "sim/simulator.h"

using namespace mountstorm;

namespace {

// Holds events at given times, each with the insertion order reserved when it was given; runs
// them (records their times) when settled, and hands the rest to the list as events for itself.
class HeldEvents : public Settler, public EventTarget {
 public:
  explicit HeldEvents(Simulator* sim) : sim_(sim) { sim_->AddSettler(this); }

  // Kept in the order of the run: by time, then insertion order.
  void Hold(Time at) {
    const Event e{at, sim_->ReserveSeq()};
    auto it = held_.begin();
    while (it != held_.end() && it->at <= at) ++it;
    held_.insert(it, e);
  }

  void SettleBefore(Time t, std::uint64_t seq) override {
    std::uint64_t n = 0;
    Time last = 0;
    while (!held_.empty() && (held_.front().at < t || (held_.front().at == t && held_.front().seq < seq))) {
      last = held_.front().at;
      ran.push_back(last);
      held_.erase(held_.begin());
      ++n;
    }
    if (n > 0) sim_->CountSettled(n, last);
  }
  void HandBack(Time t, std::uint64_t seq) override {
    SettleBefore(t, seq);
    for (const Event& e : held_) sim_->ScheduleReserved(e.at, this, {}, e.seq);
    held_.clear();
    sim_->RemoveSettler(this);
  }
  void OnEvent(Time now, EventTag) override { from_list.push_back(now); }

  std::vector<Time> ran;        // run by the settler itself
  std::vector<Time> from_list;  // run through the event list, after the hand-back

 private:
  struct Event {
    Time at;
    std::uint64_t seq;
  };
  Simulator* sim_;
  std::vector<Event> held_;
};

class Counter : public EventTarget {
 public:
  void OnEvent(Time, EventTag) override { ++count; }
  int count = 0;
};

}  // namespace

TEST_CASE("a settler runs its events up to the end of the run and the list keeps the rest", "[sim]") {
  Simulator sim;
  Counter other;
  HeldEvents held(&sim);
  held.Hold(5);
  held.Hold(15);
  sim.Schedule(7, &other);
  CHECK(sim.RunUntil(10) == 2);  // the list's event at 7 and the settler's at 5
  CHECK(held.ran == std::vector<Time>{5});
  CHECK(other.count == 1);
  CHECK(sim.events_run() == 2);
  CHECK(sim.now() == 7);
  // The event at 15 is pending in the list, as if it had never been held.
  CHECK(sim.pending() == 1);
  CHECK(sim.next_event_time() == 15);
  sim.RunUntil(20);
  CHECK(held.from_list == std::vector<Time>{15});
}

TEST_CASE("a settler's last event sets the clock when it comes after the list's", "[sim]") {
  Simulator sim;
  Counter other;
  HeldEvents held(&sim);
  sim.Schedule(3, &other);
  held.Hold(8);
  sim.RunUntil(10);
  CHECK(sim.now() == 8);
  CHECK(sim.pending() == 0);
}

TEST_CASE("a run cut by its budget settles only what comes before the first event not run", "[sim]") {
  Simulator sim;
  Counter other;
  sim.Schedule(4, &other);  // inserted before the held event at 4: it comes first
  HeldEvents held(&sim);
  held.Hold(4);
  held.Hold(2);
  held.Hold(6);
  sim.Schedule(4, &other);  // inserted after: the held event at 4 comes before it
  // One event allowed: the list's first event at 4 runs; the run stops before its second.
  sim.RunUntil(10, 1);
  CHECK(held.ran == std::vector<Time>{2, 4});
  CHECK(other.count == 1);
  CHECK(sim.pending() == 2);  // the list's second event at 4, and the held one at 6
}

TEST_CASE("an event run in place has the insertion order it would have had in the list", "[sim]") {
  Simulator sim;
  sim.set_run_in_place(true);
  Counter other;
  struct InPlace : public EventTarget {
    Simulator* sim;
    std::uint64_t reserved = 0, seen_reserved = 0, seen_fresh = 0;
    void OnEvent(Time now, EventTag) override {
      REQUIRE(sim->RunInPlace(now + 1, reserved));
      seen_reserved = sim->current_seq();
      const std::uint64_t before = sim->ReserveSeq();
      REQUIRE(sim->RunInPlace(now + 2));
      seen_fresh = sim->current_seq();
      CHECK(seen_fresh > before);
    }
  } target;
  target.sim = &sim;
  target.reserved = sim.ReserveSeq();
  sim.Schedule(1, &target);
  sim.Schedule(100, &other);
  sim.RunUntil(50);
  CHECK(target.seen_reserved == target.reserved);
  CHECK(sim.now() == 3);
}
