// Simulated time. Time is an integer count of nanoseconds since the start of a run, so that
// arithmetic is exact and results do not depend on floating-point rounding. Durations use the
// same type. Conversions from scenario values (seconds, milliseconds, microseconds as doubles)
// round to the nearest nanosecond, once, when a scenario is loaded.
#ifndef MOUNTSTORM_INCLUDE_TIME_H_
#define MOUNTSTORM_INCLUDE_TIME_H_

#include <cmath>
#include <cstdint>
#include <limits>

namespace mountstorm {

using Time = std::int64_t;      // nanoseconds since the start of the run
using Duration = std::int64_t;  // nanoseconds

constexpr Duration kNanosecond = 1;
constexpr Duration kMicrosecond = 1000;
constexpr Duration kMillisecond = 1000 * kMicrosecond;
constexpr Duration kSecond = 1000 * kMillisecond;

// A time later than any event of a run.
constexpr Time kNever = std::numeric_limits<Time>::max();

// REQUIRES: the value is finite and the result fits in 64 bits (the scenario reader checks both).
inline Duration FromSeconds(double s) { return static_cast<Duration>(std::llround(s * 1e9)); }
inline Duration FromMillis(double ms) { return static_cast<Duration>(std::llround(ms * 1e6)); }
inline Duration FromMicros(double us) { return static_cast<Duration>(std::llround(us * 1e3)); }

inline double ToSeconds(Time t) { return static_cast<double>(t) / 1e9; }

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_TIME_H_
