// mountstorm compare: A and B on the same workload and seed, and the ratios.
#include <catch2/catch.hpp>

#include "cli/compare_command.h"
#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "planner/compare.h"
#include "tests/test_support.h"

using namespace mountstorm;
using mountstorm::test::ProgramPath;
using mountstorm::test::RunProgram;
using mountstorm::test::SourcePath;
using mountstorm::test::TempDir;

namespace {

const nlohmann::json* Row(const nlohmann::json& rows, const std::string& metric) {
  for (const nlohmann::json& r : rows) {
    if (r["metric"] == metric) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a comparison spec is a profile, a patch, a list of patches or none", "[compare]") {
  const std::string path = SourcePath("scenarios/incident-single-mount.json");
  CHECK(ScenarioWithSpec(path, {}, "none", "--a").profile == "rhel7.7");
  CHECK(ScenarioWithSpec(path, {}, "v248", "--b").profile == "v248");
  Scenario one = ScenarioWithSpec(path, {}, R"({"name": "ratelimit", "burst": 3})", "--b");
  REQUIRE(one.patches.size() == 1);
  CHECK(one.patches[0].name == "ratelimit");
  CHECK(ScenarioWithSpec(path, {}, R"([{"name": "changed-only"}, {"name": "debounce"}])", "--b").patches.size() == 2);
  CHECK(ScenarioWithSpec(path, {}, "dbus-broker", "--b").relay == RelayKind::kDbusBroker);
  CHECK(ScenarioWithSpec(path, {}, "dbus-daemon", "--a").relay == RelayKind::kDbusDaemon);
  CHECK_THROWS_AS(ScenarioWithSpec(path, {}, "v999", "--b"), InputError);
  CHECK_THROWS_AS(ScenarioWithSpec(path, {}, R"({"name": "nope"})", "--b"), InputError);
  CHECK_THROWS_AS(ScenarioWithSpec(path, {}, R"({"name": "ratelimit", "bogus": 1})", "--b"), InputError);
}

TEST_CASE("the rows give A, B and B over A, leaving out what neither run has", "[compare]") {
  RunResult a = RunScenario(LoadScenarioFile(SourcePath("scenarios/incident-single-mount.json")));
  RunResult b = RunScenario(LoadScenarioFile(SourcePath("scenarios/incident-single-mount.json"), {"/profile=v248"}));
  nlohmann::json rows = CompareRowsJson(CompareRows(a, b));
  const nlohmann::json* sent = Row(rows, "messages.systemd.sent");
  REQUIRE(sent != nullptr);
  CHECK((*sent)["a"] == 65);
  CHECK((*sent)["b"] == 1);  // v248: the new unit's UnitNew only
  CHECK((*sent)["ratio"].get<double>() == Approx(1.0 / 65));
  CHECK(Row(rows, "logins.attempts") == nullptr);                         // no logins in either
  CHECK(Row(rows, "queues.systemd.wqueue.enobufs_onset_s") == nullptr);  // no refusal in either
  CHECK(Row(rows, "visibility.known_s.mean") != nullptr);
}

TEST_CASE("compare runs A and B on the same seed and writes compare.json", "[compare]") {
  std::string dir = TempDir("compare");
  test::CommandResult r = RunProgram({ProgramPath(), "compare", SourcePath("scenarios/incident-single-mount.json"),
                                      "--b", R"({"name": "changed-only"})", "-o", dir});
  REQUIRE(r.exit_status == 0);
  CHECK(r.out.find("messages.systemd.sent") != std::string::npos);
  nlohmann::json report = nlohmann::json::parse(test::ReadFile(dir + "/compare.json"));
  CHECK(report["a"]["summary"]["seed"] == report["b"]["summary"]["seed"]);
  CHECK(report["b"]["summary"]["patches"].size() == 1);
  CHECK(report["a"]["summary"]["messages"]["systemd"]["sent"] == 65);
  CHECK(report["b"]["summary"]["messages"]["systemd"]["sent"] == 1);
  // Two scenario files instead of one with --a/--b: A is the first file, B the second.
  const std::string two_dir = TempDir("compare-two");
  test::CommandResult two = RunProgram({ProgramPath(), "compare", SourcePath("scenarios/pr15233-before.json"),
                                        SourcePath("scenarios/pr15233-after.json"), "-o", two_dir});
  REQUIRE(two.exit_status == 0);
  nlohmann::json two_report = nlohmann::json::parse(test::ReadFile(two_dir + "/compare.json"));
  CHECK(two_report["a"]["summary"]["scenario"] == "pr15233-before");
  CHECK(two_report["b"]["summary"]["scenario"] == "pr15233-after");
  CHECK(two_report["a"]["summary"]["messages"]["systemd"]["sent"] == 40600);
  CHECK(two_report["b"]["summary"]["messages"]["systemd"]["sent"] == 200);
  test::CommandResult bad = RunProgram({ProgramPath(), "compare", SourcePath("scenarios/incident-single-mount.json"),
                                        "--b", "not-a-profile"});
  CHECK(bad.exit_status == 2);
  CHECK(bad.err.find("--b: expected a profile") != std::string::npos);
}

TEST_CASE("compare puts dbus-daemon and dbus-broker side by side with the broker's disconnects", "[compare]") {
  const std::string path = SourcePath("scenarios/incident-enobufs.json");
  RunResult a = RunScenario(ScenarioWithSpec(path, {}, "dbus-daemon", "--a"));
  RunResult b = RunScenario(ScenarioWithSpec(path, {}, "dbus-broker", "--b"));
  nlohmann::json rows = CompareRowsJson(CompareRows(a, b));
  const nlohmann::json* disconnects = Row(rows, "relay.disconnects");
  REQUIRE(disconnects != nullptr);
  CHECK((*disconnects)["a"].is_null());  // dbus-daemon never disconnects anyone
  CHECK((*disconnects)["b"] == b.relay.disconnects.size());
  CHECK(b.relay.disconnects.size() > 0);
  CHECK(Row(rows, "messages.dbus-daemon.dropped.full_queue") != nullptr);
  CHECK(Row(rows, "processes.dbus-broker.busy_s") != nullptr);
}

TEST_CASE("compare and headroom print the same with either engine and refuse an unknown one", "[compare][engine]") {
  const std::string storm = SourcePath("scenarios/incident-enobufs.json");
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"compare", storm, "--b", "dbus-broker", "--set", "/workload/0/count=300"},
        std::vector<std::string>{"headroom", storm, "--json", "--set", "/workload/0/count=300"}}) {
    std::vector<std::string> reference = command, trains = command;
    reference.insert(reference.begin(), ProgramPath());
    trains.insert(trains.begin(), ProgramPath());
    reference.insert(reference.end(), {"--engine", "messages"});
    const test::CommandResult by_default = RunProgram(trains);
    trains.insert(trains.end(), {"--engine", "trains"});
    const test::CommandResult a = RunProgram(reference), b = RunProgram(trains);
    INFO(command.front());
    REQUIRE(a.exit_status == 0);
    CHECK(a.out.size() > 200);
    CHECK(b.out == a.out);
    CHECK(by_default.out == a.out);
    std::vector<std::string> bad = command;
    bad.insert(bad.begin(), ProgramPath());
    bad.insert(bad.end(), {"--engine", "events"});
    const test::CommandResult refused = RunProgram(bad);
    CHECK(refused.exit_status == 2);
    CHECK(refused.err.find("--engine: expected \"messages\" or \"trains\", found \"events\"") != std::string::npos);
  }
}
