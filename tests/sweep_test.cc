// Sweeps: identical tables whatever the number of threads, shards that merge into the whole, a
// run killed with SIGKILL that resumes to the same files, and points that keep their results when
// an axis grows.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "mountstorm/csv.h"
#include "mountstorm/error.h"
#include "tests/test_support.h"
#include "sweep/sweep_runner.h"
#include "sweep/sweep_spec.h"

using namespace mountstorm;
namespace fs = std::filesystem;
using mountstorm::test::ReadFile;
using mountstorm::test::SourcePath;
using mountstorm::test::TempDir;

namespace {

// Two profiles x three automount rates x 2 replications of poisson-automounts, made shorter.
nlohmann::json SmallSweep(std::vector<double> rates = {2, 5, 10}) {
  return {
      {"name", "small"},
      {"base", SourcePath("scenarios/poisson-automounts.json")},
      {"seed", 11},
      {"replications", 2},
      {"axes",
       {{{"path", "/profile"}, {"values", {"rhel7.7", "v245"}}},
        {{"path", "/workload/0/rate_per_s"}, {"values", rates}},
        {{"path", "/workload/0/count"}, {"values", {40}}}}},
  };
}

const char* kTables[] = {"results.csv", "results-long.csv", "results.jsonl", "aggregate.csv"};

void RequireSameTables(const std::string& a, const std::string& b) {
  for (const char* t : kTables) {
    INFO(t);
    REQUIRE(ReadFile(a + "/" + t) == ReadFile(b + "/" + t));
  }
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

SweepSpec Spec(const nlohmann::json& doc) { return ParseSweep(doc, "sweep.json"); }

}  // namespace

TEST_CASE("a sweep's tables do not depend on the number of threads", "[sweep]") {
  SweepSpec spec = Spec(SmallSweep());
  std::string one = TempDir("sweep-j1"), two = TempDir("sweep-j2");
  SweepOptions o;
  o.jobs = 1;
  RunSweep(spec, one, o);
  o.jobs = 2;
  RunSweep(spec, two, o);
  RequireSameTables(one, two);
  CHECK(Lines(ReadFile(one + "/results.csv")).size() == 1 + 2 * 3 * 2);
  CHECK(Lines(ReadFile(one + "/aggregate.csv")).size() == 1 + 2 * 3);
}

TEST_CASE("three shards merged give the files of the whole sweep", "[sweep]") {
  SweepSpec spec = Spec(SmallSweep());
  std::string whole = TempDir("sweep-whole");
  RunSweep(spec, whole, SweepOptions{});
  std::vector<std::string> shards;
  std::size_t runs = 0;
  for (int i = 0; i < 3; ++i) {
    shards.push_back(TempDir("sweep-shard-" + std::to_string(i)));
    SweepOptions o;
    o.shard = i;
    o.shards = 3;
    runs += RunSweep(spec, shards.back(), o).runs_in_shard;
  }
  CHECK(runs == 12);
  std::string merged = TempDir("sweep-merged");
  MergeSweep(shards, merged);
  RequireSameTables(whole, merged);
  // A missing shard is an error, not a smaller table.
  CHECK_THROWS_AS(MergeSweep({shards[0], shards[2]}, TempDir("sweep-partial")), InputError);
}

TEST_CASE("a sweep killed with SIGKILL and started again ends with the same files", "[sweep]") {
  // incident-storm's runs take about 0.15 s each: long enough to kill the program in the middle.
  nlohmann::json doc = {
      {"base", SourcePath("scenarios/incident-storm.json")},
      {"replications", 1},
      {"axes", {{{"path", "/workload/0/count"}, {"values", {1500, 1600, 1700, 1800, 1900, 2000, 2100, 2148}}}}},
  };
  std::string dir = TempDir("sweep-kill");
  std::string file = dir + "/sweep.json.in";
  {
    std::FILE* f = std::fopen(file.c_str(), "w");
    std::fputs(doc.dump().c_str(), f);
    std::fclose(f);
  }
  std::string killed = dir + "/killed", whole = dir + "/whole";
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    execl(test::ProgramPath().c_str(), "mountstorm", "sweep", file.c_str(), "-o", killed.c_str(), "--jobs", "1",
          "--quiet", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until some runs are saved, then kill it without warning.
  auto count_runs = [&] {
    std::size_t n = 0;
    if (fs::exists(killed + "/runs")) {
      for (const auto& e : fs::directory_iterator(killed + "/runs")) n += e.path().extension() == ".json";
    }
    return n;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count_runs() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  std::size_t saved = count_runs();
  INFO("runs saved before the kill: " << saved);
  REQUIRE(saved >= 3);
  REQUIRE(saved < 8);
  REQUIRE_FALSE(fs::exists(killed + "/results.csv"));

  test::CommandResult again = test::RunProgram({test::ProgramPath(), "sweep", file, "-o", killed, "--jobs", "2"});
  REQUIRE(again.exit_status == 0);
  CHECK(again.out.find(std::to_string(saved) + " already done") != std::string::npos);
  CHECK(again.err.empty());  // no progress line when stderr is not a terminal
  REQUIRE(test::RunProgram({test::ProgramPath(), "sweep", file, "-o", whole, "--quiet"}).exit_status == 0);
  RequireSameTables(killed, whole);
}

TEST_CASE("adding a value to an axis leaves the other points' rows unchanged", "[sweep]") {
  std::string before = TempDir("sweep-before"), after = TempDir("sweep-after");
  RunSweep(Spec(SmallSweep({2, 10})), before, SweepOptions{});
  RunSweep(Spec(SmallSweep({2, 5, 10})), after, SweepOptions{});
  std::vector<std::string> a = Lines(ReadFile(before + "/results.jsonl"));
  std::vector<std::string> b = Lines(ReadFile(after + "/results.jsonl"));
  REQUIRE(a.size() == 8);
  REQUIRE(b.size() == 12);
  for (const std::string& line : a) CHECK(std::find(b.begin(), b.end(), line) != b.end());
}

TEST_CASE("a sweep directory serves one sweep only", "[sweep]") {
  std::string dir = TempDir("sweep-one");
  RunSweep(Spec(SmallSweep({2})), dir, SweepOptions{});
  CHECK(RunSweep(Spec(SmallSweep({2})), dir, SweepOptions{}).already_done == 4);
  CHECK_THROWS_AS(RunSweep(Spec(SmallSweep({3})), dir, SweepOptions{}), InputError);
}

TEST_CASE("ranges, zipped axes and seeds", "[sweep]") {
  nlohmann::json doc = {
      {"base", {{"name", "inline"}}},
      {"axes",
       {{{"path", "/seed"}, {"range", {{"from", 1}, {"to", 1000}, {"steps", 4}, {"scale", "log"}, {"integer", true}}}},
        {{"zip",
          {{{"path", "/systemd/wqueue_max"}, {"values", {1024, 2048}}},
           {{"path", "/systemd/rqueue_max"}, {"range", {{"from", 10}, {"to", 20}, {"steps", 2}}}}}}}}},
  };
  std::vector<SweepPoint> points = ExpandSweep(Spec(doc));
  REQUIRE(points.size() == 4 * 2);
  CHECK(points[0].assignments[0].second == 1);
  CHECK(points[2].assignments[0].second == 10);
  CHECK(points[7].assignments[0].second == 1000);
  CHECK(points[1].assignments[1].second == 2048);
  CHECK(points[1].assignments[2].second == 20.0);
  // A run's seed depends on the point's values and the replication, nothing else.
  CHECK(points[3].key == R"({"/seed":10,"/systemd/rqueue_max":20.0,"/systemd/wqueue_max":2048})");
  CHECK(RunSeed(1, points[3].key, 0) == 13499202622345832107u);
  CHECK(RunSeed(1, points[3].key, 0) != RunSeed(1, points[3].key, 1));
  CHECK(RunSeed(1, points[3].key, 0) != RunSeed(2, points[3].key, 0));

  // The seeds docs/SWEEPS.md shows in results.csv of its first sweep (wqueue-vs-storm, seed 2019).
  const nlohmann::json example = {
      {"name", "wqueue-vs-storm"},
      {"base", SourcePath("scenarios/incident-enobufs.json")},
      {"seed", 2019},
      {"replications", 2},
      {"axes",
       {{{"path", "/systemd/wqueue_max"}, {"values", {98304, 196608, 393216}}},
        {{"path", "/workload/0/count"}, {"values", {1000, 2148}}}}},
  };
  const SweepSpec spec = Spec(example);
  const std::vector<SweepPoint> rows = ExpandSweep(spec);
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].key == R"({"/systemd/wqueue_max":98304,"/workload/0/count":1000})");
  CHECK(RunSeed(spec.seed, rows[0].key, 0) == 14135502958997953645u);  // 98304,1000,0
  CHECK(RunSeed(spec.seed, rows[0].key, 1) == 812633433872078537u);    // 98304,1000,1
  CHECK(rows[1].key == R"({"/systemd/wqueue_max":98304,"/workload/0/count":2148})");
  CHECK(RunSeed(spec.seed, rows[1].key, 0) == 11061081661452304046u);  // 98304,2148,0
}

TEST_CASE("bad sweeps are input errors naming the file and the path", "[sweep]") {
  auto error = [](const nlohmann::json& doc) {
    try {
      SweepSpec s = ParseSweep(doc, "s.json");
      for (const SweepPoint& p : ExpandSweep(s)) PointScenario(s, p, 0);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  nlohmann::json good = SmallSweep();
  nlohmann::json doc = good;
  doc["axes"][0]["path"] = "/systmd/wqueue_max";
  CHECK(error(doc).find("/systmd") != std::string::npos);
  doc = good;
  doc["axes"][1]["values"] = nlohmann::json::array();
  CHECK(error(doc).find("s.json: /axes/1/values") == 0);
  doc = good;
  doc["replications"] = 0;
  CHECK(error(doc).find("s.json: /replications") == 0);
  doc = good;
  doc["axes"][1] = {{"zip", {{{"path", "/seed"}, {"values", {1, 2}}, {"bogus", 1}},
                             {{"path", "/run/stop_at_s"}, {"values", {10, 20}}}}}};
  CHECK(error(doc).find("s.json: /axes/1/zip/0/bogus: unknown key") == 0);
  doc = good;
  doc["axez"] = 1;
  CHECK(error(doc).find("s.json: /axez: unknown key") == 0);
  doc = good;
  doc["axes"][1]["values"] = {"fast"};
  CHECK(error(doc).find("/workload/0/rate_per_s") != std::string::npos);
  // What only the wiring of a run checks is checked at every point too: a subscriber named like
  // logind is an error before any run starts, not in a worker.
  doc = good;
  doc["axes"][2] = {{"path", "/subscribers"}, {"values", {nlohmann::json::array({{{"name", "logind"}}})}}};
  CHECK(error(doc).find("/name: the name \"logind\" is used twice or is reserved") != std::string::npos);
}

TEST_CASE("a base scenario with a key given twice is an input error, as for mountstorm run", "[sweep]") {
  const std::string dir = TempDir("sweep-duplicate-key");
  std::ofstream(dir + "/base.json") << R"({"name": "a", "name": "b"})";
  std::ofstream(dir + "/sweep.json") << R"({"name": "d", "base": "base.json", "axes": [{"path": "/seed", "values": [1]}]})";
  try {
    LoadSweepFile(dir + "/sweep.json");
    FAIL("no error");
  } catch (const InputError& e) {
    // The sweep file and its key first, then the base file and what is wrong in it.
    CHECK(std::string(e.what()).find(dir + "/sweep.json: /base: " + dir + "/base.json") == 0);
    CHECK(std::string(e.what()).find("/name: the key is given twice") != std::string::npos);
  }
}

TEST_CASE("the shard comes from the flag, else from Slurm, else from Kubernetes", "[sweep]") {
  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("SLURM_ARRAY_TASK_COUNT");
  unsetenv("SLURM_ARRAY_TASK_MIN");
  unsetenv("SLURM_ARRAY_TASK_MAX");
  unsetenv("SLURM_ARRAY_TASK_STEP");
  unsetenv("JOB_COMPLETION_INDEX");
  unsetenv("MOUNTSTORM_SHARDS");
  // Each case starts from options whose shard fields differ from every expected answer (even the
  // default 0 of 1), so a case passes only if ChooseShard itself set them.
  auto choose = [](const std::string& flag) {
    SweepOptions fresh;
    fresh.shard = 7;
    fresh.shards = 9;
    ChooseShard(flag, &fresh);
    return fresh;
  };
  SweepOptions o = choose("");
  CHECK((o.shard == 0 && o.shards == 1));
  o = choose("2/5");
  CHECK((o.shard == 2 && o.shards == 5));
  CHECK_THROWS_AS(choose("5/5"), InputError);
  CHECK_THROWS_AS(choose("x"), InputError);
  setenv("SLURM_ARRAY_TASK_ID", "4", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "1", 1);  // --array=1-4
  o = choose("");
  CHECK((o.shard == 3 && o.shards == 4));
  setenv("SLURM_ARRAY_TASK_ID", "6", 1);  // --array=0-6:2: tasks 0, 2, 4, 6
  setenv("SLURM_ARRAY_TASK_MIN", "0", 1);
  setenv("SLURM_ARRAY_TASK_MAX", "6", 1);
  setenv("SLURM_ARRAY_TASK_STEP", "2", 1);
  o = choose("");
  CHECK((o.shard == 3 && o.shards == 4));
  setenv("SLURM_ARRAY_TASK_ID", "5", 1);  // --array=0,3,5: MIN 0, MAX 5, STEP 1, COUNT 3
  setenv("SLURM_ARRAY_TASK_MAX", "5", 1);
  setenv("SLURM_ARRAY_TASK_STEP", "1", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  CHECK_THROWS_AS(choose(""), InputError);
  unsetenv("SLURM_ARRAY_TASK_MAX");
  unsetenv("SLURM_ARRAY_TASK_STEP");
  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("SLURM_ARRAY_TASK_COUNT");
  unsetenv("SLURM_ARRAY_TASK_MIN");
  setenv("JOB_COMPLETION_INDEX", "1", 1);
  CHECK_THROWS_AS(choose(""), InputError);  // the count must be given
  setenv("MOUNTSTORM_SHARDS", "3", 1);
  o = choose("");
  CHECK((o.shard == 1 && o.shards == 3));
  unsetenv("JOB_COMPLETION_INDEX");
  unsetenv("MOUNTSTORM_SHARDS");
}

TEST_CASE("ci95 is Student's t at n - 1 degrees of freedom times sd over the root of n", "[sweep]") {
  // Student's t has closed forms at 1 and 2 degrees of freedom: the Cauchy quantile
  // tan(pi (p - 1/2)), and (2p - 1) / sqrt(2 p (1 - p)); p = 0.975 for a two-sided 95 % interval.
  const double pi = std::acos(-1.0), p = 0.975;
  const std::map<int, double> t = {{2, std::tan(pi * (p - 0.5))}, {3, (2 * p - 1) / std::sqrt(2 * p * (1 - p))}};
  for (const auto& [n, quantile] : t) {
    INFO("replications " << n);
    nlohmann::json doc = SmallSweep({5});
    doc["axes"] = {{{"path", "/workload/0/rate_per_s"}, {"values", {5}}}, {{"path", "/workload/0/count"}, {"values", {40}}}};
    doc["replications"] = n;
    const std::string dir = TempDir("sweep-t" + std::to_string(n));
    RunSweep(Spec(doc), dir, SweepOptions{});
    const CsvTable results = ParseCsv(ReadFile(dir + "/results.csv"), "results.csv");
    const CsvTable aggregate = ParseCsv(ReadFile(dir + "/aggregate.csv"), "aggregate.csv");
    const int column = results.Column("end_time_s");  // the Poisson arrivals differ by seed
    REQUIRE(column >= 0);
    REQUIRE(results.rows.size() == static_cast<std::size_t>(n));
    double mean = 0, ss = 0;
    for (const auto& row : results.rows) mean += std::stod(row[column]) / n;
    for (const auto& row : results.rows) ss += (std::stod(row[column]) - mean) * (std::stod(row[column]) - mean);
    const double sd = std::sqrt(ss / (n - 1));
    REQUIRE(sd > 0);  // the replications differ: the interval is not trivially 0
    const double ci95 = std::stod(aggregate.rows.at(0).at(aggregate.Column("end_time_s.ci95")));
    CHECK(ci95 == Approx(quantile * sd / std::sqrt(n)).epsilon(1e-12));
  }
}

TEST_CASE("a sweep says how many runs it has to do before it runs any", "[sweep]") {
  const std::string dir = TempDir("sweep-started");
  SweepOptions o;
  std::optional<SweepReport> seen;
  std::size_t files_when_started = 0;
  o.started = [&](const SweepReport& r) {
    seen = r;
    if (fs::exists(dir + "/runs")) {
      for (const auto& e : fs::directory_iterator(dir + "/runs")) files_when_started += e.path().extension() == ".json";
    }
  };
  const SweepReport done = RunSweep(Spec(SmallSweep()), dir, o);
  REQUIRE(seen.has_value());
  CHECK(seen->runs_in_shard == 2 * 3 * 2);
  CHECK(seen->already_done == 0);
  CHECK(seen->ran == 0);
  CHECK(files_when_started == 0);
  CHECK(done.ran == 2 * 3 * 2);
}

TEST_CASE("sweep --dry-run lists every point with its first seed and writes nothing", "[sweep]") {
  const std::string dir = TempDir("sweep-dry");
  const std::string file = dir + "/small.json";
  std::ofstream(file) << SmallSweep().dump();
  const std::string out = dir + "/out";
  test::CommandResult r = test::RunProgram({test::ProgramPath(), "sweep", file, "-o", out, "--dry-run", "--shard", "1/4"});
  REQUIRE(r.exit_status == 0);
  CHECK_FALSE(fs::exists(out));
  const SweepSpec spec = Spec(SmallSweep());
  const std::vector<SweepPoint> points = ExpandSweep(spec);
  const CsvTable listed = ParseCsv(r.out, "stdout");
  CHECK(listed.header == std::vector<std::string>{"point", "/profile", "/workload/0/rate_per_s", "/workload/0/count",
                                                  "replications", "first_seed"});
  REQUIRE(listed.rows.size() == points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    CHECK(listed.rows[i].back() == std::to_string(RunSeed(spec.seed, points[i].key, 0)));
  }
  // 12 runs; shard 1 of 4 has the runs 1, 5 and 9.
  CHECK(r.err.find("6 points x 2 replications = 12 runs; shard 1 of 4: 3 runs") != std::string::npos);

  // A value that makes a bad scenario fails the dry run as it would fail the sweep.
  nlohmann::json bad = SmallSweep();
  bad["axes"][2]["values"] = {40, -1};
  std::ofstream(file) << bad.dump();
  r = test::RunProgram({test::ProgramPath(), "sweep", file, "-o", out, "--dry-run"});
  CHECK(r.exit_status == 2);
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("results-long.csv holds every non-empty cell of results.csv once in long form", "[sweep]") {
  const std::string dir = TempDir("sweep-long");
  RunSweep(Spec(SmallSweep()), dir, SweepOptions{});
  const CsvTable wide = ParseCsv(ReadFile(dir + "/results.csv"), "results.csv");
  const CsvTable tidy = ParseCsv(ReadFile(dir + "/results-long.csv"), "results-long.csv");
  CHECK(tidy.header == std::vector<std::string>{"/profile", "/workload/0/rate_per_s", "/workload/0/count", "replication",
                                                "seed", "outcome", "value"});
  const std::size_t first_outcome = 5;  // three axes, replication, seed
  std::map<std::string, std::string> expected;  // "seed/outcome" -> value
  for (const auto& row : wide.rows) {
    for (std::size_t c = first_outcome; c < wide.header.size(); ++c) {
      if (!row[c].empty()) expected[row[4] + "/" + wide.header[c]] = row[c];
    }
  }
  std::map<std::string, std::string> found;
  for (const auto& row : tidy.rows) {
    CHECK(found.emplace(row[4] + "/" + row[5], row[6]).second);  // once
  }
  CHECK(found == expected);
}
