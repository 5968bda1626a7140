#include "models/systemd/sdbus_connection.h"

#include <cmath>

namespace mountstorm {

namespace {
QueueId ReadQueueOf(QueueId id) {
  id.kind = QueueKind::kSdBusRead;
  return id;
}
}  // namespace

SdBusConnection::SdBusConnection(const QueueId& write_queue, std::int64_t wqueue_max, std::int64_t rqueue_max,
                                 KernelSocket* out, KernelSocket* in, const SdBusCosts& costs)
    : wqueue_(QueueName(write_queue), QueueUnit::kMessages, wqueue_max, LimitRule::kRefuseAtLimit),
      rqueue_(QueueName(ReadQueueOf(write_queue)), QueueUnit::kMessages, rqueue_max, LimitRule::kRefuseAtLimit),
      out_(out),
      in_(in),
      costs_(costs) {}

Duration SdBusConnection::MemmoveCost(std::size_t entries) const {
  return static_cast<Duration>(std::llround(costs_.memmove_ns_per_entry * static_cast<double>(entries)));
}

SdBusConnection::SendResult SdBusConnection::SendToQueue(StepClock& step, const Message& m) {
  int member = static_cast<int>(m.member);
  if (wqueue_.empty()) {
    step.Spend(costs_.sendmsg);
    // EAGAIN: the message becomes wqueue[0].
    wqueue_.Push(step.now(), m, m.bytes);
    Taken(step.now(), m, member);
    return SendResult::kQueued;
  }
  if (!wqueue_.TryPush(step.now(), m, m.bytes)) {
    ++enobufs_[member];
    return SendResult::kNoBufs;
  }
  Taken(step.now(), m, member);
  return SendResult::kQueued;
}

int SdBusConnection::DispatchWqueue(StepClock& step, Duration cost_limit) {
  int written = 0;
  while (!wqueue_.empty() && step.spent() < cost_limit) {
    step.Spend(costs_.sendmsg);
    if (!out_->has_room()) break;  // EAGAIN
    Message m = wqueue_.front();
    out_->Write(step.now(), m);
    step.Spend(MemmoveCost(wqueue_.size() - 1));
    wqueue_.Pop(step.now());
    ++written;
  }
  return written;
}

bool SdBusConnection::ReadOne(StepClock& step, Message* m) {
  if (!rqueue_.empty()) {
    step.Spend(MemmoveCost(rqueue_.size() - 1));
    *m = rqueue_.Pop(step.now());
  } else if (!ReadSocket(step, m)) {
    return false;
  }
  ProbeArrival(*m, step.now());
  return true;
}

bool SdBusConnection::ReadSocket(StepClock& step, Message* m) {
  if (in_ == nullptr || !in_->readable(step.now())) return false;
  step.Spend(2 * costs_.recvmsg);
  *m = in_->Read(step.now());
  ++received_[static_cast<int>(m->member)];
  return true;
}

void SdBusConnection::Abandon(Time t) {
  while (!wqueue_.empty()) ++lost_[static_cast<int>(wqueue_.Pop(t).member)];
  while (!rqueue_.empty()) rqueue_.Pop(t);  // read, never dispatched: not counted as sent
  const MemberCounts in_socket = out_->Reset(t);
  for (int i = 0; i < kMemberCount; ++i) lost_[i] += in_socket[i];
  if (in_ != nullptr) in_->Reset(t);
}

}  // namespace mountstorm
