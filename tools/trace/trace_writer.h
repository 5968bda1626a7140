// Message traces of a run (`mountstorm run ... --trace FILE`): every D-Bus message dbus-daemon
// routes, written as it is routed, either
//   - as a pcap file with the D-Bus link type (LINKTYPE_DBUS = 231), one record per message holding
//     a real marshalled D-Bus message (header fields PATH, INTERFACE, MEMBER, ERROR_NAME,
//     REPLY_SERIAL, DESTINATION, SENDER, SIGNATURE; a body of the modelled size), so that tshark and
//     Wireshark dissect it as they dissect a `busctl capture`; or
//   - as text, one busctl-monitor-like entry per message (--trace-text).
// --trace-window T0:T1 keeps the messages routed in [T0, T1) (simulated seconds); --trace-max N
// stops writing after N records. docs/TRACES.md describes the records and their limits.
//
// A file is streamed to a temporary file beside it and renamed into place by Finish(), so a reader
// never sees half a trace and the trace is never held in memory.
#ifndef MOUNTSTORM_TOOLS_TRACE_TRACE_WRITER_H_
#define MOUNTSTORM_TOOLS_TRACE_TRACE_WRITER_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "mountstorm/time.h"
#include "mountstorm/trace.h"

namespace mountstorm {

enum class TraceFormat { kPcap, kText };

struct TraceOptions {
  std::string path;                       // the file to write; "-" is stdout (text only)
  TraceFormat format = TraceFormat::kPcap;
  Time window_start = 0;                  // keep messages routed at window_start <= t < window_end
  Time window_end = kNever;
  std::string window_text;                // the --trace-window argument as given, for the report
  std::optional<std::uint64_t> max_records;  // --trace-max: write at most this many
};

// Parses --trace-window "T0:T1" (simulated seconds, T0 < T1; either side may be empty: "T0:" runs
// to the end, ":T1" from the start) into *options. Throws InputError naming the flag.
void ParseTraceWindow(const std::string& text, TraceOptions* options);
// Parses --trace-max N (a non-negative integer). Throws InputError naming the flag.
std::uint64_t ParseTraceMax(const std::string& text);

struct TraceCounts {
  std::uint64_t routed = 0;          // messages offered to the tap (Wants)
  std::uint64_t outside_window = 0;  // routed outside --trace-window
  std::uint64_t left_out = 0;        // in the window, but after --trace-max records were written
  std::uint64_t written = 0;         // records written
  // pcap only: bodies that could not be a marshalling of the signature at exactly the traced
  // size (written as opaque zero bytes without a SIGNATURE field), and messages whose header
  // alone is longer than the traced size (written as the header with an empty body).
  std::uint64_t opaque_bodies = 0;
  std::uint64_t longer_than_traced = 0;
};

class TraceTap : public MessageTap {
 public:
  // Removes the temporary file unless Finish() succeeded.
  ~TraceTap() override;
  TraceTap(const TraceTap&) = delete;
  TraceTap& operator=(const TraceTap&) = delete;

  // Counts the message routed at t and says whether it is written: inside --trace-window and
  // before --trace-max records.
  bool Wants(Time t) override;
  // Writes a message Wants() accepted.
  void Routed(const TracedMessage& m) override;

  // Flushes the trace and renames it into place. Returns false and sets *error on failure.
  bool Finish(std::string* error);
  const TraceCounts& counts() const { return counts_; }
  // One line for the run's printout, e.g.
  // "trace     65 messages written to out/t.pcap (pcap, D-Bus link type 231)".
  std::string Report() const;

 private:
  friend std::unique_ptr<TraceTap> OpenTrace(const TraceOptions& options);
  explicit TraceTap(const TraceOptions& options);
  void Write(const void* data, std::size_t size);
  void WritePcapRecord(const TracedMessage& m);
  void WriteTextEntry(const TracedMessage& m);

  TraceOptions options_;
  TraceCounts counts_;
  std::FILE* file_ = nullptr;
  std::string temp_path_;  // empty when writing to stdout
  std::string write_error_;
  bool finished_ = false;
  std::string buffer_;     // scratch for one record
  struct BodyCache;
  std::unique_ptr<BodyCache> bodies_;
};

// Opens the trace: creates the file's directory if needed and a temporary file beside the file,
// and for pcap writes the global header. Throws InputError if the path cannot be written.
std::unique_ptr<TraceTap> OpenTrace(const TraceOptions& options);

// The D-Bus message a pcap record holds for `m` (exposed for the tests). *opaque is set when the
// body is opaque bytes without a SIGNATURE field, *longer when the header alone exceeds m.bytes.
std::string MarshalTracedMessage(const TracedMessage& m, bool* opaque = nullptr, bool* longer = nullptr);

constexpr std::uint32_t kLinkTypeDbus = 231;
constexpr std::uint32_t kPcapMagicNanoseconds = 0xa1b23c4du;
constexpr std::uint32_t kPcapSnapLen = 134217728;  // 128 MiB: the largest D-Bus message

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_TRACE_TRACE_WRITER_H_
