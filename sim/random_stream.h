// RandomStream: a reproducible stream of random numbers for one component.
//
// The stream's seed is derived from (scenario seed, component name) with a fixed hash, not from
// the order in which components are created, so adding a component to a scenario never shifts the
// numbers another component draws. Distributions come from Boost.Random, whose algorithms are part
// of Boost rather than of the C++ standard library, so the same seed gives the same numbers with
// any compiler and standard library.
#ifndef MOUNTSTORM_SIM_RANDOM_STREAM_H_
#define MOUNTSTORM_SIM_RANDOM_STREAM_H_

#include <cstdint>
#include <string_view>

#include <boost/random/mersenne_twister.hpp>

#include "mountstorm/seed.h"

namespace mountstorm {

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::string_view name);

  // Exponentially distributed with the given mean (> 0).
  double Exponential(double mean);
  // Uniform on [lo, hi).
  double Uniform(double lo, double hi);
  // Uniform integer on [lo, hi].
  std::int64_t UniformInt(std::int64_t lo, std::int64_t hi);
  // Log-normal with the given median (> 0) and shape sigma (>= 0) of the underlying normal.
  double LogNormal(double median, double sigma);

 private:
  boost::random::mt19937_64 engine_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_RANDOM_STREAM_H_
