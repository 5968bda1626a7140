// storm_bench: wall time of the end-to-end storm.
//
// Loads a scenario (default: the source tree's scenarios/incident-storm.json) once with
// LoadScenarioFile(), then times --reps calls of RunScenario() with std::chrono::steady_clock:
// building the pipeline, running it to the end and producing the summary and the curves (the text
// of summary.json and curves.csv: SummaryJsonText(), CurvesCsvText()). Reports
// the median, minimum and maximum wall time per run, the simulated events per run
// (summary["events"]), events per second and the messages systemd sent
// (summary["messages"]["systemd"]["sent"]), and checks that every run gave the same summary
// (SummaryJsonText() equal) and the same curves. With --engine trains it runs the train engine
// (mountstorm/run.h) and also reports the events it took from its event list. Reports the
// process's peak resident set size (getrusage(RUSAGE_SELF) ru_maxrss). Writes no files.
//
//   storm_bench [SCENARIO.json] [--set /json/path=value ...] [--engine messages|trains] [--reps N] [--json]
//               [--measures]
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <sys/resource.h>

#include <nlohmann/json.hpp>

#include "bench/bench_args.h"
#include "mountstorm/error.h"
#include "mountstorm/result_files.h"
#include "mountstorm/run.h"
#include "mountstorm/scenario.h"

#ifndef MOUNTSTORM_DEFAULT_STORM_SCENARIO
#error "MOUNTSTORM_DEFAULT_STORM_SCENARIO must name the default scenario file"
#endif

namespace mountstorm {
namespace {

const char kUsage[] =
    "usage: storm_bench [SCENARIO.json] [--set /json/path=value ...] [--engine messages|trains] [--reps N] [--json]\n"
    "                   [--measures]\n"
    "\n"
    "Times RunScenario() on a scenario, --reps times (default 5), and reports the median, minimum\n"
    "and maximum wall time per run, simulated events per run, events per second and the messages\n"
    "systemd sent, and the peak RSS of the process. Checks that every run gives the same summary.\n"
    "\n"
    "  SCENARIO.json         default: " MOUNTSTORM_DEFAULT_STORM_SCENARIO "\n"
    "  --set PATH=VALUE      override a scenario value, as `mountstorm run --set` (repeatable)\n"
    "  --engine E            messages (default) or trains\n"
    "  --reps N              timed runs (default 5)\n"
    "  --json                print the results as JSON instead of text\n"
    "  --measures            keep the station measures, as mountstorm run does (measures.json)\n";

struct Options {
  std::string scenario = MOUNTSTORM_DEFAULT_STORM_SCENARIO;
  std::vector<std::string> sets;
  int reps = 5;
  bool json = false;
  bool measures = false;
  Engine engine = Engine::kMessages;
};

// The peak resident set size of this process so far, in MiB (Linux reports ru_maxrss in KiB).
double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

[[noreturn]] void Usage(const std::string& error) {
  std::cerr << "storm_bench: " << error << "\n\n" << kUsage;
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options o;
  bool have_scenario = false;
  for (bench::ArgReader a(argc, argv, Usage); a.Next();) {
    const std::string& arg = a.arg();
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      std::exit(0);
    } else if (arg == "--json") {
      o.json = true;
    } else if (arg == "--measures") {
      o.measures = true;
    } else if (arg == "--set") {
      o.sets.push_back(a.Value());
    } else if (arg == "--engine") {
      const std::optional<Engine> e = ParseEngine(a.Value());
      if (!e) Usage("--engine wants messages or trains");
      o.engine = *e;
    } else if (arg == "--reps") {
      o.reps = static_cast<int>(a.Count(1000));
    } else if (arg.rfind("-", 0) == 0) {
      Usage("unknown argument '" + arg + "'");
    } else if (!have_scenario) {
      o.scenario = arg;
      have_scenario = true;
    } else {
      Usage("more than one scenario given");
    }
  }
  return o;
}

int Run(const Options& o) {
  const Scenario scenario = LoadScenarioFile(o.scenario, o.sets);

  using Clock = std::chrono::steady_clock;
  std::vector<double> seconds;
  std::string first_summary, first_curves;
  nlohmann::json summary;
  bool identical = true;
  std::uint64_t engine_events = 0;
  for (int r = 0; r < o.reps; ++r) {
    auto started = Clock::now();
    RunResult result = RunScenario(scenario, RunOptions{o.engine, nullptr, {}, o.measures});
    engine_events = result.engine_events;
    std::string text = SummaryJsonText(result);
    std::string curves = CurvesCsvText(result.curves);
    seconds.push_back(std::chrono::duration<double>(Clock::now() - started).count());
    if (r == 0) {
      first_summary = std::move(text);
      first_curves = std::move(curves);
    } else if (text != first_summary || curves != first_curves) {
      identical = false;
    }
  }
  summary = nlohmann::json::parse(first_summary);

  const std::uint64_t events = summary.at("events").get<std::uint64_t>();
  const std::uint64_t sent = summary.at("messages").at("systemd").at("sent").get<std::uint64_t>();
  const double median = bench::Median(seconds);
  const double fastest = *std::min_element(seconds.begin(), seconds.end());
  const double slowest = *std::max_element(seconds.begin(), seconds.end());
  const double rate = static_cast<double>(events) / median;
  const bool optimized = bench::kOptimized;
  const double rss = PeakRssMiB();

  if (o.json) {
    nlohmann::json doc = {{"benchmark", "storm_bench"},
                          {"scenario_file", o.scenario},
                          {"scenario", scenario.name},
                          {"overrides", o.sets},
                          {"reps", o.reps},
                          {"wall_s", seconds},
                          {"median_wall_s", median},
                          {"min_wall_s", fastest},
                          {"max_wall_s", slowest},
                          {"events_per_run", events},
                          {"median_events_per_s", rate},
                          {"systemd_sent", sent},
                          {"simulated_s", summary.at("end_time_s")},
                          {"summaries_identical", identical},
                          {"engine", EngineName(o.engine)},
                          {"engine_events_per_run", engine_events},
                          {"peak_rss_mib", rss},
                          {"compiler", std::string("g++ ") + __VERSION__},
                          {"optimized", optimized}};
    std::cout << doc.dump(2) << "\n";
  } else {
    std::printf("storm_bench: %s (scenario %s), engine %s\n", o.scenario.c_str(), scenario.name.c_str(),
                EngineName(o.engine));
    for (const std::string& s : o.sets) std::printf("override  %s\n", s.c_str());
    std::printf("compiler  g++ %s%s\n", __VERSION__, optimized ? "" : "  (WARNING: NDEBUG not set; not a release build)");
    std::printf("runs      %d, wall s each:", o.reps);
    for (double s : seconds) std::printf(" %.3f", s);
    std::printf("\nwall      median %.3f s, min %.3f s, max %.3f s per run\n", median, fastest, slowest);
    std::printf("events    %" PRIu64 " per run (simulated %.3f s)\n", events, summary.at("end_time_s").get<double>());
    std::printf("rate      %.3e events/s (median run), %.3e to %.3e\n", rate, static_cast<double>(events) / slowest,
                static_cast<double>(events) / fastest);
    std::printf("engine    %" PRIu64 " events taken from the event list per run\n", engine_events);
    std::printf("systemd   %" PRIu64 " messages sent per run\n", sent);
    std::printf("peak RSS  %.1f MiB (getrusage, the whole process)\n", rss);
    std::printf("%s\n", identical ? "summaries identical: every run gave the same summary.json text and curves"
                                  : "SUMMARIES DIFFER between runs");
  }
  return identical ? 0 : 1;
}

}  // namespace
}  // namespace mountstorm

int main(int argc, char** argv) {
  try {
    return mountstorm::Run(mountstorm::ParseOptions(argc, argv));
  } catch (const mountstorm::InputError& e) {
    std::cerr << "storm_bench: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "storm_bench: " << e.what() << "\n";
    return 1;
  }
}
