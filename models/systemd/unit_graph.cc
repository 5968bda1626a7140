#include "models/systemd/unit_graph.h"

namespace mountstorm {

std::uint32_t UnitGraph::AddUnit() { return static_cast<std::uint32_t>(boost::add_vertex(graph_)); }

bool UnitGraph::Add(std::uint32_t from, std::uint32_t to, std::uint16_t kinds) {
  auto [edge, exists] = boost::edge(from, to, graph_);
  if (!exists) {
    boost::add_edge(from, to, kinds, graph_);
    return true;
  }
  std::uint16_t& have = graph_[edge];
  if ((have | kinds) == have) return false;
  have = static_cast<std::uint16_t>(have | kinds);
  return true;
}

std::vector<std::uint32_t> UnitGraph::Clear(std::uint32_t unit) {
  std::vector<std::uint32_t> others;
  for (auto [e, end] = boost::out_edges(unit, graph_); e != end; ++e) {
    others.push_back(static_cast<std::uint32_t>(boost::target(*e, graph_)));
  }
  for (auto [e, end] = boost::in_edges(unit, graph_); e != end; ++e) {
    others.push_back(static_cast<std::uint32_t>(boost::source(*e, graph_)));
  }
  boost::clear_vertex(unit, graph_);
  return others;
}

bool UnitGraph::Referenced(std::uint32_t unit) const {
  for (auto [e, end] = boost::in_edges(unit, graph_); e != end; ++e) {
    if (graph_[*e] & kDependencyReferences) return true;
  }
  return false;
}

}  // namespace mountstorm
