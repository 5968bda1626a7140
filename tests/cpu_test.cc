// Processes share the host's CPUs: on one CPU, PID 1's scans slow a mounting process down.
#include <catch2/catch.hpp>

#include "mountstorm/run.h"
#include "tests/test_support.h"

using namespace mountstorm;

namespace {

nlohmann::json BindLoop(int cpus) {
  return {
      {"name", "bind-loop"},
      {"profile", "v239"},
      {"host", {{"cpus", cpus}}},
      {"mount_table", {{"entries", {{{"path", "/"}, {"source", "/dev/vda1"}, {"fstype", "ext4"}}}}}},
      {"workload",
       {{{"kind", "sequence"}, {"count", 300}, {"cpu_ms", 2}, {"latency_ms", 1},
         {"mount", {{"path", "/MNT/{i}"}, {"source", "/dev/vda1"}, {"fstype", "ext4"}}}}}},
  };
}

double LoopSeconds(const nlohmann::json& doc) {
  return RunTest(ParseScenario(doc, "cpu")).summary["workload"]["last_operation_s"];
}

}  // namespace

TEST_CASE("a sequence of operations takes CPU plus latency each when it has a CPU to itself", "[cpu]") {
  CHECK(LoopSeconds(BindLoop(0)) == Approx(300 * 0.003).margin(1e-9));
  nlohmann::json no_watch = BindLoop(1);
  no_watch["systemd"] = {{"watch_mountinfo", false}};
  CHECK(LoopSeconds(no_watch) == Approx(300 * 0.003).margin(1e-9));
}

TEST_CASE("on one CPU the mounting process waits while PID 1 scans", "[cpu]") {
  nlohmann::json doc = BindLoop(1);
  RunOutput r = RunTest(ParseScenario(doc, "cpu"));
  double shared = r.summary["workload"]["last_operation_s"];
  double pid1 = r.summary["processes"]["systemd"]["busy_s"];
  double dbus = r.summary["processes"]["dbus-daemon"]["busy_s"];
  double logind = r.summary["processes"]["logind"]["busy_s"];
  double mounter = r.summary["processes"]["mounter.0"]["busy_s"];
  CHECK(mounter == Approx(300 * 0.002).margin(1e-9));
  // The CPU is never idle while the loop runs, except while a mount is off the CPU (1 ms each):
  // the loop lasts about as long as all the CPU work done in it, plus those waits.
  CHECK(shared > LoopSeconds(BindLoop(0)) + 0.5 * pid1);
  CHECK(shared <= mounter + pid1 + dbus + logind + 300 * 0.001 + 0.001);
}
