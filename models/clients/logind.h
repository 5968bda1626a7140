// Logind: systemd-logind (src/login/logind*.c), a subscriber of PID 1's signals that also starts
// login sessions.
//
// Signals: at startup logind adds four match rules on systemd's signals, JobRemoved, UnitRemoved
// and Reloading on /org/freedesktop/systemd1, and PropertiesChanged with NO path filter, so it
// receives every unit's PropertiesChanged, mount and device units included; and it calls
// Subscribe(), which is what makes PID 1 emit on the API bus at all. match_properties_changed()
// only looks up the unit name in two hashmaps, so for mount and device units the cost is that of
// receiving and dispatching the message.
//
// Sessions: CreateSession (from pam_systemd) leads to manager_start_scope(), which calls
// StartTransientUnit on PID 1 with the SYNCHRONOUS sd_bus_call() and the default 25 s timeout.
// While it waits, logind's loop is stalled and every other message it reads is appended to its
// read queue. A full read queue fails the call with ENOBUFS ("Failed to start session scope ...:
// No buffer space available"); no reply within the timeout fails it with ETIMEDOUT; dbus-daemon
// may answer LimitsExceeded instead of PID 1. CreateSession then fails. On success the reply to
// pam_systemd waits until JobRemoved of the scope's job arrives (match_job_removed ->
// session_jobs_reply).
#ifndef MOUNTSTORM_MODELS_CLIENTS_LOGIND_H_
#define MOUNTSTORM_MODELS_CLIENTS_LOGIND_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "models/clients/subscriber.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

// The match rules of manager_connect_bus() (v219 ... main, without v219's NameOwnerChanged rule).
std::vector<MatchRuleText> LogindMatchRules();

class Logind : public Subscriber {
 public:
  Logind(Simulator* sim, CpuPool* cpus, const ClientParams& params, SdBusConnection* bus,
         const MessageSizeParams& sizes, std::uint16_t peer_id, std::uint16_t systemd_peer);

  struct Stats {
    std::uint64_t sessions_requested = 0;
    std::uint64_t scope_calls = 0;
    std::uint64_t scope_calls_enobufs = 0;
    std::uint64_t scope_calls_timeout = 0;
    std::uint64_t scope_calls_limits_exceeded = 0;
    std::uint64_t sessions_created = 0;  // replied after JobRemoved
    Duration time_in_calls = 0;
  };
  const Stats& stats() const { return stats_; }

  // dbus-broker said goodbye to logind at `at` (it had read everything after being shut down,
  // research/dbus-broker-model.md 5.3): PID 1 stops it and starts a new one restart_delay later,
  // unless that would be the 6th start in 10 s (DEFAULT_START_LIMIT_BURST/_INTERVAL, v252
  // src/basic/def.h). The new logind has empty queues and no session in progress, and calls
  // `on_subscribed` (its Subscribe() to PID 1).
  void Restart(Time at, std::function<void(Time)> on_subscribed);

 protected:
  Duration Step(Time now) override;
  void Handle(const Message& m, StepClock& step) override;
  // In a StartTransientUnit call, a step is WaitForReply().
  bool ReadsPlainly() const override { return !in_call_; }
  // Only a CreateSession call and the JobRemoved of a scope it waits for make it act.
  bool HandlesQuietly(const Message& m) const override {
    if (m.member == Member::kCreateSession && m.type == MessageType::kMethodCall) return false;
    return m.member != Member::kJobRemoved || waiting_for_job_.empty();
  }
  void OnOwnEvent(Time now, EventTag tag) override;

 private:
  // The session whose scope is being started, or waits for its job.
  struct Session {
    std::uint16_t client;         // pam_systemd's peer
    std::uint32_t client_serial;  // its CreateSession call
    std::uint32_t job = 0;        // the scope's start job, once known
  };
  // Effects are stamped at step.now(), as everywhere in a step.
  Duration WaitForReply(Time now);
  void EndCall(const Message* reply, ErrorName failure, StepClock& step);
  void Reply(const Session& s, ErrorName error, StepClock& step);
  Message NewMessage(Member member, MessageType type);

  // Its own event, after the subscriber's: the deadline of the StartTransientUnit call.
  enum LogindKind : std::uint16_t { kCallDeadline = Subscriber::kLastKind + 1, kRestart };
  void StartAgain(Time now);

  const MessageSizeParams* sizes_;
  std::uint16_t peer_id_;
  std::uint16_t systemd_peer_;
  std::uint32_t next_serial_ = 1;
  bool in_call_ = false;
  std::uint32_t call_serial_ = 0;
  Time call_started_ = 0;
  Time call_deadline_ = 0;
  Session calling_{};
  std::vector<Session> waiting_for_job_;
  Stats stats_;
  std::vector<Time> starts_;  // the restarts, for the start limit
  std::function<void(Time)> on_subscribed_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_CLIENTS_LOGIND_H_
