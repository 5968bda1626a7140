#include "models/clients/login_client.h"

#include <algorithm>

namespace mountstorm {

const char* LoginOutcomeName(LoginOutcome o) {
  switch (o) {
    case LoginOutcome::kPending: return "pending";
    case LoginOutcome::kSucceeded: return "succeeded";
    case LoginOutcome::kNoBufs: return "enobufs";
    case LoginOutcome::kTimedOut: return "timeout";
    case LoginOutcome::kLimitsExceeded: return "limits_exceeded";
  }
  return "?";
}

LoginClient::LoginClient(Simulator* sim, CpuPool* cpus, const LoginGenerator& generator,
                         SdBusConnection* bus, const MessageSizeParams& sizes, std::uint16_t peer_id,
                         std::uint16_t logind_peer)
    : Server(sim, cpus, generator.name),
      g_(generator),
      bus_(bus),
      sizes_(&sizes),
      peer_id_(peer_id),
      logind_peer_(logind_peer) {
  std::vector<Time> times = g_.at;
  for (int k = 0; k < g_.count; ++k) times.push_back(g_.start + g_.interval * k);
  std::stable_sort(times.begin(), times.end());
  for (Time t : times) attempts_.push_back(Attempt{t});
}

void LoginClient::Start() {
  for (std::size_t k = 0; k < attempts_.size(); ++k) {
    sim()->Schedule(attempts_[k].start, this, {kLoginStarts, static_cast<std::uint32_t>(k)});
  }
}

void LoginClient::OnOwnEvent(Time now, EventTag tag) {
  const std::size_t k = tag.index;
  Attempt& a = attempts_[k];
  if (tag.kind == kLoginTimesOut) {
    if (a.outcome == LoginOutcome::kPending) Finish(k, LoginOutcome::kTimedOut, now);
    return;
  }
  // pam_systemd: CreateSession, then wait.
  Message m = NewMessage(*sizes_, Member::kCreateSession, MessageType::kMethodCall, peer_id_, next_serial_++);
  m.destination = logind_peer_;
  m.object = static_cast<std::uint32_t>(k);
  a.serial = m.serial;
  attempt_of_serial_.push_back(k);  // cookies are 1, 2, 3, ... in the order of the calls
  StepClock step(now);  // not a step of the server: sending takes it no time
  if (bus_->Send(step, m) == SdBusConnection::SendResult::kNoBufs) {
    Finish(k, LoginOutcome::kNoBufs, now);
    return;
  }
  sim()->Schedule(now + g_.timeout, this, {kLoginTimesOut, tag.index});
}

Duration LoginClient::Step(Time now) {
  StepClock step(now);
  Message m;
  while (bus_->ReadOne(step, &m)) {
    if (m.type != MessageType::kMethodReturn && m.type != MessageType::kError) continue;
    // A reply carries its call's cookie: the attempt that sent it, if it still waits.
    if (m.serial == 0 || m.serial > attempt_of_serial_.size()) continue;
    const std::size_t k = attempt_of_serial_[m.serial - 1];
    if (attempts_[k].outcome != LoginOutcome::kPending) continue;
    LoginOutcome o = LoginOutcome::kSucceeded;
    if (m.type == MessageType::kError) {
      o = m.error == ErrorName::kNoBufs           ? LoginOutcome::kNoBufs
          : m.error == ErrorName::kLimitsExceeded ? LoginOutcome::kLimitsExceeded
                                                  : LoginOutcome::kTimedOut;
    }
    Finish(k, o, step.now());
  }
  if (step.spent() > 0) return step.spent();
  if (!bus_->in()->empty()) WakeAt(std::max(now, bus_->in()->next_ready()));
  return kNoWork;
}

void LoginClient::Finish(std::size_t k, LoginOutcome outcome, Time t) {
  attempts_[k].outcome = outcome;
  attempts_[k].end = t;
}

}  // namespace mountstorm
