// Unix conventions, command by command: --help on every command, --json where a command prints
// results, the same spelling of the shared options, and - for standard input or output wherever
// a command reads a file or writes one.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
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

// mountstorm ARGS with `input` on standard input, run from `dir`.
CommandResult MountstormWithInput(const std::string& dir, const std::string& input, const std::vector<std::string>& args) {
  static int inputs = 0;
  const std::string in = TempDir("conventions-input-" + std::to_string(++inputs)) + "/stdin";
  {
    std::ofstream file(in, std::ios::binary);
    file << input;
  }
  std::vector<std::string> command = {"/bin/bash", "-c", "cd \"$0\" && \"$1\" \"${@:3}\" < \"$2\"", dir, ProgramPath(), in};
  command.insert(command.end(), args.begin(), args.end());
  return RunProgram(command);
}

std::string Small() { return SourcePath("scenarios/incident-single-mount.json"); }

nlohmann::json ParsedStdout(const CommandResult& r) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(r.exit_status == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE(!j.is_discarded());
  return j;
}

std::string Help(const std::string& command) { return Mountstorm({command, "--help"}).out; }

}  // namespace

TEST_CASE("every command takes --help and prints its usage on stdout", "[conventions]") {
  for (const mountstorm::Command& c : mountstorm::Commands()) {
    CommandResult r = Mountstorm({c.name, "--help"});
    INFO(c.name << ": " << r.err);
    CHECK(r.exit_status == 0);
    CHECK(r.out.rfind(std::string("usage: mountstorm ") + c.name, 0) == 0);
    CHECK(r.err.empty());
  }
}

TEST_CASE("every command that prints results takes --json", "[conventions]") {
  // plot and report write a picture or a page (to -o, or - for stdout) and graph prints DOT: no
  // results to put in JSON. Every other command prints results.
  for (const mountstorm::Command& c : mountstorm::Commands()) {
    const std::string name = c.name;
    if (name == "plot" || name == "report" || name == "graph") continue;
    INFO(name);
    CHECK(Help(name).find("--json") != std::string::npos);
  }
  const std::string dir = TempDir("conventions-json");
  CHECK(ParsedStdout(Mountstorm({"run", Small(), "-o", dir + "/run", "--json"}))["scenario"] == "incident-single-mount");
  CHECK(ParsedStdout(Mountstorm({"validate", Small(), "--json"}))["kind"] == "scenario");
  CHECK(ParsedStdout(Mountstorm({"patches", "--json"})).size() >= 7);
  CHECK(ParsedStdout(Mountstorm({"params", "--json"})).is_array());
  CHECK(ParsedStdout(Mountstorm({"profiles", "--json"})).is_array());
  CHECK(ParsedStdout(Mountstorm({"headroom", Small(), "--json"})).is_object());
  CHECK(ParsedStdout(Mountstorm({"compare", Small(), "--b", "v248", "--json"})).contains("rows"));
  CHECK(ParsedStdout(Mountstorm({"replay", SourcePath("tests/replay/small-n1.pcapng"), "--json"})).is_object());
  const std::string sweep = dir + "/sweep.json";
  std::ofstream(sweep) << nlohmann::json({{"base", Small()}, {"axes", {{{"path", "/seed"}, {"values", {1, 2}}}}}}).dump();
  CHECK(ParsedStdout(Mountstorm({"sweep", sweep, "-o", dir + "/s", "--json"}))["ran"] == 2);
  CHECK(ParsedStdout(Mountstorm({"merge", "-o", dir + "/m", dir + "/s", "--json"}))["dir"] == dir + "/m");
}

TEST_CASE("the shared options are spelt alike on every command that takes them", "[conventions]") {
  for (const char* command : {"run", "validate", "graph", "compare", "headroom", "critical", "size", "scaling", "replay"}) {
    const std::string help = Help(command);
    for (const char* option : {"--profile", "--set", "--seed", "--mountinfo"}) {
      INFO(command << " " << option);
      CHECK(help.find(std::string("  ") + option + " ") != std::string::npos);
    }
  }
  for (const char* command : {"run", "validate", "plot", "report", "compare", "sweep", "merge"}) {
    INFO(command);
    CHECK(Help(command).find("-q [ --quiet ]") != std::string::npos);
  }
  // And they mean the same: --seed and --mountinfo on validate as on run.
  const nlohmann::json v = ParsedStdout(Mountstorm({"validate", Small(), "--seed", "42", "--profile", "v248", "--json"}));
  CHECK(v["overview"]["seed"] == 42);
  CHECK(v["overview"]["profile"] == "v248");
}

TEST_CASE("a scenario or sweep file can come from standard input as -", "[conventions]") {
  const std::string dir = TempDir("conventions-stdin");
  const std::string scenario = ReadFile(Small());
  CommandResult v = MountstormWithInput(dir, scenario, {"validate", "-"});
  CHECK(v.exit_status == 0);
  CHECK(v.out.rfind("-: valid", 0) == 0);
  REQUIRE(MountstormWithInput(dir, scenario, {"run", "-", "-o", "from-stdin", "-q"}).exit_status == 0);
  REQUIRE(Mountstorm({"run", Small(), "-o", dir + "/from-file", "-q"}).exit_status == 0);
  CHECK(ReadFile(dir + "/from-stdin/summary.json") == ReadFile(dir + "/from-file/summary.json"));
  CHECK(nlohmann::json::parse(ReadFile(dir + "/from-stdin/manifest.json"))["inputs"][0]["path"] == "-");
  CHECK(MountstormWithInput(dir, scenario, {"graph", "-"}).out.rfind("graph G", 0) == 0);
  CHECK(ParsedStdout(MountstormWithInput(dir, scenario, {"headroom", "-", "--json"})).is_object());
  // compare reads - once for both of its variants.
  CHECK(ParsedStdout(MountstormWithInput(dir, scenario, {"compare", "-", "--b", "v248", "--json"}))["rows"].size() > 5);
  const std::string sweep =
      nlohmann::json({{"base", Small()}, {"axes", {{{"path", "/seed"}, {"values", {1, 2}}}}}}).dump();
  CHECK(MountstormWithInput(dir, sweep, {"sweep", "-", "-o", "sweep", "-q"}).exit_status == 0);
  CHECK(fs::exists(dir + "/sweep/manifest.json"));
  CHECK(MountstormWithInput(dir, sweep, {"validate", "-"}).out.find("valid sweep") != std::string::npos);
  // A capture for replay, and the storms of testbed-check (whose scenarios are relative to the
  // working directory when the table comes from standard input).
  const std::string capture = ReadFile(SourcePath("tests/replay/small-n1.pcapng"));
  CHECK(ParsedStdout(MountstormWithInput(dir, capture, {"replay", "-", "--json"}))["capture"] == "-");
  const nlohmann::json storms = ParsedStdout(MountstormWithInput(
      SourcePath("tests/testbed"), ReadFile(SourcePath("tests/testbed/storms.csv")),
      {"testbed-check", "-", "--storm", "252-n1", "--json"}));
  CHECK(storms["storms"].size() == 1);
}

TEST_CASE("with -o - the one file goes to standard output and no directory named - is made", "[conventions]") {
  const std::string dir = TempDir("conventions-stdout");
  CommandResult run = MountstormWithInput(dir, "", {"run", Small(), "-o", "-"});
  CHECK(ParsedStdout(run)["scenario"] == "incident-single-mount");
  CHECK(!fs::exists(dir + "/-"));
  REQUIRE(Mountstorm({"run", Small(), "-o", dir + "/run", "-q"}).exit_status == 0);
  CHECK(run.out == ReadFile(dir + "/run/summary.json"));
  CommandResult plot = Mountstorm({"plot", dir + "/run", "-o", "-"});
  CHECK(plot.exit_status == 0);
  CHECK(plot.out.rfind("<?xml", 0) == 0);
  CommandResult report = Mountstorm({"report", dir + "/run", "-o", "-"});
  CHECK(report.exit_status == 0);
  CHECK(report.out.rfind("<!DOCTYPE html>", 0) == 0);
  // Commands that write several files refuse -, with exit status 2 and nothing made.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"sweep", SourcePath("scenarios/sweeps/profiles.json"), "-o", "-"},
        std::vector<std::string>{"merge", "-o", "-", dir + "/run"},
        std::vector<std::string>{"compare", Small(), "--b", "v248", "-o", "-"}}) {
    CommandResult r = MountstormWithInput(dir, "", args);
    INFO(args[0] << ": " << r.err);
    CHECK(r.exit_status == 2);
    CHECK(r.err.find("-o -") != std::string::npos);
  }
  CHECK(!fs::exists(dir + "/-"));
  // run -o - with --trace - would mix two outputs.
  CHECK(MountstormWithInput(dir, "", {"run", Small(), "-o", "-", "--trace", "-", "--trace-text"}).exit_status == 2);
}

TEST_CASE("validate tells a scenario from a sweep file and a patch spec", "[conventions]") {
  const std::string dir = TempDir("conventions-validate");
  auto kind = [&](const std::string& text) {
    return ParsedStdout(MountstormWithInput(dir, text, {"validate", "-", "--json"}))["kind"].get<std::string>();
  };
  CHECK(kind(ReadFile(Small())) == "scenario");
  CHECK(kind(nlohmann::json({{"base", Small()}, {"axes", {{{"path", "/seed"}, {"values", {1}}}}}}).dump()) == "sweep");
  CHECK(kind(R"({"name": "ratelimit", "burst": 5})") == "patch");
  CHECK(kind(R"([{"name": "changed-only"}, {"name": "debounce"}])") == "patch");
  CHECK(kind(R"({"name": "ratelimit", "workload": []})") == "scenario");  // a scenario named like a patch
  // Each is checked as what it is, with the file and JSON path of a problem.
  CommandResult bad_patch = MountstormWithInput(dir, R"({"name": "ratelimit", "bogus": 1})", {"validate", "-"});
  CHECK(bad_patch.exit_status == 2);
  CHECK(bad_patch.err.find("bogus") != std::string::npos);
  CommandResult bad_sweep =
      MountstormWithInput(dir, nlohmann::json({{"base", Small()}, {"axes", {{{"path", "/systemd/wqueue_max"}, {"values", {-1}}}}}}).dump(),
                          {"validate", "-"});
  CHECK(bad_sweep.exit_status == 2);
  CHECK(bad_sweep.err.find("/systemd/wqueue_max") != std::string::npos);
  CHECK(Mountstorm({"validate", SourcePath("scenarios/sweeps/queue-limit-vs-storm.json")}).exit_status == 0);
  CHECK(MountstormWithInput(dir, "{}", {"validate", "-", "--kind", "recipe"}).exit_status == 2);
}

TEST_CASE("compare takes a bare patch name and --seeds K", "[conventions]") {
  const std::string storm = SourcePath("scenarios/incident-storm.json");
  const nlohmann::json bare =
      ParsedStdout(Mountstorm({"compare", storm, "--b", "ratelimit", "--set", "/workload/0/count=50", "--json"}));
  const nlohmann::json object = ParsedStdout(
      Mountstorm({"compare", storm, "--b", R"({"name": "ratelimit"})", "--set", "/workload/0/count=50", "--json"}));
  CHECK(bare["rows"] == object["rows"]);
  CHECK(Mountstorm({"compare", storm, "--b", "no-such-patch"}).err.find("a patch name (") != std::string::npos);

  // --seeds 3: the means of the three pairs run one by one.
  const std::vector<std::string> common = {"compare", SourcePath("scenarios/poisson-automounts.json"), "--b", "v248",
                                           "--json", "--set", "/workload/0/count=30"};
  double sent_a = 0, sent_b = 0;
  for (int seed = 1; seed <= 3; ++seed) {
    std::vector<std::string> args = common;
    args.insert(args.end(), {"--seed", std::to_string(seed)});
    const nlohmann::json one = ParsedStdout(Mountstorm(args));
    sent_a += one["rows"][0]["a"].get<double>();
    sent_b += one["rows"][0]["b"].get<double>();
  }
  std::vector<std::string> args = common;
  args.insert(args.end(), {"--seed", "1", "--seeds", "3"});
  const nlohmann::json three = ParsedStdout(Mountstorm(args));
  CHECK(three["seeds"] == 3);
  CHECK(three["rows"][0]["a"].get<double>() == Approx(sent_a / 3));
  CHECK(three["rows"][0]["b"].get<double>() == Approx(sent_b / 3));
  CHECK(Mountstorm({"compare", storm, "--b", "v248", "--seeds", "0"}).exit_status == 2);
}
