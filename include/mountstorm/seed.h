// Seeds of random streams: how a run's components and a sweep's runs get seeds that depend on
// names, not on the order in which things are made (docs/SWEEPS.md).
#ifndef MOUNTSTORM_INCLUDE_SEED_H_
#define MOUNTSTORM_INCLUDE_SEED_H_

#include <cstdint>
#include <string_view>

namespace mountstorm {

// The 64-bit seed of the stream named `name` in a run seeded with `seed`: SplitMix64's finalizer
// over the seed and the FNV-1a hash of the name, stable across platforms and releases.
std::uint64_t StreamSeed(std::uint64_t seed, std::string_view name);

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_SEED_H_
