// The bus topology of a scenario as Graphviz DOT (mountstorm/run.h TopologyDot), written by
// Boost.Graph's write_graphviz from the graph the relay routes by.
#include <sstream>

#include <boost/graph/graphviz.hpp>

#include "models/dbus/bus_topology.h"
#include "mountstorm/run.h"

namespace mountstorm {

namespace {

// DOT strings are quoted; write_graphviz quotes nothing itself in a label attribute we write.
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// 1234567 -> "1,234,567".
std::string WithCommas(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Bytes(std::int64_t b) {
  std::ostringstream s;
  if (b % (1 << 20) == 0) s << b / (1 << 20) << " MiB";
  else s << WithCommas(static_cast<std::uint64_t>(b)) << " B";
  return s.str();
}

}  // namespace

std::string TopologyDot(const Scenario& s) {
  std::ostringstream out;
  BusTopology t = BuildTopology(s);
  auto vertex_label = [&](std::ostream& o, std::size_t v) {
    const PeerNode& p = t.graph[v];
    std::string label = p.name;
    if (!p.well_known_name.empty() && p.role != PeerRole::kBusDaemon) label += "\n" + p.well_known_name;
    if (!p.unique_name.empty()) label += "\n" + p.unique_name;
    std::string shape = "box";
    if (p.role == PeerRole::kSystemd) {
      label += "\nprofile " + s.profile + "\nwqueue " + WithCommas(static_cast<std::uint64_t>(s.systemd.wqueue_max)) +
               " / rqueue " + WithCommas(static_cast<std::uint64_t>(s.systemd.rqueue_max)) + " msgs\nsndbuf " +
               Bytes(s.systemd.socket_sndbuf_bytes);
      for (const PatchSpec& patch : s.patches) label += "\npatch " + patch.params_json;
    } else if (p.role == PeerRole::kBusDaemon && s.relay == RelayKind::kDbusBroker) {
      shape = "ellipse";
      const DbusBrokerParams& b = s.dbus_broker;
      label = "dbus-broker\nmax_outgoing " + Bytes(b.max_outgoing_bytes) + " x " +
              WithCommas(static_cast<std::uint64_t>(b.max_connections_per_user)) + " per uid\nsndbuf " +
              Bytes(b.socket_sndbuf_bytes);
    } else if (p.role == PeerRole::kBusDaemon) {
      shape = "ellipse";
      label += "\nmax_incoming " + Bytes(s.dbus.max_incoming_bytes) + "\nmax_outgoing " +
               Bytes(s.dbus.max_outgoing_bytes) + "\nsndbuf " + Bytes(s.dbus.socket_sndbuf_bytes);
    } else if (p.client >= 0) {
      const ClientParams& c = t.clients[static_cast<std::size_t>(p.client)];
      label += "\nrqueue " + WithCommas(static_cast<std::uint64_t>(c.rqueue_max)) + " msgs\nsndbuf " +
               Bytes(c.socket_sndbuf_bytes) + (c.subscribe ? "\nSubscribe()" : "");
    }
    o << "[label=" << Quote(label) << ", shape=" << shape << "]";
  };
  auto edge_label = [&](std::ostream& o, const BusGraph::edge_descriptor& e) {
    const ConnectionEdge& c = t.graph[e];
    std::string label = c.kind == ConnectionKind::kPrivate ? "private (/run/systemd/private)\nevery signal" : "bus";
    for (const MatchRule& r : c.rules) label += "\n" + r.text;
    o << "[label=" << Quote(label) << (c.kind == ConnectionKind::kPrivate ? ", style=dashed" : "") << "]";
  };
  auto graph_attributes = [&](std::ostream& o) {
    o << "label=" << Quote("mountstorm topology: " + (s.name.empty() ? s.file : s.name)) << ";\n"
      << "node [fontname=\"monospace\", fontsize=10];\nedge [fontname=\"monospace\", fontsize=8];\n";
  };
  boost::write_graphviz(out, t.graph, vertex_label, edge_label, graph_attributes);
  return out.str();
}

}  // namespace mountstorm
