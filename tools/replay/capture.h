// Reading a capture of a D-Bus bus: a pcapng file as `busctl capture` writes it, or a pcap file
// with the D-Bus link type (LINKTYPE_DBUS, 231) as `mountstorm run --trace` writes it.
//
// libpcap reads the file (both formats), and each record is decoded by the reference
// implementation's own parser, libdbus's dbus_message_demarshal(), so that a capture from the field
// decodes exactly as dbus-daemon would decode it. A file that is not a capture, a capture of another
// link type, a truncated file or record, a record that is not a D-Bus message, or a capture with no
// message at all is an InputError naming the file (and the record); nothing is guessed.
#ifndef MOUNTSTORM_TOOLS_REPLAY_CAPTURE_H_
#define MOUNTSTORM_TOOLS_REPLAY_CAPTURE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace mountstorm {

// One message of a capture, as a bus monitor sees it.
struct CapturedMessage {
  double time_s = 0;        // seconds since the first record
  std::string type;         // "signal", "method_call", "method_return", "error"
  std::uint32_t serial = 0;
  std::uint32_t reply_serial = 0;
  std::string sender;       // unique name, e.g. ":1.0"; empty if the header has none
  std::string destination;
  std::string path;
  std::string interface;
  std::string member;
  std::string error_name;
  // PropertiesChanged: the interface whose properties changed (its first argument).
  std::string changed_interface;
  // The unit the message is about: PropertiesChanged's path, or the object path argument of
  // UnitNew and UnitRemoved; empty otherwise.
  std::string unit;
  std::uint32_t bytes = 0;  // the whole message as captured
};

// Every message of the capture at `path`, in file order.
std::vector<CapturedMessage> ReadCapture(const std::string& path);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_REPLAY_CAPTURE_H_
