// What a bus monitor (busctl capture, dbus-monitor) would see of a message the relay routed: its
// names, path, interface, member and signature, resolved from the message's ids. Only a trace
// asks for it, and only for the messages it keeps (mountstorm/trace.h).
#ifndef MOUNTSTORM_MODELS_DBUS_TRACED_MESSAGE_H_
#define MOUNTSTORM_MODELS_DBUS_TRACED_MESSAGE_H_

#include "models/dbus/bus_topology.h"
#include "models/message/message.h"
#include "models/dbus/object_paths.h"
#include "mountstorm/trace.h"

namespace mountstorm {

// `m` as routed at time t to `recipients` connections.
TracedMessage DescribeRouted(Time t, const Message& m, int recipients, const BusTopology& topology,
                             const ObjectPaths& paths);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_DBUS_TRACED_MESSAGE_H_
