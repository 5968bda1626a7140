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
    : sim_(sim), cpus_(cpus), name_(std::move(name)) {}

void Server::WakeAt(Time at) {
  Check(at >= sim_->now(), "wake in the past");
  if (at == sim_->now() && state_ != State::kIdle) return;
  for (Time t : armed_wakes_) {
    if (t == at) return;
  }
  armed_wakes_.push_back(at);
  sim_->Schedule(at, this, {kWake});
}

void Server::OnEvent(Time now, EventTag tag) {
  switch (tag.kind) {
    case kWake:
      // This wake has run: a later WakeAt(now) must schedule again.
      for (std::size_t i = 0; i < armed_wakes_.size(); ++i) {
        if (armed_wakes_[i] == now) {
          armed_wakes_[i] = armed_wakes_.back();
          armed_wakes_.pop_back();
          break;
        }
      }
      if (state_ == State::kIdle) TryToRun(now);
      break;
    case kCpuGranted:
      Check(state_ == State::kWaitingForCpu, "CPU granted to a server that did not wait");
      holding_since_ = now;
      RunStep(now);
      break;
    case kStepDone:
      Check(state_ == State::kRunning, "step done on a server that was not running");
      StepDone(now);
      if (cpus_->has_waiters() && now - holding_since_ >= cpus_->slice()) {
        // Its slice is over: let the next waiting server run, and queue up again behind it.
        cpus_->Release();
        state_ = State::kIdle;
        TryToRun(now);
      } else {
        RunStep(now);  // keep the CPU and look for more work
      }
      break;
    default:
      Check(tag.kind >= kFirstOwnKind, "unknown server event");
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

void Server::RunStep(Time now) {
  state_ = State::kRunning;
  Duration cost = Step(now);
  if (cost == kNoWork) {
    state_ = State::kIdle;
    cpus_->Release();
    return;
  }
  Check(cost >= 0, "negative step cost");
  busy_time_ += cost;
  ++steps_;
  sim_->Schedule(now + cost, this, {kStepDone});
}

}  // namespace mountstorm
