// `mountstorm testbed-check`: a testbed storm read from its CSV row, turned into the scenario of
// each phase, and compared with the tolerances of docs/VALIDATION.md section 7.
#include <catch2/catch.hpp>

#include <fstream>

#include "mountstorm/error.h"
#include "tests/test_support.h"
#include "validation/storm_check.h"
#include "validation/storm_run.h"
#include "validation/testbed_storms.h"

using namespace mountstorm;
using mountstorm::test::SourcePath;
using mountstorm::test::TempDir;

namespace {

const char kHeader[] =
    "storm,systemd,relay,scenario,mounts,pause_ms,depth,storm_dir,preexisting,pre_base,fstype,burst,subscriber,"
    "m_loop_s,m_op_mean_s,m_signals,m_UnitNew,m_UnitRemoved,m_PropertiesChanged,m_JobNew,m_JobRemoved,m_other,"
    "m_rescans,m_active_s,m_pid1_cpu_s,"
    "u_loop_s,u_op_mean_s,u_signals,u_UnitNew,u_UnitRemoved,u_PropertiesChanged,u_JobNew,u_JobRemoved,u_other,"
    "u_rescans,u_active_s,u_pid1_cpu_s\n";

// A CSV of one storm: 3 mounts 2 ms apart at depth 2 (3 ancestors), then unmounted, on the
// testbed's Debian 12 scenario, with what a real 252 did (tools/testbed/ run 252-n3-d2).
std::string OneStorm(const std::string& burst = "default", const std::string& subscriber = "logind") {
  return std::string(kHeader) + "n3-d2,252,dbus-daemon," + SourcePath("scenarios/testbed/debian12-container.json") +
         ",3,0,2,/srv/storm/d1,2,/pre,tmpfs," + burst + "," + subscriber +
         ",0.005,0.0016,48,12,9,27,0,0,0,3,0.007,0.003,"
         "0.006,0.0019,9,0,3,6,0,0,0,3,0.008,0.003\n";
}

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = TempDir("testbed_check") + "/" + name;
  std::ofstream(path) << text;
  return path;
}

// The storm as if the real PID 1 had done what the model did, but `factor` times the model's
// `figure` in every phase.
std::vector<TestbedStorm> Echo(const std::vector<TestbedStorm>& storms, const StormCheck& model,
                               double PhaseFigures::*figure, double factor) {
  std::vector<TestbedStorm> echo = storms;
  for (std::size_t p = 0; p < echo[0].phases.size(); ++p) {
    echo[0].phases[p].captured = model.simulated[p];
    echo[0].phases[p].captured.*figure *= factor;
  }
  return echo;
}

}  // namespace

TEST_CASE("a testbed storm is read with both of its phases", "[testbed]") {
  const std::vector<TestbedStorm> storms = ReadTestbedStorms(Write("one.csv", OneStorm("25", "none")));
  REQUIRE(storms.size() == 1);
  const TestbedStorm& s = storms[0];
  CHECK(s.mounts == 3);
  CHECK(s.storm_dir == "/srv/storm/d1");
  CHECK(s.burst == 25);
  CHECK_FALSE(s.subscriber);
  REQUIRE(s.phases.size() == 2);
  CHECK(s.phases[0].captured.unit_new == 12);
  CHECK(s.phases[1].captured.unit_removed == 3);
}

TEST_CASE("a bad field of a testbed storm names the file, the line and the column", "[testbed]") {
  std::string text = OneStorm();
  text.replace(text.find(",3,0,2,"), 7, ",three,0,2,");
  const std::string path = Write("bad.csv", text);
  CHECK_THROWS_WITH(ReadTestbedStorms(path), Catch::Contains(path) && Catch::Contains("line 2") &&
                                                 Catch::Contains("column mounts") && Catch::Contains("three"));
}

TEST_CASE("members that do not add up to the signals are refused", "[testbed]") {
  std::string text = OneStorm();
  text.replace(text.find(",48,12,"), 7, ",47,12,");
  CHECK_THROWS_AS(ReadTestbedStorms(Write("sum.csv", text)), InputError);
}

TEST_CASE("the unmount phase starts with the storm's mounts and the pre-existing ones", "[testbed]") {
  const std::vector<TestbedStorm> storms = ReadTestbedStorms(Write("one.csv", OneStorm("unlimited", "none")));
  const TestbedStorm& s = storms[0];
  const ScenarioDocument base = ScenarioDocument::Read(s.scenario);
  const Scenario mount = PhaseScenario(base, s, s.phases[0]).Parse();
  const Scenario umount = PhaseScenario(base, s, s.phases[1]).Parse();
  CHECK(InitialMountCount(umount) == InitialMountCount(mount) + 3);
  CHECK(InitialMountCount(mount) == 50 + 2);  // the container's 50 lines and 2 pre-existing
  CHECK(umount.workload[0].op == MountOp::kUmount);
  CHECK(mount.systemd.mountinfo_ratelimit_interval == 0);  // burst unlimited
  CHECK_FALSE(mount.logind_enabled);                       // no subscriber
  // The loop's pace as measured: the first change after one command, the rest over the loop.
  CHECK(mount.workload[0].start == kPhaseStart + 1600 * kMicrosecond);
  CHECK(mount.workload[0].interval == 1700 * kMicrosecond);
}

TEST_CASE("a storm whose every figure the model reproduces is within the tolerances", "[testbed]") {
  // Give the simulated figures back as the captured ones: nothing can be out of tolerance.
  const std::vector<TestbedStorm> storms = ReadTestbedStorms(Write("one.csv", OneStorm()));
  std::vector<StormCheck> checks = CheckStorms(storms, Tolerances{}, 1);
  std::vector<TestbedStorm> echo = storms;
  for (std::size_t p = 0; p < echo[0].phases.size(); ++p) echo[0].phases[p].captured = checks[0].simulated[p];
  CHECK(CheckStorms(echo, Tolerances{}, 1)[0].ok());
  // And one with four times the CPU time is not.
  for (StormPhase& p : echo[0].phases) p.captured.pid1_cpu_s *= 4;
  const std::vector<StormCheck> off = CheckStorms(echo, Tolerances{}, 1);
  REQUIRE_FALSE(off[0].ok());
  CHECK_THAT(off[0].misses.back(), Catch::Contains("PID 1 CPU"));
}

TEST_CASE("a storm run several times is judged against the range its runs spanned", "[testbed]") {
  const std::vector<TestbedStorm> storms = ReadTestbedStorms(Write("one.csv", OneStorm()));
  const StormCheck once = CheckStorms(storms, Tolerances{}, 1)[0];
  CHECK(once.within_repeats == once.ok());  // one run: nothing more to say
  // Three runs: the median run's CPU time four times the model's, but one run within a factor of
  // 1.5 of it, and signals and rescans spanning the model's.
  std::vector<TestbedStorm> echo = Echo(storms, once, &PhaseFigures::pid1_cpu_s, 4);
  const PhaseFigures& sim = once.simulated_total;
  RunsSpread& r = echo[0].spread;
  r = {3, sim.signals - 9, sim.signals + 9, sim.rescans, sim.rescans + 3, sim.pid1_cpu_s * 1.4, sim.pid1_cpu_s * 4,
       -1, -1};
  StormCheck c = CheckStorms(echo, Tolerances{}, 1)[0];
  CHECK_FALSE(c.ok());
  CHECK(c.within_repeats);
  // Every run 1.6 times the model's CPU time or more: no run is within a factor of 1.5.
  r.cpu_min_s = sim.pid1_cpu_s * 1.6;
  CHECK_FALSE(CheckStorms(echo, Tolerances{}, 1)[0].within_repeats);
  // Rescans 2 or more above the model's in every run.
  r.cpu_min_s = sim.pid1_cpu_s * 1.4;
  r.rescans_min = sim.rescans + 2;
  CHECK_FALSE(CheckStorms(echo, Tolerances{}, 1)[0].within_repeats);
}

TEST_CASE("a repeated storm's duration is judged against the range of its runs' durations", "[testbed]") {
  const std::vector<TestbedStorm> storms = ReadTestbedStorms(Write("one.csv", OneStorm()));
  const StormCheck once = CheckStorms(storms, Tolerances{}, 1)[0];
  // The median run took twice the model's time, the quickest run as long as the model.
  std::vector<TestbedStorm> echo = Echo(storms, once, &PhaseFigures::active_s, 2);
  const PhaseFigures& sim = once.simulated_total;
  RunsSpread& r = echo[0].spread;
  r = {3, sim.signals, sim.signals, sim.rescans, sim.rescans, sim.pid1_cpu_s, sim.pid1_cpu_s,
       sim.active_s, sim.active_s * 3};
  StormCheck c = CheckStorms(echo, Tolerances{}, 1)[0];
  CHECK_FALSE(c.ok());  // the duration: 2x the median's
  CHECK(c.within_repeats);
  // Every run at least 1.2 times the model's time: none within 10 %.
  r.active_min_s = sim.active_s * 1.2;
  CHECK_FALSE(CheckStorms(echo, Tolerances{}, 1)[0].within_repeats);
  // A file without the duration's range: judged against the median run, as within.
  r.active_min_s = r.active_max_s = -1;
  CHECK_FALSE(CheckStorms(echo, Tolerances{}, 1)[0].within_repeats);
}
