// sweep --target-ci: each point gets replications, in the order of their seeds, until the 95 %
// confidence interval of the outcomes named is narrow enough; the tables do not depend on threads
// or shards, and the runs kept are those a fixed number of replications would have run.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <boost/math/distributions/students_t.hpp>

#include "mountstorm/csv.h"
#include "tests/test_support.h"

using namespace mountstorm;

namespace {

constexpr double kTarget = 0.012;
constexpr int kMaxSeeds = 20;

// A sweep of three storm sizes of the incident, 2 replications to start with.
std::string WriteSweep(const std::string& dir, int replications) {
  const std::string path = dir + "/sweep-" + std::to_string(replications) + ".json";
  std::ofstream(path) << R"({"name": "ci", "base": ")" << test::SourcePath("scenarios/incident-storm.json")
                      << R"(", "seed": 7, "replications": )" << replications
                      << R"(, "axes": [{"path": "/workload/0/count", "values": [50, 100, 200]}]})";
  return path;
}

std::vector<std::string> TargetArgs(const std::string& sweep, const std::string& out) {
  return {"sweep", sweep, "-o", out, "-q", "--target-ci", "0.012", "--max-seeds", std::to_string(kMaxSeeds),
          "--ci-outcome", "end_time_s"};
}

// end_time_s of each point's runs, in replication order, from results.csv.
std::map<std::string, std::vector<double>> EndTimes(const std::string& dir) {
  const CsvTable t = ParseCsv(test::ReadFile(dir + "/results.csv"), "results.csv");
  std::map<std::string, std::vector<double>> out;
  const int end = t.Column("end_time_s");
  for (const auto& row : t.rows) out[row[0]].push_back(std::stod(row[static_cast<std::size_t>(end)]));
  return out;
}

// Whether the first n values have a 95 % half-width of at most kTarget x |mean|.
bool Narrow(const std::vector<double>& v, std::size_t n) {
  if (n < 2) return false;
  double mean = 0, ss = 0;
  for (std::size_t i = 0; i < n; ++i) mean += v[i];
  mean /= static_cast<double>(n);
  for (std::size_t i = 0; i < n; ++i) ss += (v[i] - mean) * (v[i] - mean);
  const boost::math::students_t t(static_cast<double>(n - 1));
  const double half = boost::math::quantile(boost::math::complement(t, 0.025)) *
                      std::sqrt(ss / static_cast<double>(n - 1)) / std::sqrt(static_cast<double>(n));
  return half <= kTarget * std::fabs(mean);
}

// The lines of results.csv of point `count` (its first cell).
std::vector<std::string> Rows(const std::string& dir, const std::string& count) {
  std::istringstream in(test::ReadFile(dir + "/results.csv"));
  std::vector<std::string> rows;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(count + ",", 0) == 0) rows.push_back(line);
  }
  return rows;
}

}  // namespace

TEST_CASE("sweep --target-ci stops each point at the first replication count whose interval is narrow enough", "[sweep]") {
  const std::string dir = test::TempDir("target_ci_rule");
  REQUIRE(test::Mountstorm(TargetArgs(WriteSweep(dir, 2), dir + "/out")).exit_status == 0);
  const auto times = EndTimes(dir + "/out");
  REQUIRE(times.size() == 3);
  int stopped_early = 0;
  for (const auto& [point, v] : times) {
    INFO("point " << point << " kept " << v.size());
    CHECK(v.size() >= 2);
    CHECK(v.size() <= static_cast<std::size_t>(kMaxSeeds));
    for (std::size_t n = 2; n < v.size(); ++n) CHECK_FALSE(Narrow(v, n));
    if (v.size() < static_cast<std::size_t>(kMaxSeeds)) {
      CHECK(Narrow(v, v.size()));
      ++stopped_early;
    }
  }
  CHECK(stopped_early > 0);
}

TEST_CASE("sweep --target-ci keeps the runs a fixed number of replications has in seed order", "[sweep]") {
  const std::string dir = test::TempDir("target_ci_seeds");
  REQUIRE(test::Mountstorm(TargetArgs(WriteSweep(dir, 2), dir + "/target")).exit_status == 0);
  REQUIRE(test::Mountstorm({"sweep", WriteSweep(dir, kMaxSeeds), "-o", dir + "/fixed", "-q", "--jobs", "2"}).exit_status == 0);
  for (const std::string point : {"50", "100", "200"}) {
    const std::vector<std::string> target = Rows(dir + "/target", point), fixed = Rows(dir + "/fixed", point);
    REQUIRE(target.size() <= fixed.size());
    for (std::size_t i = 0; i < target.size(); ++i) CHECK(target[i] == fixed[i]);
  }
}

TEST_CASE("sweep --target-ci gives the same tables whatever the threads and shards", "[sweep]") {
  const std::string dir = test::TempDir("target_ci_shards");
  const std::string sweep = WriteSweep(dir, 2);
  std::vector<std::string> one = TargetArgs(sweep, dir + "/one"), two = TargetArgs(sweep, dir + "/two");
  two.insert(two.end(), {"--jobs", "2"});
  REQUIRE(test::Mountstorm(one).exit_status == 0);
  REQUIRE(test::Mountstorm(two).exit_status == 0);
  std::vector<std::string> merge = {"merge", "-o", dir + "/merged"};
  for (int i = 0; i < 3; ++i) {
    std::vector<std::string> shard = TargetArgs(sweep, dir + "/shard" + std::to_string(i));
    shard.insert(shard.end(), {"--shard", std::to_string(i) + "/3"});
    REQUIRE(test::Mountstorm(shard).exit_status == 0);
    merge.push_back(dir + "/shard" + std::to_string(i));
  }
  REQUIRE(test::Mountstorm(merge).exit_status == 0);
  for (const char* f : {"results.csv", "results-long.csv", "results.jsonl", "aggregate.csv"}) {
    INFO(f);
    CHECK(test::ReadFile(dir + "/one/" + f) == test::ReadFile(dir + "/two/" + f));
    CHECK(test::ReadFile(dir + "/one/" + f) == test::ReadFile(dir + "/merged/" + f));
  }
}

TEST_CASE("sweep --target-ci refuses a bad width a bad maximum or an unknown outcome with exit 2", "[sweep]") {
  const std::string dir = test::TempDir("target_ci_bad");
  const std::string sweep = WriteSweep(dir, 2);
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--target-ci", "0"}, "--target-ci: expected a number above 0"},
      {{"--target-ci", "0.1", "--max-seeds", "1"}, "--max-seeds: expected an integer from 2"},
      {{"--max-seeds", "5"}, "need --target-ci"},
      {{"--target-ci", "0.1", "--ci-outcome", "latency"}, "--ci-outcome: expected a column of results.csv"}};
  for (const auto& [extra, message] : cases) {
    std::vector<std::string> args = {"sweep", sweep, "-o", dir + "/out"};
    args.insert(args.end(), extra.begin(), extra.end());
    const test::CommandResult r = test::Mountstorm(args);
    INFO(r.err);
    CHECK(r.exit_status == 2);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir + "/out"));
  }
}
