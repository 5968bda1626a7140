// mountstorm testbed-check: the model against the storms a real systemd went through in the
// testbed (tools/testbed/, docs/VALIDATION.md).
#include <cstdio>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "io/text_io.h"
#include "mountstorm/csv.h"
#include "mountstorm/error.h"
#include "validation/storm_check.h"

namespace mountstorm {

namespace {

const char kTestbedUsage[] =
    "usage: mountstorm testbed-check STORMS.csv [--storm NAME ...] [--markdown | --csv | --json]\n"
    "                                [--scenarios DIR] [--jobs N]\n"
    "\n"
    "Simulates every storm of STORMS.csv (tools/testbed/storms-csv.py writes it from the testbed's\n"
    "runs) from its base scenario plus its shape, phase by phase, and prints the captured and the\n"
    "simulated figures side by side: PID 1's signals and each member, rescans of\n"
    "/proc/self/mountinfo, the storm's duration (each phase's loop start to PID 1's last rescan or\n"
    "signal, added up) and PID 1's CPU time. A storm passes when, in each phase and in total, the\n"
    "signals are within 3 %, each member within 5 % and the rescans within 1, and in total the\n"
    "duration within 10 % and the CPU time within a factor of 1.5. A storm run several times (the\n"
    "runs_* columns) is also judged against the range of its runs: \"of some run\" says whether its\n"
    "signals, rescans and CPU time are within the tolerances of that range. --scenarios DIR also\n"
    "writes each phase's scenario (for `mountstorm replay --scenario`).\n"
    "\n"
    "exit status: 0 every storm passes, 3 some storm does not, 2 bad input.\n";

constexpr int kExitOutOfTolerance = 3;

std::string Shape(const TestbedStorm& s) {
  std::string shape = std::to_string(s.mounts) + (s.mounts == 1 ? " mount" : " mounts");
  if (s.pause_ms) shape += ", " + std::to_string(s.pause_ms) + " ms apart";
  if (s.depth > 1) shape += ", depth " + std::to_string(s.depth);
  if (s.preexisting) shape += ", " + std::to_string(s.preexisting) + " already mounted";
  if (s.burst) shape += ", burst " + std::to_string(*s.burst);
  if (s.unlimited) shape += ", no rate limit";
  if (!s.subscriber) shape += ", no subscriber";
  shape += s.phases.size() > 1 ? ", then unmounted" : "";
  return shape;
}

// "captured / simulated" of a count or of seconds.
std::string Pair(std::uint64_t c, std::uint64_t s) { return WithCommas(c) + " / " + WithCommas(s); }
std::string Pair(double c, double s, int decimals) { return FormatFixed(c, decimals) + " / " + FormatFixed(s, decimals); }

std::vector<std::string> Cells(const StormCheck& c) {
  const PhaseFigures& a = c.captured_total;
  const PhaseFigures& b = c.simulated_total;
  return {c.storm->name,
          c.storm->systemd,
          Shape(*c.storm),
          Pair(a.signals, b.signals),
          Pair(a.unit_new, b.unit_new),
          Pair(a.unit_removed, b.unit_removed),
          Pair(a.properties_changed, b.properties_changed),
          Pair(a.rescans, b.rescans),
          Pair(a.active_s, b.active_s, 2),
          Pair(a.pid1_cpu_s, b.pid1_cpu_s, 3),
          c.ok() ? "yes" : "NO",
          c.storm->spread.runs < 2 ? "-" : c.within_repeats ? "yes" : "NO"};
}

const std::vector<std::string> kColumns = {"storm", "systemd", "shape", "signals", "UnitNew", "UnitRemoved",
                                           "PropertiesChanged", "rescans", "duration (s)", "PID 1 CPU (s)",
                                           "within", "of some run"};

void PrintMarkdown(const std::vector<StormCheck>& checks, std::ostream& out) {
  out << "|";
  for (const std::string& c : kColumns) out << " " << c << " |";
  out << "\n|";
  for (std::size_t i = 0; i < kColumns.size(); ++i) out << (i < 3 ? "---|" : "--:|");
  out << "\n";
  for (const StormCheck& c : checks) {
    out << "|";
    for (const std::string& cell : Cells(c)) out << " " << cell << " |";
    out << "\n";
  }
}

void PrintText(const std::vector<StormCheck>& checks, std::ostream& out) {
  std::vector<std::size_t> width(kColumns.size(), 0);
  std::vector<std::vector<std::string>> rows = {kColumns};
  for (const StormCheck& c : checks) rows.push_back(Cells(c));
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      const std::string pad(width[i] - r[i].size(), ' ');
      out << (i < 3 ? r[i] + pad : pad + r[i]) << (i + 1 < r.size() ? "  " : "\n");
    }
  }
  out << "(captured / simulated)\n";
}

const char* const kCsvFigures[] = {"signals", "UnitNew", "UnitRemoved", "PropertiesChanged", "other",
                                   "rescans", "active_s", "pid1_cpu_s"};

std::vector<std::string> FigureFields(const PhaseFigures& f) {
  return {std::to_string(f.signals), std::to_string(f.unit_new), std::to_string(f.unit_removed),
          std::to_string(f.properties_changed), std::to_string(f.other), std::to_string(f.rescans),
          FormatFixed(f.active_s, 6), FormatFixed(f.pid1_cpu_s, 6)};
}

// One line per storm and phase, and one for the whole storm ("total").
void PrintCsv(const std::vector<StormCheck>& checks, std::ostream& out) {
  out << "storm,systemd,phase";
  for (const char* side : {"captured_", "simulated_"}) {
    for (const char* f : kCsvFigures) out << "," << side << f;
  }
  out << ",within,within_repeats\n";
  auto line = [&](const StormCheck& c, const std::string& phase, const PhaseFigures& a, const PhaseFigures& b) {
    out << CsvField(c.storm->name) << "," << c.storm->systemd << "," << phase;
    for (const std::string& f : FigureFields(a)) out << "," << f;
    for (const std::string& f : FigureFields(b)) out << "," << f;
    out << "," << (c.ok() ? "yes" : "no") << "," << (c.within_repeats ? "yes" : "no") << "\n";
  };
  for (const StormCheck& c : checks) {
    for (std::size_t i = 0; i < c.simulated.size(); ++i) {
      line(c, StormPhaseName(c.storm->phases[i].kind), c.storm->phases[i].captured, c.simulated[i]);
    }
    line(c, "total", c.captured_total, c.simulated_total);
  }
}

nlohmann::json FiguresJson(const PhaseFigures& f) {
  return {{"signals", f.signals}, {"UnitNew", f.unit_new}, {"UnitRemoved", f.unit_removed},
          {"PropertiesChanged", f.properties_changed}, {"other", f.other}, {"rescans", f.rescans},
          {"duration_s", f.active_s}, {"pid1_cpu_s", f.pid1_cpu_s}};
}

void PrintJson(const std::vector<StormCheck>& checks, std::ostream& out) {
  nlohmann::json storms = nlohmann::json::array();
  for (const StormCheck& c : checks) {
    nlohmann::json phases = nlohmann::json::array();
    for (std::size_t i = 0; i < c.simulated.size(); ++i) {
      phases.push_back({{"phase", StormPhaseName(c.storm->phases[i].kind)},
                        {"captured", FiguresJson(c.storm->phases[i].captured)},
                        {"simulated", FiguresJson(c.simulated[i])}});
    }
    storms.push_back({{"storm", c.storm->name}, {"systemd", c.storm->systemd}, {"shape", Shape(*c.storm)},
                      {"phases", phases}, {"captured", FiguresJson(c.captured_total)},
                      {"simulated", FiguresJson(c.simulated_total)}, {"within", c.ok()}, {"within_repeats", c.within_repeats}, {"runs", c.storm->spread.runs},
                      {"misses", c.misses}});
  }
  out << nlohmann::json{{"storms", storms}}.dump(2) << "\n";
}

std::vector<TestbedStorm> Selected(std::vector<TestbedStorm> storms, const std::vector<std::string>& names) {
  if (names.empty()) return storms;
  std::vector<TestbedStorm> out;
  for (const std::string& n : names) {
    bool found = false;
    for (const TestbedStorm& s : storms) {
      if (s.name == n) out.push_back(s), found = true;
    }
    if (!found) throw InputError("--storm: no storm named \"" + n + "\"");
  }
  return out;
}

}  // namespace

int TestbedCheckCommand(const CommandArgs& args) {
  std::string file;
  std::vector<std::string> names;
  std::optional<std::string> scenarios;
  bool markdown = false, csv = false, json = false;
  int jobs = 0;
  CommandLine cl("testbed-check", kTestbedUsage);
  cl.Positional("storms", &file, "the storms, as tools/testbed/storms-csv.py writes them; - for standard input")
      .Texts("storm", &names, "check only this storm (repeatable)")
      .Flag("markdown", &markdown, "print the table as Markdown (docs/VALIDATION.md)")
      .Flag("csv", &csv, "print captured and simulated figures per storm and phase as CSV")
      .Json(&json)
      .Text("scenarios", &scenarios, "also write each phase's scenario to this directory")
      .Jobs(&jobs);
  if (!cl.Parse(args)) return kExitOk;
  if (markdown + csv + json > 1) throw InputError("testbed-check: give at most one of --markdown, --csv and --json");
  const std::vector<TestbedStorm> storms = Selected(ReadTestbedStorms(file), names);
  if (scenarios) WritePhaseScenarios(storms, *scenarios);
  const std::vector<StormCheck> checks = CheckStorms(storms, Tolerances{}, Jobs(jobs));
  std::ostringstream out;
  if (markdown) {
    PrintMarkdown(checks, out);
  } else if (csv) {
    PrintCsv(checks, out);
  } else if (json) {
    PrintJson(checks, out);
  } else {
    PrintText(checks, out);
  }
  std::cout << out.str() << std::flush;
  bool all = true;
  for (const StormCheck& c : checks) {
    for (const std::string& m : c.misses) std::cerr << "testbed-check: " << c.storm->name << ": " << m << "\n";
    all = all && c.ok();
  }
  return all ? kExitOk : kExitOutOfTolerance;
}

}  // namespace mountstorm
