// Running in place (Simulator::RunInPlace, sim/server.h): a server that runs its own next event
// in place takes the same steps at the same times as one that goes through the event list, and
// the run counts the same events; only fewer of them pass through the list.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/server.h"
#include "sim/simulator.h"

using namespace mountstorm;

namespace {

// One step as it ran.
struct StepRun {
  std::string server;
  Time start;
  Time end;
  bool operator==(const StepRun& o) const { return server == o.server && start == o.start && end == o.end; }
};

// A server with items arriving at given times, each costing `cost`: when it finds nothing to do
// it arms a wake for the next arrival itself, as the subscribers do for a message in flight.
class Poller : public Server {
 public:
  Poller(Simulator* sim, CpuPool* cpus, std::string name, std::vector<Time> arrivals, Duration cost,
         std::vector<StepRun>* log)
      : Server(sim, cpus, std::move(name)), arrivals_(std::move(arrivals)), cost_(cost), log_(log) {}

  void Start() { WakeAt(arrivals_.front()); }

 protected:
  Duration Step(Time now) override {
    if (next_ == arrivals_.size()) return kNoWork;
    if (arrivals_[next_] > now) {
      WakeAt(arrivals_[next_]);
      return kNoWork;
    }
    ++next_;
    log_->push_back(StepRun{name(), now, now + cost_});
    return cost_;
  }

 private:
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
};

// Two pollers whose arrivals interleave and tie, on `cpus` CPUs, run until `end`.
Outcome RunPollers(bool in_place, int cpus, Time end) {
  Outcome out;
  Simulator sim;
  sim.set_run_in_place(in_place);
  CpuPool pool(&sim, cpus, 4);
  Poller a(&sim, &pool, "a", {0, 3, 4, 5, 20, 21, 22, 40, 41}, 2, &out.log);
  Poller b(&sim, &pool, "b", {1, 4, 30, 31, 32, 33, 40}, 3, &out.log);
  a.Start();
  b.Start();
  sim.RunUntil(end);
  out.events = sim.events_run();
  out.in_place = sim.events_in_place();
  out.pending = sim.pending();
  out.now = sim.now();
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
