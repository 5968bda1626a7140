// mountstorm graph: the bus topology of a scenario as Graphviz DOT, written by Boost.Graph's
// write_graphviz from the same graph dbus-daemon routes by (models/bus_topology.h): every process,
// every connection (bus or private) with the match rules it registered, and every limit on the way.
#ifndef MOUNTSTORM_TOOLS_GRAPH_H_
#define MOUNTSTORM_TOOLS_GRAPH_H_

#include <ostream>
#include <string>
#include <vector>

#include "mountstorm/scenario.h"

namespace mountstorm {

void WriteTopologyDot(const Scenario& s, std::ostream& out);

int GraphCommand(const std::vector<std::string>& args);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_GRAPH_H_
