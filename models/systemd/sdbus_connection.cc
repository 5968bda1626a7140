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

SdBusConnection::SendResult SdBusConnection::Send(Time t, const Message& m, Duration* cost) {
  int member = static_cast<int>(m.member);
  if (wqueue_.empty()) {
    *cost += costs_.sendmsg;
    if (out_->has_room()) {
      out_->Write(t + *cost, m);
      ++sent_[member];
      return SendResult::kWritten;
    }
    // EAGAIN: the message becomes wqueue[0].
    wqueue_.Push(t + *cost, m, m.bytes);
    ++sent_[member];
    return SendResult::kQueued;
  }
  if (!wqueue_.TryPush(t + *cost, m, m.bytes)) {
    ++enobufs_[member];
    return SendResult::kNoBufs;
  }
  ++sent_[member];
  return SendResult::kQueued;
}

int SdBusConnection::DispatchWqueue(Time t, Duration* cost, Duration cost_limit) {
  int written = 0;
  while (!wqueue_.empty() && *cost < cost_limit) {
    *cost += costs_.sendmsg;
    if (!out_->has_room()) break;  // EAGAIN
    Message m = wqueue_.front();
    out_->Write(t + *cost, m);
    *cost += MemmoveCost(wqueue_.size() - 1);
    wqueue_.Pop(t + *cost);
    ++written;
  }
  return written;
}

bool SdBusConnection::ReadOne(Time t, Message* m, Duration* cost) {
  if (!rqueue_.empty()) {
    *cost += MemmoveCost(rqueue_.size() - 1);
    *m = rqueue_.Pop(t + *cost);
    return true;
  }
  return ReadSocket(t, m, cost);
}

bool SdBusConnection::ReadSocket(Time t, Message* m, Duration* cost) {
  if (in_ == nullptr || !in_->readable(t + *cost)) return false;
  *cost += 2 * costs_.recvmsg;
  *m = in_->Read(t + *cost);
  ++received_[static_cast<int>(m->member)];
  return true;
}

}  // namespace mountstorm
