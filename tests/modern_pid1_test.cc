// A modern PID 1 (profiles v252, v257): what a new mount's dependencies, its ancestor directories,
// an unmount and the absence of a subscriber make it send, and what its work costs
// (docs/MODEL.md, "A modern PID 1"). The counts are the testbed's (docs/VALIDATION.md section 7).
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "mountstorm/run.h"
#include "tests/test_support.h"

using namespace mountstorm;

namespace {

// A container-like table: "/" and a few API mounts, none under /srv.
nlohmann::json Table() {
  return {{"entries",
           {{{"path", "/"}, {"source", "tmpfs"}, {"fstype", "tmpfs"}},
            {{"path", "/proc"}, {"source", "proc"}, {"fstype", "proc"}},
            {{"path", "/sys"}, {"source", "sysfs"}, {"fstype", "sysfs"}},
            {{"path", "/dev"}, {"source", "tmpfs"}, {"fstype", "tmpfs"}}}}};
}

// `count` tmpfs mounts under `dir`, `gap_ms` apart from t = 1 s, each unmounted `expire_s` later
// (0: never).
nlohmann::json Storm(const std::string& profile, const std::string& dir, int count, double gap_ms,
                     double expire_s = 0) {
  nlohmann::json loop = {{"kind", "interval"}, {"count", count}, {"start_s", 1.0}, {"interval_ms", gap_ms},
                         {"mount", {{"path", dir + "/m{i}"}, {"source", "tmpfs"}, {"fstype", "tmpfs"}}}};
  if (expire_s > 0) loop["expire_after_s"] = expire_s;
  return {{"name", "storm"}, {"profile", profile}, {"mount_table", Table()}, {"workload", {loop}}};
}

// PID 1's signals by member, and PropertiesChanged by the interface that changed.
class Pid1Signals : public MessageTap {
 public:
  bool Wants(Time) override { return true; }
  void Routed(const TracedMessage& m) override {
    if (m.type != "signal" || m.path.rfind("/org/freedesktop/systemd1", 0) != 0) return;
    ++by_member[m.member];
    if (m.member == "PropertiesChanged") ++by_interface[m.changed_interface];
  }
  std::map<std::string, int> by_member, by_interface;
};

}  // namespace

TEST_CASE("a v252 scan with new mounts sends k UnitNew, 9 PropertiesChanged and a pair per ancestor", "[model][modern]") {
  // 1,000 ms apart: every mount gets a scan of its own (the rate limit allows 5 per second).
  // /srv, /srv/storm and /srv/storm/d1 are directories, not mount points: 3 ancestors.
  Pid1Signals tap;
  RunTest(ParseScenario(Storm("v252", "/srv/storm/d1", 3, 1000), "v252"), &tap);
  CHECK(tap.by_member["UnitNew"] == 3 + 3 * 3);
  CHECK(tap.by_member["UnitRemoved"] == 3 * 3);
  CHECK(tap.by_member["PropertiesChanged"] == 3 * 9);
  // 4 targets, system.slice and -.mount's Unit interface; -.mount's Mount; the journal's Socket.
  CHECK(tap.by_interface["org.freedesktop.systemd1.Unit"] == 3 * 7);
  CHECK(tap.by_interface["org.freedesktop.systemd1.Mount"] == 3);
  CHECK(tap.by_interface["org.freedesktop.systemd1.Socket"] == 3);
}

TEST_CASE("mounts that one v252 scan finds together share its dependency and ancestor signals", "[model][modern]") {
  // 100 mounts 0.1 ms apart: the first wakes PID 1, the rate limit's five scans go by in the
  // first milliseconds, and the rest wait for the next window and come in one scan.
  Pid1Signals tap;
  RunOutput r = RunTest(ParseScenario(Storm("v252", "/srv/storm", 100, 0.1), "batched"), &tap);
  const int scans_with_new_mounts = r.summary["scans"]["count"].get<int>();
  CHECK(scans_with_new_mounts < 100);
  CHECK(tap.by_member["UnitNew"] == 100 + 2 * scans_with_new_mounts);
  CHECK(tap.by_member["PropertiesChanged"] == 9 * scans_with_new_mounts);
}

TEST_CASE("a v252 unmount sends PropertiesChanged Mount and Unit, then UnitRemoved", "[model][modern]") {
  Pid1Signals tap;
  RunTest(ParseScenario(Storm("v252", "/srv/storm", 10, 1000, 30), "umount"), &tap);
  // The mounts' own: 10 UnitNew, then 3 each as they go; plus 2 ancestors and 9 per mount scan.
  CHECK(tap.by_member["UnitRemoved"] == 10 + 10 * 2);
  CHECK(tap.by_member["PropertiesChanged"] == 10 * 9 + 10 * 2);
  CHECK(tap.by_member["UnitNew"] == 10 + 10 * 2);
}

TEST_CASE("v252 sends nothing while nobody subscribed, and still scans", "[model][modern]") {
  nlohmann::json doc = Storm("v252", "/srv/storm", 20, 1000);
  doc["logind"] = {{"enabled", false}};
  Pid1Signals tap;
  RunOutput r = RunTest(ParseScenario(doc, "nosub"), &tap);
  CHECK(tap.by_member.empty());
  CHECK(r.summary["scans"]["count"] == 20);
  CHECK(r.summary["scans"]["units_queued"] == 0);
}

TEST_CASE("v257 and main send the messages of v252", "[model][modern]") {
  Pid1Signals a, b, c;
  RunTest(ParseScenario(Storm("v252", "/srv/storm/d1", 50, 3, 5), "v252"), &a);
  RunTest(ParseScenario(Storm("v257", "/srv/storm/d1", 50, 3, 5), "v257"), &b);
  RunTest(ParseScenario(Storm("main", "/srv/storm/d1", 50, 3, 5), "main"), &c);
  CHECK(a.by_member["UnitNew"] > 50);
  CHECK(a.by_member == b.by_member);
  CHECK(a.by_interface == b.by_interface);
  CHECK(c.by_member == b.by_member);
}

TEST_CASE("the older profiles announce only the new mount units", "[model][modern]") {
  // v248: one UnitNew per mount; no dependencies, ancestors or unmount signals.
  Pid1Signals tap;
  RunTest(ParseScenario(Storm("v248", "/srv/storm/d1", 10, 1000, 30), "v248"), &tap);
  CHECK(tap.by_member["UnitNew"] == 10);
  CHECK(tap.by_member["UnitRemoved"] == 10);
  CHECK(tap.by_member.count("PropertiesChanged") == 0);
}

TEST_CASE("deeper mount points cost PID 1 more to load", "[model][modern]") {
  auto cpu = [](const std::string& dir) {
    RunOutput r = RunTest(ParseScenario(Storm("v252", dir, 20, 1000), dir));
    return r.Process("systemd")->busy;
  };
  // Each "-" prefix of a unit's name is one more drop-in directory to look for.
  CHECK(cpu("/srv/a/b/c/d/e") > cpu("/srv/a"));
}

TEST_CASE("PID 1's first step after a sleep costs more with a cold-cache slowdown", "[model][modern]") {
  auto cpu = [](double slowdown) {
    nlohmann::json doc = Storm("v252", "/srv/storm", 20, 1000);
    doc["systemd"] = {{"cold_slowdown", slowdown}, {"cold_tau_ms", 100}};
    return RunTest(ParseScenario(doc, "cold")).Process("systemd")->busy;
  };
  const Duration warm = cpu(0), cold = cpu(2);
  // After a sleep of ~1 s the first step costs 1 + 2 x 1000 / 1100 = 2.8 times as much; the
  // dispatch steps after it do not.
  CHECK(cold > warm);
  CHECK(cold < 3 * warm);
}

TEST_CASE("each PropertiesChanged and UnitRemoved costs PID 1 its own build on top", "[model][modern]") {
  auto cpu = [](double properties_changed_us, double unit_removed_us) {
    nlohmann::json doc = Storm("v252", "/srv/storm", 10, 1000, 30);
    doc["systemd"] = {{"properties_changed_us", properties_changed_us}, {"unit_removed_us", unit_removed_us}};
    return RunTest(ParseScenario(doc, "build")).Process("systemd")->busy;
  };
  // The unmount storm above: 110 PropertiesChanged and 30 UnitRemoved, one scan per mount.
  CHECK(cpu(10, 20) - cpu(0, 0) == 110 * 10 * kMicrosecond + 30 * 20 * kMicrosecond);
}
