// Profiles: the defaults of each systemd version, as docs/research/MODEL-SPEC.md section 3 tabulates them, and the
// behaviour they switch.
#include <catch2/catch.hpp>

#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "mountstorm/scenario.h"
#include "tests/test_support.h"

using namespace mountstorm;

TEST_CASE("every profile sets what its systemd version does", "[profile]") {
  struct Row {
    const char* profile;
    bool network, devices;       // re-announced on every scan
    int budget, threshold;       // unit-queue dispatch
    std::int64_t wqueue, rqueue;
    bool ratelimit;
  };
  const Row table[] = {
      {"rhel7.7", true, true, 0, 0, 196608, 196608, false},
      {"v219", true, false, 0, 0, 1024, 65536, false},
      {"v239", true, true, 100, 1024, 196608, 196608, false},
      {"v245", false, true, 100, 1024, 393216, 393216, false},
      {"v248", false, false, 100, 1024, 393216, 393216, true},
      {"v252", false, false, 100, 1024, 393216, 393216, true},
      {"v257", false, false, 100, 1024, 393216, 393216, true},
      {"main", false, false, 100, 1024, 393216, 393216, true},
  };
  for (const Row& r : table) {
    INFO(r.profile);
    Scenario s = DefaultScenario(r.profile);
    CHECK(s.profile == r.profile);
    CHECK(s.systemd.reannounce_network_mounts == r.network);
    CHECK(s.systemd.reannounce_dev_devices == r.devices);
    CHECK(s.systemd.dbus_queue_budget == r.budget);
    CHECK(s.systemd.bus_busy_threshold == r.threshold);
    CHECK(s.systemd.wqueue_max == r.wqueue);
    CHECK(s.systemd.rqueue_max == r.rqueue);
    CHECK(s.logind.rqueue_max == r.rqueue);
    CHECK((s.systemd.mountinfo_ratelimit_interval == kSecond) == r.ratelimit);
    if (r.ratelimit) CHECK(s.systemd.mountinfo_ratelimit_burst == 5);
  }
  CHECK(ListProfiles().size() == std::size(table));
}

TEST_CASE("a scenario names a profile and may override any of its fields", "[profile]") {
  nlohmann::json doc = {{"profile", "v248"}, {"systemd", {{"wqueue_max", 1000}}}};
  Scenario s = ParseScenario(doc, "p.json");
  CHECK(s.systemd.wqueue_max == 1000);
  CHECK(s.systemd.mountinfo_ratelimit_interval == kSecond);  // the rest is v248's
  CHECK_THROWS_AS(ParseScenario({{"profile", "v999"}}, "p.json"), InputError);
}

namespace {

// `n` NFS directories mounted one every 20 ms on a host with 30 NFS mounts and one device.
std::uint64_t Messages(const std::string& profile, int n) {
  nlohmann::json doc = {
      {"profile", profile},
      {"mount_table",
       {{"entries", {{{"path", "/"}, {"source", "/dev/sda1"}, {"fstype", "xfs"}}}},
        {"generate", {{{"count", 30}, {"path", "/old/{i}"}, {"source", "srv:/old/{i}"}, {"fstype", "nfs4"}}}}}},
      {"workload",
       {{{"kind", "interval"}, {"count", n}, {"start_s", 1.0}, {"interval_ms", 20},
         {"mount", {{"path", "/new/{i}"}, {"source", "srv:/new/{i}"}, {"fstype", "nfs4"}}}}}},
  };
  return RunTest(ParseScenario(doc, profile)).summary["messages"]["systemd"]["sent"];
}

}  // namespace

TEST_CASE("the volume is quadratic where network mounts are re-announced and linear where not", "[profile]") {
  // rhel7.7: each scan re-announces every NFS unit and the device: sum over k of 1 + 2 (30 + k + 1).
  CHECK(Messages("rhel7.7", 100) == 100 + 2 * (100 * 31 + 99 * 100 / 2));
  // v245: only the device unit is re-announced: 1 + 2 per mount.
  CHECK(Messages("v245", 100) == 100 * 3);
  CHECK(Messages("v245", 200) == 200 * 3);
  // v248: only the new unit (v252 on: docs/MODEL.md "A modern PID 1", tests/modern_pid1_test.cc).
  CHECK(Messages("v248", 100) == 100);
}
