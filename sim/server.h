// Server: a single-threaded simulated process. It does one step of work at a time; a step costs
// CPU time, during which the server does nothing else. Between steps it looks for more work; when
// it finds none it goes idle until something wakes it.
//
// A subclass implements Step(now): do the next piece of work as if it started at `now` and return
// its cost, or kNoWork. Effects that happen inside a step carry their own time (now plus the cost
// spent so far), so a long step can hand out messages one by one without an event for each.
//
// CpuPool: the CPUs of a host that all its servers share. With a limit, at most that many servers
// run a step at once; the others wait in FIFO order. A server keeps its CPU for consecutive steps
// until it has held it for a time slice and others wait; then it goes to the back of the line
// (round robin by slices, as CFS shares a CPU among runnable tasks; a step itself is never cut).
// Without a limit every server runs as soon as it has work.
//
// Waking never calls into another server synchronously: it schedules an event, so a component's
// state is never observed half-updated.
//
// In the train engine (Simulator::set_run_in_place) a server runs its own next event in place
// when the Simulator says it would be the very next event anyway: the end of a step (then it
// looks for more work at once) and a wake it armed for itself during a step that found nothing
// to do (then it takes the CPU and steps at that time). Such a wake is scheduled only once the
// step is over, with the insertion order it had when armed (Simulator::ReserveSeq()), so that it
// ties with other events exactly as before. Consecutive steps of a process that nothing else
// interleaves with thus run in one event of the list, and the run is the same step for step.
//
// A server may also have dependents (AddDependent(), sim/settler.h): components that run some
// of their own events late, such as the folded readers of the sockets it writes. Before each of
// its steps and before it is woken it asks them to run those that come before the event in
// progress; what they run is theirs alone (their own state and counts), so the rule above holds
// for every server's state.
#ifndef MOUNTSTORM_SIM_SERVER_H_
#define MOUNTSTORM_SIM_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mountstorm/error.h"
#include "mountstorm/time.h"
#include "sim/level_integral.h"
#include "sim/ring_buffer.h"
#include "sim/settler.h"
#include "sim/simulator.h"

namespace mountstorm {

class Server;

class CpuPool {
 public:
  // cpus == 0 means unlimited. `slice`: how long a server may keep a CPU others wait for.
  explicit CpuPool(Simulator* sim, int cpus = 0, Duration slice = 0)
      : sim_(sim), cpus_(cpus), slice_(slice) {}
  CpuPool(const CpuPool&) = delete;
  CpuPool& operator=(const CpuPool&) = delete;

  int cpus() const { return cpus_; }
  Duration slice() const { return slice_; }
  bool unlimited() const { return cpus_ == 0; }
  // A server that shares these CPUs (each Server registers itself).
  void Register() { ++servers_; }
  // No server can ever wait for a CPU: there is no limit, or no more servers than CPUs.
  bool uncontended() const { return unlimited() || servers_ <= cpus_; }
  int in_use() const { return in_use_; }
  bool has_waiters() const { return !waiting_.empty(); }

  // Takes a CPU for `s` if one is free; otherwise queues `s`, which is granted a CPU (through an
  // event) when one is released. Returns true if the CPU was taken now.
  bool Acquire(Server* s);
  // Gives a CPU back; the first waiting server, if any, gets it.
  void Release();

 private:
  Simulator* sim_;
  int cpus_;
  Duration slice_;
  int in_use_ = 0;
  int servers_ = 0;
  RingBuffer<Server*> waiting_;
};

class Server : public EventTarget {
 public:
  static constexpr Duration kNoWork = -1;

  Server(Simulator* sim, CpuPool* cpus, std::string name);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  const std::string& name() const { return name_; }

  // Asks the server to look for work at time `at` (>= now). Cheap to call often: a wake at a time
  // already armed is not scheduled twice, and a wake that finds the server busy does nothing,
  // since a busy server looks for work after every step anyway.
  void WakeAt(Time at);
  void Wake() { WakeAt(sim_->now()); }

  bool idle() const { return state_ == State::kIdle; }
  // Total CPU time spent in steps so far.
  Duration busy_time() const { return busy_time_; }
  std::uint64_t steps() const { return steps_; }
  // The area under "in a step" (1) or not (0), over the run and over `window` (sim/level_integral.h):
  // the server's busy time in each, for its utilisation. Finish(end) when the run is over.
  void MeasureIn(const StormWindow* window) {
    busy_area_ = std::make_unique<LevelIntegral>();
    busy_area_->Attach(window);
  }
  void FinishMeasures(Time end) {
    if (busy_area_) busy_area_->Finish(end);
  }
  const LevelIntegral& busy_area() const { return busy_area_ ? *busy_area_ : LevelIntegral::None(); }

  void OnEvent(Time now, EventTag tag) override;

  // Settlers (sim/settler.h) whose events must be run before this server steps or is woken: the
  // folded readers of the sockets it writes (models/clients/folded_reads.h).
  void AddDependent(Settler* s) { dependents_.push_back(s); }
  void RemoveDependent(Settler* s) { std::erase(dependents_, s); }

 protected:
  // Does one step of work starting at `now` and returns its CPU cost (>= 0), or kNoWork if there is
  // nothing to do now. A server with work due later arms WakeAt() for it before returning kNoWork.
  virtual Duration Step(Time now) = 0;

  Simulator* sim() const { return sim_; }

  // The train engine, for a Step() that handles several pieces of work in one call: when the step
  // in progress (begun at step_start(), `cost` so far) ends, the server would look for work at once
  // and step again at `next`: at the step's end, or, if it finds nothing then, at a wake it arms for
  // itself at `next` (later). If all of that would run in place (Simulator::WouldRunInPlace) and no
  // server waits for a CPU, this does what RunStep() would (counts the step and its cost, runs the
  // step-done event and the wake in place, holds the CPU again from the wake) and returns true:
  // Step() goes on with the next step, begun at `next`, and returns that step's cost. Otherwise it
  // changes nothing and returns false. A server with dependents goes on only at once (`next` the
  // step's end), and they settle after the step-done event, as before a step through RunStep().
  // The step begun at `next` may still find nothing: Step() then arms its wake and returns kNoWork.
  // REQUIRES: StepDone() does nothing, and the step that finds nothing changes nothing but its
  // wake (the caller knows its own Step()).
  inline bool StepOnInPlace(Duration cost, Time next);
  // StepOnInPlace() for a caller that knows Simulator::in_place_limit() is `limit` (nothing has
  // been scheduled since it asked): the same, without asking the event list again.
  inline bool StepOnInPlace(Duration cost, Time next, Time limit);
  // StepOnInPlace() at once (`done` the step's end) for a server with exactly one dependent, which
  // the caller settles itself right after, exactly as SettleDependents() would there (the relay's
  // window, KernelSocket::SettleKeptUp()): the same, without settling it; false also if the server
  // has not exactly one dependent.
  inline bool StepOnInPlaceSettled(Duration cost, Time done);
  bool has_one_dependent() const { return dependents_.size() == 1; }  // AddDependent()
  // When the step in progress began (moved on by StepOnInPlace()).
  Time step_start() const { return step_start_; }

  // Called when a step's CPU time is over, at its end time, before the server looks for more
  // work: for effects that happen only once the step has finished.
  virtual void StepDone(Time /*now*/) {}

  // Events a subclass schedules for itself have kinds from kFirstOwnKind on (an enum of the
  // subclass); they arrive here.
  static constexpr std::uint16_t kFirstOwnKind = 16;
  virtual void OnOwnEvent(Time /*now*/, EventTag /*tag*/) {}

  // For a subclass that runs its own steps without the event list for a while (folds them,
  // models/clients/folded_reads.h), as a Settler:
  //  - it may fold only while waiting_for_input(): idle, no wake armed, not in a step;
  //  - a CPU is always free for it: always_gets_cpu() (CpuPool::uncontended());
  //  - CountFoldedStep() counts a step as RunStep() does;
  //  - set_folded(true) makes WakeAt() and an event of its own call Unfold() first;
  //  - Resume() hands it back to the event list: running (it holds a CPU and its step ends at a
  //    pending event) or idle; the subclass then schedules its pending events, the end of its
  //    step and the wakes it has armed, with ScheduleResumed().
  bool waiting_for_input() const {
    return state_ == State::kIdle && armed_wakes_.empty() && !in_step_ && !own_wake_pending_;
  }
  bool always_gets_cpu() const { return cpus_->uncontended(); }
  void CountFoldedStep(Time start, Duration cost) { CountStep(start, cost); }
  // CountFoldedStep() of `n` steps of `cost` each, for a server whose busy area is not measured
  // (counts_steps_only()): the area would take each step's start.
  bool counts_steps_only() const { return busy_area_ == nullptr; }
  void CountFoldedSteps(std::uint64_t n, Duration cost) {
    busy_time_ += static_cast<Duration>(n) * cost;
    steps_ += n;
  }
  void set_folded(bool on) { folded_ = on; }
  virtual void Unfold() {}
  void Resume(bool running);
  void ScheduleResumed(Time at, bool step_done, std::uint64_t seq);

 private:
  friend class CpuPool;
  enum class State { kIdle, kWaitingForCpu, kRunning };
  enum Kind : std::uint16_t { kWake = 0, kStepDone = 1, kCpuGranted = 2 };

  void TryToRun(Time now);
  void RunStep(Time now);
  // What the end of a step does before the server looks for more work: false if the server gave
  // its CPU to a waiting one (its time slice was over).
  bool FinishStep(Time now);
  // A step that ran from `start` for `cost`: the busy time, the step count and, when measured, the
  // busy area. Every step is counted here, whether it ended through the event list or in place.
  void CountStep(Time start, Duration cost) {
    busy_time_ += cost;
    ++steps_;
    if (busy_area_) busy_area_->Busy(start, start + cost);
  }
  // Schedules the wake armed during the step, if any, with its reserved order; or, if it is the
  // next event and the step found no work (`take` true), runs it in place: returns true if the
  // server now holds its CPU at the wake's time, *now.
  bool SettleOwnWake(bool take, Time* now);
  void DisarmWake(Time at);
  void SettleDependents(Time now);

  Simulator* sim_;
  CpuPool* cpus_;
  std::string name_;
  State state_ = State::kIdle;
  // Times of the wake events scheduled and not yet run (a handful at most: a server arms a wake
  // for the next thing it knows is coming, and producers wake it now).
  std::vector<Time> armed_wakes_;
  // The train engine: a wake the server armed for itself during its step, not yet scheduled.
  bool in_step_ = false;
  bool own_wake_pending_ = false;
  Time own_wake_at_ = 0;
  std::uint64_t own_wake_seq_ = 0;
  Time holding_since_ = 0;  // when this server last got its CPU
  Time step_start_ = 0;     // of the step in progress
  Duration busy_time_ = 0;
  std::uint64_t steps_ = 0;
  std::unique_ptr<LevelIntegral> busy_area_;  // only when measured
  std::vector<Settler*> dependents_;
  bool folded_ = false;
};

inline bool Server::StepOnInPlace(Duration cost, Time next, Time limit) {
  const Time done = step_start_ + cost;
  if (!in_step_ || own_wake_pending_ || cpus_->has_waiters() || done > limit || next > limit) return false;
  if (next != done && !dependents_.empty()) return false;
  Check(cost >= 0 && next >= done, "step on in place out of order");
  CountStep(step_start_, cost);
  sim_->RunInPlaceWithin(done);  // the step-done event; FinishStep() keeps the CPU (nobody waits)
  if (!dependents_.empty()) SettleDependents(done);
  if (next != done) {
    // The step that found nothing released the CPU and armed a wake at `next`, which runs in place
    // and takes a CPU again (one is free: nobody waits).
    sim_->RunInPlaceWithin(next);
    holding_since_ = next;
  }
  step_start_ = next;
  return true;
}

inline bool Server::StepOnInPlaceSettled(Duration cost, Time done) {
  if (!in_step_ || own_wake_pending_ || cpus_->has_waiters() || dependents_.size() != 1 ||
      step_start_ + cost != done || done > sim_->in_place_limit()) {
    return false;
  }
  CountStep(step_start_, cost);
  sim_->RunInPlaceWithin(done);  // the step-done event, as in StepOnInPlace()
  step_start_ = done;
  return true;
}

inline bool Server::StepOnInPlace(Duration cost, Time next) {
  return StepOnInPlace(cost, next, sim_->in_place_limit());
}

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_SERVER_H_
