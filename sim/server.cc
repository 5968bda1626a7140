#include "sim/server.h"

#include <utility>

#include "mountstorm/error.h"

namespace mountstorm {

bool CpuPool::Acquire(Server* s) {
  if (unlimited()) return true;
  if (in_use_ < cpus_ && waiting_.empty()) {
    ++in_use_;
    return true;
  }
  waiting_.PushBack(s);
  return false;
}

void CpuPool::Release() {
  if (unlimited()) return;
  if (!waiting_.empty()) {
    // The CPU passes straight to the first waiting server; in_use_ is unchanged.
    Server* next = waiting_.PopFront();
    sim_->Schedule(sim_->now(), next, {Server::kCpuGranted});
    return;
  }
  --in_use_;
}

Server::Server(Simulator* sim, CpuPool* cpus, std::string name)
    : sim_(sim), cpus_(cpus), name_(std::move(name)) {
  cpus_->Register();
}

void Server::SettleDependents(Time now) {
  const std::uint64_t seq = sim_->current_seq();
  for (std::size_t i = 0; i < dependents_.size(); ++i) dependents_[i]->SettleBefore(now, seq);
}

void Server::Resume(bool running) {
  Check(waiting_for_input(), "a server resumed that was not waiting");
  if (!running) return;
  Check(cpus_->Acquire(this), "a folded server without a CPU");
  state_ = State::kRunning;
  holding_since_ = sim_->now();
}

void Server::ScheduleResumed(Time at, bool step_done, std::uint64_t seq) {
  if (!step_done) armed_wakes_.push_back(at);  // a wake scheduled is an armed one
  sim_->ScheduleReserved(at, this, {step_done ? kStepDone : kWake}, seq);
}

void Server::WakeAt(Time at) {
  Check(at >= sim_->now(), "wake in the past");
  if (folded_) Unfold();
  // A wake of a writer comes after the events of its folded readers that precede this one.
  if (!dependents_.empty() && !in_step_) SettleDependents(sim_->now());
  if (at == sim_->now() && state_ != State::kIdle) return;
  for (Time t : armed_wakes_) {
    if (t == at) return;
  }
  armed_wakes_.push_back(at);
  if (in_step_ && !own_wake_pending_ && at > sim_->now() && sim_->run_in_place()) {
    // Its own next wake, perhaps to be run in place when the step is over (SettleOwnWake).
    own_wake_pending_ = true;
    own_wake_at_ = at;
    own_wake_seq_ = sim_->ReserveSeq();
    return;
  }
  sim_->Schedule(at, this, {kWake});
}

void Server::DisarmWake(Time at) {
  for (std::size_t i = 0; i < armed_wakes_.size(); ++i) {
    if (armed_wakes_[i] == at) {
      armed_wakes_[i] = armed_wakes_.back();
      armed_wakes_.pop_back();
      return;
    }
  }
}

void Server::OnEvent(Time now, EventTag tag) {
  switch (tag.kind) {
    case kWake:
      DisarmWake(now);  // this wake has run: a later WakeAt(now) must schedule again
      if (state_ == State::kIdle) TryToRun(now);
      break;
    case kCpuGranted:
      Check(state_ == State::kWaitingForCpu, "CPU granted to a server that did not wait");
      holding_since_ = now;
      RunStep(now);
      break;
    case kStepDone:
      if (FinishStep(now)) RunStep(now);  // keep the CPU and look for more work
      break;
    default:
      Check(tag.kind >= kFirstOwnKind, "unknown server event");
      if (folded_) Unfold();  // what it does may change what its steps would do
      OnOwnEvent(now, tag);
  }
}

void Server::TryToRun(Time now) {
  state_ = State::kWaitingForCpu;
  if (cpus_->Acquire(this)) {
    holding_since_ = now;
    RunStep(now);
  }
}

bool Server::FinishStep(Time now) {
  Check(state_ == State::kRunning, "step done on a server that was not running");
  StepDone(now);
  if (cpus_->has_waiters() && now - holding_since_ >= cpus_->slice()) {
    // Its slice is over: let the next waiting server run, and queue up again behind it.
    cpus_->Release();
    state_ = State::kIdle;
    TryToRun(now);
    return false;
  }
  return true;
}

bool Server::SettleOwnWake(bool take, Time* now) {
  if (!own_wake_pending_) return false;
  own_wake_pending_ = false;
  if (!take || !sim_->RunInPlace(own_wake_at_, own_wake_seq_)) {
    sim_->ScheduleReserved(own_wake_at_, this, {kWake}, own_wake_seq_);
    return false;
  }
  // The wake event, run here: the server is idle, so it asks for a CPU.
  *now = own_wake_at_;
  DisarmWake(*now);
  state_ = State::kWaitingForCpu;
  if (!cpus_->Acquire(this)) return false;
  holding_since_ = *now;
  return true;
}

void Server::RunStep(Time now) {
  for (;;) {
    state_ = State::kRunning;
    in_step_ = true;
    step_start_ = now;
    if (!dependents_.empty()) SettleDependents(now);  // before the step can see what they read
    const Duration cost = Step(now);
    now = step_start_;  // a Step() that went on in place (StepOnInPlace) began its last step later
    in_step_ = false;
    if (cost == kNoWork) {
      state_ = State::kIdle;
      cpus_->Release();
      if (!SettleOwnWake(true, &now)) return;
      continue;  // it woke in place and holds a CPU
    }
    SettleOwnWake(false, &now);
    Check(cost >= 0, "negative step cost");
    CountStep(now, cost);
    const Time done = now + cost;
    if (!sim_->RunInPlace(done)) {
      sim_->Schedule(done, this, {kStepDone});
      return;
    }
    if (!FinishStep(done)) return;  // the step-done event, run here
    now = done;
  }
}

}  // namespace mountstorm
