// The bounded queues of a pipeline: what each one is, and its name.
//
// A queue is identified by its kind, the process that owns it (whose memory or send buffer holds
// it) and the peer at its other end. Its name, the key in summary.json and the column in
// curves.csv, is made from that identity by QueueName() and read back by ParseQueueName(): the
// naming scheme lives in one place (models/run/queue_names.cc), and tools never take a name
// apart themselves.
//
//   systemd.wqueue, systemd.rqueue       PID 1's sd-bus queues on the API bus
//   systemd.socket                       PID 1's socket towards the relay
//   systemd.private.C.{wqueue,rqueue,socket}   PID 1's end of C's private connection
//   C.wqueue, C.rqueue, C.socket         a client's own connection and socket
//   dbus.in.P, dbus.out.P                dbus-daemon's incoming bytes from P, outgoing queue to P
//   dbus.socket.P                        dbus-daemon's socket towards P
#ifndef MOUNTSTORM_INCLUDE_QUEUES_H_
#define MOUNTSTORM_INCLUDE_QUEUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mountstorm/queue_limit.h"

namespace mountstorm {

enum class QueueKind {
  kSdBusWrite,     // an sd-bus write queue (BUS_WQUEUE_MAX), in messages
  kSdBusRead,      // an sd-bus read queue (BUS_RQUEUE_MAX), in messages
  kSocket,         // one direction of an AF_UNIX socket, charged to its writer's send buffer, in bytes
  kRelayIncoming,  // bytes the relay read from a peer and has not yet written everywhere
  kRelayOutgoing,  // bytes the relay queued for a peer
  kRelayUserPool,  // dbus-broker: the bytes charged to one UID (peer: the uid), against its pool
};

struct QueueId {
  QueueKind kind = QueueKind::kSdBusWrite;
  std::string owner;  // "systemd", "dbus", or a client's name
  std::string peer;   // the other end: a client's name, or "" for the owner's bus connection

  bool operator==(const QueueId&) const = default;
};

// The name of the queue `id` (see above).
std::string QueueName(const QueueId& id);
// The identity of a queue named `name`, or nullopt if no queue of a pipeline is named so.
std::optional<QueueId> ParseQueueName(std::string_view name);

QueueUnit UnitOf(QueueKind kind);
// At its limit the relay stops reading the sender (back-pressure) instead of refusing a message:
// such a queue overflows by spending time at its limit, not by refusing.
bool BlocksAtLimit(QueueKind kind);
// A sentence for people: "PID 1's sd-bus write queue (API bus)", "socket dbus-daemon -> logind".
std::string QueueTitle(const QueueId& id);

// A queue of a scenario's pipeline, as DescribeQueues() (mountstorm/run.h) lists them.
struct QueueDescription {
  QueueId id;
  std::string name;  // QueueName(id)
  QueueUnit unit = QueueUnit::kMessages;
  std::int64_t limit = 0;
  LimitRule rule = LimitRule::kRefuseAtLimit;
  // The scenario value that sets the limit ("/systemd/wqueue_max"); "" if none sets it alone.
  std::string limit_parameter;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_QUEUES_H_
