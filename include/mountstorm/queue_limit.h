// How a bounded queue counts and where it refuses: the two properties every queue of the pipeline
// shares, from PID 1's sd-bus write queue to a kernel socket (sim/queue_gauge.h measures them).
#ifndef MOUNTSTORM_INCLUDE_QUEUE_LIMIT_H_
#define MOUNTSTORM_INCLUDE_QUEUE_LIMIT_H_

namespace mountstorm {

// What a queue's level and limit count: messages (sd-bus queues) or bytes (sockets, the relay).
enum class QueueUnit { kMessages, kBytes };

// "messages" or "bytes", as summary.json writes it.
const char* QueueUnitName(QueueUnit unit);

// Where a queue refuses a new item: at its limit (sd-bus: wqueue_size >= BUS_WQUEUE_MAX; a socket
// with no room), only above it (dbus-daemon: outgoing_size > max_outgoing_bytes, so the queue
// overshoots by one message), or never.
enum class LimitRule { kNone, kRefuseAtLimit, kRefuseAboveLimit };

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_QUEUE_LIMIT_H_
