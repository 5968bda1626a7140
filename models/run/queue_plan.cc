#include "models/run/queue_plan.h"

#include <algorithm>
#include <optional>
#include <string>

#include "models/dbus/dbus_broker.h"

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

// The relay's own queues towards and from each peer: dbus-daemon's ("dbus.*") or dbus-broker's
// ("broker.*", whose outgoing queues are bounded only by their user's pool, and which holds no
// incoming bytes per sender but one pool per user).
struct RelayQueues {
  std::string owner;
  std::int64_t outgoing;
  std::string outgoing_parameter;
  LimitRule outgoing_rule;
  std::int64_t sndbuf;
  std::string sndbuf_parameter;
  std::optional<std::int64_t> incoming;  // dbus-daemon's max_incoming_bytes
  std::string incoming_parameter;

  static RelayQueues Of(const Scenario& s) {
    if (s.relay == RelayKind::kDbusBroker) {
      const std::int64_t pool = BrokerUserLimits(s.dbus_broker).bytes;
      return {"broker", pool, "/dbus_broker/max_outgoing_bytes", LimitRule::kNone, s.dbus_broker.socket_sndbuf_bytes,
              "/dbus_broker/socket_sndbuf_bytes", std::nullopt, ""};
    }
    return {"dbus", s.dbus.max_outgoing_bytes, "/dbus/max_outgoing_bytes", LimitRule::kRefuseAboveLimit,
            s.dbus.socket_sndbuf_bytes, "/dbus/socket_sndbuf_bytes", s.dbus.max_incoming_bytes,
            "/dbus/max_incoming_bytes"};
  }
  // Towards `peer`: the relay's outgoing queue, then its socket.
  void AddOut(Planner& p, const std::string& peer) const {
    p.Add(QueueKind::kRelayOutgoing, owner, peer, outgoing, outgoing_parameter, outgoing_rule);
    p.Add(QueueKind::kSocket, owner, peer, sndbuf, sndbuf_parameter);
  }
  // From `peer`: the bytes the relay holds until written everywhere (dbus-daemon only).
  void AddIn(Planner& p, const std::string& peer) const {
    if (incoming) p.Add(QueueKind::kRelayIncoming, owner, peer, *incoming, incoming_parameter);
  }
};

// dbus-broker's pools, one per user with a bus connection, root's first (PID 1 and logind).
void AddUserPools(Planner& p, const Scenario& s, const BusTopology& t) {
  if (s.relay != RelayKind::kDbusBroker) return;
  std::vector<std::uint32_t> uids = {0};
  for (const ClientParams& c : t.clients) {
    if (!c.private_connection && std::find(uids.begin(), uids.end(), c.uid) == uids.end()) uids.push_back(c.uid);
  }
  const std::int64_t pool = BrokerUserLimits(s.dbus_broker).bytes;
  for (std::uint32_t uid : uids) {
    p.Add(QueueKind::kRelayUserPool, "broker", std::to_string(uid), pool, "/dbus_broker/max_outgoing_bytes",
          LimitRule::kRefuseAboveLimit);
  }
}

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

std::vector<QueueDescription> PlanQueues(const Scenario& s, const BusTopology& t) {
  std::vector<QueueDescription> out;
  Planner p(&out);
  const SystemdParams& pid1 = s.systemd;
  const RelayQueues relay = RelayQueues::Of(s);
  // PID 1's signals on their way to the bus.
  p.Add(QueueKind::kSdBusWrite, "systemd", "", pid1.wqueue_max, "/systemd/wqueue_max");
  p.Add(QueueKind::kSocket, "systemd", "", pid1.socket_sndbuf_bytes, "/systemd/socket_sndbuf_bytes");
  relay.AddIn(p, "systemd");
  // Each client's way in: from PID 1 directly, or from the relay.
  for (std::size_t i = 0; i < t.clients.size(); ++i) {
    const ClientParams& c = t.clients[i];
    if (c.private_connection) {
      p.Add(QueueKind::kSdBusWrite, "systemd", c.name, pid1.wqueue_max, "/systemd/wqueue_max");
      p.Add(QueueKind::kSocket, "systemd", c.name, pid1.socket_sndbuf_bytes, "/systemd/socket_sndbuf_bytes");
    } else {
      relay.AddOut(p, c.name);
    }
    p.Add(QueueKind::kSdBusRead, c.name, "", c.rqueue_max, ClientPrefix(t, i) + "rqueue_max");
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
      relay.AddIn(p, c.name);
    }
  }
  // PID 1's way in.
  relay.AddOut(p, "systemd");
  p.Add(QueueKind::kSdBusRead, "systemd", "", pid1.rqueue_max, "/systemd/rqueue_max");
  // The processes that log users in: their calls out, and the replies back.
  for (const LoginGenerator& g : s.logins) {
    p.Add(QueueKind::kSocket, g.name, "", s.logind.socket_sndbuf_bytes, "/logind/socket_sndbuf_bytes");
    relay.AddOut(p, g.name);
  }
  AddUserPools(p, s, t);
  return out;
}

}  // namespace mountstorm
