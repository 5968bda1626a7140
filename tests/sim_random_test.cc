// RandomStream: reproducible per (seed, name), independent of other streams, and drawing from the
// distributions it claims.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/random_stream.h"

using namespace mountstorm;

namespace {

// One draw of each distribution, repeated: exercises every way a stream consumes its engine.
std::vector<double> Draws(RandomStream& s, int rounds) {
  std::vector<double> v;
  for (int i = 0; i < rounds; ++i) {
    v.push_back(s.Exponential(2.0));
    v.push_back(s.Uniform(-1.0, 1.0));
    v.push_back(static_cast<double>(s.UniformInt(0, 1000000)));
    v.push_back(s.LogNormal(3.0, 0.5));
  }
  return v;
}

}  // namespace

TEST_CASE("a stream with the same seed and name repeats exactly", "[sim][random]") {
  RandomStream a(42, "systemd");
  RandomStream b(42, "systemd");
  CHECK(Draws(a, 1000) == Draws(b, 1000));
  CHECK(StreamSeed(42, "systemd") == 3334332193543218947u);
}

TEST_CASE("streams with different names or seeds give different numbers", "[sim][random]") {
  constexpr int kDraws = 1000;
  auto uniforms = [](RandomStream s) {
    std::vector<double> v;
    for (int i = 0; i < kDraws; ++i) v.push_back(s.Uniform(0.0, 1.0));
    return v;
  };
  const std::vector<double> base = uniforms(RandomStream(7, "logind"));
  const std::vector<std::vector<double>> others = {
      uniforms(RandomStream(7, "logind2")),  // a longer name
      uniforms(RandomStream(7, "Logind")),   // one letter's case
      uniforms(RandomStream(7, "")),         // the empty name
      uniforms(RandomStream(8, "logind")),   // the next seed
  };
  for (const auto& other : others) {
    // Independent uniform doubles coincide with probability ~0; count the positions that do.
    int equal = 0;
    for (int i = 0; i < kDraws; ++i) equal += base[i] == other[i] ? 1 : 0;
    CHECK(equal == 0);
  }
  std::set<std::uint64_t> seeds;
  for (const char* name : {"a", "b", "ab", "ba", ""}) {
    for (std::uint64_t seed : {0ull, 1ull, 2ull}) seeds.insert(StreamSeed(seed, name));
  }
  CHECK(seeds.size() == 15);
}

TEST_CASE("a stream's numbers do not depend on other streams", "[sim][random]") {
  constexpr std::uint64_t kSeed = 1234;
  constexpr int kRounds = 200;

  // Alone: "b" is the only stream.
  RandomStream alone(kSeed, "b");
  const std::vector<double> expected = Draws(alone, kRounds);

  // Created after and before other streams, with draws from them in between each of its own.
  RandomStream a(kSeed, "a");
  for (int i = 0; i < 17; ++i) a.Exponential(1.0);
  RandomStream b(kSeed, "b");
  RandomStream c(kSeed, "c");
  std::vector<double> interleaved;
  for (int i = 0; i < kRounds; ++i) {
    std::vector<double> one = Draws(b, 1);
    interleaved.insert(interleaved.end(), one.begin(), one.end());
    a.Uniform(0.0, 1.0);
    for (int j = 0; j < i % 3; ++j) c.LogNormal(1.0, 2.0);
  }
  CHECK(interleaved == expected);
}

TEST_CASE("Exponential has the requested mean", "[sim][random]") {
  // The mean of n exponential draws has standard error sd/sqrt(n) (sd == mean for the
  // exponential); estimate sd from the sample and allow 5 standard errors (two-sided p ~ 6e-7).
  const double mean = GENERATE(0.001, 1.0, 250.0);
  INFO("mean " << mean);
  constexpr int kN = 200000;
  RandomStream s(99, "exponential");
  double sum = 0.0;
  double sum_sq = 0.0;
  double smallest = mean;
  for (int i = 0; i < kN; ++i) {
    const double x = s.Exponential(mean);
    sum += x;
    sum_sq += x * x;
    smallest = std::min(smallest, x);
  }
  const double sample_mean = sum / kN;
  const double sample_var = (sum_sq - kN * sample_mean * sample_mean) / (kN - 1);
  const double se = std::sqrt(sample_var / kN);
  INFO("sample mean " << sample_mean << ", standard error " << se);
  CHECK(smallest >= 0.0);
  CHECK(std::abs(sample_mean - mean) < 5 * se);
  // The standard deviation of an exponential equals its mean. Its estimate has a relative standard
  // error of about sqrt((kurtosis - 1) / (4 n)) = sqrt(2 / n) ~ 0.3% here: 5% is over 15 of them.
  CHECK(std::sqrt(sample_var) == Approx(mean).epsilon(0.05));
}

TEST_CASE("Uniform stays from lo up to but not including hi, and UniformInt covers lo to hi inclusive", "[sim][random]") {
  RandomStream s(5, "uniform");
  std::set<std::int64_t> ints;
  for (int i = 0; i < 10000; ++i) {
    const double u = s.Uniform(2.0, 3.0);
    REQUIRE(u >= 2.0);
    REQUIRE(u < 3.0);
    const std::int64_t k = s.UniformInt(-3, 3);
    REQUIRE(k >= -3);
    REQUIRE(k <= 3);
    ints.insert(k);
  }
  CHECK(ints.size() == 7);  // each of 7 values missed 10,000 times: probability ~ 7 (6/7)^10000
}
