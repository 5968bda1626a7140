// The station measures of a run (measures.json, measures.csv, run --measures and --drops): the
// storm window is headroom's, busy times and refusals agree with summary.json, and the files are
// written, listed and refused as docs/OUTPUTS.md says.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "mountstorm/csv.h"
#include "mountstorm/result_files.h"
#include "mountstorm/run.h"
#include "planner/planner.h"
#include "tests/test_support.h"

using namespace mountstorm;

namespace {

const RunOptions kMeasured{Engine::kMessages, nullptr, {}, true};

void CheckAgainstSummary(const std::string& name) {
  INFO(name);
  const Scenario s = test::LoadShipped(name);
  const RunResult r = RunScenario(s, kMeasured);
  const Measures& m = r.measures;
  // The same window as headroom's: from the first operation to the last drain of a queue of messages.
  const planner::Headroom h = planner::AnalyzeHeadroom(s);
  CHECK(ToSeconds(m.storm.from) == h.active_from_s);
  CHECK(ToSeconds(m.storm.to) == h.storm_end_s);
  CHECK(m.run.to == r.end_time);
  for (const ProcessMeasures& p : m.processes) {
    INFO(p.name);
    REQUIRE(r.Process(p.name) != nullptr);
    CHECK(p.busy_run == r.Process(p.name)->busy);
    CHECK(p.busy_storm <= p.busy_run);
  }
  for (const QueueResult& q : r.queues) {
    std::uint64_t refused = 0;
    for (const RefusalRunResult& run : m.refusal_runs) refused += run.queue == q.name ? run.count : 0;
    CHECK(refused == q.refused);
  }
  REQUIRE(m.pid1_to_logind);
  CHECK(m.pid1_to_logind->unmatched == 0);
  CHECK(m.pid1_to_logind->count <= r.Messages("logind")->received);
}

}  // namespace

TEST_CASE("the measures of the incident agree with its summary and headroom's window", "[measures]") {
  CheckAgainstSummary("incident-enobufs");
}

TEST_CASE("the measures of the broker incident and a stalled subscriber agree with their summaries", "[measures]") {
  CheckAgainstSummary("incident-enobufs-broker");
  CheckAgainstSummary("stalled-subscriber");
}

TEST_CASE("in the enobufs incident PID 1's write queue refuses in one run from its onset", "[measures]") {
  const RunResult r = RunScenario(test::LoadShipped("incident-enobufs"), kMeasured);
  const QueueResult* wq = r.Queue("systemd.wqueue");
  REQUIRE(wq != nullptr);
  int runs = 0;
  for (const RefusalRunResult& run : r.measures.refusal_runs) {
    if (run.queue != "systemd.wqueue") continue;
    ++runs;
    CHECK(run.reason == "enobufs");
    CHECK(run.first == *wq->first_refusal);
    CHECK(run.count == wq->refused);
  }
  CHECK(runs == 1);
}

TEST_CASE("a single mount's signals reach logind with a delay of microseconds", "[measures]") {
  const RunResult r = RunScenario(test::LoadShipped("incident-single-mount"), kMeasured);
  REQUIRE(r.measures.pid1_to_logind);
  const DelayMeasures& d = *r.measures.pid1_to_logind;
  CHECK(d.count > 0);
  CHECK(d.count <= r.Messages("systemd")->sent);
  CHECK(*d.percentiles.max < kMillisecond);
  CHECK(*d.percentiles.p50 <= *d.percentiles.max);
}

TEST_CASE("run writes measures.json and measures.csv and lists them in the manifest", "[measures]") {
  const std::string dir = test::TempDir("measures_run");
  const test::CommandResult res = test::Mountstorm({"run", test::SourcePath("scenarios/incident-single-mount.json"), "-o", dir + "/out", "-q"});
  REQUIRE(res.exit_status == 0);
  const nlohmann::json measures = nlohmann::json::parse(test::ReadFile(dir + "/out/measures.json"));
  CHECK(measures.at("queues").contains("systemd.wqueue"));
  CHECK(measures.at("processes").contains("logind"));
  const CsvTable csv = ParseCsv(test::ReadFile(dir + "/out/measures.csv"), "measures.csv");
  CHECK(csv.Column("mean_level_storm") >= 0);
  CHECK(csv.rows.size() == measures.at("queues").size() + measures.at("processes").size());
  const std::string manifest = test::ReadFile(dir + "/out/manifest.json");
  CHECK(manifest.find("\"measures.json\"") != std::string::npos);
  CHECK(manifest.find("\"measures.csv\"") != std::string::npos);
}

TEST_CASE("run --drops writes a row per refusal run and --measures prints the window", "[measures]") {
  const std::string dir = test::TempDir("measures_drops");
  const test::CommandResult res = test::Mountstorm({"run", test::SourcePath("scenarios/incident-enobufs.json"), "-o",
                                                    dir + "/out", "--drops", dir + "/drops.csv", "--measures"});
  REQUIRE(res.exit_status == 0);
  CHECK(res.out.find("storm     1.000 to ") != std::string::npos);
  const CsvTable drops = ParseCsv(test::ReadFile(dir + "/drops.csv"), "drops.csv");
  const RunResult r = RunScenario(test::LoadShipped("incident-enobufs"), kMeasured);
  CHECK(drops.rows.size() == r.measures.refusal_runs.size());
  CHECK(test::ReadFile(dir + "/drops.csv") == DropsCsvText(r.measures.refusal_runs));
  const test::CommandResult stdout_drops = test::Mountstorm({"run", test::SourcePath("scenarios/incident-enobufs.json"),
                                                             "-o", dir + "/out2", "--drops", "-"});
  CHECK(stdout_drops.out == DropsCsvText(r.measures.refusal_runs));
}

TEST_CASE("run --drops into a missing directory exits 2 and writes nothing", "[measures]") {
  const std::string dir = test::TempDir("measures_bad_drops");
  const test::CommandResult res = test::Mountstorm({"run", test::SourcePath("scenarios/incident-single-mount.json"), "-o",
                                                    dir + "/out", "--drops", dir + "/no/such/drops.csv"});
  CHECK(res.exit_status == 2);
  CHECK(res.err.find("--drops") != std::string::npos);
  CHECK(!std::filesystem::exists(dir + "/out/summary.json"));
}
