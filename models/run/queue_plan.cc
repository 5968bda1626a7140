#include "models/run/queue_plan.h"

#include <algorithm>
#include <optional>
#include <string>

#include "models/dbus/broker/user_accounting.h"

namespace mountstorm {

namespace {

// Builds the list; every queue gets its name from QueueName() and its unit from its kind.
class Planner {
 public:
  explicit Planner(std::vector<QueueDescription>* out) : out_(out) {}

  void Add(QueueKind kind, const std::string& owner, const std::string& peer, std::int64_t limit,
           const std::string& parameter, std::optional<LimitRule> rule = std::nullopt) {
    QueueDescription d;
    d.id = QueueId{kind, owner, peer};
    d.name = QueueName(d.id);
    d.unit = UnitOf(kind);
    d.limit = limit;
    d.rule = rule ? *rule : kind == QueueKind::kRelayOutgoing ? LimitRule::kRefuseAboveLimit : LimitRule::kRefuseAtLimit;
    d.limit_parameter = parameter;
    out_->push_back(d);
  }

 private:
  std::vector<QueueDescription>* out_;
};

// The scenario path of a client's own parameters: /logind/ or /subscribers/N/.
std::string ClientPrefix(const BusTopology& t, std::size_t i) {
  if (static_cast<int>(i) == t.logind_client) return "/logind/";
  return "/subscribers/" + std::to_string(i - (t.logind_client >= 0 ? 1 : 0)) + "/";
}

}  // namespace

Scenario WithPatchParams(const Scenario& s, const std::vector<std::unique_ptr<Pid1Policy>>& patches) {
  Scenario out = s;
  for (const auto& p : patches) p->Configure(&out.systemd);
  return out;
}

namespace {

// dbus-broker's queues: no incoming bytes held per sender; each receiver's outgoing queue,
// bounded only by its UID's pool, and each UID's pool (models/dbus/dbus_broker.h).
std::vector<QueueDescription> PlanBrokerQueues(const Scenario& s, const BusTopology& t) {
  std::vector<QueueDescription> out;
  Planner p(&out);
  const SystemdParams& pid1 = s.systemd;
  const DbusBrokerParams& relay = s.dbus_broker;
  const std::int64_t pool = broker::UserLimitsFromLauncher({static_cast<std::uint64_t>(relay.max_outgoing_bytes),
      static_cast<std::uint64_t>(relay.max_outgoing_unix_fds), static_cast<std::uint64_t>(relay.max_connections_per_user),
      static_cast<std::uint64_t>(relay.max_match_rules_per_connection)}).bytes;
  const std::string limit = "/dbus_broker/max_outgoing_bytes";
  p.Add(QueueKind::kSdBusWrite, "systemd", "", pid1.wqueue_max, "/systemd/wqueue_max");
  p.Add(QueueKind::kSocket, "systemd", "", pid1.socket_sndbuf_bytes, "/systemd/socket_sndbuf_bytes");
  std::vector<std::uint32_t> uids = {0};
  for (std::size_t i = 0; i < t.clients.size(); ++i) {
    const ClientParams& c = t.clients[i];
    const std::string prefix = ClientPrefix(t, i);
    if (c.private_connection) {
      p.Add(QueueKind::kSdBusWrite, "systemd", c.name, pid1.wqueue_max, "/systemd/wqueue_max");
      p.Add(QueueKind::kSocket, "systemd", c.name, pid1.socket_sndbuf_bytes, "/systemd/socket_sndbuf_bytes");
    } else {
      p.Add(QueueKind::kRelayOutgoing, "broker", c.name, pool, limit, LimitRule::kNone);
      p.Add(QueueKind::kSocket, "broker", c.name, relay.socket_sndbuf_bytes, "/dbus_broker/socket_sndbuf_bytes");
      if (std::find(uids.begin(), uids.end(), c.uid) == uids.end()) uids.push_back(c.uid);
    }
    p.Add(QueueKind::kSdBusRead, c.name, "", c.rqueue_max, prefix + "rqueue_max");
    p.Add(QueueKind::kSdBusWrite, c.name, "", c.rqueue_max, prefix + "rqueue_max");
    p.Add(QueueKind::kSocket, c.name, "", c.socket_sndbuf_bytes, prefix + "socket_sndbuf_bytes");
    if (c.private_connection) p.Add(QueueKind::kSdBusRead, "systemd", c.name, pid1.rqueue_max, "/systemd/rqueue_max");
  }
  p.Add(QueueKind::kRelayOutgoing, "broker", "systemd", pool, limit, LimitRule::kNone);
  p.Add(QueueKind::kSocket, "broker", "systemd", relay.socket_sndbuf_bytes, "/dbus_broker/socket_sndbuf_bytes");
  p.Add(QueueKind::kSdBusRead, "systemd", "", pid1.rqueue_max, "/systemd/rqueue_max");
  for (const LoginGenerator& g : s.logins) {
    p.Add(QueueKind::kSocket, g.name, "", s.logind.socket_sndbuf_bytes, "/logind/socket_sndbuf_bytes");
    p.Add(QueueKind::kRelayOutgoing, "broker", g.name, pool, limit, LimitRule::kNone);
    p.Add(QueueKind::kSocket, "broker", g.name, relay.socket_sndbuf_bytes, "/dbus_broker/socket_sndbuf_bytes");
  }
  for (std::uint32_t uid : uids) {
    p.Add(QueueKind::kRelayUserPool, "broker", std::to_string(uid), pool, limit, LimitRule::kRefuseAboveLimit);
  }
  return out;
}

}  // namespace

std::vector<QueueDescription> PlanQueues(const Scenario& s, const BusTopology& t) {
  if (s.relay == RelayKind::kDbusBroker) return PlanBrokerQueues(s, t);
  std::vector<QueueDescription> out;
  Planner p(&out);
  const SystemdParams& pid1 = s.systemd;
  const DbusDaemonParams& relay = s.dbus;
  // PID 1's signals on their way to the bus.
  p.Add(QueueKind::kSdBusWrite, "systemd", "", pid1.wqueue_max, "/systemd/wqueue_max");
  p.Add(QueueKind::kSocket, "systemd", "", pid1.socket_sndbuf_bytes, "/systemd/socket_sndbuf_bytes");
  p.Add(QueueKind::kRelayIncoming, "dbus", "systemd", relay.max_incoming_bytes, "/dbus/max_incoming_bytes");
  // Each client's way in: from PID 1 directly, or from the relay.
  for (std::size_t i = 0; i < t.clients.size(); ++i) {
    const ClientParams& c = t.clients[i];
    const std::string prefix = ClientPrefix(t, i);
    if (c.private_connection) {
      p.Add(QueueKind::kSdBusWrite, "systemd", c.name, pid1.wqueue_max, "/systemd/wqueue_max");
      p.Add(QueueKind::kSocket, "systemd", c.name, pid1.socket_sndbuf_bytes, "/systemd/socket_sndbuf_bytes");
    } else {
      p.Add(QueueKind::kRelayOutgoing, "dbus", c.name, relay.max_outgoing_bytes, "/dbus/max_outgoing_bytes");
      p.Add(QueueKind::kSocket, "dbus", c.name, relay.socket_sndbuf_bytes, "/dbus/socket_sndbuf_bytes");
    }
    p.Add(QueueKind::kSdBusRead, c.name, "", c.rqueue_max, prefix + "rqueue_max");
  }
  // Each client's way back.
  for (std::size_t i = 0; i < t.clients.size(); ++i) {
    const ClientParams& c = t.clients[i];
    const std::string prefix = ClientPrefix(t, i);
    // A client's sd-bus links the same version as PID 1's: its write queue limit is its rqueue_max.
    p.Add(QueueKind::kSdBusWrite, c.name, "", c.rqueue_max, prefix + "rqueue_max");
    p.Add(QueueKind::kSocket, c.name, "", c.socket_sndbuf_bytes, prefix + "socket_sndbuf_bytes");
    if (c.private_connection) {
      p.Add(QueueKind::kSdBusRead, "systemd", c.name, pid1.rqueue_max, "/systemd/rqueue_max");
    } else {
      p.Add(QueueKind::kRelayIncoming, "dbus", c.name, relay.max_incoming_bytes, "/dbus/max_incoming_bytes");
    }
  }
  // PID 1's way in.
  p.Add(QueueKind::kRelayOutgoing, "dbus", "systemd", relay.max_outgoing_bytes, "/dbus/max_outgoing_bytes");
  p.Add(QueueKind::kSocket, "dbus", "systemd", relay.socket_sndbuf_bytes, "/dbus/socket_sndbuf_bytes");
  p.Add(QueueKind::kSdBusRead, "systemd", "", pid1.rqueue_max, "/systemd/rqueue_max");
  // The processes that log users in: their calls out, and the replies back.
  for (const LoginGenerator& g : s.logins) {
    p.Add(QueueKind::kSocket, g.name, "", s.logind.socket_sndbuf_bytes, "/logind/socket_sndbuf_bytes");
    p.Add(QueueKind::kRelayOutgoing, "dbus", g.name, relay.max_outgoing_bytes, "/dbus/max_outgoing_bytes");
    p.Add(QueueKind::kSocket, "dbus", g.name, relay.socket_sndbuf_bytes, "/dbus/socket_sndbuf_bytes");
  }
  return out;
}

}  // namespace mountstorm
