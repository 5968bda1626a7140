// UnitGraph: the dependencies between PID 1's units (a Boost.Graph), as far as they make PID 1
// announce units.
//
// unit_add_dependency() (src/core/unit.c, v252.39 L3026) inserts the dependency into both units'
// maps and queues each unit whose side changed for D-Bus (L3151-3154; since v247, PR #17234, only
// on a real change). So adding a dependency a unit already has announces nothing, and adding a new
// one announces both ends. unit_remove_dependencies() and unit_clear_dependencies() (L5151, L564)
// only put the other ends on the GC queue: removal announces nothing.
//
// A vertex is a unit, numbered as PID 1 numbers its units (SystemdManager::units()); an edge from u
// to v holds the kinds of dependency u has on v. A freed unit keeps its vertex, with no edges.
#ifndef MOUNTSTORM_MODELS_SYSTEMD_UNIT_GRAPH_H_
#define MOUNTSTORM_MODELS_SYSTEMD_UNIT_GRAPH_H_

#include <cstdint>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

namespace mountstorm {

// The kinds of dependency a mount unit gets (src/core/unit-dependency-atom.h names them all).
enum Dependency : std::uint16_t {
  kDependencyAfter = 1 << 0,
  kDependencyBefore = 1 << 1,
  kDependencyRequires = 1 << 2,
  kDependencyConflicts = 1 << 3,
  kDependencyReferences = 1 << 4,  // keeps the other unit from being garbage-collected
  kDependencyInSlice = 1 << 5,
};

class UnitGraph {
 public:
  // Adds a vertex for the next unit; returns its number.
  std::uint32_t AddUnit();
  std::size_t units() const { return boost::num_vertices(graph_); }

  // `from` gets the dependencies `kinds` on `to`. Returns true if one of them is new: then both
  // units' dependency maps changed, and PID 1 announces both.
  bool Add(std::uint32_t from, std::uint32_t to, std::uint16_t kinds);

  // Removes every dependency of `unit`, both ways; returns the units at the other ends.
  std::vector<std::uint32_t> Clear(std::uint32_t unit);

  // Some unit holds a reference to `unit` (References=): the GC keeps it.
  bool Referenced(std::uint32_t unit) const;
  // The number of units `unit` depends on.
  std::size_t OutDegree(std::uint32_t unit) const { return boost::out_degree(unit, graph_); }

 private:
  using Graph = boost::adjacency_list<boost::setS, boost::vecS, boost::bidirectionalS, boost::no_property,
                                      std::uint16_t>;
  Graph graph_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_SYSTEMD_UNIT_GRAPH_H_
