// mountstorm run: one scenario simulated, its three result files written, a short summary printed.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/command_line.h"
#include "cli/measures_text.h"
#include "cli/commands.h"
#include "cli/scenario_input.h"
#include "io/atomic_file.h"
#include "io/output_dir.h"
#include "io/text_io.h"
#include "mountstorm/error.h"
#include "mountstorm/result_files.h"
#include "mountstorm/run.h"
#include "trace/trace_writer.h"

namespace mountstorm {

namespace {

const char kRunUsage[] =
    "usage: mountstorm run SCENARIO.json -o DIR [--seed N] [--profile NAME] [--mountinfo FILE]\n"
    "                      [--set /json/path=value ...] [--engine trains|messages]\n"
    "                      [--trace FILE [--trace-text] [--trace-window T0:T1] [--trace-max N]]\n"
    "                      [--max-events N] [--max-sim-time-s S] [--max-memory-mib M]\n"
    "                      [--measures] [--drops FILE.csv]\n"
    "\n"
    "Simulates the scenario and writes DIR/summary.json, DIR/curves.csv (the maximum depth of\n"
    "every queue per sample interval) and DIR/events.csv (mounts, scans and logins in time\n"
    "order); the same scenario and seed give byte-identical files (docs/OUTPUTS.md). It also\n"
    "writes DIR/scenario.json, the scenario after --profile, --set, --seed and --mountinfo\n"
    "(`mountstorm run DIR/scenario.json` gives the same files again), and, last,\n"
    "DIR/manifest.json: the files with their sizes and SHA-256, the command line and version.\n"
    "DIR/measures.json and DIR/measures.csv hold the station measures: each queue's time-averaged\n"
    "level and mean sojourn, each process's utilisation, over the storm window and the run, and\n"
    "the delay of PID 1's signals to logind; --measures prints them too. --drops FILE.csv writes\n"
    "a row per run of refusals of a queue (- for standard output instead of the summary).\n"
    "SCENARIO - reads the scenario from standard input; -o - prints summary.json on standard\n"
    "output and writes no directory. Prints a short summary. --trace FILE also writes every D-Bus message the bus routes, as a pcap for\n"
    "tshark and Wireshark (docs/TRACES.md). A run that would take more events, simulated time or\n"
    "memory than its budget stops with exit status 2 and writes nothing; one known to need more\n"
    "memory is refused before it starts (docs/SCENARIOS.md, \"Run budgets\").\n";

// The options of --trace, when given.
struct TraceArgs {
  std::optional<std::string> path, window, max;
  bool text = false;

  std::optional<TraceOptions> Options() const {
    if (!path) {
      if (text || window || max) throw InputError("run: --trace-text, --trace-window and --trace-max need --trace FILE");
      return std::nullopt;
    }
    TraceOptions t;
    t.path = *path;
    if (text) t.format = TraceFormat::kText;
    if (window) ParseTraceWindow(*window, &t);
    if (max) t.max_records = ParseTraceMax(*max);
    return t;
  }
};

void PrintCounts(const RunResult& s, std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "%-16s %12s %12s %10s %10s\n", "messages", "sent", "received", "enobufs",
                "full_queue");
  out << line;
  for (const PeerMessages& m : s.messages) {
    std::snprintf(line, sizeof line, "%-16s %12s %12s %10s %10s\n", m.peer.c_str(), WithCommas(m.sent).c_str(),
                  WithCommas(m.received).c_str(), WithCommas(m.dropped_enobufs).c_str(),
                  WithCommas(m.dropped_full_queue).c_str());
    out << line;
  }
  out << "\n";
  std::snprintf(line, sizeof line, "%-24s %-8s %12s %12s %9s %9s %10s %9s\n", "queue", "unit", "limit", "peak",
                "peak at", "onset", "refused", "drained");
  out << line;
  for (const QueueResult& q : s.queues) {
    if (q.peak == 0) continue;
    std::snprintf(line, sizeof line, "%-24s %-8s %12s %12s %9s %9s %10s %9s\n", q.name.c_str(), QueueUnitName(q.unit),
                  WithCommas(static_cast<std::uint64_t>(q.limit)).c_str(),
                  WithCommas(static_cast<std::uint64_t>(q.peak)).c_str(), FormatTimeSeconds(q.peak_time).c_str(),
                  FormatTimeSeconds(q.first_refusal).c_str(), WithCommas(q.refused).c_str(),
                  FormatTimeSeconds(q.drained).c_str());
    out << line;
  }
  out << "(queues that stayed empty are omitted; times in simulated seconds)\n";
}

// One line per peer the relay disconnected (dbus-broker), e.g.
// "relay     dbus-broker disconnected logind at 26.251 s: a signal it subscribed to, uid 0 bytes ..."
void PrintDisconnects(const RelayResult& relay, std::ostream& out) {
  for (const DisconnectResult& d : relay.disconnects) {
    out << "relay     " << relay.program << " disconnected " << d.peer << " at " << FormatTimeSeconds(d.at)
        << " s (" << d.cause << "): uid " << d.uid << " " << d.slot << " " << WithCommas(d.amount) << " asked, "
        << WithCommas(d.remaining) << " left, " << WithCommas(d.messages) << " messages to it in all\n";
  }
}

void PrintSummary(const RunResult& s, std::ostream& out) {
  char line[256];
  out << "scenario  " << s.scenario << " (profile " << s.profile << ", seed " << s.seed << ")\n";
  out << "simulated " << FormatTimeSeconds(s.end_time) << " s, " << WithCommas(s.events) << " events, stopped by "
      << (s.stopped_by == StopReason::kStopAt ? "stop_at" : "quiescence") << "\n";
  std::snprintf(line, sizeof line, "scans     %s, %.0f lines on average, %.2f new mounts per scan\n",
                WithCommas(s.scans.count).c_str(), s.scans.mean_table_lines, s.scans.mean_new_mounts_per_scan);
  out << line;
  const LoginResult& logins = s.logins;
  if (logins.attempts > 0) {
    std::snprintf(line, sizeof line,
                  "logins    %llu: %llu succeeded (latency p50 %s s, max %s s), failed: %llu ENOBUFS, %llu timeout, "
                  "%llu LimitsExceeded\n",
                  static_cast<unsigned long long>(logins.attempts), static_cast<unsigned long long>(logins.succeeded),
                  FormatTimeSeconds(logins.latency.p50).c_str(), FormatTimeSeconds(logins.latency.max).c_str(),
                  static_cast<unsigned long long>(logins.failed_enobufs),
                  static_cast<unsigned long long>(logins.failed_timeout),
                  static_cast<unsigned long long>(logins.failed_limits_exceeded));
    out << line;
  }
  PrintDisconnects(s.relay, out);
  out << "\n";
  PrintCounts(s, out);
}

// Writes the run's files into `out`: the three results, the effective scenario (and the copy of
// its mount table), then manifest.json.
void WriteRunDir(OutputDir& out, const RunResult& result, const ScenarioInput& input, TraceTap* trace) {
  out.Add("summary.json", SummaryJsonText(result));
  out.Add("curves.csv", CurvesCsvText(result.curves));
  out.Add("events.csv", EventsCsvText(result.event_log));
  out.Add("measures.json", MeasuresJsonText(result));
  out.Add("measures.csv", MeasuresCsvText(result.measures));
  out.Add("scenario.json", input.EffectiveText());
  if (input.mountinfo) out.Add(kMountinfoCopyName, *input.mountinfo);
  std::string error;
  if (trace && !trace->Finish(&error)) throw InputError(error);
  out.Commit(input.inputs);
}

}  // namespace

namespace {

// --drops FILE: refused before the run unless its directory exists.
void CheckDropsPath(const std::optional<std::string>& drops) {
  if (!drops || *drops == "-") return;
  const std::filesystem::path dir = std::filesystem::path(*drops).parent_path();
  std::error_code ec;
  if (drops->empty() || (!dir.empty() && !std::filesystem::is_directory(dir, ec))) {
    throw InputError("run: --drops " + *drops + ": expected a file in an existing directory, found no directory " +
                     (dir.empty() ? std::string("''") : dir.string()));
  }
}

// drops.csv into FILE (atomically), or on standard output for -.
void WriteDrops(const std::optional<std::string>& drops, const RunResult& result) {
  if (!drops) return;
  const std::string text = DropsCsvText(result.measures.refusal_runs);
  if (*drops == "-") {
    std::cout << text << std::flush;
    return;
  }
  std::string error;
  if (!WriteFileAtomically(*drops, text, &error)) throw InputError("run: --drops: " + error);
}

// run -o -: summary.json on standard output, no directory and nothing else (but --drops FILE).
int RunToStdout(const std::string& path, const std::vector<std::string>& sets,
                const std::optional<TraceOptions>& trace_options, RunOptions options,
                const std::optional<std::string>& drops) {
  if (trace_options && trace_options->path == "-") {
    throw InputError("run: -o - and --trace - both write to standard output; give one of them a file");
  }
  if (drops && *drops == "-") {
    throw InputError("run: -o - and --drops - both write to standard output; give one of them a file");
  }
  CheckDropsPath(drops);
  const Scenario scenario = LoadScenarioArg(path, sets);
  CheckMemoryBudget(scenario, options.budget);
  std::unique_ptr<TraceTap> trace;
  if (trace_options) trace = OpenTrace(*trace_options);
  options.tap = trace.get();
  options.measures = true;
  const RunResult result = RunScenario(scenario, options);
  std::string error;
  if (trace && !trace->Finish(&error)) throw InputError(error);
  WriteDrops(drops, result);
  std::cout << SummaryJsonText(result);
  return kExitOk;
}

}  // namespace

int RunCommand(const CommandArgs& args) {
  std::string scenario_path, out_dir;
  std::vector<std::string> sets;
  TraceArgs trace_args;
  RunBudget budget;
  bool quiet = false, json = false, measures = false;
  std::optional<std::string> drops;
  Engine engine = Engine::kTrains;
  CommandLine cl("run", kRunUsage);
  cl.Scenario(&scenario_path)
      .Output(&out_dir, "directory for summary.json, curves.csv, events.csv, scenario.json and manifest.json "
                        "(created if needed); - prints summary.json on standard output")
      .EngineOption(&engine)
      .Overrides(&sets)
      .Text("trace", &trace_args.path, "write every D-Bus message the bus routes to FILE: a pcap (D-Bus link type, for tshark and Wireshark), or text with --trace-text (- for stdout)")
      .Flag("trace-text", &trace_args.text, "write the trace as busctl-monitor-like text instead of pcap")
      .Text("trace-window", &trace_args.window, "trace only messages routed from T0 up to T1 (simulated seconds, T0:T1, T0: or :T1)")
      .Text("trace-max", &trace_args.max, "stop tracing after N messages (the rest are counted as left out)")
      .Flag("json", &json, "print summary.json on standard output instead of the table")
      .Flag("measures", &measures, "print the station measures (measures.json) after the summary")
      .Text("drops", &drops, "write a row per run of refusals of a queue to FILE.csv (- for standard output, instead of the summary)")
      .Budget(&budget)
      .Quiet(&quiet);
  if (!cl.Parse(args)) return kExitOk;
  const std::optional<TraceOptions> trace_options = trace_args.Options();
  if (out_dir == "-") {
    if (measures) throw InputError("run: --measures prints a table, -o - only summary.json; drop one of them");
    return RunToStdout(scenario_path, sets, trace_options, RunOptions{engine, nullptr, budget}, drops);
  }
  if (drops && *drops == "-" && json) throw InputError("run: --json and --drops - both write to standard output; give --drops a file");
  const ScenarioInput input = ReadScenarioInput(scenario_path, sets);
  const Scenario scenario = input.doc.Parse();
  CheckMemoryBudget(scenario, budget);  // a run known to be too big is refused before anything is made

  // Every output path is checked before the run: the directory, then the trace.
  OutputDir out(out_dir, "-o");
  std::unique_ptr<TraceTap> trace;
  if (trace_options) trace = OpenTrace(*trace_options);
  CheckDropsPath(drops);
  const auto started = std::chrono::steady_clock::now();
  // Over its budget the run throws, and `out` removes what it made (nothing is written yet).
  const RunResult result = RunScenario(scenario, RunOptions{engine, trace.get(), budget, true});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!drops || *drops != "-") WriteDrops(drops, result);
  WriteRunDir(out, result, input, trace.get());
  if (drops && *drops == "-") {
    WriteDrops(drops, result);
  } else if (json && !quiet) {
    std::cout << SummaryJsonText(result) << std::flush;
  } else if (!quiet) {
    PrintSummary(result, std::cout);
    if (measures) PrintMeasures(result, std::cout);
    std::cout << "wrote " << out_dir << "/summary.json, " << out_dir << "/curves.csv and events.csv" << std::endl;
    if (trace) std::cout << trace->Report() << std::endl;
    std::fprintf(stderr, "(wall time %.2f s)\n", wall);
  }
  return kExitOk;
}

}  // namespace mountstorm
