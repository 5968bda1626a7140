#include "models/clients/logind.h"

#include <algorithm>

namespace mountstorm {

std::vector<MatchRuleText> LogindMatchRules() {
  const std::string manager =
      "type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop.systemd1.Manager',"
      "path='/org/freedesktop/systemd1',member=";
  return {
      manager + "'JobRemoved'",
      manager + "'UnitRemoved'",
      "type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop.DBus.Properties',"
      "member='PropertiesChanged'",
      manager + "'Reloading'",
  };
}

Logind::Logind(Simulator* sim, CpuPool* cpus, const ClientParams& params, SdBusConnection* bus,
               const MessageSizeParams& sizes, std::uint16_t peer_id, std::uint16_t systemd_peer)
    : Subscriber(sim, cpus, params, bus), sizes_(&sizes), peer_id_(peer_id), systemd_peer_(systemd_peer) {}

Message Logind::NewMessage(Member member, MessageType type) {
  return mountstorm::NewMessage(*sizes_, member, type, peer_id_, next_serial_++);
}

Duration Logind::Step(Time now) {
  if (in_call_) return WaitForReply(now);
  return Subscriber::Step(now);
}

void Logind::Handle(const Message& m, StepClock& step) {
  if (m.member == Member::kCreateSession && m.type == MessageType::kMethodCall) {
    ++stats_.sessions_requested;
    step.Spend(params().create_session_cost);
    // manager_start_scope(): StartTransientUnit with sd_bus_call(), which blocks.
    Message call = NewMessage(Member::kStartTransientUnit, MessageType::kMethodCall);
    call.destination = systemd_peer_;
    call.object = static_cast<std::uint32_t>(stats_.sessions_requested);  // the session number
    if (bus()->Send(step, call) == SdBusConnection::SendResult::kNoBufs) {
      Reply(Session{m.sender, m.serial, 0}, ErrorName::kNoBufs, step);
      return;
    }
    ++stats_.scope_calls;
    in_call_ = true;
    call_serial_ = call.serial;
    call_started_ = step.now();
    call_deadline_ = call_started_ + params().call_timeout;
    calling_ = Session{m.sender, m.serial, 0};
    sim()->Schedule(call_deadline_, this, {kCallDeadline});
    return;
  }
  if (m.member == Member::kJobRemoved) {
    // match_job_removed(): the scope's job is done; the session exists, CreateSession returns.
    for (std::size_t i = 0; i < waiting_for_job_.size(); ++i) {
      if (waiting_for_job_[i].job == m.object) {
        ++stats_.sessions_created;
        Reply(waiting_for_job_[i], ErrorName::kNone, step);
        waiting_for_job_.erase(waiting_for_job_.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }
}

Duration Logind::WaitForReply(Time now) {
  // sd_bus_call(): read everything; keep what is not the reply in the read queue.
  StepClock step(now);
  const Duration budget = params().recvmsg_cost * 2 * 64;  // a step reads at most 64 messages
  while (in_call_ && step.spent() <= budget) {
    if (!bus()->in()->readable(step.now())) break;
    if (bus()->rqueue().gauge().at_limit()) {
      // bus_rqueue_make_room(): the next message has nowhere to go.
      bus()->rqueue().gauge().Refuse(step.now());
      EndCall(nullptr, ErrorName::kNoBufs, step);
      break;
    }
    Message m;
    bus()->ReadSocket(step, &m);
    bool reply = (m.type == MessageType::kMethodReturn || m.type == MessageType::kError) &&
                 m.serial == call_serial_ && m.destination == peer_id_;
    if (reply) {
      EndCall(&m, m.type == MessageType::kError ? m.error : ErrorName::kNone, step);
    } else {
      bus()->KeepForLater(step.now(), m);
    }
  }
  if (step.spent() > 0) return step.spent();
  if (in_call_ && now >= call_deadline_) {
    EndCall(nullptr, ErrorName::kTimedOut, step);
    return step.spent();
  }
  if (in_call_ && !bus()->in()->empty()) WakeAt(std::max(now, bus()->in()->next_ready()));
  return kNoWork;
}

void Logind::EndCall(const Message* reply, ErrorName failure, StepClock& step) {
  in_call_ = false;
  stats_.time_in_calls += step.now() - call_started_;
  if (reply != nullptr && failure == ErrorName::kNone) {
    calling_.job = reply->object;
    waiting_for_job_.push_back(calling_);
    return;
  }
  switch (failure) {
    case ErrorName::kNoBufs: ++stats_.scope_calls_enobufs; break;
    case ErrorName::kTimedOut: ++stats_.scope_calls_timeout; break;
    case ErrorName::kLimitsExceeded: ++stats_.scope_calls_limits_exceeded; break;
    case ErrorName::kNone: break;
  }
  // "Failed to start session scope session-N.scope: ..." and CreateSession fails.
  Reply(calling_, failure, step);
}

void Logind::Reply(const Session& s, ErrorName error, StepClock& step) {
  Message m = error == ErrorName::kNone ? NewMessage(Member::kMethodReturn, MessageType::kMethodReturn)
                                        : NewMessage(Member::kError, MessageType::kError);
  m.error = error;
  m.serial = s.client_serial;
  m.destination = s.client;
  bus()->Send(step, m);
}

void Logind::Restart(Time at, std::function<void(Time)> on_subscribed) {
  on_subscribed_ = std::move(on_subscribed);
  sim()->Schedule(at + params().restart_delay, this, {kRestart});
}

void Logind::StartAgain(Time now) {
  // unit_test_start_limit(): a 6th start within 10 s fails; logind stays down.
  constexpr int kStartLimitBurst = 5;
  constexpr Duration kStartLimitInterval = 10 * kSecond;
  std::erase_if(starts_, [&](Time t) { return now - t >= kStartLimitInterval; });
  if (static_cast<int>(starts_.size()) >= kStartLimitBurst) return;
  starts_.push_back(now);
  // A new process: nothing of the old one's queues, call or sessions (their callers time out).
  bus()->Abandon(now);
  in_call_ = false;
  calling_ = Session{};
  waiting_for_job_.clear();
  if (on_subscribed_) on_subscribed_(now);
  WakeAt(now);
}

void Logind::OnOwnEvent(Time now, EventTag tag) {
  if (tag.kind == kCallDeadline) {
    Wake();  // the call's deadline: if it is still waiting, it times out now
    return;
  }
  if (tag.kind == kRestart) {
    StartAgain(now);
    return;
  }
  Subscriber::OnOwnEvent(now, tag);
}

}  // namespace mountstorm
