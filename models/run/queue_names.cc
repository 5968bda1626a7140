// The names of the pipeline's queues (mountstorm/queues.h): made from a queue's identity here, and
// read back here, so that no other code builds or takes apart a queue name.
#include <string>

#include "mountstorm/queues.h"

namespace mountstorm {

namespace {

const char* Suffix(QueueKind kind) {
  switch (kind) {
    case QueueKind::kSdBusWrite: return "wqueue";
    case QueueKind::kSdBusRead: return "rqueue";
    case QueueKind::kSocket: return "socket";
    case QueueKind::kRelayIncoming: return "in";
    case QueueKind::kRelayOutgoing: return "out";
    case QueueKind::kRelayUserPool: return "uid";
  }
  return "?";
}

bool IsRelay(QueueKind kind) {
  return kind == QueueKind::kRelayIncoming || kind == QueueKind::kRelayOutgoing || kind == QueueKind::kRelayUserPool;
}

// The relays' queues are owned by "dbus" (dbus-daemon) or "broker" (dbus-broker).
bool IsRelayOwner(std::string_view owner) { return owner == "dbus" || owner == "broker"; }
const char* RelayProgram(const std::string& owner) { return owner == "broker" ? "dbus-broker" : "dbus-daemon"; }

}  // namespace

std::string QueueName(const QueueId& id) {
  // The relay's queues and its sockets name the relay first, then the peer: dbus.out.logind.
  if (IsRelay(id.kind) || (IsRelayOwner(id.owner) && id.kind == QueueKind::kSocket)) {
    return id.owner + "." + Suffix(id.kind) + "." + id.peer;
  }
  // PID 1's end of a private connection: systemd.private.agent.wqueue.
  if (!id.peer.empty()) return id.owner + ".private." + id.peer + "." + Suffix(id.kind);
  return id.owner + "." + Suffix(id.kind);
}

std::optional<QueueId> ParseQueueName(std::string_view name) {
  const auto kind_of = [](std::string_view s) -> std::optional<QueueKind> {
    for (QueueKind k : {QueueKind::kSdBusWrite, QueueKind::kSdBusRead, QueueKind::kSocket,
                        QueueKind::kRelayIncoming, QueueKind::kRelayOutgoing, QueueKind::kRelayUserPool}) {
      if (s == Suffix(k)) return k;
    }
    return std::nullopt;
  };
  const std::size_t first_dot = name.find('.');
  if (first_dot != std::string_view::npos && IsRelayOwner(name.substr(0, first_dot))) {
    const std::string_view rest = name.substr(first_dot + 1);
    const std::size_t dot = rest.find('.');
    const std::optional<QueueKind> k = kind_of(rest.substr(0, dot));
    if (dot == std::string_view::npos || dot + 1 == rest.size() || !k || *k == QueueKind::kSdBusWrite ||
        *k == QueueKind::kSdBusRead) {
      return std::nullopt;
    }
    return QueueId{*k, std::string(name.substr(0, first_dot)), std::string(rest.substr(dot + 1))};
  }
  const std::size_t last = name.rfind('.');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  const std::optional<QueueKind> k = kind_of(name.substr(last + 1));
  if (!k || IsRelay(*k)) return std::nullopt;
  const std::string_view owner = name.substr(0, last);
  constexpr std::string_view kPrivate = "systemd.private.";
  if (owner.starts_with(kPrivate) && owner.size() > kPrivate.size()) {
    return QueueId{*k, "systemd", std::string(owner.substr(kPrivate.size()))};
  }
  return QueueId{*k, std::string(owner), ""};
}

QueueUnit UnitOf(QueueKind kind) {
  return kind == QueueKind::kSdBusWrite || kind == QueueKind::kSdBusRead ? QueueUnit::kMessages : QueueUnit::kBytes;
}

bool BlocksAtLimit(QueueKind kind) { return kind == QueueKind::kRelayIncoming; }

std::string QueueTitle(const QueueId& q) {
  const bool pid1 = q.owner == "systemd";
  switch (q.kind) {
    case QueueKind::kSdBusWrite:
      if (pid1) return q.peer.empty() ? "PID 1's sd-bus write queue (API bus)"
                                      : "PID 1's write queue to " + q.peer + " (private connection)";
      return q.owner + "'s sd-bus write queue";
    case QueueKind::kSdBusRead:
      if (pid1) return q.peer.empty() ? "PID 1's sd-bus read queue (API bus)"
                                      : "PID 1's read queue from " + q.peer + " (private connection)";
      return q.owner + "'s sd-bus read queue";
    case QueueKind::kSocket:
      if (IsRelayOwner(q.owner)) return std::string("socket ") + RelayProgram(q.owner) + " -> " + q.peer;
      if (pid1) {
        return q.peer.empty() ? "socket PID 1 -> dbus-daemon" : "socket PID 1 -> " + q.peer + " (private connection)";
      }
      return "socket " + q.owner + " -> bus";
    case QueueKind::kRelayIncoming: return "dbus-daemon: bytes from " + q.peer + " not yet written to every recipient";
    case QueueKind::kRelayOutgoing: return std::string(RelayProgram(q.owner)) + "'s outgoing queue for " + q.peer;
    case QueueKind::kRelayUserPool: return "dbus-broker: bytes charged to uid " + q.peer;
  }
  return QueueName(q);
}

}  // namespace mountstorm
