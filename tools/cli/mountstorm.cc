// mountstorm: the command-line program.
//
//   mountstorm run SCENARIO.json -o DIR [--seed N] [--set /json/path=value ...]
//   mountstorm validate SCENARIO.json [--set ...]
//   mountstorm params [--json]
//
// Exit status: 0 on success, 2 on bad input (a scenario, an override, a flag), 1 on an internal
// error. Errors go to stderr as "mountstorm: ..."; results to stdout and to files written
// atomically.
#include <charconv>
#include <chrono>
#include <filesystem>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include <boost/program_options.hpp>

#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "mountstorm/scenario.h"
#include "tools/atomic_file.h"
#include "tools/cli_util.h"
#include "tools/compare.h"
#include "tools/graph.h"
#include "tools/planner.h"
#include "tools/plot.h"
#include "tools/report.h"
#include "tools/sweep_runner.h"
#include "tools/trace_writer.h"
#include "tools/sweep_spec.h"

namespace po = boost::program_options;

namespace mountstorm {
namespace {

const char kUsage[] =
    "usage: mountstorm <command> [options]\n"
    "\n"
    "A deterministic discrete-event simulator of the Linux message pipeline\n"
    "  kernel mount table -> systemd (PID 1) -> sd-bus -> dbus-daemon -> systemd-logind\n"
    "for studying mount storms: how many D-Bus messages a burst of mounts produces, which\n"
    "queue fills, and when sends fail with ENOBUFS.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.json -o DIR   simulate; write DIR/summary.json, curves.csv and events.csv\n"
    "  validate SCENARIO.json     check a scenario file and print what it sets up\n"
    "  params [--json]            list every scenario parameter with its default\n"
    "  profiles [--json]          list the systemd versions a scenario can start from\n"
    "  plot DIR -o FILE.svg       draw a run's queues over time, or a sweep's outcome (SVG)\n"
    "  report DIR -o FILE.html    one self-contained page: summary tables, plots, scenario\n"
    "  graph SCENARIO.json        print the bus topology as Graphviz DOT\n"
    "  patches                    list the patches of PID 1 a scenario can apply\n"
    "  compare SCENARIO --a X --b Y  run two variants side by side (profiles, patches)\n"
    "  headroom SCENARIO.json     each queue's peak against its limit, and the bottleneck\n"
    "  critical SCENARIO.json --axis PATH   the smallest value at which a queue overflows\n"
    "  size SCENARIO.json --queue NAME      the smallest limit with no refusal, and its memory\n"
    "  scaling SCENARIO.json --axis PATH --from A --to B   message volume and safe storm vs limit\n"
    "  sweep SWEEP.json -o DIR    run a parameter sweep (parallel, resumable, shardable)\n"
    "  merge -o OUT DIR...        combine the directories of a sweep's shards\n"
    "\n"
    "options:\n"
    "  -h, --help                 show this help (also: mountstorm <command> --help)\n"
    "  --version                  print the version\n"
    "\n"
    "exit status: 0 success, 1 internal error, 2 bad input.\n"
    "docs: README.md, docs/SCENARIOS.md (format), docs/MODEL.md (parameters and sources).\n";

void PrintSummary(const nlohmann::json& s, std::ostream& out) {
  char line[256];
  out << "scenario  " << s["scenario"].get<std::string>() << " (profile " << s["profile"].get<std::string>()
      << ", seed " << s["seed"].get<std::uint64_t>() << ")\n";
  out << "simulated " << FormatSeconds(s["end_time_s"]) << " s, " << WithCommas(s["events"].get<std::uint64_t>())
      << " events, stopped by " << s["stopped_by"].get<std::string>() << "\n";
  const nlohmann::json& scans = s["scans"];
  std::snprintf(line, sizeof line, "scans     %s, %.0f lines on average, %.2f new mounts per scan\n",
                WithCommas(scans["count"].get<std::uint64_t>()).c_str(), scans["mean_table_lines"].get<double>(),
                scans["mean_new_mounts_per_scan"].get<double>());
  out << line;
  const nlohmann::json& logins = s["logins"];
  if (logins["attempts"].get<std::uint64_t>() > 0) {
    const nlohmann::json& failed = logins["failed"];
    std::snprintf(line, sizeof line,
                  "logins    %llu: %llu succeeded (latency p50 %s s, max %s s), failed: %llu ENOBUFS, %llu timeout, "
                  "%llu LimitsExceeded\n",
                  static_cast<unsigned long long>(logins["attempts"].get<std::uint64_t>()),
                  static_cast<unsigned long long>(logins["succeeded"].get<std::uint64_t>()),
                  FormatSeconds(logins["latency_s"]["p50"]).c_str(), FormatSeconds(logins["latency_s"]["max"]).c_str(),
                  static_cast<unsigned long long>(failed["enobufs"].get<std::uint64_t>()),
                  static_cast<unsigned long long>(failed["timeout"].get<std::uint64_t>()),
                  static_cast<unsigned long long>(failed["limits_exceeded"].get<std::uint64_t>()));
    out << line;
  }
  out << "\n";

  std::snprintf(line, sizeof line, "%-16s %12s %12s %10s %10s\n", "messages", "sent", "received", "enobufs",
                "full_queue");
  out << line;
  for (auto it = s["messages"].begin(); it != s["messages"].end(); ++it) {
    const nlohmann::json& m = it.value();
    std::snprintf(line, sizeof line, "%-16s %12s %12s %10s %10s\n", it.key().c_str(),
                  WithCommas(m["sent"].get<std::uint64_t>()).c_str(),
                  WithCommas(m["received"].get<std::uint64_t>()).c_str(),
                  WithCommas(m["dropped"]["enobufs"].get<std::uint64_t>()).c_str(),
                  WithCommas(m["dropped"]["full_queue"].get<std::uint64_t>()).c_str());
    out << line;
  }
  out << "\n";
  std::snprintf(line, sizeof line, "%-24s %-8s %12s %12s %9s %9s %10s %9s\n", "queue", "unit", "limit", "peak",
                "peak at", "onset", "refused", "drained");
  out << line;
  for (auto it = s["queues"].begin(); it != s["queues"].end(); ++it) {
    const nlohmann::json& q = it.value();
    if (q["peak"].get<std::int64_t>() == 0) continue;
    std::snprintf(line, sizeof line, "%-24s %-8s %12s %12s %9s %9s %10s %9s\n", it.key().c_str(),
                  q["unit"].get<std::string>().c_str(), WithCommas(q["limit"].get<std::uint64_t>()).c_str(),
                  WithCommas(q["peak"].get<std::uint64_t>()).c_str(), FormatSeconds(q["peak_time_s"]).c_str(),
                  FormatSeconds(q["enobufs_onset_s"]).c_str(), WithCommas(q["refused"].get<std::uint64_t>()).c_str(),
                  FormatSeconds(q["drained_s"]).c_str());
    out << line;
  }
  out << "(queues that stayed empty are omitted; times in simulated seconds)\n";
}

int RunCommand(const std::vector<std::string>& args) {
  po::options_description options("run options");
  std::string scenario_path, out_dir;
  std::vector<std::string> sets;
  options.add_options()
      ("help,h", "show this help")
      ("scenario", po::value(&scenario_path)->required(), "scenario file (JSON)")
      ("output,o", po::value(&out_dir)->required(), "directory for summary.json, curves.csv and events.csv (created if needed)")
      ("seed", po::value<std::string>(), "seed of the run (overrides the scenario's \"seed\")")
      ("profile", po::value<std::string>(), "systemd version whose defaults the scenario starts from (see mountstorm profiles)")
      ("mountinfo", po::value<std::string>(), "start from this real mount table, e.g. /proc/self/mountinfo (before the scenario's own entries)")
      ("set", po::value(&sets)->composing(), "override a scenario value: /json/path=value (repeatable; value is JSON, else a string)")
      ("trace", po::value<std::string>(), "write every D-Bus message the bus routes to FILE: a pcap (D-Bus link type, for tshark and Wireshark), or text with --trace-text (- for stdout)")
      ("trace-text", "write the trace as busctl-monitor-like text instead of pcap")
      ("trace-window", po::value<std::string>(), "trace only messages routed from T0 up to T1 (simulated seconds, T0:T1, T0: or :T1)")
      ("trace-max", po::value<std::string>(), "stop tracing after N messages (the rest are counted as left out)")
      ("quiet,q", "print nothing on success");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  const char* usage =
      "usage: mountstorm run SCENARIO.json -o DIR [--seed N] [--profile NAME] [--mountinfo FILE]\n"
      "                      [--set /json/path=value ...]\n"
      "                      [--trace FILE [--trace-text] [--trace-window T0:T1] [--trace-max N]]\n"
      "\n"
      "Simulates the scenario and writes DIR/summary.json, DIR/curves.csv (the maximum depth of\n"
      "every queue per sample interval) and DIR/events.csv (mounts, scans and logins in time\n"
      "order); the same scenario and seed give byte-identical files (docs/OUTPUTS.md). Prints a\n"
      "short summary. --trace FILE also writes every D-Bus message the bus routes, as a pcap for\n"
      "tshark and Wireshark (docs/TRACES.md).\n";
  if (!ParseCommand("run", args, options, positional, usage, &vm)) return kExitOk;
  std::optional<TraceOptions> trace_options;
  if (vm.count("trace")) {
    TraceOptions t;
    t.path = vm["trace"].as<std::string>();
    if (vm.count("trace-text")) t.format = TraceFormat::kText;
    if (vm.count("trace-window")) ParseTraceWindow(vm["trace-window"].as<std::string>(), &t);
    if (vm.count("trace-max")) t.max_records = ParseTraceMax(vm["trace-max"].as<std::string>());
    trace_options = t;
  } else if (vm.count("trace-text") || vm.count("trace-window") || vm.count("trace-max")) {
    throw InputError("run: --trace-text, --trace-window and --trace-max need --trace FILE");
  }

  // The seed is checked first: a bad flag is reported before the scenario file is read.
  std::optional<std::uint64_t> seed;
  if (vm.count("seed")) seed = ParseSeed(vm["seed"].as<std::string>());
  AddProfileOverride(vm, &sets);
  if (vm.count("mountinfo")) {
    nlohmann::json path = std::filesystem::absolute(vm["mountinfo"].as<std::string>()).string();
    sets.push_back("/mount_table/mountinfo_file=" + path.dump());
  }
  Scenario scenario = LoadScenarioFile(scenario_path, sets);
  if (seed) scenario.seed = *seed;

  std::string error;
  if (!MakeDirectories(out_dir, &error)) throw InputError(error);
  std::unique_ptr<TraceTap> trace;
  if (trace_options) trace = OpenTrace(*trace_options);
  auto started = std::chrono::steady_clock::now();
  RunResult result = RunScenario(scenario, trace.get());
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const std::string summary_path = out_dir + "/summary.json";
  const std::string curves_path = out_dir + "/curves.csv";
  if (!WriteFileAtomically(summary_path, SummaryText(result.summary), &error) ||
      !WriteFileAtomically(curves_path, result.curves_csv, &error) ||
      !WriteFileAtomically(out_dir + "/events.csv", result.events_csv, &error)) {
    std::cerr << "mountstorm: " << error << "\n";
    return kExitInput;
  }
  if (trace && !trace->Finish(&error)) {
    std::cerr << "mountstorm: " << error << "\n";
    return kExitInput;
  }
  if (!vm.count("quiet")) {
    PrintSummary(result.summary, std::cout);
    std::cout << "wrote " << summary_path << ", " << curves_path << " and events.csv" << std::endl;
    if (trace) std::cout << trace->Report() << std::endl;
    std::fprintf(stderr, "(wall time %.2f s)\n", wall);
  }
  return kExitOk;
}

int ValidateCommand(const std::vector<std::string>& args) {
  po::options_description options("validate options");
  std::string scenario_path;
  std::vector<std::string> sets;
  options.add_options()
      ("help,h", "show this help")
      ("scenario", po::value(&scenario_path)->required(), "scenario file (JSON)")
      ("profile", po::value<std::string>(), "systemd version whose defaults the scenario starts from")
      ("set", po::value(&sets)->composing(), "override a scenario value: /json/path=value (repeatable)");
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  const char* usage =
      "usage: mountstorm validate SCENARIO.json [--set /json/path=value ...]\n"
      "\n"
      "Checks a scenario: every key known, every value of the right type and in range. Exits 0\n"
      "and prints an overview if it is valid, 2 with the file, JSON path and problem if not.\n";
  if (!ParseCommand("validate", args, options, positional, usage, &vm)) return kExitOk;
  AddProfileOverride(vm, &sets);
  Scenario s = LoadScenarioFile(scenario_path, sets);
  std::size_t ops = 0;
  for (const WorkloadGenerator& g : s.workload) {
    ops += g.kind == WorkloadGenerator::Kind::kList ? g.ops.size() : static_cast<std::size_t>(g.count);
  }
  std::size_t logins = 0;
  for (const LoginGenerator& g : s.logins) logins += g.at.size() + static_cast<std::size_t>(g.count);
  std::cout << scenario_path << ": valid\n"
            << "  name " << s.name << ", profile " << s.profile << ", seed " << s.seed << "\n"
            << "  initial mount table: " << s.initial_mounts.size() << " entries\n"
            << "  workload: " << s.workload.size() << " generator(s), " << ops << " operation(s)"
            << " (plus expiries)\n"
            << "  clients: " << (s.logind_enabled ? "logind" : "no logind") << " and " << s.subscribers.size()
            << " other subscriber(s)\n"
            << "  logins: " << logins << " from " << s.logins.size() << " process(es)\n"
            << "  host: " << (s.cpus == 0 ? std::string("a CPU per process") : std::to_string(s.cpus) + " CPU(s)") << "\n";
  return kExitOk;
}

int ParamsCommand(const std::vector<std::string>& args) {
  po::options_description options("params options");
  options.add_options()("help,h", "show this help")("json", "print JSON instead of a table")(
      "profile", po::value<std::string>()->default_value("rhel7.7"), "show the defaults of this profile");
  po::positional_options_description positional;
  po::variables_map vm;
  const char* usage =
      "usage: mountstorm params [--json] [--profile NAME]\n"
      "\n"
      "Lists every parameter a scenario may set: its JSON path (* for any array index), its\n"
      "default (under the profile, rhel7.7 unless given) and its unit. docs/MODEL.md gives the\n"
      "source of each.\n";
  if (!ParseCommand("params", args, options, positional, usage, &vm)) return kExitOk;
  std::vector<ParameterInfo> params = ListParameters(vm["profile"].as<std::string>());
  if (vm.count("json")) {
    nlohmann::json j = nlohmann::json::array();
    for (const ParameterInfo& p : params) j.push_back({{"path", p.path}, {"default", nlohmann::json::parse(p.default_value)}, {"unit", p.unit}});
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  for (const ParameterInfo& p : params) {
    std::printf("%-52s %-22s %s\n", p.path.c_str(), p.default_value.c_str(), p.unit.c_str());
  }
  return kExitOk;
}

int SweepCommand(const std::vector<std::string>& args) {
  po::options_description options("sweep options");
  std::string sweep_path, out_dir, shard;
  int jobs = 0;
  options.add_options()
      ("help,h", "show this help")
      ("sweep", po::value(&sweep_path)->required(), "sweep file (JSON)")
      ("output,o", po::value(&out_dir)->required(), "directory of the sweep (created if needed; reused to resume)")
      ("jobs,j", po::value(&jobs), "runs at once (default: the number of CPUs)")
      ("shard", po::value(&shard), "run only slice I of N: I/N (default: from SLURM_ARRAY_TASK_ID/COUNT or "
                                    "JOB_COMPLETION_INDEX with MOUNTSTORM_SHARDS, else all)")
      ("quiet,q", "print nothing on success");
  po::positional_options_description positional;
  positional.add("sweep", 1);
  po::variables_map vm;
  const char* usage =
      "usage: mountstorm sweep SWEEP.json -o DIR [--jobs N] [--shard I/N]\n"
      "\n"
      "Runs every point and replication of a sweep (docs/SWEEPS.md) on N threads and writes\n"
      "DIR/results.csv, DIR/results.jsonl and DIR/aggregate.csv, identical whatever N. Each finished\n"
      "run is saved as it finishes: run the same command again after an interruption and only the\n"
      "missing runs are done. With a shard, only its slice runs; mountstorm merge combines the\n"
      "shards' directories.\n";
  if (!ParseCommand("sweep", args, options, positional, usage, &vm)) return kExitOk;
  SweepOptions o;
  ChooseShard(shard, &o);
  o.jobs = JobsOption(vm, jobs);
  o.progress = !vm.count("quiet") && isatty(2);
  SweepSpec spec = LoadSweepFile(sweep_path);
  SweepReport r = RunSweep(spec, out_dir, o);
  if (!vm.count("quiet")) {
    std::cout << sweep_path << ": shard " << o.shard << " of " << o.shards << ": " << r.runs_in_shard << " runs, "
              << r.already_done << " already done, " << r.ran << " run now\n"
              << "wrote " << out_dir << "/results.csv, results.jsonl and aggregate.csv" << std::endl;
  }
  return kExitOk;
}

int MergeCommand(const std::vector<std::string>& args) {
  po::options_description options("merge options");
  std::string out_dir;
  std::vector<std::string> dirs;
  options.add_options()
      ("help,h", "show this help")
      ("output,o", po::value(&out_dir)->required(), "directory for the merged results")
      ("dirs", po::value(&dirs)->composing(), "the shards' sweep directories");
  po::positional_options_description positional;
  positional.add("dirs", -1);
  po::variables_map vm;
  const char* usage =
      "usage: mountstorm merge -o OUT DIR...\n"
      "\n"
      "Combines the directories of a sweep's shards into OUT: exactly the results.csv,\n"
      "results.jsonl and aggregate.csv one unsharded run would write. Fails if a run is missing.\n";
  if (!ParseCommand("merge", args, options, positional, usage, &vm)) return kExitOk;
  MergeSweep(dirs, out_dir);
  std::cout << "merged " << dirs.size() << " director" << (dirs.size() == 1 ? "y" : "ies") << " into " << out_dir
            << std::endl;
  return kExitOk;
}

int ProfilesCommand(const std::vector<std::string>& args) {
  po::options_description options("profiles options");
  options.add_options()("help,h", "show this help")("json", "print JSON instead of tables");
  po::positional_options_description positional;
  po::variables_map vm;
  const char* usage =
      "usage: mountstorm profiles [--json]\n"
      "\n"
      "Lists the systemd versions a scenario can start from (\"profile\": NAME, or run --profile\n"
      "NAME), then every parameter whose default differs between them.\n";
  if (!ParseCommand("profiles", args, options, positional, usage, &vm)) return kExitOk;
  std::vector<std::pair<std::string, std::string>> profiles = ListProfiles();
  std::vector<std::vector<ParameterInfo>> defaults;
  for (const auto& p : profiles) defaults.push_back(ListParameters(p.first));
  // Rows: the parameters whose default is not the same in every profile.
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < defaults[0].size(); ++i) {
    if (defaults[0][i].path == "/profile") continue;
    for (const auto& d : defaults) {
      if (d[i].default_value != defaults[0][i].default_value) {
        rows.push_back(i);
        break;
      }
    }
  }
  if (vm.count("json")) {
    nlohmann::json j;
    for (std::size_t p = 0; p < profiles.size(); ++p) {
      nlohmann::json differs = nlohmann::json::object();
      for (std::size_t i : rows) differs[defaults[p][i].path] = nlohmann::json::parse(defaults[p][i].default_value);
      j.push_back({{"name", profiles[p].first}, {"description", profiles[p].second}, {"defaults", differs}});
    }
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& p : profiles) std::printf("%-8s %s\n", p.first.c_str(), p.second.c_str());
  std::printf("\n%-46s", "parameter");
  for (const auto& p : profiles) std::printf(" %9s", p.first.c_str());
  std::printf("\n");
  for (std::size_t i : rows) {
    std::printf("%-46s", defaults[0][i].path.c_str());
    for (const auto& d : defaults) std::printf(" %9s", d[i].default_value.c_str());
    std::printf("\n");
  }
  return kExitOk;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return kExitInput;
  }
  const std::string command = args[0];
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (command == "--version" || command == "version") {
    std::cout << "mountstorm " << Version() << "\n";
    return kExitOk;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "run") return RunCommand(rest);
  if (command == "validate") return ValidateCommand(rest);
  if (command == "params") return ParamsCommand(rest);
  if (command == "profiles") return ProfilesCommand(rest);
  if (command == "sweep") return SweepCommand(rest);
  if (command == "compare") return CompareCommand(rest);
  if (command == "graph") return GraphCommand(rest);
  if (command == "plot") return PlotCommand(rest);
  if (command == "report") return ReportCommand(rest);
  if (command == "headroom") return HeadroomCommand(rest);
  if (command == "critical") return CriticalCommand(rest);
  if (command == "size") return SizeCommand(rest);
  if (command == "scaling") return ScalingCommand(rest);
  if (command == "patches") return PatchesCommand(rest);
  if (command == "merge") return MergeCommand(rest);
  throw InputError("unknown command \"" + command + "\" (see mountstorm --help)");
}

// Results on stdout are output too: if they could not be written (a full disk, a closed pipe),
// exiting 0 would claim a success that did not happen. Treated like an output file that cannot be
// written.
int CheckStdout(int status) {
  std::cout.flush();
  if (std::fflush(stdout) != 0 || std::ferror(stdout) || !std::cout) {
    std::cerr << "mountstorm: cannot write the results to standard output\n";
    return status == kExitOk ? kExitInput : status;
  }
  return status;
}

}  // namespace
}  // namespace mountstorm

int main(int argc, char** argv) {
  int status;
  try {
    status = mountstorm::Main(argc, argv);
  } catch (const mountstorm::InputError& e) {
    std::cerr << "mountstorm: " << e.what() << "\n";
    status = mountstorm::kExitInput;
  } catch (const std::exception& e) {
    std::cerr << "mountstorm: internal error: " << e.what() << "\n";
    status = mountstorm::kExitInternal;
  } catch (...) {
    std::cerr << "mountstorm: internal error: an unknown exception\n";
    status = mountstorm::kExitInternal;
  }
  return mountstorm::CheckStdout(status);
}
