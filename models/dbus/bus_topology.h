// BusTopology: who talks to whom. A graph (Boost.Graph) whose vertices are the processes (PID 1,
// dbus-daemon, logind, other subscribers) and whose edges are their connections: a client's
// connection to the bus, with the match rules it registered, or a private connection straight to
// PID 1 (/run/systemd/private), which receives every signal without match rules. Processes that
// log users in (sshd, crond) are bus clients without match rules: they only get replies.
//
// The graph is built once from the scenario, and dbus-daemon reads its routing from it. A vertex's
// index is the peer id that messages carry as their sender.
#ifndef MOUNTSTORM_MODELS_DBUS_BUS_TOPOLOGY_H_
#define MOUNTSTORM_MODELS_DBUS_BUS_TOPOLOGY_H_

#include <cstdint>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "models/dbus/match_rule.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

enum class PeerRole { kSystemd, kBusDaemon, kClient, kLoginClient };

struct PeerNode {
  std::string name;             // "systemd", "dbus-daemon", "logind", a subscriber's name
  PeerRole role = PeerRole::kClient;
  std::string unique_name;      // ":1.0", ... (empty for the daemon itself)
  std::string well_known_name;  // "org.freedesktop.systemd1", ...
  int client = -1;              // index into BusTopology::clients for a client
};

enum class ConnectionKind { kBus, kPrivate };

struct ConnectionEdge {
  ConnectionKind kind = ConnectionKind::kBus;
  std::vector<MatchRule> rules;  // registered with AddMatch (bus connections only)
};

using BusGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, PeerNode,
                                       ConnectionEdge>;

struct BusTopology {
  BusGraph graph;
  std::uint16_t systemd = 0;
  std::uint16_t daemon = 1;
  // The clients in order: logind (if enabled) first, then the subscribers of the scenario.
  std::vector<ClientParams> clients;
  std::vector<std::uint16_t> client_peers;
  // The processes that log users in (sshd, crond), in the order of the scenario's logins.
  std::vector<std::uint16_t> login_peers;
  int logind_client = -1;  // index of logind in `clients`, or -1
  bool api_bus_subscribed = false;  // some bus client called Subscribe()

  // True if `peer` is a monitor (ClientParams::monitor): it gets a copy of every message.
  bool IsMonitor(std::uint16_t peer) const {
    const PeerNode& p = graph[peer];
    return p.role == PeerRole::kClient && p.client >= 0 && clients[static_cast<std::size_t>(p.client)].monitor;
  }
  // True if the message's sender (a peer id) has a name the rule's sender field names.
  bool SenderMatches(const MatchRule& rule, std::uint16_t sender) const;
};

// Builds the topology of `s`. Throws InputError for duplicate names or bad match rules.
BusTopology BuildTopology(const Scenario& s);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_DBUS_BUS_TOPOLOGY_H_
