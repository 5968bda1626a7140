// Outputs you can trust: every output directory says where it came from (scenario.json after every
// override, manifest.json with the command line, the version and the hashes), its files arrive as
// a set (manifest.json last, required by plot, report and merge), and no temporary file outlives
// the command, whether it fails, is stopped by a signal, or was killed outright.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "io/manifest.h"
#include "io/output_dir.h"
#include "io/sha256.h"
#include "io/temp_files.h"
#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "tests/test_support.h"

using mountstorm::test::CommandResult;
using mountstorm::test::Mountstorm;
using mountstorm::test::ProgramPath;
using mountstorm::test::ReadFile;
using mountstorm::test::RunProgram;
using mountstorm::test::SourcePath;
using mountstorm::test::TempDir;

namespace fs = std::filesystem;

namespace {

std::string Storm() { return SourcePath("scenarios/incident-storm.json"); }

// The three result files of a run directory, for comparisons.
std::string Results(const std::string& dir) {
  return ReadFile(dir + "/summary.json") + ReadFile(dir + "/curves.csv") + ReadFile(dir + "/events.csv");
}

std::vector<std::string> TempsIn(const std::string& dir) {
  std::vector<std::string> temps;
  if (!fs::exists(dir)) return temps;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp.") != std::string::npos) temps.push_back(e.path().string());
  }
  return temps;
}

// A process id that is not running: a child that has exited and been reaped.
pid_t DeadPid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

}  // namespace

TEST_CASE("SHA-256 gives the FIPS 180-4 digests", "[outputs]") {
  using mountstorm::Sha256Hex;
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(Sha256Hex(std::string(1000000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256 of a text added in pieces of any size is the digest of the whole", "[outputs]") {
  // Pieces that end inside a block, on its end and past it, so that each path of Add() runs.
  std::string text;
  for (int i = 0; i < 5000; ++i) text += static_cast<char>('a' + (i * 7) % 26);
  const std::string whole = mountstorm::Sha256Hex(text);
  for (std::size_t piece : {1, 7, 63, 64, 65, 1000}) {
    mountstorm::Sha256 h;
    for (std::size_t at = 0; at < text.size(); at += piece) h.Add(std::string_view(text).substr(at, piece));
    INFO("pieces of " << piece);
    CHECK(h.Hex() == whole);
  }
}

TEST_CASE("run on a run directory's scenario.json gives the same files byte for byte after --set --seed and --profile",
          "[outputs]") {
  const std::string dir = TempDir("outputs-reproduce");
  const std::vector<std::string> overrides = {"--set", "/workload/0/count=40", "--set", "/systemd/wqueue_max=100",
                                              "--seed", "9", "--profile", "v245"};
  std::vector<std::string> args = {"run", Storm(), "-o", dir + "/first", "-q"};
  args.insert(args.end(), overrides.begin(), overrides.end());
  REQUIRE(Mountstorm(args).exit_status == 0);
  // The overrides are in the saved scenario: without them the run differs.
  REQUIRE(Mountstorm({"run", Storm(), "-o", dir + "/plain", "-q"}).exit_status == 0);
  CHECK(Results(dir + "/plain") != Results(dir + "/first"));
  const nlohmann::json saved = nlohmann::json::parse(ReadFile(dir + "/first/scenario.json"));
  CHECK(saved["seed"] == 9);
  CHECK(saved["profile"] == "v245");
  CHECK(saved["systemd"]["wqueue_max"] == 100);

  CommandResult again = Mountstorm({"run", dir + "/first/scenario.json", "-o", dir + "/again", "-q"});
  INFO(again.err);
  REQUIRE(again.exit_status == 0);
  for (const char* file : {"summary.json", "curves.csv", "events.csv", "measures.json", "measures.csv", "scenario.json"}) {
    INFO(file);
    CHECK(ReadFile(dir + "/first/" + file) == ReadFile(dir + "/again/" + file));
  }
  // And the same run read from standard input.
  CommandResult piped = RunProgram({"/bin/bash", "-c",
                                    "\"$0\" run - -o \"$1\" -q < \"$2\"", ProgramPath(), dir + "/piped",
                                    dir + "/first/scenario.json"});
  REQUIRE(piped.exit_status == 0);
  CHECK(Results(dir + "/piped") == Results(dir + "/first"));
}

TEST_CASE("a run with --mountinfo keeps a copy of the table so that its scenario.json runs anywhere", "[outputs]") {
  const std::string dir = TempDir("outputs-mountinfo");
  {
    std::ofstream table(dir + "/table");
    table << "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
             "40 22 0:40 / /home/a rw,relatime shared:20 - nfs4 srv:/home/a rw,vers=4.2\n";
  }
  REQUIRE(Mountstorm({"run", Storm(), "-o", dir + "/run", "-q", "--mountinfo", dir + "/table", "--set",
                      "/workload/0/count=20"})
              .exit_status == 0);
  CHECK(ReadFile(dir + "/run/mountinfo") == ReadFile(dir + "/table"));
  CHECK(nlohmann::json::parse(ReadFile(dir + "/run/scenario.json"))["mount_table"]["mountinfo_file"] == "mountinfo");
  fs::remove(dir + "/table");  // the original is gone: the copy is what counts
  REQUIRE(Mountstorm({"run", dir + "/run/scenario.json", "-o", dir + "/again", "-q"}).exit_status == 0);
  CHECK(Results(dir + "/again") == Results(dir + "/run"));
}

TEST_CASE("manifest.json lists every file with its size and hash and records the command and version", "[outputs]") {
  const std::string dir = TempDir("outputs-manifest") + "/run";
  REQUIRE(Mountstorm({"run", Storm(), "-o", dir, "-q", "--set", "/workload/0/count=10"}).exit_status == 0);
  const nlohmann::json m = nlohmann::json::parse(ReadFile(dir + "/manifest.json"));
  CHECK(m["mountstorm"] == mountstorm::Version());
  CHECK(m["command"] == nlohmann::json({"mountstorm", "run", Storm(), "-o", dir, "-q", "--set", "/workload/0/count=10"}));
  CHECK(m["inputs"][0]["path"] == Storm());
  CHECK(m["inputs"][0]["sha256"] == mountstorm::Sha256Hex(ReadFile(Storm())));
  CHECK(m["inputs_sha256"] == mountstorm::Sha256Hex(mountstorm::Sha256Hex(ReadFile(Storm())) + "  " + Storm() + "\n"));
  std::vector<std::string> names;
  for (const nlohmann::json& f : m["files"]) {
    const std::string text = ReadFile(dir + "/" + f["name"].get<std::string>());
    CHECK(f["bytes"] == text.size());
    CHECK(f["sha256"] == mountstorm::Sha256Hex(text));
    names.push_back(f["name"]);
  }
  CHECK(names == std::vector<std::string>{"summary.json", "curves.csv", "events.csv", "measures.json", "measures.csv",
                                            "scenario.json"});
}

TEST_CASE("plot report and merge refuse a directory without manifest.json with exit 2", "[outputs]") {
  const std::string dir = TempDir("outputs-unfinished");
  REQUIRE(Mountstorm({"run", Storm(), "-o", dir + "/run", "-q", "--set", "/workload/0/count=10"}).exit_status == 0);
  REQUIRE(Mountstorm({"plot", dir + "/run", "-o", dir + "/ok.svg", "-q"}).exit_status == 0);
  fs::remove(dir + "/run/manifest.json");
  for (const char* command : {"plot", "report"}) {
    CommandResult r = Mountstorm({command, dir + "/run", "-o", dir + "/x.out"});
    INFO(command << ": " << r.err);
    CHECK(r.exit_status == 2);
    CHECK(r.err.find(dir + "/run: no manifest.json: the run did not finish") != std::string::npos);
    CHECK(!fs::exists(dir + "/x.out"));
  }
  // A file the manifest lists and the directory lacks: incomplete.
  REQUIRE(Mountstorm({"run", Storm(), "-o", dir + "/run", "-q", "--set", "/workload/0/count=10"}).exit_status == 0);
  fs::remove(dir + "/run/events.csv");
  CommandResult r = Mountstorm({"plot", dir + "/run", "-o", dir + "/x.out"});
  CHECK(r.exit_status == 2);
  CHECK(r.err.find(dir + "/run/events.csv: listed in") != std::string::npos);

  const std::string sweep = dir + "/sweep.json";
  std::ofstream(sweep) << nlohmann::json({{"base", Storm()},
                                          {"axes", {{{"path", "/workload/0/count"}, {"values", {5, 10}}}}}})
                              .dump();
  REQUIRE(Mountstorm({"sweep", sweep, "-o", dir + "/s0", "--shard", "0/2", "-q"}).exit_status == 0);
  REQUIRE(Mountstorm({"sweep", sweep, "-o", dir + "/s1", "--shard", "1/2", "-q"}).exit_status == 0);
  REQUIRE(Mountstorm({"merge", "-o", dir + "/merged", dir + "/s0", dir + "/s1"}).exit_status == 0);
  CHECK(fs::exists(dir + "/merged/manifest.json"));
  // The base scenario of the sweep, the same in every shard and in the merge.
  CHECK(ReadFile(dir + "/merged/scenario.json") == ReadFile(dir + "/s0/scenario.json"));
  CHECK(nlohmann::json::parse(ReadFile(dir + "/merged/scenario.json")) ==
        nlohmann::json::parse(ReadFile(dir + "/merged/sweep.json"))["base"]);
  // The report of the merged directory says which command made it.
  CommandResult report = Mountstorm({"report", dir + "/merged", "-o", "-"});
  CHECK(report.out.find("Made by <span class=\"code\">mountstorm merge -o " + dir + "/merged") != std::string::npos);
  fs::remove(dir + "/s1/manifest.json");
  CommandResult merge = Mountstorm({"merge", "-o", dir + "/merged2", dir + "/s0", dir + "/s1"});
  CHECK(merge.exit_status == 2);
  CHECK(merge.err.find(dir + "/s1: no manifest.json: the sweep did not finish") != std::string::npos);
  CHECK(!fs::exists(dir + "/merged2"));
}

TEST_CASE("a directory being rewritten has no manifest until its new files are all written", "[outputs]") {
  const std::string dir = TempDir("outputs-set") + "/out";
  {
    mountstorm::OutputDir out(dir, "-o");
    out.Add("a.txt", "old");
    out.Commit({});
  }
  REQUIRE(fs::exists(dir + "/manifest.json"));
  {
    mountstorm::OutputDir out(dir, "-o");
    out.Add("a.txt", "new");
    CHECK(!fs::exists(dir + "/manifest.json"));  // the old one no longer vouches for a.txt
    out.Add("b.txt", "more");
    out.Commit({});
  }
  CHECK(mountstorm::RequireManifest(dir, "run").files.size() == 2);
}

TEST_CASE("a command that fails before its manifest leaves nothing behind", "[outputs]") {
  const std::string base = TempDir("outputs-rollback");
  {
    mountstorm::OutputDir out(base + "/new/deeper", "-o");
    out.Add("summary.json", "{}");
    REQUIRE(fs::exists(base + "/new/deeper/summary.json"));
  }  // destroyed without Commit: a failure
  CHECK(!fs::exists(base + "/new"));
  // Bad input found before the run: no directory at all.
  CommandResult r = Mountstorm({"run", Storm(), "-o", base + "/bad", "--set", "/systemd/wqueue_max=-1"});
  CHECK(r.exit_status == 2);
  CHECK(!fs::exists(base + "/bad"));
}

TEST_CASE("output paths are checked before any work", "[outputs]") {
  const std::string dir = TempDir("outputs-check");
  std::ofstream(dir + "/file") << "x";
  const auto started = std::chrono::steady_clock::now();
  CommandResult r = Mountstorm({"run", SourcePath("scenarios/incident-enobufs.json"), "-o", dir + "/file/run"});
  CHECK(r.exit_status == 2);
  CHECK(r.err.find(dir + "/file, which is not a directory") != std::string::npos);
  r = Mountstorm({"run", SourcePath("scenarios/incident-enobufs.json"), "-o", dir + "/file"});
  CHECK(r.exit_status == 2);
  CHECK(r.err.find("-o " + dir + "/file: expected a directory, found a file") != std::string::npos);
  // incident-enobufs takes seconds to simulate; both refusals came before it started.
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  r = Mountstorm({"sweep", SourcePath("scenarios/sweeps/profiles.json"), "-o", dir + "/file"});
  CHECK(r.exit_status == 2);
  CHECK(r.err.find("expected a directory, found a file") != std::string::npos);
  r = Mountstorm({"plot", dir, "-o", dir});
  CHECK(r.exit_status == 2);
  CHECK(r.err.find("-o " + dir + ": expected a file to write, found a directory") != std::string::npos);
}

TEST_CASE("SIGTERM and SIGINT remove the temporary files being written", "[outputs]") {
  for (int sig : {SIGTERM, SIGINT}) {
    const std::string dir = TempDir("outputs-signal-" + std::to_string(sig));
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      const std::string out = dir + "/run", trace = dir + "/trace.pcap";
      execl(ProgramPath().c_str(), "mountstorm", "run", Storm().c_str(), "-o", out.c_str(), "-q", "--trace",
            trace.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    // The trace is written to its temporary file while the run goes on (about 3 s).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (TempsIn(dir).empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    REQUIRE(!TempsIn(dir).empty());
    kill(pid, sig);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == sig);
    CHECK(TempsIn(dir).empty());
    CHECK(!fs::exists(dir + "/run/manifest.json"));
  }
}

TEST_CASE("temporary files of a killed process are removed by the next command writing there", "[outputs]") {
  const std::string dir = TempDir("outputs-stale") + "/run";
  fs::create_directories(dir + "/runs");
  const std::string host = mountstorm::TempHostTag();
  const std::string dead = std::to_string(DeadPid()), alive = std::to_string(getpid());
  const std::vector<std::string> stale = {dir + "/summary.json.tmp." + host + "." + dead + ".aB3xYz",
                                          dir + "/runs/x-r0.json.tmp." + host + "." + dead + ".Qw12er",
                                          dir + "/events.csv.tmp." + dead + ".oldfmt"};
  const std::string live = dir + "/curves.csv.tmp." + host + "." + alive + ".zzzzzz";
  const std::string other_host = dir + "/summary.json.tmp.not-" + host + "." + dead + ".elsewh";
  for (const std::string& f : stale) std::ofstream(f) << "half";
  std::ofstream(live) << "being written";
  std::ofstream(other_host) << "being written on another node";
  REQUIRE(Mountstorm({"run", Storm(), "-o", dir, "-q", "--set", "/workload/0/count=10"}).exit_status == 0);
  CHECK(!fs::exists(stale[0]));
  CHECK(!fs::exists(stale[2]));  // the form without a host, of earlier versions
  CHECK(fs::exists(live));        // its process still runs: not ours to remove
  CHECK(fs::exists(other_host));  // its PID means nothing on this host
  // A sweep cleans its runs/ too.
  const std::string sweep = dir + "/../sweep.json";
  std::ofstream(sweep) << nlohmann::json({{"base", Storm()}, {"axes", {{{"path", "/workload/0/count"}, {"values", {5}}}}}})
                              .dump();
  const std::string sweep_dir = dir + "/../sweep";
  fs::create_directories(sweep_dir + "/runs");
  const std::string stale_run = sweep_dir + "/runs/x-r0.json.tmp." + host + "." + dead + ".Qw12er";
  std::ofstream(stale_run) << "half";
  REQUIRE(Mountstorm({"sweep", sweep, "-o", sweep_dir, "-q"}).exit_status == 0);
  CHECK(!fs::exists(stale_run));
}

TEST_CASE("each file is renamed into place then its directory flushed and manifest.json comes last", "[outputs]") {
  if (!fs::exists("/usr/bin/strace")) {
    WARN("strace is not installed: the order of renames and flushes is not checked");
    return;
  }
  const std::string dir = TempDir("outputs-fsync"), run = dir + "/run";
  // LeakSanitizer cannot run under ptrace: a sanitizer build's program would abort at exit.
  CommandResult r = RunProgram({"/usr/bin/strace", "-f", "-y", "-E", "ASAN_OPTIONS=detect_leaks=0", "-e",
                                "trace=fsync,rename", "-o", dir + "/strace.log",
                                ProgramPath(), "run", SourcePath("scenarios/incident-single-mount.json"), "-o", run, "-q"});
  REQUIRE(r.exit_status == 0);
  std::ifstream log(dir + "/strace.log");
  std::vector<std::string> calls;
  for (std::string line; std::getline(log, line);) {
    if (line.find("fsync(") != std::string::npos || line.find("rename(") != std::string::npos) calls.push_back(line);
  }
  std::vector<std::string> renamed;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (calls[i].find("rename(") == std::string::npos) continue;
    const std::size_t to = calls[i].rfind(", \"") + 3;
    renamed.push_back(calls[i].substr(to, calls[i].find('"', to) - to));
    INFO(calls[i]);
    REQUIRE(i + 1 < calls.size());
    CHECK(calls[i + 1].find("fsync(") != std::string::npos);
    CHECK(calls[i + 1].find("<" + run + ">)") != std::string::npos);
  }
  REQUIRE(renamed.size() == 7);
  CHECK(renamed.back() == run + "/manifest.json");
}
