// The mountstorm program as a user meets it: help, exit status (0 success, 2 bad input, 1 internal
// error), errors on stderr that name the file and the JSON path, results on stdout, output files
// written atomically and reproducibly. Runs the built program (test::ProgramPath()).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using mountstorm::test::CommandResult;
using mountstorm::test::Mountstorm;
using mountstorm::test::ProgramPath;
using mountstorm::test::ReadFile;
using mountstorm::test::RunProgram;
using mountstorm::test::SourcePath;
using mountstorm::test::TempDir;

namespace {

// The shipped scenario the run tests use: one mount, a few hundred events, milliseconds to run.
std::string SingleMount() { return SourcePath("scenarios/incident-single-mount.json"); }

std::string WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return path;
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Bad input is exit status 2: never 1 (an internal error) and never a signal (128 + n).
void RequireInputError(const CommandResult& r) {
  INFO("stdout: " << r.out);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_status == 2);
  CHECK(r.err.rfind("mountstorm: ", 0) == 0);
  CHECK(r.err.find("internal error") == std::string::npos);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("mountstorm --help and mountstorm COMMAND --help print usage on stdout and exit 0", "[cli]") {
  for (const char* flag : {"--help", "-h", "help"}) {
    CommandResult r = Mountstorm({flag});
    INFO(flag);
    CHECK(r.exit_status == 0);
    CHECK(r.out.find("usage: mountstorm <command>") != std::string::npos);
    CHECK(r.out.find("run SCENARIO.json -o DIR") != std::string::npos);
    CHECK(r.err.empty());
  }
  CommandResult run = Mountstorm({"run", "--help"});
  CHECK(run.exit_status == 0);
  CHECK(run.out.find("usage: mountstorm run SCENARIO.json -o DIR") != std::string::npos);
  CHECK(run.out.find("--seed") != std::string::npos);
  CHECK(run.out.find("--set") != std::string::npos);
  CHECK(run.err.empty());
  for (const char* command : {"validate", "params"}) {
    CommandResult r = Mountstorm({command, "--help"});
    INFO(command);
    CHECK(r.exit_status == 0);
    CHECK(r.out.find(std::string("usage: mountstorm ") + command) != std::string::npos);
  }
  CommandResult version = Mountstorm({"--version"});
  CHECK(version.exit_status == 0);
  CHECK(version.out.rfind("mountstorm ", 0) == 0);
}

TEST_CASE("no arguments, an unknown command or a bad flag exit 2 with the reason on stderr", "[cli]") {
  CommandResult none = Mountstorm({});
  CHECK(none.exit_status == 2);
  CHECK(none.err.rfind("mountstorm: expected a command, found none\n", 0) == 0);
  CHECK(none.err.find("\nusage: mountstorm") != std::string::npos);
  CHECK(none.out.empty());

  CommandResult unknown = Mountstorm({"simulate"});
  RequireInputError(unknown);
  CHECK(unknown.err.find("unknown command \"simulate\"") != std::string::npos);
  CHECK(unknown.out.empty());

  RequireInputError(Mountstorm({"run", SingleMount()}));                  // no -o
  RequireInputError(Mountstorm({"run", "-o", TempDir("cli-noscenario")}));  // no scenario
  RequireInputError(Mountstorm({"run", SingleMount(), SingleMount(), "-o", TempDir("cli-two")}));
  RequireInputError(Mountstorm({"validate", SingleMount(), "--frobnicate"}));
  RequireInputError(Mountstorm({"params", "extra"}));
}

TEST_CASE("run writes summary.json, curves.csv and events.csv into a directory it creates", "[cli]") {
  const std::string dir = TempDir("cli-run") + "/not/yet/there";
  CommandResult r = Mountstorm({"run", SingleMount(), "-o", dir});
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_status == 0);
  CHECK(r.out.find("scenario  incident-single-mount") != std::string::npos);
  CHECK(r.out.find("wrote " + dir + "/summary.json, " + dir + "/curves.csv and events.csv") != std::string::npos);
  CHECK(r.err.find("mountstorm:") == std::string::npos);

  // Nothing but the results, the scenario and the manifest: no temporary file is left behind.
  CHECK(FilesIn(dir) ==
        std::vector<std::string>{"curves.csv", "events.csv", "manifest.json", "measures.csv", "measures.json",
                                                       "scenario.json", "summary.json"});

  nlohmann::json summary = nlohmann::json::parse(ReadFile(dir + "/summary.json"));
  CHECK(summary["scenario"] == "incident-single-mount");
  CHECK(summary["seed"] == 1);
  CHECK(summary.contains("messages"));
  CHECK(summary.contains("queues"));

  std::vector<std::string> lines = Lines(ReadFile(dir + "/curves.csv"));
  REQUIRE(lines.size() > 2);
  CHECK(lines[0].rfind("time_s,", 0) == 0);
  CHECK(lines[0].find("systemd.wqueue") != std::string::npos);
  const auto columns = std::count(lines[0].begin(), lines[0].end(), ',');
  for (const std::string& line : lines) REQUIRE(std::count(line.begin(), line.end(), ',') == columns);

  SECTION("-q prints nothing on success") {
    CommandResult quiet = Mountstorm({"run", SingleMount(), "-o", dir, "-q"});
    CHECK(quiet.exit_status == 0);
    CHECK(quiet.out.empty());
    CHECK(quiet.err.empty());
  }
}

TEST_CASE("run gives byte-identical files when repeated, and overwrites cleanly", "[cli]") {
  const std::string a = TempDir("cli-repeat-a"), b = TempDir("cli-repeat-b");
  REQUIRE(Mountstorm({"run", SingleMount(), "-o", a, "-q"}).exit_status == 0);
  REQUIRE(Mountstorm({"run", SingleMount(), "-o", b, "-q"}).exit_status == 0);
  const std::string summary = ReadFile(a + "/summary.json"), curves = ReadFile(a + "/curves.csv");
  CHECK(summary == ReadFile(b + "/summary.json"));
  CHECK(curves == ReadFile(b + "/curves.csv"));
  CHECK(ReadFile(a + "/events.csv") == ReadFile(b + "/events.csv"));
  // Again into the same directory: replaced, same bytes, no temporary files.
  REQUIRE(Mountstorm({"run", SingleMount(), "-o", a, "-q"}).exit_status == 0);
  CHECK(summary == ReadFile(a + "/summary.json"));
  CHECK(curves == ReadFile(a + "/curves.csv"));
  CHECK(FilesIn(a) ==
        std::vector<std::string>{"curves.csv", "events.csv", "manifest.json", "measures.csv", "measures.json",
                                                       "scenario.json", "summary.json"});
}

TEST_CASE("run --seed sets the summary's seed and is reproducible", "[cli]") {
  const std::string scenario = SourcePath("scenarios/poisson-automounts.json");
  const std::string a = TempDir("cli-seed-a"), b = TempDir("cli-seed-b"), c = TempDir("cli-seed-c");
  REQUIRE(Mountstorm({"run", scenario, "-o", a, "-q", "--seed", "12345"}).exit_status == 0);
  REQUIRE(Mountstorm({"run", scenario, "-o", b, "-q", "--seed", "12345"}).exit_status == 0);
  REQUIRE(Mountstorm({"run", scenario, "-o", c, "-q", "--seed", "18446744073709551615"}).exit_status == 0);
  CHECK(nlohmann::json::parse(ReadFile(a + "/summary.json"))["seed"] == 12345);
  CHECK(nlohmann::json::parse(ReadFile(c + "/summary.json"))["seed"] == 18446744073709551615ull);
  CHECK(ReadFile(a + "/summary.json") == ReadFile(b + "/summary.json"));
  CHECK(ReadFile(a + "/curves.csv") == ReadFile(b + "/curves.csv"));
  // Poisson arrivals depend on the seed.
  CHECK(ReadFile(a + "/curves.csv") != ReadFile(c + "/curves.csv"));

  SECTION("a seed that is not an unsigned 64-bit integer is bad input") {
    // program_options alone would take "-1" and wrap it to 2^64 - 1.
    for (const char* seed : {"-1", "abc", "1.5", "", "18446744073709551616", "+3", " 3"}) {
      INFO("--seed '" << seed << "'");
      const std::string dir = TempDir("cli-seed-bad") + "/out";
      CommandResult r = Mountstorm({"run", scenario, "-o", dir, "--seed", seed});
      RequireInputError(r);
      CHECK(r.err.find("--seed") != std::string::npos);
      CHECK_FALSE(std::filesystem::exists(dir));
    }
  }
}

TEST_CASE("a --set override changes a value, and a bad or misspelled one exits 2 naming the path", "[cli]") {
  const std::string dir = TempDir("cli-set") + "/out";

  CommandResult ok = Mountstorm({"validate", SingleMount(), "--set", "/run/stop_at_s=30", "--set", "/name=\"renamed\""});
  CHECK(ok.exit_status == 0);
  CHECK(ok.out.find("name renamed") != std::string::npos);

  struct Case {
    std::string assignment;
    std::string path;     // the JSON path the message must name
    std::string snippet;  // and what it must say
  };
  const std::vector<Case> cases = {
      {"/run/stop_at_s=-5", "/run/stop_at_s", "from 0 to 1000000"},
      {"/run/stop_at_s=soon", "/run/stop_at_s", "\"soon\" (a string)"},
      {"/run/stop_at=5", "/run/stop_at", "did you mean \"stop_at_s\""},
      {"/systmd/scan_per_line_us=3", "/systmd", "unknown key (did you mean \"systemd\"?)"},
      {"/workload/0/kind/x=1", "/workload/0/kind/x", "not a valid JSON pointer into the scenario"},
      {"/mount_table/entries/999/path=\"/x\"", "/mount_table/entries/999",
       "the parent /mount_table/entries/999 does not exist"},
      {"/mount_table/entries/-=1", "/mount_table/entries/-", "no such array element"},
      {"/run/stop_at_s", "/run/stop_at_s", "expected /json/path=value"},
      {"run/stop_at_s=5", "run/stop_at_s", "expected /json/path=value"},
      {"/run/stop~at_s=5", "/run/stop~at_s", "JSON pointer"},
      {"/name=\xff", "/name", "UTF-8"},
  };
  for (const Case& c : cases) {
    for (const char* command : {"validate", "run"}) {
      INFO(command << " --set " << c.assignment);
      std::vector<std::string> args = {command, SingleMount(), "--set", c.assignment};
      if (std::string(command) == "run") args.insert(args.end(), {"-o", dir});
      CommandResult r = Mountstorm(args);
      RequireInputError(r);
      CHECK(r.err.find(c.path) != std::string::npos);
      CHECK(r.err.find(c.snippet) != std::string::npos);
      CHECK(r.out.empty());
      // Bad input is found before anything is written.
      CHECK_FALSE(std::filesystem::exists(dir));
    }
  }
}

TEST_CASE("validate accepts every shipped scenario", "[cli]") {
  // Every scenarios/*.json (the sweeps in scenarios/sweeps/ are not scenarios).
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(SourcePath("scenarios"))) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  for (const char* shipped : {"incident-single-mount.json", "incident-storm.json", "poisson-automounts.json"}) {
    INFO(shipped);
    CHECK(std::find(names.begin(), names.end(), shipped) != names.end());
  }
  for (const std::string& name : names) {
    const std::string path = SourcePath("scenarios/" + name);
    CommandResult r = Mountstorm({"validate", path});
    INFO(name << ": " << r.err);
    CHECK(r.exit_status == 0);
    CHECK(r.out.rfind(path + ": valid", 0) == 0);
    CHECK(r.err.empty());
  }
}

TEST_CASE("bad scenario files exit 2 naming the file and the JSON path", "[cli]") {
  const std::string dir = TempDir("cli-bad-files");
  const std::string out = dir + "/out";
  struct Case {
    const char* what;
    std::string text;
    std::vector<std::string> snippets;  // besides the file name
  };
  const std::vector<Case> cases = {
      {"invalid JSON", R"({"systemd": {"scan_per_line_us": 3,)", {"not valid JSON"}},
      {"empty file", "", {"not valid JSON"}},
      {"not an object", "[1, 2]", {": /: expected a scenario object, found an array"}},
      {"unknown key", R"({"systemd": {"scan_per_lin_us": 3}})",
       {"/systemd/scan_per_lin_us", "unknown key", "did you mean \"scan_per_line_us\""}},
      {"unknown top-level key", R"({"sytemd": {}})", {": /sytemd: unknown key", "did you mean \"systemd\""}},
      {"wrong type", R"({"systemd": {"scan_per_line_us": "8"}})",
       {"/systemd/scan_per_line_us", "expected a number", "\"8\" (a string)"}},
      {"negative cost", R"({"systemd": {"sendmsg_us": -1}})",
       {"/systemd/sendmsg_us", "expected a number from 0 to", "found -1"}},
      {"non-integer", R"({"systemd": {"wqueue_max": 1.5}})",
       {"/systemd/wqueue_max", "expected an integer from 1 to 4294967296", "found 1.5"}},
      {"integer above 2^63", R"({"systemd": {"wqueue_max": 18446744073709551615}})",
       {"/systemd/wqueue_max", "expected an integer from 1 to 4294967296"}},
      {"negative seed", R"({"seed": -1})", {"/seed", "expected an integer from 0 to 18446744073709551615"}},
      {"missing count", R"({"workload": [{"kind": "burst", "op": "umount", "mount": {"path": "/x"}}]})",
       {"/workload/0/count", "expected the number of operations", "found nothing"}},
      {"missing kind", R"({"workload": [{"count": 3, "mount": {"path": "/x"}}]})", {"/workload/0/kind"}},
      {"bad op in a list", R"({"workload": [{"kind": "list", "ops": [{"at_s": 1, "op": "mout", "path": "/x"}]}]})",
       {"/workload/0/ops/0/op", "one of \"mount\", \"umount\", \"remount\""}},
      {"relative mount path", R"({"mount_table": {"entries": [{"path": "x", "source": "s", "fstype": "xfs"}]}})",
       {"/mount_table/entries/0/path", "an absolute path"}},
      {"unknown profile", R"({"profile": "rhel9"})", {"/profile", "unknown profile \"rhel9\"", "rhel7.7"}},
      {"bad match rule", R"({"logind": {"match_rules": ["type='signal',arg0='x'"]}})",
       {"/logind/match_rules/0", "unsupported key 'arg0'"}},
      {"duplicate subscriber", R"({"subscribers": [{"name": "logind"}]})", {"/subscribers/0/name"}},
  };
  int n = 0;
  for (const Case& c : cases) {
    const std::string path = WriteText(dir + "/case" + std::to_string(n++) + ".json", c.text);
    for (const char* command : {"validate", "run"}) {
      INFO(c.what << " (" << command << ")");
      std::vector<std::string> args = {command, path};
      if (std::string(command) == "run") args.insert(args.end(), {"-o", out});
      CommandResult r = Mountstorm(args);
      RequireInputError(r);
      CHECK(r.err.find(path + ": ") != std::string::npos);
      for (const std::string& s : c.snippets) CHECK(r.err.find(s) != std::string::npos);
      CHECK(r.out.empty());
      CHECK_FALSE(std::filesystem::exists(out));
    }
  }

  SECTION("a file that does not exist") {
    const std::string missing = dir + "/missing.json";
    CommandResult r = Mountstorm({"run", missing, "-o", out});
    RequireInputError(r);
    CHECK(r.err.find(missing + ": cannot open") != std::string::npos);
  }
}

TEST_CASE("an output directory that cannot be created exits 2", "[cli]") {
  const std::string dir = TempDir("cli-bad-out");
  const std::string file = WriteText(dir + "/plain-file", "x");
  for (const std::string& out : {file + "/sub", file, std::string()}) {
    INFO("-o '" << out << "'");
    CommandResult r = Mountstorm({"run", SingleMount(), "-o", out});
    RequireInputError(r);
    CHECK(r.err.find("directory") != std::string::npos);
    CHECK(r.out.empty());
  }
  CHECK(ReadFile(file) == "x");
}

TEST_CASE("results that cannot be written to stdout are not a success", "[cli]") {
  CommandResult r = RunProgram({"/bin/sh", "-c", "exec \"$0\" params >/dev/full", ProgramPath()});
  CHECK(r.exit_status == 2);
  CHECK(r.err.find("standard output") != std::string::npos);
}

TEST_CASE("params lists every parameter with its default, and --json is valid JSON", "[cli]") {
  CommandResult table = Mountstorm({"params"});
  REQUIRE(table.exit_status == 0);
  bool found = false;
  for (const std::string& line : Lines(table.out)) {
    std::istringstream fields(line);
    std::string path, value, unit;
    fields >> path >> value >> unit;
    if (path != "/systemd/scan_per_line_us") continue;
    found = true;
    CHECK(value == "8");
    CHECK(unit == "us");
  }
  CHECK(found);

  CommandResult json = Mountstorm({"params", "--json"});
  REQUIRE(json.exit_status == 0);
  nlohmann::json params = nlohmann::json::parse(json.out);
  REQUIRE(params.is_array());
  auto it = std::find_if(params.begin(), params.end(),
                         [](const nlohmann::json& p) { return p["path"] == "/systemd/scan_per_line_us"; });
  REQUIRE(it != params.end());
  CHECK((*it)["default"] == 8);
  CHECK((*it)["unit"] == "us");
  CHECK(params.size() == Lines(table.out).size());
}

// Bugs once found in models/scenario.cc, kept as regressions.
TEST_CASE("a number too large for a double in a scenario file exits 2", "[cli]") {
  const std::string path = WriteText(TempDir("cli-1e400") + "/s.json", R"({"systemd": {"scan_fixed_us": 1e400}})");
  CommandResult r = Mountstorm({"validate", path});
  RequireInputError(r);
  CHECK(r.err.find(path + ": /systemd/scan_fixed_us") != std::string::npos);
}

TEST_CASE("an array index beyond 64 bits in --set exits 2", "[cli]") {
  CommandResult r = Mountstorm({"validate", SingleMount(), "--set", "/mount_table/entries/99999999999999999999=1"});
  RequireInputError(r);
  CHECK(r.err.find("/mount_table/entries/99999999999999999999") != std::string::npos);
}

TEST_CASE("README's --set /systemd/wqueue_max works on a scenario without a systemd section", "[cli]") {
  const std::string path = SourcePath("scenarios/poisson-automounts.json");
  // The point of the test: the file has no "systemd" object, so --set must create it.
  REQUIRE_FALSE(nlohmann::json::parse(ReadFile(path)).contains("systemd"));
  CommandResult r = Mountstorm({"validate", path, "--set", "/systemd/wqueue_max=393216", "--set",
                                "/workload/0/count=3000"});
  INFO(r.err);
  CHECK(r.exit_status == 0);
  CHECK(r.out.find("3000 operation(s)") != std::string::npos);
  // The created object is the one PID 1 reads its limit from (the default is 196608).
  const std::string dir = TempDir("cli-set-created") + "/out";
  CommandResult run = Mountstorm({"run", path, "-o", dir, "--set", "/systemd/wqueue_max=393216", "--set",
                                  "/run/stop_at_s=0"});
  INFO(run.err);
  REQUIRE(run.exit_status == 0);
  nlohmann::json summary = nlohmann::json::parse(ReadFile(dir + "/summary.json"));
  CHECK(summary["queues"]["systemd.wqueue"]["limit"] == 393216);
}

TEST_CASE("a key given twice in a scenario file exits 2", "[cli]") {
  const std::string path = WriteText(TempDir("cli-dup") + "/s.json", R"({"seed": 1, "seed": 2})");
  CommandResult r = Mountstorm({"validate", path});
  RequireInputError(r);
  CHECK(r.err.find("/seed") != std::string::npos);
}
