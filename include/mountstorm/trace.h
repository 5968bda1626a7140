// Tracing: every D-Bus message that crosses the bus, as a monitor (busctl capture, dbus-monitor)
// would see it, handed to a MessageTap as dbus-daemon routes it. Names and object paths are
// resolved only when a tap is attached and wants the message, so a run without one pays nothing.
#ifndef MOUNTSTORM_INCLUDE_TRACE_H_
#define MOUNTSTORM_INCLUDE_TRACE_H_

#include <cstdint>
#include <string>

#include "mountstorm/time.h"

namespace mountstorm {

struct TracedMessage {
  Time time = 0;                // when dbus-daemon routed it
  std::string type;             // "signal", "method_call", "method_return", "error"
  std::uint32_t serial = 0;     // the sender's cookie
  std::uint32_t reply_serial = 0;  // method returns and errors: the call's cookie
  std::string sender;           // unique name, e.g. ":1.0"
  std::string destination;      // unique or well-known name, empty for a broadcast signal
  std::string path;             // object path
  std::string interface;        // empty for replies
  std::string member;           // empty for replies
  std::string error_name;       // errors only
  std::string signature;        // of the body, as systemd sends it (e.g. "sa{sv}as")
  // PropertiesChanged: the interface whose properties changed (its first argument).
  std::string changed_interface;
  // The unit the message is about: PropertiesChanged's path, UnitNew's and UnitRemoved's argument.
  std::string unit;
  std::uint32_t bytes = 0;      // the whole message as marshalled
  int recipients = 0;           // connections it was delivered to (0: matched nobody)
};

// The simulation asks Wants(t) for every message dbus-daemon routes at time t and resolves the
// message's names and paths into a TracedMessage for Routed() only when the answer is yes, so a
// tap that keeps a window of the run spares the rest of it the string work.
class MessageTap {
 public:
  virtual ~MessageTap() = default;
  virtual bool Wants(Time t) = 0;
  virtual void Routed(const TracedMessage& m) = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_TRACE_H_
