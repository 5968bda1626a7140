// Subscriber's folded reads (models/clients/folded_reads.h): the same steps as Server::OnEvent(),
// Server::RunStep() and Subscriber::Step() take for quiet messages, run late and in order.
#include <algorithm>

#include "models/clients/subscriber.h"
#include "mountstorm/error.h"

namespace mountstorm {

bool Subscriber::FoldOn(Time ready, const Message& m, bool quiet) {
  // Nothing but the messages landing may change what its steps do until it unfolds (before an
  // event of its own, such as a busy period, Server::OnEvent()): not in a busy period, a read
  // queue and write queue that stay empty, reads that wake nobody, a CPU always free. (Its
  // socket to the bus stays writable: it writes nothing while folded.)
  if (!sim()->run_in_place() || !always_gets_cpu()) {
    bus_->in()->set_folding_reader(nullptr);  // for the whole run: it is not asked again
    return false;
  }
  const KernelSocket* out = bus_->out();
  if (!quiet || !waiting_for_input() || ready < busy_until_ || !ReadsPlainly() || !bus_->rqueue().empty() ||
      !bus_->wqueue().empty() || (out != nullptr && !out->writable()) || !HandlesQuietly(m)) {
    return false;
  }
  fold_ = FoldedReads{};
  set_folded(true);
  bus_->in()->set_folded(true);
  bus_->in()->writer()->AddDependent(this);
  sim()->AddSettler(this);
  WakeFolded(ready);
  return true;
}

bool Subscriber::StaysFolded(const Message& m, bool quiet) {
  if (quiet && fold_.HasRoom() && HandlesQuietly(m)) return true;
  Unfold();
  return false;
}

static_assert(kMemberCount <= 64, "one bit per member");

std::uint64_t Subscriber::QuietMembers() const {
  std::uint64_t members = 0;
  for (int i = 0; i < kMemberCount; ++i) {
    bool quiet = true;
    for (MessageType type : {MessageType::kSignal, MessageType::kMethodCall, MessageType::kMethodReturn,
                             MessageType::kError}) {
      Message m;
      m.member = static_cast<Member>(i);
      m.type = type;
      quiet = quiet && HandlesQuietly(m);
    }
    if (quiet) members |= std::uint64_t{1} << i;
  }
  return members;
}

void Subscriber::ArmFolded(Time at, Time now) {
  // Server::WakeAt(): a wake now finds a running server busy; one time is armed once.
  if ((at == now && fold_.running) || fold_.Armed(at)) return;
  fold_.AddWake({at, sim()->ReserveSeq()});
}

void Subscriber::SettleBefore(Time t, std::uint64_t seq) {
  Check(!bus_->in()->keeping_up(), "a reader settled while the relay's window holds its state");
  if (SettleKeepingUp(t, seq)) return;
  std::uint64_t ran = 0;
  for (;;) {
    // A loop of quiet reads that ran stops only where nothing more comes before (t, seq).
    const std::uint64_t quiet = SettleQuietReads(t, seq);
    ran += quiet;
    if (quiet > 0 || !SettleOne(t, seq)) break;
    ++ran;
  }
  if (ran > 0) sim()->CountSettled(ran, fold_.last);
}

bool Subscriber::SettleOne(Time t, std::uint64_t seq) {
  Time now;
  if (fold_.WakeFirst()) {
    if (!fold_.wakes[0].Before(t, seq)) return false;
    now = fold_.wakes[0].at;
    fold_.PopWake();
    fold_.last = now;
    if (fold_.running) return true;  // a wake that finds it in a step does nothing
    fold_.running = true;            // it takes a CPU, always free
  } else {
    if (!fold_.step_pending || !fold_.step_done.Before(t, seq)) return false;
    now = fold_.step_done.at;
    fold_.step_pending = false;
    fold_.last = now;
  }
  StepFolded(now);
  return true;
}

bool Subscriber::SettleKeepingUp(Time t, std::uint64_t seq) {
  FoldedReads::Pending first;
  bool step_end;
  if (!fold_.OnePending(&first, &step_end) || step_end || !first.Before(t, seq) || !ReadsInSteps()) return false;
  ReaderSteps steps = QuietSteps(params_.loop_iteration_cost, 2 * bus_->recvmsg_cost(), first.at);
  const std::size_t n = bus_->ReadSocketKeepingUp(&steps, t);
  if (n == 0) return false;
  SetKeptUp(n, steps.now, bus_->in()->front_ready(), sim()->ReserveSeqs(2 * n));
  return true;
}

void Subscriber::SetKeptUp(std::uint64_t n, Time last, Time wake_at, std::uint64_t wake_seq) {
  // As SettleQuietReads() would: the wake, the first message read in its step, each other one
  // with a wake of its own, and a wake armed for the last one, which lands at the bound or later.
  CountReadInSteps(n, QuietStepCost(params_.loop_iteration_cost, 2 * bus_->recvmsg_cost()));
  fold_.last = last;
  fold_.wakes[0] = {wake_at, wake_seq};
  sim()->CountSettled(2 * n, last);
}

bool Subscriber::KeepsUpFrom(Time at, ReaderSteps* steps) const {
  FoldedReads::Pending first;
  bool step_end;
  if (!fold_.OnePending(&first, &step_end) || step_end || first.at != at || !ReadsInSteps()) return false;
  *steps = QuietSteps(params_.loop_iteration_cost, 2 * bus_->recvmsg_cost(), at);
  return true;
}

void Subscriber::KeptUp(Member member, std::uint64_t n, Time last, Time wake_at, std::uint64_t wake_seq) {
  // What SettleKeepingUp() would have set over the window's settles, in sums.
  bus_->CountKeptUp(member, n);
  SetKeptUp(n, last, wake_at, wake_seq);
}

std::uint64_t Subscriber::SettleQuietReads(Time t, std::uint64_t seq) {
  FoldedReads::Pending first;
  bool step_end;
  if (!fold_.OnePending(&first, &step_end) || !first.Before(t, seq)) return 0;
  KernelSocket* in = bus_->in();
  const Duration loop = params_.loop_iteration_cost;
  const Duration recv = 2 * bus_->recvmsg_cost();
  // Each event run takes the insertion order of the next (none if it finds the socket empty),
  // after (t, seq)'s: that next one comes before (t, seq) only if it is earlier.
  std::uint64_t ran = 0;
  Time now = first.at;
  Time last;
  bool none = false;  // the socket was empty after a step: nothing pending
  do {
    // The event at `now` runs: StepFolded(now), with the CPU (a wake takes it).
    ++ran;
    last = now;
    if (const std::uint64_t stepped = ReadInSteps(t, loop, recv, &now); stepped > 0) {
      ran += stepped;  // from here, the event at `now` that ends the last one's step
      last = now;
      step_end = true;
    }
    if (in->empty()) {
      none = true;
      break;
    }
    const Time ready = in->front_ready();
    if (ready > now + loop) {
      // Not there yet (it lands after the loop's cost): a wake for it, and the CPU goes back. If
      // the wake comes before (t, seq) it runs too, and the message is there.
      step_end = false;
      now = ready;
      if (now >= t) break;
      ++ran;
      last = now;
    }
    const Duration cost = ReadQuietly(now, loop, recv);
    CountFoldedStep(now, cost);
    now += cost;
    step_end = true;
  } while (now < t);
  fold_.last = last;
  fold_.running = step_end && !none;
  fold_.step_pending = step_end && !none;
  fold_.n_wakes = (step_end || none) ? 0 : 1;
  if (none) {
    if (ran > 1) sim()->ReserveSeqs(ran - 1);
    return ran;
  }
  const FoldedReads::Pending next{now, sim()->ReserveSeqs(ran)};
  if (fold_.step_pending) fold_.step_done = next;
  if (fold_.n_wakes == 1) fold_.wakes[0] = next;
  return ran;
}

std::uint64_t Subscriber::ReadInSteps(Time t, Duration loop, Duration recv, Time* now) {
  if (!ReadsInSteps()) return 0;  // each read and step has to be seen
  ReaderSteps steps = QuietSteps(loop, recv, *now);
  CountReadInSteps(bus_->ReadSocketInSteps(&steps, t), steps.step);
  *now = steps.now;
  return steps.events;
}

void Subscriber::StepFolded(Time now) {
  KernelSocket* in = bus_->in();
  const Duration loop = params_.loop_iteration_cost;
  if (!in->empty() && in->front_ready() <= now + loop) {
    const Duration cost = ReadQuietly(now, loop, 2 * bus_->recvmsg_cost());
    CountFoldedStep(now, cost);
    fold_.step_done = {now + cost, sim()->ReserveSeq()};
    fold_.step_pending = true;
    return;
  }
  // Nothing to read yet: a wake for when the next message lands, and the CPU goes back.
  if (!in->empty()) ArmFolded(std::max(now, in->front_ready()), now);
  fold_.running = false;
}

void Subscriber::HandBack(Time t, std::uint64_t seq) {
  SettleBefore(t, seq);
  KernelSocket* in = bus_->in();
  in->set_folded(false);
  in->writer()->RemoveDependent(this);
  sim()->RemoveSettler(this);
  set_folded(false);
  Resume(fold_.running);
  if (fold_.step_pending) ScheduleResumed(fold_.step_done.at, true, fold_.step_done.seq);
  for (int i = 0; i < fold_.n_wakes; ++i) ScheduleResumed(fold_.wakes[i].at, false, fold_.wakes[i].seq);
  fold_ = FoldedReads{};
}

}  // namespace mountstorm
