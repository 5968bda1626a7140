#include "models/dbus/bus_topology.h"

#include <set>

#include "mountstorm/error.h"

namespace mountstorm {

bool BusTopology::SenderMatches(const MatchRule& rule, std::uint16_t sender) const {
  if (rule.sender.empty()) return true;
  const PeerNode& p = graph[sender];
  if (rule.sender == p.unique_name || rule.sender == p.well_known_name) return true;
  // The bus driver sends as org.freedesktop.DBus.
  return p.role == PeerRole::kBusDaemon && rule.sender == "org.freedesktop.DBus";
}

namespace {

// The names that must be unique on the bus, and where a client's parameters sit in the scenario.
struct Names {
  std::set<std::string> processes = {"systemd", "dbus-daemon", "dbus"};
  std::set<std::string> well_known = {"org.freedesktop.systemd1", "org.freedesktop.DBus"};
  int next_unique = 1;  // :1.0 is PID 1
};

std::string ClientPath(const Scenario& s, int i) {
  return s.file + ": " + (s.logind_enabled && i == 0 ? std::string("/logind")
                                                      : "/subscribers/" + std::to_string(i - (s.logind_enabled ? 1 : 0)));
}

// Client `i`: a vertex, and its connection to the bus (with its match rules) or to PID 1.
void AddClient(const Scenario& s, int i, Names* names, BusTopology* t) {
  const ClientParams& c = t->clients[static_cast<std::size_t>(i)];
  const std::string where = ClientPath(s, i);
  if (!names->processes.insert(c.name).second) {
    throw InputError(where + "/name: the name \"" + c.name + "\" is used twice or is reserved");
  }
  if (!c.well_known_name.empty() && !names->well_known.insert(c.well_known_name).second) {
    throw InputError(where + "/well_known_name: \"" + c.well_known_name + "\" is owned twice");
  }
  PeerNode node{c.name, PeerRole::kClient, c.private_connection ? "" : ":1." + std::to_string(names->next_unique++),
                c.well_known_name, i};
  std::uint16_t v = static_cast<std::uint16_t>(boost::add_vertex(node, t->graph));
  t->client_peers.push_back(v);
  ConnectionEdge edge;
  if (c.private_connection) {
    if (c.monitor) throw InputError(where + "/monitor: a monitor is a bus connection, not a private one to PID 1");
    if (!c.match_rules.empty()) {
      throw InputError(where + "/match_rules: a private connection to PID 1 has no match rules; it receives every signal");
    }
    edge.kind = ConnectionKind::kPrivate;
    boost::add_edge(v, t->systemd, edge, t->graph);
    return;
  }
  edge.kind = ConnectionKind::kBus;
  if (c.monitor && (!c.match_rules.empty() || c.subscribe)) {
    throw InputError(where + "/monitor: a monitor gets every message; it has no match rules and does not subscribe");
  }
  for (std::size_t r = 0; r < c.match_rules.size(); ++r) {
    edge.rules.push_back(ParseMatchRule(c.match_rules[r], where + "/match_rules/" + std::to_string(r)));
  }
  boost::add_edge(v, t->daemon, edge, t->graph);
  if (c.subscribe) t->api_bus_subscribed = true;
}

// The processes that log users in: bus clients with no match rules.
void AddLoginClients(const Scenario& s, Names* names, BusTopology* t) {
  for (std::size_t i = 0; i < s.logins.size(); ++i) {
    const LoginGenerator& g = s.logins[i];
    if (!names->processes.insert(g.name).second) {
      throw InputError(s.file + ": /logins/" + std::to_string(i) + "/name: the name \"" + g.name +
                       "\" is used twice or is reserved");
    }
    PeerNode node{g.name, PeerRole::kLoginClient, ":1." + std::to_string(names->next_unique++), "", -1};
    std::uint16_t v = static_cast<std::uint16_t>(boost::add_vertex(node, t->graph));
    t->login_peers.push_back(v);
    boost::add_edge(v, t->daemon, ConnectionEdge{ConnectionKind::kBus, {}}, t->graph);
  }
}

}  // namespace

BusTopology BuildTopology(const Scenario& s) {
  BusTopology t;
  PeerNode systemd{"systemd", PeerRole::kSystemd, ":1.0", "org.freedesktop.systemd1", -1};
  PeerNode daemon{"dbus-daemon", PeerRole::kBusDaemon, "", "org.freedesktop.DBus", -1};
  t.systemd = static_cast<std::uint16_t>(boost::add_vertex(systemd, t.graph));
  t.daemon = static_cast<std::uint16_t>(boost::add_vertex(daemon, t.graph));
  boost::add_edge(t.systemd, t.daemon, ConnectionEdge{ConnectionKind::kBus, {}}, t.graph);

  if (s.logind_enabled) {
    t.clients.push_back(s.logind);
    t.logind_client = 0;
  }
  if (!s.logins.empty() && !s.logind_enabled) {
    throw InputError(s.file + ": /logins: logins need logind (/logind/enabled is false)");
  }
  for (const ClientParams& c : s.subscribers) t.clients.push_back(c);
  Names names;
  for (int i = 0; i < static_cast<int>(t.clients.size()); ++i) AddClient(s, i, &names, &t);
  AddLoginClients(s, &names, &t);
  if (boost::num_vertices(t.graph) > 0xfff0) throw InputError(s.file + ": too many peers");
  return t;
}

}  // namespace mountstorm
