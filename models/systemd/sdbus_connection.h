// SdBusConnection: a process's end of one sd-bus connection: the write queue, the read queue and
// the two directions of the socket (src/libsystemd/sd-bus/sd-bus.c, bus-socket.c).
//
// Send (bus_send_internal / sd_bus_send): if the write queue is empty, the message is written to
// the socket at once (one sendmsg); if the socket is full (EAGAIN) it becomes the first entry of
// the write queue. Otherwise it is appended, unless the queue already holds BUS_WQUEUE_MAX
// messages: then the send fails with ENOBUFS and the message is lost.
//
// DispatchWqueue (dispatch_wqueue): writes queued messages one sendmsg each until the queue is
// empty or the socket is full. After each message the whole remaining array of pointers is moved
// down one slot (memmove of 8 bytes per entry): dequeuing costs time proportional to the queue
// length, which is why a full queue drains slowly.
//
// ReadOne (dispatch_rqueue + bus_socket_read_message): takes the first message of the read queue
// (another memmove) or, if it is empty, reads one message from the socket with two recvmsg calls
// (the 24-byte fixed header, then the rest).
//
// All costs are CPU time of the owning process, spent on the StepClock of its step
// (sim/step_clock.h); each function stamps its effects at the moment it reaches, step.now().
#ifndef MOUNTSTORM_MODELS_SYSTEMD_SDBUS_CONNECTION_H_
#define MOUNTSTORM_MODELS_SYSTEMD_SDBUS_CONNECTION_H_

#include <cstdint>
#include <string>

#include "models/kernel/kernel_socket.h"
#include "models/message/message.h"
#include "mountstorm/queues.h"
#include "sim/bounded_queue.h"
#include "sim/delay_probe.h"
#include "sim/step_clock.h"
#include "sim/train.h"

namespace mountstorm {

struct SdBusCosts {
  Duration sendmsg = 0;
  Duration recvmsg = 0;
  double memmove_ns_per_entry = 0;  // per queued pointer moved after a dequeue
};

class SdBusConnection {
 public:
  // `write_queue` identifies the write queue (its owner, and the peer of a private connection);
  // the read queue is its twin.
  SdBusConnection(const QueueId& write_queue, std::int64_t wqueue_max,
                  std::int64_t rqueue_max, KernelSocket* out, KernelSocket* in,
                  const SdBusCosts& costs);

  enum class SendResult { kWritten, kQueued, kNoBufs };
  // kInLoop: a send of a loop between out()->BeginWriteLoop() and EndWriteLoop() (KernelSocket::
  // WriteInLoop()).
  template <bool kInLoop = false>
  SendResult Send(StepClock& step, const Message& m) {
    if (!wqueue_.empty() || !out_->has_room()) return SendToQueue(step, m);
    step.Spend(costs_.sendmsg);
    const Time now = step.now();
    const std::int64_t charged = out_->ChargeOf(m.bytes, &charges_);
    if constexpr (kInLoop) {
      out_->WriteInLoop(now, m, charged);
    } else {
      out_->WriteCharged(now, m, charged);
    }
    Taken(now, m, static_cast<int>(m.member));
    return SendResult::kWritten;
  }
  // The train engine's PID 1 (SystemdManager::AnnounceRun()), in a write loop of out(): Send()
  // of messages that all go straight to the socket behind a message still there (the write
  // queue empty, no probe of sent signals): whether they would, the room they share (each needs
  // the charges before it below it), a message's charge, and n of `member`, `sum` their charges,
  // sent at once (KernelSocket::SpareRun() for the caller to fill, then WriteDeferredRun()).
  bool sends_straight() const {
    return wqueue_.empty() && sent_probe_ == nullptr && out_->in_write_loop() && !out_->empty();
  }
  std::int64_t room() const { return out_->room(); }
  std::int64_t ChargeOf(std::uint32_t bytes) { return out_->ChargeOf(bytes, &charges_); }
  Duration sendmsg_cost() const { return costs_.sendmsg; }
  RingBuffer<KernelSocket::Entry>::Run<KernelSocket::Entry> SpareRun(std::size_t n) { return out_->SpareRun(n); }
  void SendRun(std::size_t n, Member member, std::int64_t sum, Time first, Time last) {
    sent_[static_cast<int>(member)] += n;
    out_->WriteDeferredRun(n, member, sum, first, last);
  }
  // Send() refuses every message (ENOBUFS) until something is taken from the write queue.
  bool RefusesAll() const { return !wqueue_.empty() && wqueue_.gauge().at_limit(); }
  // The train engine: exactly what times.count calls of Send() at times.at(0), times.at(1), ...
  // do when RefusesAll() holds, the messages being `by_member` (times.count in all).
  void RefuseTrain(const TrainTimes& times, const MemberCounts& by_member) {
    wqueue_.gauge().RefuseTrain(times);
    for (int i = 0; i < kMemberCount; ++i) enobufs_[i] += by_member[i];
  }

  // Writes queued messages until the write queue is empty, the socket is full, or the step has
  // spent `cost_limit`. Returns the number written.
  int DispatchWqueue(StepClock& step, Duration cost_limit);

  // Takes the next incoming message into *m. Returns false if there is none now.
  bool ReadOne(StepClock& step, Message* m);
  // bus_socket_read_message(): reads one message from the socket (two recvmsg), whatever the
  // read queue holds. Returns false if there is none now.
  bool ReadSocket(StepClock& step, Message* m);
  // The train engine: ReadSocket() of the message there at `t`, its two recvmsg spent, for a reader
  // that knows the read wakes nobody (KernelSocket::reads_quietly()). Returns the message.
  Message ReadSocketQuietly(Time t) {
    const Message m = in_->ReadQuietly(t);
    ++received_[static_cast<int>(m.member)];
    ProbeArrival(m, t);
    return m;
  }
  // A delay probe follows each read (ReadSocketQuietly() tells it the message's arrival).
  bool probes_reads() const { return read_probe_ != nullptr; }
  // ReadSocketQuietly() of the messages KernelSocket::ReadInSteps() takes, for a connection
  // whose reads no delay probe follows: returns how many.
  std::size_t ReadSocketInSteps(ReaderSteps* steps, Time bound) { return in_->ReadInSteps(steps, bound, &received_); }
  // ReadSocketInSteps() by KernelSocket::ReadKeepingUp(): 0 if the socket is not so.
  std::size_t ReadSocketKeepingUp(ReaderSteps* steps, Time bound) {
    return in_->ReadKeepingUp(steps, bound, &received_);
  }
  // `n` messages of `member` that the relay's window read for it (KernelSocket::OpenKeepUp()).
  void CountKeptUp(Member member, std::uint64_t n) { received_[static_cast<int>(member)] += n; }
  Duration recvmsg_cost() const { return costs_.recvmsg; }
  // sd_bus_call() keeps every message that is not its reply: appends `m` to the read queue.
  // Returns false (ENOBUFS, bus_rqueue_make_room) if the queue is full.
  bool KeepForLater(Time t, const Message& m) { return rqueue_.TryPush(t, m, m.bytes); }


  // sd_bus_get_events() with the io source level-triggered: POLLOUT is asked for while the write
  // queue is not empty, POLLIN while the read queue is empty.
  bool io_ready(Time now) const {
    return (!wqueue_.empty() && out_->writable()) || (rqueue_.empty() && in_ != nullptr && in_->readable(now));
  }
  // There is something to hand to the process: a queued incoming message or one in the socket.
  bool has_incoming(Time now) const {
    return !rqueue_.empty() || (in_ != nullptr && in_->readable(now));
  }

  BoundedQueue<Message>& wqueue() { return wqueue_; }
  BoundedQueue<Message>& rqueue() { return rqueue_; }
  const BoundedQueue<Message>& wqueue() const { return wqueue_; }
  const BoundedQueue<Message>& rqueue() const { return rqueue_; }
  KernelSocket* out() const { return out_; }
  KernelSocket* in() const { return in_; }

  const MemberCounts& sent() const { return sent_; }
  const MemberCounts& enobufs() const { return enobufs_; }
  const MemberCounts& received() const { return received_; }
  // Lost with the connection: queued or in its socket when it closed (bus_reset_queues()).
  const MemberCounts& lost() const { return lost_; }

  // The peer closed the connection (sd-bus: ECONNRESET -> bus_enter_closing() -> sd_bus_close()):
  // both queues and both sockets are emptied, and what was in them counts as lost. The
  // connection is then a new one (its sockets' epoch changed), with nothing queued.
  void Abandon(Time t);

  // End-to-end delay (sim/delay_probe.h): the signals this connection sends are recorded in
  // `probe` when sd-bus takes them; the signals of peer `sender` that ReadOne() hands to the
  // process arrive in `probe`.
  void ProbeSentSignals(DelayProbe* probe) { sent_probe_ = probe; }
  void ProbeReadSignals(DelayProbe* probe, std::uint16_t sender) {
    read_probe_ = probe;
    read_probe_sender_ = sender;
  }

 private:
  Duration MemmoveCost(std::size_t entries) const;
  // A message handed to the process at t: its arrival, if it is a probed sender's signal.
  void ProbeArrival(const Message& m, Time t) {
    if (read_probe_ != nullptr && m.sender == read_probe_sender_ && m.type == MessageType::kSignal) {
      read_probe_->Arrived(m.serial, t);
    }
  }
  // Send() when the message cannot go straight to the socket: it is queued, or refused.
  SendResult SendToQueue(StepClock& step, const Message& m);
  void Taken(Time t, const Message& m, int member) {
    ++sent_[member];
    if (sent_probe_ != nullptr && m.type == MessageType::kSignal) sent_probe_->Sent(m.serial, t);
  }

  BoundedQueue<Message> wqueue_;
  BoundedQueue<Message> rqueue_;
  KernelSocket* out_;
  KernelSocket* in_;
  SdBusCosts costs_;
  MemberCounts sent_{};
  MemberCounts enobufs_{};
  MemberCounts received_{};
  MemberCounts lost_{};
  ChargeCache charges_;  // of the sizes Send() writes
  DelayProbe* sent_probe_ = nullptr;
  DelayProbe* read_probe_ = nullptr;
  std::uint16_t read_probe_sender_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_SYSTEMD_SDBUS_CONNECTION_H_
