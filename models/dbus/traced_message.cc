#include "models/dbus/traced_message.h"

namespace mountstorm {

namespace {

// The name a monitor shows for `peer`: its unique name, or its well-known name as a destination.
std::string PeerName(const BusTopology& topology, std::uint16_t peer, bool well_known) {
  const PeerNode& p = topology.graph[peer];
  if (p.role == PeerRole::kBusDaemon) return "org.freedesktop.DBus";
  if (well_known && !p.well_known_name.empty()) return p.well_known_name;
  return p.unique_name;
}

}  // namespace

TracedMessage DescribeRouted(Time t, const Message& m, int recipients, const BusTopology& topology,
                             const ObjectPaths& paths) {
  TracedMessage out;
  out.time = t;
  out.bytes = m.bytes;
  out.recipients = recipients;
  out.sender = PeerName(topology, m.sender, false);
  out.type = MessageTypeName(m.type);
  const bool reply = m.type == MessageType::kMethodReturn || m.type == MessageType::kError;
  if (m.destination != kBroadcast) out.destination = PeerName(topology, m.destination, !reply);
  if (reply) {
    // A reply carries the call's cookie; its own is not modelled: number replies apart from calls.
    out.reply_serial = m.serial;
    out.serial = 0x40000000u | m.serial;
    if (m.type == MessageType::kError) {
      out.error_name = ErrorNameText(m.error);
      out.signature = "s";
    } else {
      out.signature = "o";
    }
    return out;
  }
  out.serial = m.serial;
  out.member = MemberName(m.member);
  out.interface = InterfaceName(InterfaceOf(m.member));
  switch (m.member) {
    case Member::kPropertiesChanged:
      out.path = paths.UnitPath(m.object);
      out.unit = out.path;
      out.changed_interface = ChangedInterfaceName(m.changed);
      out.signature = "sa{sv}as";
      break;
    case Member::kCreateSession:
      out.path = "/org/freedesktop/login1";
      out.signature = "uusssssussbssa(sv)";
      break;
    case Member::kNameOwnerChanged:
      out.path = "/org/freedesktop/DBus";
      out.signature = "sss";
      break;
    default:
      out.path = "/org/freedesktop/systemd1";
      if (m.member == Member::kUnitNew || m.member == Member::kUnitRemoved) out.unit = paths.UnitPath(m.object);
      out.signature = m.member == Member::kUnitNew || m.member == Member::kUnitRemoved ? "so"
                      : m.member == Member::kJobNew                                      ? "uos"
                      : m.member == Member::kJobRemoved                                  ? "uoss"
                      : m.member == Member::kStartTransientUnit                          ? "ssa(sv)a(sa(sv))"
                                                                                         : "";
      break;
  }
  return out;
}

}  // namespace mountstorm
