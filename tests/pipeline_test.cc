// End-to-end behaviour of the pipeline on small scenarios: the incident's single mount, the
// coalescing of mountinfo changes, and determinism of whole runs.
#include <catch2/catch.hpp>

#include "mountstorm/result_files.h"
#include "mountstorm/run.h"
#include "tests/test_support.h"

using namespace mountstorm;
using mountstorm::test::LoadShipped;

namespace {

// A small table and a list of mounts of NFS directories at the given times.
nlohmann::json SmallScenario(const std::vector<double>& mount_times) {
  nlohmann::json ops = nlohmann::json::array();
  for (std::size_t i = 0; i < mount_times.size(); ++i) {
    ops.push_back({{"at_s", mount_times[i]}, {"op", "mount"}, {"path", "/nfs/d" + std::to_string(i)},
                   {"source", "srv:/d" + std::to_string(i)}, {"fstype", "nfs4"}});
  }
  return {
      {"name", "small"},
      {"mount_table", {{"entries", {{{"path", "/"}, {"source", "/dev/sda1"}, {"fstype", "xfs"}},
                                    {{"path", "/home/a"}, {"source", "srv:/a"}, {"fstype", "nfs4"}}}}}},
      {"workload", {{{"kind", "list"}, {"ops", ops}}}},
  };
}

}  // namespace

TEST_CASE("one NFS mount on the incident's host sends 65 messages", "[pipeline][incident]") {
  RunOutput r = RunTest(LoadShipped("incident-single-mount"));
  const nlohmann::json& m = r.summary["messages"];
  // 1 UnitNew for the new unit + 2 PropertiesChanged for each of 26 NFS mount units and 6 device units.
  CHECK(m["systemd"]["sent"] == 65);
  CHECK(m["systemd"]["by_member"]["UnitNew"]["sent"] == 1);
  CHECK(m["systemd"]["by_member"]["PropertiesChanged"]["sent"] == 64);
  CHECK(r.summary["scans"]["count"] == 1);
  // logind matches PropertiesChanged but not UnitNew.
  CHECK(m["logind"]["received"] == 64);
  CHECK(m["dbus-daemon"]["received"] == 65);
  CHECK(m["systemd"]["dropped"]["enobufs"] == 0);
}

TEST_CASE("changes during a scan lead to exactly one further scan", "[pipeline][coalescing]") {
  // The first mount starts a 50 ms scan; five more land while it runs.
  nlohmann::json doc = SmallScenario({1.0, 1.010, 1.020, 1.030, 1.035, 1.040});
  doc["systemd"] = {{"scan_fixed_us", 50000}};
  RunOutput r = RunTest(ParseScenario(doc, "coalescing"));
  CHECK(r.summary["scans"]["count"] == 2);
  CHECK(r.summary["scans"]["changes"] == 6);
  CHECK(r.summary["scans"]["changes_coalesced"] == 4);
  CHECK(r.summary["scans"]["new_mount_units"] == 6);
}

TEST_CASE("changes between scans each get a scan of their own", "[pipeline][coalescing]") {
  nlohmann::json doc = SmallScenario({1.0, 2.0, 3.0});
  RunOutput r = RunTest(ParseScenario(doc, "spread"));
  CHECK(r.summary["scans"]["count"] == 3);
  CHECK(r.summary["scans"]["changes_coalesced"] == 0);
  // Each scan re-announces the NFS units known before it: 0 + 1 + 2 existing mounts, plus /home/a
  // and the sda1 device unit every time, as PropertiesChanged pairs; and one UnitNew per mount.
  CHECK(r.summary["messages"]["systemd"]["by_member"]["UnitNew"]["sent"] == 3);
  CHECK(r.summary["messages"]["systemd"]["by_member"]["PropertiesChanged"]["sent"] == 2 * ((0 + 2) + (1 + 2) + (2 + 2)));
}

TEST_CASE("a run is byte-for-byte reproducible", "[pipeline][determinism]") {
  SECTION("explicit workload") {
    Scenario s = LoadShipped("incident-single-mount");
    RunOutput a = RunTest(s), b = RunTest(s);
    CHECK(SummaryJsonText(a) == SummaryJsonText(b));
    CHECK(a.curves_csv == b.curves_csv);
  }
  SECTION("a mounting process, logins and every queue overflowing") {
    Scenario s = LoadShipped("incident-enobufs");
    RunOutput a = RunTest(s), b = RunTest(s);
    CHECK(SummaryJsonText(a) == SummaryJsonText(b));
    CHECK(a.curves_csv == b.curves_csv);
  }
  SECTION("Poisson arrivals, and a seed given on top") {
    Scenario s = LoadShipped("poisson-automounts");
    s.seed = 12345;
    RunOutput a = RunTest(s), b = RunTest(s);
    CHECK(SummaryJsonText(a) == SummaryJsonText(b));
    CHECK(a.curves_csv == b.curves_csv);
    s.seed = 54321;
    RunOutput c = RunTest(s);
    CHECK(SummaryJsonText(a) != SummaryJsonText(c));  // the seed matters
  }
}
