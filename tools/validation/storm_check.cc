// Checking the model against the testbed (validation/storm_check.h).
#include "validation/storm_check.h"

#include <cmath>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "io/parallel_for.h"
#include "io/text_io.h"
#include "mountstorm/error.h"
#include "validation/storm_run.h"

namespace mountstorm {

namespace {

// Each figure that is out of tolerance, as "WHAT: captured C, simulated S".
class Misses {
 public:
  Misses(std::string where, std::vector<std::string>* out) : where_(std::move(where)), out_(out) {}

  void Relative(const char* what, double captured, double simulated, double tol) {
    if (std::fabs(simulated - captured) <= tol * captured) return;
    Add(what, FormatFixed(captured, 0), FormatFixed(simulated, 0));
  }
  void Absolute(const char* what, double captured, double simulated, double tol) {
    if (std::fabs(simulated - captured) <= tol) return;
    Add(what, FormatFixed(captured, 0), FormatFixed(simulated, 0));
  }
  void Seconds(const char* what, double captured, double simulated, double tol) {
    if (std::fabs(simulated - captured) <= tol * captured) return;
    Add(what, FormatFixed(captured, 3) + " s", FormatFixed(simulated, 3) + " s");
  }
  void Factor(const char* what, double captured, double simulated, double factor) {
    if (simulated <= captured * factor && simulated * factor >= captured) return;
    Add(what, FormatFixed(captured, 3) + " s", FormatFixed(simulated, 3) + " s");
  }

 private:
  void Add(const char* what, const std::string& c, const std::string& s) {
    out_->push_back(where_ + what + ": captured " + c + ", simulated " + s);
  }
  std::string where_;
  std::vector<std::string>* out_;
};

// The counts: PID 1's signals and each member, and the rescans.
void CheckCounts(const PhaseFigures& c, const PhaseFigures& s, const Tolerances& tol, Misses* m) {
  m->Relative("signals", static_cast<double>(c.signals), static_cast<double>(s.signals), tol.signals);
  m->Relative("UnitNew", static_cast<double>(c.unit_new), static_cast<double>(s.unit_new), tol.member);
  m->Relative("UnitRemoved", static_cast<double>(c.unit_removed), static_cast<double>(s.unit_removed), tol.member);
  m->Relative("PropertiesChanged", static_cast<double>(c.properties_changed), static_cast<double>(s.properties_changed),
              tol.member);
  m->Relative("other members", static_cast<double>(c.other), static_cast<double>(s.other), tol.member);
  m->Absolute("rescans", static_cast<double>(c.rescans), static_cast<double>(s.rescans), tol.rescans);
}

// The whole storm against the range of its repetitions (StormCheck::within_repeats).
bool WithinRepeats(const StormCheck& c, const Tolerances& tol) {
  const RunsSpread& r = c.storm->spread;
  if (r.runs < 2) return c.ok();
  const PhaseFigures& s = c.simulated_total;
  const double signals = static_cast<double>(s.signals), rescans = static_cast<double>(s.rescans);
  const bool duration = r.active_min_s < 0
                            ? std::fabs(s.active_s - c.captured_total.active_s) <= tol.active * c.captured_total.active_s
                            : s.active_s >= r.active_min_s * (1 - tol.active) && s.active_s <= r.active_max_s * (1 + tol.active);
  return duration && signals >= static_cast<double>(r.signals_min) * (1 - tol.signals) &&
         signals <= static_cast<double>(r.signals_max) * (1 + tol.signals) &&
         rescans >= static_cast<double>(r.rescans_min) - tol.rescans &&
         rescans <= static_cast<double>(r.rescans_max) + tol.rescans &&
         s.pid1_cpu_s * tol.cpu_factor >= r.cpu_min_s && s.pid1_cpu_s <= r.cpu_max_s * tol.cpu_factor;
}

void Compare(const Tolerances& tol, StormCheck* check) {
  const TestbedStorm& storm = *check->storm;
  std::vector<PhaseFigures> captured;
  for (std::size_t i = 0; i < storm.phases.size(); ++i) {
    captured.push_back(storm.phases[i].captured);
    Misses m(std::string(StormPhaseName(storm.phases[i].kind)) + ": ", &check->misses);
    CheckCounts(captured.back(), check->simulated[i], tol, &m);
  }
  check->captured_total = Total(captured);
  check->simulated_total = Total(check->simulated);
  Misses m("storm: ", &check->misses);
  CheckCounts(check->captured_total, check->simulated_total, tol, &m);
  m.Seconds("duration", check->captured_total.active_s, check->simulated_total.active_s, tol.active);
  m.Factor("PID 1 CPU", check->captured_total.pid1_cpu_s, check->simulated_total.pid1_cpu_s, tol.cpu_factor);
  check->within_repeats = WithinRepeats(*check, tol);
}

// The base scenarios, each read once.
std::map<std::string, ScenarioDocument> ReadBases(const std::vector<TestbedStorm>& storms) {
  std::map<std::string, ScenarioDocument> bases;
  for (const TestbedStorm& s : storms) {
    if (!bases.count(s.scenario)) bases.emplace(s.scenario, ScenarioDocument::Read(s.scenario, "base scenario"));
  }
  return bases;
}

}  // namespace

PhaseFigures Total(const std::vector<PhaseFigures>& phases) {
  PhaseFigures t;
  for (const PhaseFigures& p : phases) {
    t.signals += p.signals;
    t.unit_new += p.unit_new;
    t.unit_removed += p.unit_removed;
    t.properties_changed += p.properties_changed;
    t.other += p.other;
    t.rescans += p.rescans;
    t.active_s += p.active_s;
    t.pid1_cpu_s += p.pid1_cpu_s;
  }
  return t;
}

std::vector<StormCheck> CheckStorms(const std::vector<TestbedStorm>& storms, const Tolerances& tol, int jobs) {
  const std::map<std::string, ScenarioDocument> bases = ReadBases(storms);
  // Every phase's scenario first, so that a bad one is reported before anything runs.
  struct Job {
    std::size_t storm, phase;
    Scenario scenario;
  };
  std::vector<Job> work;
  std::vector<StormCheck> checks(storms.size());
  for (std::size_t i = 0; i < storms.size(); ++i) {
    checks[i].storm = &storms[i];
    checks[i].simulated.resize(storms[i].phases.size());
    for (std::size_t p = 0; p < storms[i].phases.size(); ++p) {
      const ScenarioDocument doc = PhaseScenario(bases.at(storms[i].scenario), storms[i], storms[i].phases[p]);
      work.push_back({i, p, doc.Parse()});
    }
  }
  ParallelFor(static_cast<int>(work.size()), jobs, [&](int k) {
    const Job& j = work[static_cast<std::size_t>(k)];
    checks[j.storm].simulated[j.phase] = SimulatePhase(j.scenario);
  });
  for (StormCheck& c : checks) Compare(tol, &c);
  return checks;
}

void WritePhaseScenarios(const std::vector<TestbedStorm>& storms, const std::string& dir) {
  const std::map<std::string, ScenarioDocument> bases = ReadBases(storms);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(dir + ": cannot create the directory: " + ec.message());
  for (const TestbedStorm& s : storms) {
    for (const StormPhase& p : s.phases) {
      const ScenarioDocument doc = PhaseScenario(bases.at(s.scenario), s, p);
      doc.Parse();  // checked before it is written
      std::string file = s.name + "-" + StormPhaseName(p.kind) + ".json";
      for (char& c : file) c = c == '/' ? '_' : c;
      std::string error;
      const std::string text = nlohmann::json::parse(doc.Text()).dump(2) + "\n";
      if (!WriteFileAtomically(dir + "/" + file, text, &error)) throw InputError(error);
    }
  }
}

}  // namespace mountstorm
