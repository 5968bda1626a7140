#include "sim/random_stream.h"

#include <cmath>

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

namespace mountstorm {

namespace {

// SplitMix64's finalizer (Steele, Lea, Flood 2014): a bijection that spreads every input bit.
std::uint64_t Mix(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// FNV-1a, 64 bits: stable across platforms and releases, unlike std::hash.
std::uint64_t Fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

std::uint64_t StreamSeed(std::uint64_t seed, std::string_view name) {
  return Mix(Mix(seed) ^ Fnv1a(name));
}

RandomStream::RandomStream(std::uint64_t seed, std::string_view name)
    : engine_(StreamSeed(seed, name)) {}

double RandomStream::Exponential(double mean) {
  boost::random::exponential_distribution<double> d(1.0 / mean);
  return d(engine_);
}

double RandomStream::Uniform(double lo, double hi) {
  boost::random::uniform_real_distribution<double> d(lo, hi);
  return d(engine_);
}

std::int64_t RandomStream::UniformInt(std::int64_t lo, std::int64_t hi) {
  boost::random::uniform_int_distribution<std::int64_t> d(lo, hi);
  return d(engine_);
}

double RandomStream::LogNormal(double median, double sigma) {
  boost::random::normal_distribution<double> d(0.0, sigma);
  return median * std::exp(d(engine_));
}

}  // namespace mountstorm
