// Message traces (tools/trace_writer.h): the pcap file parses back (global header, records, the
// D-Bus message of each record with its header fields and a body that is a valid marshalling of its
// signature at exactly the traced size), --trace-window and --trace-max select what they say, the
// text form reads like busctl monitor, and the same run gives byte-identical traces.
// tests/trace/tshark_test.sh checks the same files with tshark itself.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "tests/test_support.h"
#include "trace/trace_writer.h"

using namespace mountstorm;
using mountstorm::test::LoadShipped;
using mountstorm::test::ReadFile;
using mountstorm::test::TempDir;

namespace {

// A message offered to the tap as the simulation offers it: written only if the tap wants it.
void Offer(TraceTap* tap, const TracedMessage& m) {
  if (tap->Wants(m.time)) tap->Routed(m);
}

std::uint32_t U32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s.at(at + static_cast<std::size_t>(i)));
  return v;
}

struct PcapRecord {
  std::uint32_t sec, nsec, captured, length;
  std::string data;
};

struct Pcap {
  std::uint32_t magic, snaplen, linktype;
  int major, minor;
  std::vector<PcapRecord> records;
};

Pcap ReadPcap(const std::string& path) {
  const std::string f = ReadFile(path);
  REQUIRE(f.size() >= 24);
  Pcap p{U32(f, 0), U32(f, 16), U32(f, 20), static_cast<unsigned char>(f[4]) | static_cast<unsigned char>(f[5]) << 8,
         static_cast<unsigned char>(f[6]) | static_cast<unsigned char>(f[7]) << 8, {}};
  for (std::size_t at = 24; at < f.size();) {
    REQUIRE(at + 16 <= f.size());
    PcapRecord r{U32(f, at), U32(f, at + 4), U32(f, at + 8), U32(f, at + 12), {}};
    REQUIRE(at + 16 + r.captured <= f.size());
    r.data = f.substr(at + 16, r.captured);
    p.records.push_back(r);
    at += 16 + r.captured;
  }
  return p;
}

// A reader of D-Bus marshalling, written apart from the writer: it checks the alignment padding
// is zero, that lengths fit and that strings end in NUL.
class Reader {
 public:
  Reader(const std::string& data, std::size_t pos) : d_(data), pos_(pos) {}
  std::size_t pos() const { return pos_; }
  bool ok() const { return ok_; }

  void Align(std::size_t n) {
    while (ok_ && pos_ % n != 0) {
      if (pos_ >= d_.size() || d_[pos_] != '\0') ok_ = false;
      ++pos_;
    }
  }
  std::uint32_t U(std::size_t size) {
    Align(size);
    if (!ok_ || pos_ + size > d_.size()) return ok_ = false, 0;
    std::uint32_t v = 0;
    for (std::size_t i = size; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(d_[pos_ + i]);
    pos_ += size;
    return v;
  }
  std::string Str(bool short_length) {
    std::uint32_t n = short_length ? U(1) : U(4);
    if (!ok_ || pos_ + n + 1 > d_.size() || d_[pos_ + n] != '\0') return ok_ = false, "";
    std::string s = d_.substr(pos_, n);
    if (s.find('\0') != std::string::npos) ok_ = false;
    pos_ += n + 1;
    return s;
  }
  // Reads one value of the complete type starting at sig[*i]; collects the strings it holds.
  void Value(std::string_view sig, std::size_t* i, std::vector<std::string>* strings) {
    if (!ok_ || *i >= sig.size()) return void(ok_ = false);
    char c = sig[(*i)++];
    switch (c) {
      case 'y': U(1); break;
      case 'n': case 'q': U(2); break;
      case 'b': case 'i': case 'u': U(4); break;
      case 'x': case 't': case 'd': Align(8), U(4), U(4); break;
      case 's': case 'o': strings->push_back(Str(false)); break;
      case 'g': strings->push_back(Str(true)); break;
      case 'v': {
        std::string inner = Str(true);
        std::size_t j = 0;
        Value(inner, &j, strings);
        if (j != inner.size()) ok_ = false;
        break;
      }
      case 'a': {
        std::uint32_t n = U(4);
        char e = sig[*i];
        Align(e == '(' || e == '{' || e == 'x' || e == 't' || e == 'd' ? 8 : e == 'n' || e == 'q' ? 2
              : e == 'y' || e == 'g' || e == 'v' ? 1 : 4);
        std::size_t end = pos_ + n, start = *i;
        if (n == 0) SkipType(sig, i);  // no element: step over the element type
        while (ok_ && pos_ < end) {
          *i = start;
          Value(sig, i, strings);
        }
        if (pos_ != end) ok_ = false;
        break;
      }
      case '(': case '{': {
        Align(8);
        char close = c == '(' ? ')' : '}';
        while (ok_ && *i < sig.size() && sig[*i] != close) Value(sig, i, strings);
        ++*i;
        break;
      }
      default: ok_ = false;
    }
  }

 private:
  static void SkipType(std::string_view sig, std::size_t* i) {
    char c = sig[(*i)++];
    if (c == 'a') return SkipType(sig, i);
    if (c == '(' || c == '{') {
      char close = c == '(' ? ')' : '}';
      while (sig[*i] != close) SkipType(sig, i);
      ++*i;
    }
  }
  const std::string& d_;
  std::size_t pos_;
  bool ok_ = true;
};

struct DbusMessage {
  char endian, type, flags, version;
  std::uint32_t body_length, serial;
  std::map<int, std::string> fields;  // code -> value (REPLY_SERIAL as decimal text)
  std::size_t header_length;
  std::vector<std::string> body_strings;
  bool body_valid = false;
};

DbusMessage ParseDbus(const std::string& m) {
  REQUIRE(m.size() >= 16);
  DbusMessage d{m[0], m[1], m[2], m[3], U32(m, 4), U32(m, 8), {}, 0, {}, false};
  Reader r(m, 12);
  std::uint32_t fields_length = r.U(4);
  std::size_t end = r.pos() + fields_length;
  while (r.ok() && r.pos() < end) {
    r.Align(8);
    int code = static_cast<unsigned char>(r.U(1));
    std::string sig = r.Str(true);
    REQUIRE(sig.size() == 1);
    if (sig == "u") {
      d.fields[code] = std::to_string(r.U(4));
    } else {
      d.fields[code] = r.Str(sig == "g");
    }
  }
  REQUIRE(r.ok());
  REQUIRE(r.pos() == end);
  r.Align(8);
  REQUIRE(r.ok());
  d.header_length = r.pos();
  REQUIRE(d.header_length + d.body_length == m.size());
  auto sig = d.fields.find(8);
  std::string signature = sig == d.fields.end() ? "" : sig->second;
  std::size_t i = 0;
  while (r.ok() && i < signature.size()) r.Value(signature, &i, &d.body_strings);
  d.body_valid = r.ok() && r.pos() == m.size();
  return d;
}

TracedMessage PropertiesChanged(Time t, std::uint32_t serial, std::uint32_t bytes = 600) {
  TracedMessage m;
  m.time = t;
  m.type = "signal";
  m.serial = serial;
  m.sender = ":1.0";
  m.path = "/org/freedesktop/systemd1/unit/home_2dmark_2emount";
  m.interface = "org.freedesktop.DBus.Properties";
  m.member = "PropertiesChanged";
  m.signature = "sa{sv}as";
  m.bytes = bytes;
  m.recipients = 1;
  return m;
}

TraceOptions Options(const std::string& path, TraceFormat format = TraceFormat::kPcap) {
  TraceOptions o;
  o.path = path;
  o.format = format;
  return o;
}

std::string Finished(TraceTap* tap) {
  std::string error;
  REQUIRE(tap->Finish(&error));
  return error;
}

}  // namespace

TEST_CASE("a pcap trace starts with the nanosecond pcap header and the D-Bus link type", "[trace]") {
  const std::string path = TempDir("trace-header") + "/t.pcap";
  auto tap = OpenTrace(Options(path));
  Offer(tap.get(), PropertiesChanged(1'000'000'007, 12));
  Finished(tap.get());
  Pcap p = ReadPcap(path);
  CHECK(p.magic == 0xa1b23c4du);
  CHECK(p.major == 2);
  CHECK(p.minor == 4);
  CHECK(p.snaplen == 134217728u);
  CHECK(p.linktype == 231u);
  REQUIRE(p.records.size() == 1);
  CHECK(p.records[0].sec == 1);
  CHECK(p.records[0].nsec == 7);
  CHECK(p.records[0].captured == 600);
  CHECK(p.records[0].length == 600);
}

TEST_CASE("a PropertiesChanged record parses back as a signal of exactly the traced size", "[trace]") {
  for (std::uint32_t bytes : {600u, 420u, 884u, 225u}) {
    INFO("bytes " << bytes);
    TracedMessage m = PropertiesChanged(5, 42, bytes);
    bool opaque = true, longer = true;
    std::string wire = MarshalTracedMessage(m, &opaque, &longer);
    CHECK(!opaque);
    CHECK(!longer);
    REQUIRE(wire.size() == bytes);
    DbusMessage d = ParseDbus(wire);
    CHECK(d.endian == 'l');
    CHECK(d.type == 4);
    CHECK(d.flags == 1);
    CHECK(d.version == 1);
    CHECK(d.serial == 42);
    CHECK(d.fields[1] == m.path);
    CHECK(d.fields[2] == "org.freedesktop.DBus.Properties");
    CHECK(d.fields[3] == "PropertiesChanged");
    CHECK(d.fields[7] == ":1.0");
    CHECK(d.fields[8] == "sa{sv}as");
    CHECK(d.fields.count(6) == 0);  // a broadcast signal has no destination
    CHECK(d.header_length % 8 == 0);
    CHECK(d.body_valid);
    // Zero values, then the filler string at the end of the invalidated-properties array.
    REQUIRE(d.body_strings.size() == 2);
    CHECK(d.body_strings[0].empty());
    CHECK(d.body_strings[1] == std::string(d.body_strings[1].size(), '_'));
  }
}

TEST_CASE("method calls, returns and errors carry their flags, reply serial, error name and destination", "[trace]") {
  TracedMessage call;
  call.type = "method_call";
  call.serial = 7;
  call.sender = ":1.2";
  call.destination = "org.freedesktop.systemd1";
  call.path = "/org/freedesktop/systemd1";
  call.interface = "org.freedesktop.systemd1.Manager";
  call.member = "StartTransientUnit";
  call.signature = "ssa(sv)a(sa(sv))";
  call.bytes = 720;
  DbusMessage c = ParseDbus(MarshalTracedMessage(call));
  CHECK(c.type == 1);
  CHECK(c.flags == 0);
  CHECK(c.fields[6] == "org.freedesktop.systemd1");
  CHECK(c.body_valid);
  CHECK(c.header_length + c.body_length == 720);

  TracedMessage ret;
  ret.type = "method_return";
  ret.serial = 0x40000007u;
  ret.reply_serial = 7;
  ret.sender = ":1.0";
  ret.destination = ":1.2";
  ret.signature = "o";
  ret.bytes = 128;
  DbusMessage r = ParseDbus(MarshalTracedMessage(ret));
  CHECK(r.type == 2);
  CHECK(r.flags == 1);
  CHECK(r.serial == 0x40000007u);
  CHECK(r.fields[5] == "7");
  CHECK(r.fields[6] == ":1.2");
  CHECK(r.fields.count(1) == 0);
  CHECK(r.body_valid);
  REQUIRE(r.body_strings.size() == 1);
  CHECK(r.body_strings[0][0] == '/');

  TracedMessage err = ret;
  err.type = "error";
  err.error_name = "System.Error.ENOBUFS";
  err.signature = "s";
  err.bytes = 224;
  DbusMessage e = ParseDbus(MarshalTracedMessage(err));
  CHECK(e.type == 3);
  CHECK(e.fields[4] == "System.Error.ENOBUFS");
  CHECK(e.fields[5] == "7");
  CHECK(e.body_valid);
  CHECK(e.header_length + e.body_length == 224);
}

TEST_CASE("a size no marshalling fits gives an opaque body, a size below the header the header alone", "[trace]") {
  // A signature with nothing to pad ("u") at a size larger than its marshalling.
  TracedMessage m = PropertiesChanged(0, 1, 400);
  m.signature = "u";
  bool opaque = false, longer = true;
  std::string wire = MarshalTracedMessage(m, &opaque, &longer);
  CHECK(opaque);
  CHECK(!longer);
  REQUIRE(wire.size() == 400);
  DbusMessage d = ParseDbus(wire);
  CHECK(d.fields.count(8) == 0);
  CHECK(d.body_length == 400 - d.header_length);

  // Smaller than the header alone. Both flags start false, so each CHECK below can fail.
  m = PropertiesChanged(0, 1, 40);
  opaque = false;
  longer = false;
  wire = MarshalTracedMessage(m, &opaque, &longer);
  CHECK(opaque);
  CHECK(longer);
  d = ParseDbus(wire);
  CHECK(d.body_length == 0);
  CHECK(d.fields.count(8) == 0);
  CHECK(wire.size() > 40);

  const std::string path = TempDir("trace-longer") + "/t.pcap";
  auto tap = OpenTrace(Options(path));
  Offer(tap.get(), m);
  Finished(tap.get());
  CHECK(tap->counts().opaque_bodies == 1);
  CHECK(tap->counts().longer_than_traced == 1);
  Pcap p = ReadPcap(path);
  REQUIRE(p.records.size() == 1);
  CHECK(p.records[0].length == wire.size());
  CHECK(tap->Report().find("1 longer than traced") != std::string::npos);
}

TEST_CASE("trace window keeps the messages routed from T0 up to T1, trace max stops after N records", "[trace]") {
  const std::string dir = TempDir("trace-window");
  TraceOptions o = Options(dir + "/w.pcap");
  ParseTraceWindow("1:2", &o);
  o.max_records = 2;
  auto tap = OpenTrace(o);
  for (Time t : std::initializer_list<Time>{500'000'000, 1'000'000'000, 1'250'000'000, 1'500'000'000, 2'000'000'000, 2'500'000'000}) {
    Offer(tap.get(), PropertiesChanged(t, static_cast<std::uint32_t>(t / 1000)));
  }
  Finished(tap.get());
  const TraceCounts& c = tap->counts();
  CHECK(c.routed == 6);
  CHECK(c.outside_window == 3);  // 0.5, 2.0 (the window is half-open) and 2.5
  CHECK(c.written == 2);
  CHECK(c.left_out == 1);        // 1.5
  Pcap p = ReadPcap(dir + "/w.pcap");
  REQUIRE(p.records.size() == 2);
  CHECK(p.records[0].sec == 1);
  CHECK(p.records[0].nsec == 0);
  CHECK(p.records[1].nsec == 250'000'000);
  CHECK(tap->Report() == "trace     2 messages written to " + dir +
                             "/w.pcap (pcap, D-Bus link type 231), 3 outside --trace-window 1:2, 1 left out by "
                             "--trace-max 2");

  TraceOptions open_ended;
  ParseTraceWindow("1.5:", &open_ended);
  CHECK(open_ended.window_start == 1'500'000'000);
  CHECK(open_ended.window_end == kNever);
  ParseTraceWindow(":0.25", &open_ended);
  CHECK(open_ended.window_start == 0);
  CHECK(open_ended.window_end == 250'000'000);
}

TEST_CASE("bad trace window and trace max values are input errors", "[trace]") {
  TraceOptions o;
  for (const char* bad : {"", ":", "1", "2:1", "1:1", "a:2", "-1:2", "1:2:3", "1:inf", "nan:"}) {
    INFO("--trace-window " << bad);
    CHECK_THROWS_AS(ParseTraceWindow(bad, &o), InputError);
  }
  CHECK(ParseTraceMax("0") == 0);
  CHECK(ParseTraceMax("1000000") == 1000000);
  for (const char* bad : {"", "-1", "1.5", "x", "1e3"}) {
    INFO("--trace-max " << bad);
    CHECK_THROWS_AS(ParseTraceMax(bad), InputError);
  }
  CHECK_THROWS_AS(OpenTrace(Options("-")), InputError);  // pcap needs a file
}

TEST_CASE("a trace appears only when finished, and an unfinished one leaves nothing behind", "[trace]") {
  const std::string dir = TempDir("trace-atomic");
  {
    auto tap = OpenTrace(Options(dir + "/sub/t.pcap"));  // creates the directory
    Offer(tap.get(), PropertiesChanged(1, 1));
    CHECK(!std::filesystem::exists(dir + "/sub/t.pcap"));
  }
  CHECK(std::filesystem::is_empty(dir + "/sub"));
}

TEST_CASE("the text trace reads like busctl monitor", "[trace]") {
  const std::string path = TempDir("trace-text") + "/t.txt";
  auto tap = OpenTrace(Options(path, TraceFormat::kText));
  Offer(tap.get(), PropertiesChanged(1'000'214'350, 12));
  TracedMessage err;
  err.time = 2'000'000'000;
  err.type = "error";
  err.serial = 0x40000003u;
  err.reply_serial = 3;
  err.sender = ":1.0";
  err.destination = ":1.2";
  err.error_name = "System.Error.ENOBUFS";
  err.signature = "s";
  err.bytes = 224;
  Offer(tap.get(), err);
  Finished(tap.get());
  CHECK(ReadFile(path) ==
        "\xe2\x80\xa3 Type=signal  Endian=l  Flags=1  Version=1 Cookie=12  Timestamp=1.000214350\n"
        "  Sender=:1.0  Path=/org/freedesktop/systemd1/unit/home_2dmark_2emount"
        "  Interface=org.freedesktop.DBus.Properties  Member=PropertiesChanged\n"
        "  MESSAGE \"sa{sv}as\" (600 bytes, 1 recipient)\n"
        "\n"
        "\xe2\x80\xa3 Type=error  Endian=l  Flags=1  Version=1 Cookie=1073741827  ReplyCookie=3"
        "  Timestamp=2.000000000\n"
        "  Sender=:1.0  Destination=:1.2\n"
        "  ErrorName=System.Error.ENOBUFS\n"
        "  MESSAGE \"s\" (224 bytes, 0 recipients)\n"
        "\n");
}

TEST_CASE("the single mount traces 65 messages from systemd, byte-identical when repeated", "[trace]") {
  const std::string dir = TempDir("trace-single");
  const Scenario scenario = LoadShipped("incident-single-mount");
  for (const char* name : {"/a.pcap", "/b.pcap"}) {
    auto tap = OpenTrace(Options(dir + name));
    RunScenario(scenario, tap.get());
    Finished(tap.get());
    CHECK(tap->counts().opaque_bodies == 0);
    CHECK(tap->counts().longer_than_traced == 0);
  }
  const std::string a = ReadFile(dir + "/a.pcap");
  CHECK(a == ReadFile(dir + "/b.pcap"));
  Pcap p = ReadPcap(dir + "/a.pcap");
  int from_systemd = 0, properties_changed = 0, unit_new = 0, mark = 0;
  for (const PcapRecord& r : p.records) {
    DbusMessage d = ParseDbus(r.data);
    CHECK(d.body_valid);
    CHECK(r.length == r.data.size());
    if (d.fields[7] != ":1.0") continue;
    ++from_systemd;
    if (d.fields[3] == "PropertiesChanged") {
      ++properties_changed;
      CHECK(d.fields[1].rfind("/org/freedesktop/systemd1/unit/", 0) == 0);
      if (d.fields[1] == "/org/freedesktop/systemd1/unit/home_2dmark_2emount") ++mark;
    }
    if (d.fields[3] == "UnitNew") {
      ++unit_new;
      CHECK(d.fields[1] == "/org/freedesktop/systemd1");
    }
  }
  CHECK(from_systemd == 65);
  CHECK(properties_changed == 64);
  CHECK(unit_new == 1);
  CHECK(mark == 2);
}
