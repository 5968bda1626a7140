#include "replay/capture.h"

#include <dbus/dbus.h>
#include <pcap/pcap.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "mountstorm/error.h"

namespace mountstorm {

namespace {

constexpr int kLinkTypeDbus = 231;  // LINKTYPE_DBUS (DLT_DBUS), www.tcpdump.org/linktypes.html

const char* TypeName(int type) {
  switch (type) {
    case DBUS_MESSAGE_TYPE_SIGNAL: return "signal";
    case DBUS_MESSAGE_TYPE_METHOD_CALL: return "method_call";
    case DBUS_MESSAGE_TYPE_METHOD_RETURN: return "method_return";
    case DBUS_MESSAGE_TYPE_ERROR: return "error";
  }
  return "invalid";
}

std::string Text(const char* s) { return s == nullptr ? std::string() : std::string(s); }

// The first argument if it is a string, and the first object path argument, of `m`.
void ReadArguments(DBusMessage* m, std::string* first_string, std::string* object_path) {
  DBusMessageIter it;
  if (!dbus_message_iter_init(m, &it)) return;
  for (bool first = true;; first = false) {
    const int type = dbus_message_iter_get_arg_type(&it);
    if (type == DBUS_TYPE_INVALID) return;
    if ((type == DBUS_TYPE_STRING && first) || (type == DBUS_TYPE_OBJECT_PATH && object_path->empty())) {
      const char* value = nullptr;
      dbus_message_iter_get_basic(&it, &value);
      (type == DBUS_TYPE_STRING ? *first_string : *object_path) = Text(value);
    }
    if (!dbus_message_iter_next(&it)) return;
  }
}

CapturedMessage Decode(DBusMessage* m) {
  CapturedMessage c;
  c.type = TypeName(dbus_message_get_type(m));
  c.serial = dbus_message_get_serial(m);
  c.reply_serial = dbus_message_get_reply_serial(m);
  c.sender = Text(dbus_message_get_sender(m));
  c.destination = Text(dbus_message_get_destination(m));
  c.path = Text(dbus_message_get_path(m));
  c.interface = Text(dbus_message_get_interface(m));
  c.member = Text(dbus_message_get_member(m));
  c.error_name = Text(dbus_message_get_error_name(m));
  std::string first_string, object_path;
  ReadArguments(m, &first_string, &object_path);
  if (c.member == "PropertiesChanged" && c.interface == "org.freedesktop.DBus.Properties") {
    c.changed_interface = first_string;
    c.unit = c.path;
  } else if (c.member == "UnitNew" || c.member == "UnitRemoved") {
    c.unit = object_path;
  }
  return c;
}

struct PcapCloser {
  void operator()(pcap_t* p) const { pcap_close(p); }
};
using Pcap = std::unique_ptr<pcap_t, PcapCloser>;

// The capture at `path`, opened, of the D-Bus link type.
Pcap Open(const std::string& path) {
  // "-" is standard input, which libpcap reads as a file of that name.
  std::error_code ec;
  const std::filesystem::file_type type = std::filesystem::status(path, ec).type();
  if (type == std::filesystem::file_type::not_found && path != "-") throw InputError(path + ": no such file");
  if (type == std::filesystem::file_type::directory) throw InputError(path + ": a directory, not a capture");
  char error[PCAP_ERRBUF_SIZE] = {};
  Pcap pcap(pcap_open_offline(path.c_str(), error));
  if (!pcap) throw InputError(path + ": not a pcap or pcapng capture, or one cut short (" + error + ")");
  if (pcap_datalink(pcap.get()) != kLinkTypeDbus) {
    throw InputError(path + ": a capture of link type " + std::to_string(pcap_datalink(pcap.get())) +
                     ", expected D-Bus (231), as busctl capture and mountstorm run --trace write");
  }
  return pcap;
}

// The message in one record; `where` names the file and the record.
CapturedMessage DecodeRecord(const std::string& where, const pcap_pkthdr& header, const u_char* data) {
  if (header.caplen != header.len) {
    throw InputError(where + ": cut to " + std::to_string(header.caplen) + " of its " + std::to_string(header.len) +
                     " bytes when captured (a snapshot length too small?)");
  }
  const char* bytes = reinterpret_cast<const char*>(data);
  const int size = static_cast<int>(header.caplen);
  // libdbus reports a message cut short, or a record shorter than a header, as "Not enough memory".
  const int needed = dbus_message_demarshal_bytes_needed(bytes, size);
  const std::string record = "a record of " + std::to_string(size) + " bytes";
  if (needed == 0) throw InputError(where + ": not a D-Bus message (" + record + ", shorter than a message header)");
  if (needed > 0 && needed != size) {
    throw InputError(where + ": not a D-Bus message (" + record + " for a message of " + std::to_string(needed) + " bytes)");
  }
  DBusError e;
  dbus_error_init(&e);
  DBusMessage* m = dbus_message_demarshal(bytes, size, &e);
  if (m == nullptr) {
    const std::string why = dbus_error_is_set(&e) ? Text(e.message) : "unknown error";
    dbus_error_free(&e);
    throw InputError(where + ": not a D-Bus message (" + why + ")");
  }
  CapturedMessage c = Decode(m);
  dbus_message_unref(m);
  c.bytes = header.caplen;
  return c;
}

}  // namespace

std::vector<CapturedMessage> ReadCapture(const std::string& path) {
  const Pcap pcap = Open(path);
  std::vector<CapturedMessage> out;
  double first = 0;
  for (std::size_t record = 1;; ++record) {
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int got = pcap_next_ex(pcap.get(), &header, &data);
    if (got == PCAP_ERROR_BREAK) break;  // the end of the file
    const std::string where = path + ": record " + std::to_string(record);
    if (got != 1) throw InputError(where + ": cannot be read (" + pcap_geterr(pcap.get()) + "); is the file cut short?");
    CapturedMessage c = DecodeRecord(where, *header, data);
    const double t = static_cast<double>(header->ts.tv_sec) + static_cast<double>(header->ts.tv_usec) * 1e-6;
    if (out.empty()) first = t;
    c.time_s = t - first;
    out.push_back(std::move(c));
  }
  if (out.empty()) throw InputError(path + ": no D-Bus messages (a capture with no records)");
  return out;
}

}  // namespace mountstorm
