// Subscriber: a process that receives PID 1's signals through sd-bus and handles them one at a
// time: systemd-logind, or any other service with match rules (a monitoring agent, a desktop
// daemon) or a private connection to PID 1.
//
// Each loop iteration handles one message (sd_bus_process() -> process_running() handles at most
// one): the first of the read queue, or else one read from the socket with two recvmsg calls;
// then the handler's cost. During a busy period (the process is doing other work) it reads
// nothing, so its socket and dbus-daemon's outgoing queue for it fill up. A busy period is spent
// blocked off the CPU, or on it if the scenario says so (then it counts as CPU time and holds a
// CPU of the host).
#ifndef MOUNTSTORM_MODELS_CLIENTS_SUBSCRIBER_H_
#define MOUNTSTORM_MODELS_CLIENTS_SUBSCRIBER_H_

#include <cstdint>

#include "models/clients/folded_reads.h"
#include "models/kernel/kernel_socket.h"
#include "models/systemd/sdbus_connection.h"
#include "mountstorm/scenario.h"
#include "sim/server.h"
#include "sim/settler.h"
#include "sim/step_clock.h"

namespace mountstorm {

class Subscriber : public Server, public FoldingReader, public Settler {
 public:
  Subscriber(Simulator* sim, CpuPool* cpus, const ClientParams& params, SdBusConnection* bus);

  // Schedules the busy periods of the scenario.
  void Start();

  SdBusConnection* bus() const { return bus_; }
  const ClientParams& params() const { return params_; }
  std::uint64_t handled() const { return handled_; }
  Duration busy_period_time() const { return busy_period_time_; }

  // FoldingReader and Settler: its quiet reads, run without the event list while nothing else
  // can come between them (models/clients/folded_reads.h).
  bool FoldOn(Time ready, const Message& m, bool quiet) override;
  bool StaysFolded(const Message& m, bool quiet) override;
  void WakeFolded(Time ready) override { ArmFolded(ready, sim()->now()); }
  void UnfoldReader() override { Unfold(); }
  std::uint64_t QuietMembers() const override;
  bool ReadsInSteps() const override { return !bus_->probes_reads() && counts_steps_only(); }
  bool KeepsUpFrom(Time at, ReaderSteps* steps) const override;
  void KeptUp(Member member, std::uint64_t n, Time last, Time wake_at, std::uint64_t wake_seq) override;
  void SettleBefore(Time t, std::uint64_t seq) override;
  void HandBack(Time t, std::uint64_t seq) override;

 protected:
  Duration Step(Time now) override;
  void OnOwnEvent(Time now, EventTag tag) override;
  // Its events: a busy period starts (index: which). A subclass's own kinds follow kLastKind.
  enum Kind : std::uint16_t { kBusyPeriodStarts = kFirstOwnKind, kLastKind = kBusyPeriodStarts };
  // Handles one message; spends its cost beyond per_message_cost on `step`.
  virtual void Handle(const Message& m, StepClock& step);
  // The step is Subscriber::Step() (a subclass that does something else, for now, says false):
  // the train engine then reads the messages that follow in the same call (StepOnInPlace()).
  virtual bool ReadsPlainly() const { return true; }
  // Handle(m) would spend nothing and change nothing (a subclass that acts on `m` says false). It
  // looks at the message's member and type only, and at state that quiet reads do not change.
  virtual bool HandlesQuietly(const Message& /*m*/) const { return true; }

 private:
  // One iteration that reads a message and handles it: its cost, or kNoWork if there is none.
  Duration ReadAndHandle(Time now);
  // The train engine: after a step that read a message (`cost`), the steps that follow in this
  // call while each would begin with nothing but its own wake in between (StepOnInPlace()), as
  // Step() would do them. Returns the last one's cost.
  Duration ReadOnInPlace(Duration cost);
  // ReadAndHandle(now) of a message in the socket that it handles quietly, read without waking
  // anyone (KernelSocket::reads_quietly()): the counts only. `loop` and `recv` are the loop's
  // and the two recvmsg's costs, which the callers' loops keep at hand. Returns the step's cost.
  Duration ReadQuietly(Time now, Duration loop, Duration recv) {
    bus_->ReadSocketQuietly(now + QuietReadOffset(loop, recv));  // there at now + loop
    ++handled_;
    return QuietStepCost(loop, recv);
  }
  // When in its step ReadQuietly() reads the message (after the loop and the two recvmsg), and
  // what the step costs: the same for ReadInSteps()'s reads.
  static Duration QuietReadOffset(Duration loop, Duration recv) { return loop + recv; }
  Duration QuietStepCost(Duration loop, Duration recv) const { return loop + recv + params_.per_message_cost; }
  // Those steps for KernelSocket::ReadInSteps() and ReadKeepingUp(), from the event at `now`: a
  // message there within the loop's cost is read in the step that begins.
  ReaderSteps QuietSteps(Duration loop, Duration recv, Time now) const {
    return ReaderSteps{loop, QuietReadOffset(loop, recv), QuietStepCost(loop, recv), now, 0};
  }
  // `n` messages read in such steps, of `step` each: handled, and the steps counted.
  void CountReadInSteps(std::uint64_t n, Duration step) {
    handled_ += n;
    CountFoldedSteps(n, step);
  }

  // Folded (folded_reads.cc): Server::WakeAt(at) called at `now`; Subscriber::Step() at `now`
  // for a quiet read (SettleBefore() runs the events as Server::OnEvent() would).
  void ArmFolded(Time at, Time now);
  void StepFolded(Time now);
  // SettleBefore(t, seq): the first pending event if it comes before (t, seq) (false if none);
  // and its common case, every event of a run of quiet reads while only one is pending at a time,
  // in one loop (returns the events run; 0 where SettleOne() must take the next).
  bool SettleOne(Time t, std::uint64_t seq);
  std::uint64_t SettleQuietReads(Time t, std::uint64_t seq);
  // SettleBefore() in O(1) where it keeps up with the relay's iteration: its one pending event is
  // the wake for the message in front, and KernelSocket::ReadKeepingUp() takes the rest as the
  // loop would (docs/ARCHITECTURE.md, "After step 8c"). False if not so (nothing changed).
  bool SettleKeepingUp(Time t, std::uint64_t seq);
  // What SettleKeepingUp() sets after `n` messages read so (their members counted by the caller):
  // handled, the steps, the last event at `last`, and its one event pending, the wake at `wake_at`
  // inserted as `wake_seq`; the 2 n events counted as settled.
  void SetKeptUp(std::uint64_t n, Time last, Time wake_at, std::uint64_t wake_seq);
  // In that loop, from the event at *now: the messages read at once with the events of each (its
  // wake if it lands late, its step's end), while those come before t (SdBusConnection::
  // ReadSocketInSteps()). Returns the events run; *now is then the end of the last one's step.
  // None where a delay probe or the busy area would see each read or step.
  std::uint64_t ReadInSteps(Time t, Duration loop, Duration recv, Time* now);
  void Unfold() override { HandBack(sim()->now(), sim()->current_seq()); }

  ClientParams params_;
  SdBusConnection* bus_;
  Time busy_until_ = 0;
  bool busy_on_cpu_ = false;
  Duration busy_period_time_ = 0;
  std::uint64_t handled_ = 0;
  FoldedReads fold_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_CLIENTS_SUBSCRIBER_H_
