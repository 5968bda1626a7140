// Bad input as issue 16 found it: each case exits 2 with a message naming the file and what was
// wrong, never 1 (an internal error), never a signal, and never after using unbounded memory. The
// program runs under a memory limit here, so that a regression fails instead of exhausting the
// machine.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using mountstorm::test::CommandResult;
using mountstorm::test::ProgramPath;
using mountstorm::test::ReadFile;
using mountstorm::test::RunProgram;
using mountstorm::test::SourcePath;
using mountstorm::test::TempDir;

namespace {

// mountstorm ARGS with at most 2 GB of address space and 60 s of CPU time (only the time under
// AddressSanitizer, which reserves terabytes of address space: tools/test.sh --sanitize).
#if defined(__SANITIZE_ADDRESS__)
constexpr const char* kLimits = "ulimit -t 60; exec \"$@\"";
#else
constexpr const char* kLimits = "ulimit -v 2000000; ulimit -t 60; exec \"$@\"";
#endif
CommandResult Mountstorm(const std::vector<std::string>& args) {
  std::vector<std::string> sh = {"/bin/sh", "-c", kLimits, "sh", ProgramPath()};
  sh.insert(sh.end(), args.begin(), args.end());
  return RunProgram(sh);
}

std::string WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// Exit status 2 and a message on stderr holding every one of `snippets`.
void RequireRefused(const CommandResult& r, const std::vector<std::string>& snippets) {
  INFO("exit status " << r.exit_status << "\nstdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_status == 2);
  CHECK(r.err.rfind("mountstorm: ", 0) == 0);
  CHECK(r.err.find("internal error") == std::string::npos);
  for (const std::string& s : snippets) CHECK(r.err.find(s) != std::string::npos);
}

}  // namespace

TEST_CASE("an input that is a device or a directory or larger than the maximum exits 2 naming it", "[input]") {
  const std::string dir = TempDir("bad-input-files");
  RequireRefused(Mountstorm({"validate", "/dev/zero"}), {"/dev/zero: ", "regular file", "a device"});
  RequireRefused(Mountstorm({"validate", dir}), {dir + ": ", "regular file", "a directory"});
  std::filesystem::create_directory(dir + "/table");
  const std::string scenario = WriteText(dir + "/s.json", R"({"mount_table": {"mountinfo_file": "table"}})");
  RequireRefused(Mountstorm({"validate", scenario}), {"/mount_table/mountinfo_file", dir + "/table", "a directory"});
  // A sparse file: 300 MiB long, nothing written, refused before it is read.
  const std::string big = dir + "/big.json";
  WriteText(big, "{}");
  REQUIRE(truncate(big.c_str(), 300LL << 20) == 0);
  RequireRefused(Mountstorm({"validate", big}), {big + ": ", "larger than 256 MiB"});
}

TEST_CASE("JSON nested a million levels deep exits 2 naming the file and the depth limit", "[input]") {
  const std::string dir = TempDir("bad-input-deep");
  const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  const std::string scenario = WriteText(dir + "/scenario.json", deep);
  RequireRefused(Mountstorm({"validate", scenario}), {scenario + ": ", "nested at most 64 levels"});
  const std::string patch = WriteText(dir + "/patch.json", R"({"patches": [{"name": "ratelimit", "x": )" + deep + "}]}");
  RequireRefused(Mountstorm({"validate", patch}), {patch + ": ", "nested at most 64 levels"});
  const std::string sweep =
      WriteText(dir + "/sweep.json", R"({"base": {}, "axes": [{"path": "/seed", "values": [1, )" + deep + "]}]}");
  RequireRefused(Mountstorm({"sweep", sweep, "-o", dir + "/out"}), {sweep + ": ", "nested at most 64 levels"});
  // A patch on the command line: as deep as one argument may be (128 KiB).
  const std::string arg = "[" + std::string(60000, '[') + std::string(60000, ']') + "]";
  RequireRefused(Mountstorm({"compare", SourcePath("scenarios/incident-single-mount.json"), "--b", arg}),
                 {"nested at most 64 levels"});
}

TEST_CASE("a run file or summary.json nested too deep exits 2 naming the file", "[input]") {
  const std::string dir = TempDir("bad-input-deep-results");
  const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  const std::string sweep = WriteText(dir + "/sweep.json", R"({"base": ")" +
                                      SourcePath("scenarios/incident-single-mount.json") +
                                      R"(", "axes": [{"path": "/seed", "values": [1]}]})");
  REQUIRE(Mountstorm({"sweep", sweep, "-o", dir + "/s", "--quiet"}).exit_status == 0);
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/s/runs")) {
    WriteText(entry.path().string(), R"({"point": {"/seed": 1}, "replication": 0, "seed": 1, "summary": )" + deep + "}");
  }
  RequireRefused(Mountstorm({"merge", "-o", dir + "/m", dir + "/s"}), {dir + "/s/runs/", "nested at most 64 levels"});
  REQUIRE(Mountstorm({"run", SourcePath("scenarios/incident-single-mount.json"), "-o", dir + "/r"}).exit_status == 0);
  WriteText(dir + "/r/summary.json", deep);
  for (const char* command : {"plot", "report"}) {
    RequireRefused(Mountstorm({command, dir + "/r", "-o", dir + "/r/out"}), {dir + "/r/summary.json: ", "nested at most 64"});
  }
}

TEST_CASE("JSON cut short by a NUL byte and a number beyond a double exit 2 saying what they are", "[input]") {
  const std::string dir = TempDir("bad-input-nul");
  const std::string nul = WriteText(dir + "/nul.json", std::string("{\"seed\": 1}\0{\"seed\": ", 21));
  RequireRefused(Mountstorm({"validate", nul}), {nul + ": ", "NUL byte"});
  const std::string scenario = SourcePath("scenarios/incident-single-mount.json");
  CommandResult r = Mountstorm({"validate", scenario, "--set", "/seed=1e400"});
  RequireRefused(r, {"/seed", "out of range"});
  CHECK(r.err.find("(a string)") == std::string::npos);
}

TEST_CASE("a shard is I/N in plain digits with I below N and N at most a million", "[input]") {
  const std::string dir = TempDir("bad-input-shard");
  const std::string sweep = WriteText(dir + "/sweep.json", R"({"base": ")" +
                                      SourcePath("scenarios/incident-single-mount.json") +
                                      R"(", "axes": [{"path": "/seed", "values": [1, 2]}]})");
  for (const char* shard : {"0/4294967297", "0/18446744073709551617", " 1/2", "+1/2", "1/ 2", "1/2 ", "-0/2",
                            "0x1/2", "1/1000001", "2/2", "0/0", "/2", "1/"}) {
    INFO("--shard '" << shard << "'");
    RequireRefused(Mountstorm({"sweep", sweep, "-o", dir + "/out", "--shard", shard}), {"--shard"});
    CHECK_FALSE(std::filesystem::exists(dir + "/out"));
  }
  CHECK(Mountstorm({"sweep", sweep, "-o", dir + "/out", "--shard", "1/2", "--quiet"}).exit_status == 0);
}

TEST_CASE("a run file with an empty summary or without its seed counts as missing and is no internal error", "[input]") {
  const std::string dir = TempDir("bad-input-run-files");
  const std::string sweep = WriteText(dir + "/sweep.json", R"({"base": ")" +
                                      SourcePath("scenarios/incident-single-mount.json") +
                                      R"(", "axes": [{"path": "/seed", "values": [1]}]})");
  REQUIRE(Mountstorm({"sweep", sweep, "-o", dir + "/s", "--quiet"}).exit_status == 0);
  std::string run_file;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/s/runs")) run_file = entry.path().string();
  const std::string good = ReadFile(run_file);
  for (const char* record : {R"({"point": {"/seed": 1}, "replication": 0, "seed": 1, "summary": {}})",
                             R"({"point": {"/seed": 1}, "replication": 0, "summary": {}})",
                             R"({"point": {"/seed": 1}, "replication": "0", "seed": 1, "summary": {}})",
                             R"({"point": {"/seed": 1}, "replication": 0, "seed": 1, "summary": []})"}) {
    INFO(record);
    WriteText(run_file, record);
    RequireRefused(Mountstorm({"merge", "-o", dir + "/m", dir + "/s"}), {"1 of 1 runs are in none of the directories"});
    CHECK_FALSE(std::filesystem::exists(dir + "/m"));
    // A resumed sweep runs it again and ends with the file it wrote the first time.
    CHECK(Mountstorm({"sweep", sweep, "-o", dir + "/s", "--quiet"}).exit_status == 0);
    CHECK(ReadFile(run_file) == good);
  }
}

TEST_CASE("merge with a bad sweep.json exits 2 naming the file and the JSON path and writes nothing", "[input]") {
  const std::string dir = TempDir("bad-input-merge");
  const std::string sweep = WriteText(dir + "/sweep.json", R"({"base": ")" +
                                      SourcePath("scenarios/incident-single-mount.json") +
                                      R"(", "axes": [{"path": "/seed", "values": [1]}]})");
  REQUIRE(Mountstorm({"sweep", sweep, "-o", dir + "/s", "--quiet"}).exit_status == 0);
  const nlohmann::json good = nlohmann::json::parse(ReadFile(dir + "/s/sweep.json"));
  struct Case {
    const char* pointer;
    nlohmann::json value;
  };
  const std::vector<Case> cases = {{"/replications", -1},      {"/replications", 0},  {"/replications", 1e10},
                                   {"/seed", -1},              {"/base", 5},          {"/name", 5},
                                   {"/axes/0/paths", {"/seed", "/run/stop_at_s"}}, {"/axes/0/values/0", 1},
                                   {"/axes/0/paths/0", "seed"}};
  for (const Case& c : cases) {
    nlohmann::json bad = good;
    bad[nlohmann::json::json_pointer(c.pointer)] = c.value;
    INFO(c.pointer << " = " << c.value.dump());
    WriteText(dir + "/s/sweep.json", bad.dump(2) + "\n");
    const std::string path = c.pointer == std::string("/axes/0/paths") ? "/axes/0/values/0" : c.pointer;
    RequireRefused(Mountstorm({"merge", "-o", dir + "/m", dir + "/s"}), {dir + "/s/sweep.json: " + path + ": expected"});
    CHECK_FALSE(std::filesystem::exists(dir + "/m"));
  }
}

TEST_CASE("plot and report on a summary.json with bad fields exit 2 naming the file and the JSON path", "[input]") {
  const std::string dir = TempDir("bad-input-summary");
  REQUIRE(Mountstorm({"run", SourcePath("scenarios/incident-single-mount.json"), "-o", dir + "/r"}).exit_status == 0);
  const nlohmann::json good = nlohmann::json::parse(ReadFile(dir + "/r/summary.json"));
  for (const auto& [pointer, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"/end_time_s", -5}, {"/end_time_s", 1e300}, {"/queues/systemd.wqueue/peak", -7},
           {"/queues/systemd.wqueue/peak_time_s", 1e30}, {"/drain_s", -1}}) {
    nlohmann::json bad = good;
    bad[nlohmann::json::json_pointer(pointer)] = value;
    WriteText(dir + "/r/summary.json", bad.dump(2));
    for (const char* command : {"plot", "report"}) {
      INFO(command << " with " << pointer << " = " << value.dump());
      RequireRefused(Mountstorm({command, dir + "/r", "-o", dir + "/out"}), {dir + "/r/summary.json: " + pointer + ": expected"});
      CHECK_FALSE(std::filesystem::exists(dir + "/out"));
    }
  }
}

TEST_CASE("a sweep of more runs than the maximum exits 2 before it expands its points", "[input]") {
  const std::string dir = TempDir("bad-input-sweep-size");
  std::string axes;
  for (int a = 0; a < 8; ++a) {  // 10^8 points
    axes += std::string(a ? ", " : "") + R"({"path": "/x)" + std::to_string(a) + R"(", "range": {"from": 0, "to": 9, "steps": 10}})";
  }
  const std::string sweep = WriteText(dir + "/sweep.json", R"({"base": {}, "axes": [)" + axes + "]}");
  RequireRefused(Mountstorm({"sweep", sweep, "-o", dir + "/out"}), {sweep + ": ", "more than 1000000 runs"});
  CHECK_FALSE(std::filesystem::exists(dir + "/out"));
}

TEST_CASE("run with --trace into an existing directory exits 2 before the run and writes nothing", "[input]") {
  const std::string dir = TempDir("bad-input-trace");
  std::filesystem::create_directory(dir + "/trace");
  RequireRefused(Mountstorm({"run", SourcePath("scenarios/incident-storm.json"), "-o", dir + "/out", "--trace",
                             dir + "/trace"}),
                 {"--trace " + dir + "/trace: ", "a directory"});
  CHECK_FALSE(std::filesystem::exists(dir + "/out"));
}

TEST_CASE("a merge that fails to write its tables leaves no sweep.json in its output", "[input]") {
  const std::string dir = TempDir("bad-input-merge-output");
  const std::string sweep = WriteText(dir + "/sweep.json", R"({"base": ")" +
                                      SourcePath("scenarios/incident-single-mount.json") +
                                      R"(", "axes": [{"path": "/seed", "values": [1]}]})");
  REQUIRE(Mountstorm({"sweep", sweep, "-o", dir + "/s", "--quiet"}).exit_status == 0);
  std::filesystem::create_directories(dir + "/m/results.csv");  // cannot be replaced by a file
  CommandResult r = Mountstorm({"merge", "-o", dir + "/m", dir + "/s"});
  CHECK(r.exit_status == 2);
  CHECK_FALSE(std::filesystem::exists(dir + "/m/sweep.json"));
}
