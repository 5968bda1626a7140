#include "trace/trace_writer.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "mountstorm/error.h"
#include "io/atomic_file.h"
#include "io/text_io.h"

namespace mountstorm {

namespace {

// ---- Marshalling (D-Bus specification, "Message Protocol"), little-endian. Alignment is relative
// to the start of the message; the body starts on an 8-byte boundary, so within the body it is
// relative to the body's start as well.

void Align(std::string* out, std::size_t n) {
  while (out->size() % n != 0) out->push_back('\0');
}

// `v` little-endian at p[0..3]: the byte order of the traced messages and of the pcap file.
void PutLe32(char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xffu);
}
void SetU32(std::string* out, std::size_t at, std::uint32_t v) { PutLe32(&(*out)[at], v); }
void PutU32(std::string* out, std::uint32_t v) {
  out->append(4, '\0');
  SetU32(out, out->size() - 4, v);
}

enum HeaderField : char {
  kFieldPath = 1,
  kFieldInterface = 2,
  kFieldMember = 3,
  kFieldErrorName = 4,
  kFieldReplySerial = 5,
  kFieldDestination = 6,
  kFieldSender = 7,
  kFieldSignature = 8,
};

// One header field, a struct (yv), 8-aligned: the code, the variant's signature, the value.
void PutStringField(std::string* out, char code, char type, const std::string& value) {
  Align(out, 8);
  out->push_back(code);
  out->push_back('\1');
  out->push_back(type);
  out->push_back('\0');
  PutU32(out, static_cast<std::uint32_t>(value.size()));  // already 4-aligned
  out->append(value);
  out->push_back('\0');
}

// The fixed header and the header fields, padded to 8 bytes; the body length is left 0.
std::string MarshalHeader(const TracedMessage& m, bool with_signature) {
  char type = 4, flags = 1;  // signal; NO_REPLY_EXPECTED
  if (m.type == "method_call") {
    type = 1;
    flags = 0;  // the model's calls all wait for their reply
  } else if (m.type == "method_return") {
    type = 2;   // sd-bus and libdbus set NO_REPLY_EXPECTED on replies too
  } else if (m.type == "error") {
    type = 3;
  }
  std::string out;
  out.reserve(256);
  out.push_back('l');
  out.push_back(type);
  out.push_back(flags);
  out.push_back('\1');  // protocol version
  PutU32(&out, 0);      // body length, set by the caller
  // A cookie is never 0 on the wire; the model numbers from 1, so 0 would be a wrapped counter.
  PutU32(&out, m.serial != 0 ? m.serial : 0xffffffffu);
  PutU32(&out, 0);      // length of the header field array, set below
  if (!m.path.empty()) PutStringField(&out, kFieldPath, 'o', m.path);
  if (!m.interface.empty()) PutStringField(&out, kFieldInterface, 's', m.interface);
  if (!m.member.empty()) PutStringField(&out, kFieldMember, 's', m.member);
  if (!m.error_name.empty()) PutStringField(&out, kFieldErrorName, 's', m.error_name);
  if (m.reply_serial != 0) {
    Align(&out, 8);
    out.append({kFieldReplySerial, '\1', 'u', '\0'});
    PutU32(&out, m.reply_serial);
  }
  if (!m.destination.empty()) PutStringField(&out, kFieldDestination, 's', m.destination);
  if (!m.sender.empty()) PutStringField(&out, kFieldSender, 's', m.sender);
  if (with_signature && !m.signature.empty()) {
    Align(&out, 8);
    out.append({kFieldSignature, '\1', 'g', '\0'});
    out.push_back(static_cast<char>(m.signature.size()));
    out.append(m.signature);
    out.push_back('\0');
  }
  SetU32(&out, 12, static_cast<std::uint32_t>(out.size() - 16));
  Align(&out, 8);
  return out;
}

// ---- Bodies. A body is a valid marshalling of the message's signature with zero values (0,
// false, "" for strings and signatures, "/" for object paths, empty arrays, variants holding ""),
// except that the last argument ends in one string of filler characters ('_') long enough to make
// the message exactly its traced size: for a last argument `s` or `o` that is the argument itself,
// for an array one element whose own last part is padded, for a variant a string. The filler is
// the last byte run of the body, so each filler byte adds exactly one byte.

constexpr std::size_t kNpos = std::string_view::npos;
constexpr int kMaxDepth = 32;

// The end of the single complete type that starts at sig[i], or kNpos if there is none. Unix fds
// ('h') are refused: a body holding one would need a UNIX_FDS header field.
std::size_t SkipType(std::string_view sig, std::size_t i, int depth) {
  if (i >= sig.size() || depth > kMaxDepth) return kNpos;
  switch (sig[i]) {
    case 'y': case 'b': case 'n': case 'q': case 'i': case 'u': case 'x': case 't': case 'd':
    case 's': case 'o': case 'g': case 'v':
      return i + 1;
    case 'a':
      if (i + 1 < sig.size() && sig[i + 1] == '{') {
        // A dict entry: a basic key, one complete value, '}'.
        std::size_t key = i + 2;
        if (key >= sig.size() || std::string_view("ybnqiuxtdsog").find(sig[key]) == kNpos) return kNpos;
        std::size_t value_end = SkipType(sig, key + 1, depth + 1);
        if (value_end == kNpos || value_end >= sig.size() || sig[value_end] != '}') return kNpos;
        return value_end + 1;
      }
      return SkipType(sig, i + 1, depth + 1);
    case '(': {
      std::size_t j = i + 1;
      if (j < sig.size() && sig[j] == ')') return kNpos;  // an empty struct is not allowed
      while (j < sig.size() && sig[j] != ')') {
        j = SkipType(sig, j, depth + 1);
        if (j == kNpos) return kNpos;
      }
      return j < sig.size() ? j + 1 : kNpos;
    }
    default:
      return kNpos;
  }
}

std::size_t Alignment(char c) {
  switch (c) {
    case 'y': case 'g': case 'v': return 1;
    case 'n': case 'q': return 2;
    case 'x': case 't': case 'd': case '(': case '{': return 8;
    default: return 4;
  }
}

// Declared here because arrays, structs and variants marshal their parts with it (below).
bool MarshalValue(std::string_view sig, std::size_t i, std::size_t end, long long pad, std::string* out);

// The size of a fixed-size basic type (its alignment too), or 0 for any other type.
std::size_t FixedSize(char c) {
  switch (c) {
    case 'y': return 1;
    case 'n': case 'q': return 2;
    case 'b': case 'i': case 'u': return 4;
    case 'x': case 't': case 'd': return 8;
    default: return 0;
  }
}

// A string ('s') or an object path ('o', "/" then the filler) holding `n` filler characters.
void MarshalFillerString(char type, std::size_t n, std::string* out) {
  Align(out, 4);
  const bool path = type == 'o';
  PutU32(out, static_cast<std::uint32_t>(path ? n + 1 : n));
  if (path) out->push_back('/');
  out->append(n, '_');
  out->push_back('\0');
}

// An array of the element type at sig[i + 1]: empty, or with pad >= 0 one element that ends in
// the filler.
bool MarshalArray(std::string_view sig, std::size_t i, std::size_t end, long long pad, std::string* out) {
  Align(out, 4);
  const std::size_t length_at = out->size();
  PutU32(out, 0);
  Align(out, Alignment(sig[i + 1]));  // padding to the element's alignment, even when empty
  if (pad < 0) return true;
  const std::size_t start = out->size();
  if (!MarshalValue(sig, i + 1, end, pad, out)) return false;
  SetU32(out, length_at, static_cast<std::uint32_t>(out->size() - start));
  return true;
}

// A struct or a dict entry sig[i, end): its members in order, the last one carrying the filler.
bool MarshalStruct(std::string_view sig, std::size_t i, std::size_t end, long long pad, std::string* out) {
  Align(out, 8);
  const std::size_t last = end - 1;  // the closing ')' or '}'
  for (std::size_t j = i + 1; j < last;) {
    std::size_t next = SkipType(sig, j, 0);
    if (next == kNpos) return false;
    if (!MarshalValue(sig, j, next, next == last ? pad : -1, out)) return false;
    j = next;
  }
  return true;
}

// Appends the value of the complete type sig[i, end). With pad >= 0 the value must end in a
// filler string of `pad` characters; returns false if it cannot (a type that holds no string at
// its end).
bool MarshalValue(std::string_view sig, std::size_t i, std::size_t end, long long pad, std::string* out) {
  const std::size_t n = pad > 0 ? static_cast<std::size_t>(pad) : 0;
  if (const std::size_t size = FixedSize(sig[i])) {
    Align(out, size);
    out->append(size, '\0');
    return pad < 0;
  }
  switch (sig[i]) {
    case 's': case 'o':
      MarshalFillerString(sig[i], n, out);
      return true;
    case 'g':
      out->append(2, '\0');
      return pad < 0;
    case 'v':
      out->append({'\1', 's', '\0'});
      return MarshalValue("s", 0, 1, pad, out);
    case 'a':
      return MarshalArray(sig, i, end, pad, out);
    case '(': case '{':
      return MarshalStruct(sig, i, end, pad, out);
    default:
      return false;
  }
}

// The body of `signature` at exactly `length` bytes, or false if it cannot be built.
bool MarshalBody(const std::string& signature, std::uint32_t length, std::string* out) {
  out->clear();
  std::string_view sig(signature);
  std::vector<std::pair<std::size_t, std::size_t>> args;
  for (std::size_t i = 0; i < sig.size();) {
    std::size_t next = SkipType(sig, i, 0);
    if (next == kNpos) return false;
    args.emplace_back(i, next);
    i = next;
  }
  // Arrays longer than 64 MiB are invalid; a body that large would need one.
  if (length > (1u << 26)) return false;
  auto build = [&](long long pad) {
    out->clear();
    for (std::size_t k = 0; k < args.size(); ++k) {
      if (!MarshalValue(sig, args[k].first, args[k].second, k + 1 == args.size() ? pad : -1, out)) return false;
    }
    return true;
  };
  if (build(-1) && out->size() == length) return true;
  if (args.empty() || !build(0) || out->size() > length) return false;
  return build(static_cast<long long>(length - out->size())) && out->size() == length;
}

}  // namespace

// Bodies depend only on the signature and the length: built once each.
struct TraceTap::BodyCache {
  std::map<std::pair<std::string, std::uint32_t>, std::pair<bool, std::string>> bodies;
  std::string scratch;

  // Returns the body, or nullptr if the signature cannot be marshalled at this length.
  const std::string* Get(const std::string& signature, std::uint32_t length) {
    auto key = std::make_pair(signature, length);
    auto it = bodies.find(key);
    if (it != bodies.end()) return it->second.first ? &it->second.second : nullptr;
    bool ok = MarshalBody(signature, length, &scratch);
    if (length > 65536) return ok ? &scratch : nullptr;  // large bodies are not kept
    if (bodies.size() >= 4096) bodies.clear();
    auto& slot = bodies[key];
    slot = {ok, ok ? scratch : std::string()};
    return ok ? &slot.second : nullptr;
  }
};

namespace {

// The message for `m`: the header, then the body. See MarshalTracedMessage() in the header.
template <typename GetBody>
std::string Marshal(const TracedMessage& m, GetBody get_body, bool* opaque, bool* longer) {
  *opaque = false;
  *longer = false;
  std::string header = MarshalHeader(m, true);
  std::string zeros;
  const std::string* body = nullptr;
  if (m.bytes >= header.size()) {
    body = get_body(m.signature, static_cast<std::uint32_t>(m.bytes - header.size()));
  }
  if (body == nullptr) {
    // Opaque: no SIGNATURE field, and zero bytes for the body (or no body if even that header is
    // longer than the traced size).
    header = MarshalHeader(m, false);
    *opaque = true;
    if (m.bytes >= header.size()) {
      zeros.assign(m.bytes - header.size(), '\0');
    } else {
      *longer = true;
    }
    body = &zeros;
  }
  SetU32(&header, 4, static_cast<std::uint32_t>(body->size()));
  header.append(*body);
  return header;
}

double ParseSeconds(const std::string& text, const std::string& flag) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(begin, &end);
  if (text.empty() || end != begin + text.size() || errno != 0 || !std::isfinite(v) || v < 0 || v > 1e9) {
    throw InputError(flag + ": expected seconds (a number >= 0), found \"" + text + "\"");
  }
  return v;
}

}  // namespace

std::string MarshalTracedMessage(const TracedMessage& m, bool* opaque, bool* longer) {
  bool o = false, l = false;
  std::string scratch;
  std::string message = Marshal(
      m,
      [&](const std::string& signature, std::uint32_t length) -> const std::string* {
        return MarshalBody(signature, length, &scratch) ? &scratch : nullptr;
      },
      &o, &l);
  if (opaque) *opaque = o;
  if (longer) *longer = l;
  return message;
}

void ParseTraceWindow(const std::string& text, TraceOptions* options) {
  const std::string flag = "--trace-window " + text;
  std::size_t colon = text.find(':');
  if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos) {
    throw InputError(flag + ": expected T0:T1 in simulated seconds, e.g. 1:2.5 (or T0: or :T1)");
  }
  const std::string from = text.substr(0, colon), to = text.substr(colon + 1);
  if (from.empty() && to.empty()) throw InputError(flag + ": expected T0:T1, T0: or :T1");
  Time start = from.empty() ? 0 : FromSeconds(ParseSeconds(from, flag));
  Time end = to.empty() ? kNever : FromSeconds(ParseSeconds(to, flag));
  if (end <= start) throw InputError(flag + ": the window is empty (T1 must be later than T0)");
  options->window_start = start;
  options->window_end = end;
  options->window_text = text;
}

std::uint64_t ParseTraceMax(const std::string& text) {
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    throw InputError("--trace-max " + text + ": expected a number of records (an integer >= 0)");
  }
  return n;
}

TraceTap::TraceTap(const TraceOptions& options) : options_(options), bodies_(std::make_unique<BodyCache>()) {}

TraceTap::~TraceTap() {
  if (file_ != nullptr && file_ != stdout) std::fclose(file_);
  if (!finished_ && !temp_path_.empty()) DiscardTemp(temp_path_);
}

std::unique_ptr<TraceTap> OpenTrace(const TraceOptions& options) {
  if (options.path.empty()) throw InputError("--trace: expected a file name");
  std::unique_ptr<TraceTap> tap(new TraceTap(options));
  if (options.path == "-") {
    if (options.format == TraceFormat::kPcap) {
      throw InputError("--trace -: a pcap trace needs a file (--trace-text prints text to stdout)");
    }
    tap->file_ = stdout;
  } else {
    // Found now, before the run, and not when the trace is renamed into place at its end.
    std::error_code ec;
    if (std::filesystem::is_directory(options.path, ec)) {
      throw InputError("--trace " + options.path + ": expected a file to write, found a directory");
    }
    std::string error;
    std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
    if (!parent.empty() && !MakeDirectories(parent.string(), &error)) throw InputError("--trace: " + error);
    RemoveStaleTemps(parent.string());
    int fd = CreateTempBeside(options.path, &tap->temp_path_, &error);
    if (fd < 0) throw InputError("--trace: " + error);
    tap->file_ = fdopen(fd, "wb");
    if (tap->file_ == nullptr) {
      close(fd);
      throw InputError("--trace: cannot open " + tap->temp_path_ + ": " + std::strerror(errno));
    }
    std::setvbuf(tap->file_, nullptr, _IOFBF, 1 << 20);
  }
  if (options.format == TraceFormat::kPcap) {
    // The classic pcap global header, with the nanosecond magic: simulated time is an integer
    // count of nanoseconds, and messages routed within the same microsecond keep distinct stamps.
    char h[24];
    PutLe32(h, kPcapMagicNanoseconds);
    h[4] = 2, h[5] = 0, h[6] = 4, h[7] = 0;  // version 2.4
    PutLe32(h + 8, 0);                       // thiszone
    PutLe32(h + 12, 0);                      // sigfigs
    PutLe32(h + 16, kPcapSnapLen);
    PutLe32(h + 20, kLinkTypeDbus);
    tap->Write(h, sizeof h);
  }
  return tap;
}

void TraceTap::Write(const void* data, std::size_t size) {
  if (!write_error_.empty() || size == 0) return;
  if (std::fwrite(data, 1, size, file_) != size) {
    write_error_ = "cannot write " + options_.path + ": " + std::strerror(errno);
  }
}

bool TraceTap::Wants(Time t) {
  ++counts_.routed;
  if (t < options_.window_start || t >= options_.window_end) {
    ++counts_.outside_window;
    return false;
  }
  if (options_.max_records && counts_.written >= *options_.max_records) {
    ++counts_.left_out;
    return false;
  }
  return true;
}

void TraceTap::Routed(const TracedMessage& m) {
  ++counts_.written;
  if (options_.format == TraceFormat::kPcap) {
    WritePcapRecord(m);
  } else {
    WriteTextEntry(m);
  }
}

void TraceTap::WritePcapRecord(const TracedMessage& m) {
  bool opaque = false, longer = false;
  std::string message = Marshal(
      m, [&](const std::string& signature, std::uint32_t length) { return bodies_->Get(signature, length); },
      &opaque, &longer);
  if (opaque) ++counts_.opaque_bodies;
  if (longer) ++counts_.longer_than_traced;
  const std::uint32_t length = static_cast<std::uint32_t>(message.size());
  const std::uint32_t captured = length < kPcapSnapLen ? length : kPcapSnapLen;
  const Time t = m.time < 0 ? 0 : m.time;
  char h[16];
  PutLe32(h, static_cast<std::uint32_t>(t / kSecond));
  PutLe32(h + 4, static_cast<std::uint32_t>(t % kSecond));
  PutLe32(h + 8, captured);
  PutLe32(h + 12, length);
  Write(h, sizeof h);
  Write(message.data(), captured);
}

void TraceTap::WriteTextEntry(const TracedMessage& m) {
  // As `busctl monitor` prints a message (systemd's bus_message_dump()), with the simulated time
  // for the timestamp and, in place of the body's values, its signature and size.
  const bool call = m.type == "method_call";
  std::string& b = buffer_;
  b.clear();
  char num[96];
  b += "\xe2\x80\xa3 Type=";  // U+2023 TRIANGULAR BULLET
  b += m.type;
  std::snprintf(num, sizeof num, "  Endian=l  Flags=%d  Version=1 Cookie=%u", call ? 0 : 1,
                m.serial != 0 ? m.serial : 0xffffffffu);
  b += num;
  if (m.reply_serial != 0) {
    std::snprintf(num, sizeof num, "  ReplyCookie=%u", m.reply_serial);
    b += num;
  }
  const Time t = m.time < 0 ? 0 : m.time;
  std::snprintf(num, sizeof num, "  Timestamp=%lld.%09lld\n", static_cast<long long>(t / kSecond),
                static_cast<long long>(t % kSecond));
  b += num;
  auto field = [&b](const char* name, const std::string& value) {
    if (value.empty()) return;
    b += "  ";
    b += name;
    b += '=';
    b += value;
  };
  field("Sender", m.sender);
  field("Destination", m.destination);
  field("Path", m.path);
  field("Interface", m.interface);
  field("Member", m.member);
  b += '\n';
  if (!m.error_name.empty()) {
    b += "  ErrorName=";
    b += m.error_name;
    b += '\n';
  }
  std::snprintf(num, sizeof num, "\" (%u bytes, %d recipient%s)\n\n", m.bytes, m.recipients,
                m.recipients == 1 ? "" : "s");
  b += "  MESSAGE \"";
  b += m.signature;
  b += num;
  Write(b.data(), b.size());
}

bool TraceTap::Finish(std::string* error) {
  if (finished_) return true;
  if (file_ == stdout) {
    if (std::fflush(stdout) != 0 && write_error_.empty()) write_error_ = "cannot write the trace to stdout";
    file_ = nullptr;
    finished_ = write_error_.empty();
    if (!finished_) *error = write_error_;
    return finished_;
  }
  if (write_error_.empty() && std::fflush(file_) != 0) {
    write_error_ = "cannot write " + options_.path + ": " + std::strerror(errno);
  }
  // Like every other output file (WriteFileAtomically): the mode open() would give, flushed to
  // disk, then renamed over the destination.
  if (write_error_.empty()) SyncTemp(fileno(file_), options_.path, &write_error_);
  if (std::fclose(file_) != 0 && write_error_.empty()) {
    write_error_ = "cannot close " + options_.path + ": " + std::strerror(errno);
  }
  file_ = nullptr;
  if (write_error_.empty() && !RenameTemp(temp_path_, options_.path, &write_error_)) {
    *error = write_error_;
    return false;
  }
  if (!write_error_.empty()) {
    DiscardTemp(temp_path_);
    *error = write_error_;
    return false;
  }
  finished_ = true;
  return true;
}

std::string TraceTap::Report() const {
  std::string r = "trace     " + WithCommas(counts_.written) + (counts_.written == 1 ? " message" : " messages") +
                  " written to " + (options_.path == "-" ? std::string("stdout") : options_.path) +
                  (options_.format == TraceFormat::kPcap ? " (pcap, D-Bus link type 231)" : " (text)");
  if (counts_.outside_window > 0) {
    r += ", " + WithCommas(counts_.outside_window) + " outside --trace-window " + options_.window_text;
  }
  if (counts_.left_out > 0) {
    r += ", " + WithCommas(counts_.left_out) + " left out by --trace-max " + std::to_string(*options_.max_records);
  }
  if (counts_.opaque_bodies > 0) {
    r += "; " + WithCommas(counts_.opaque_bodies) + " with an opaque body (no signature: see docs/TRACES.md)";
  }
  if (counts_.longer_than_traced > 0) {
    r += "; " + WithCommas(counts_.longer_than_traced) + " longer than traced (header alone exceeds the size)";
  }
  return r;
}

}  // namespace mountstorm
