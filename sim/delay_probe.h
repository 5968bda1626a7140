// DelayProbe: the delay of messages from one sender to one reader, end to end, matched by their
// serial numbers (cookies), which the sender numbers in increasing order and every queue on the
// way keeps in order.
//
// Sent() records when the sender handed over serial s; Arrived() when the reader took it. A
// message that never arrives (refused, dropped, not routed to this reader) is passed over when a
// later serial arrives: everything before it is forgotten. The send times wait in a ring indexed
// by serial, as many as are in flight, at most `max_in_flight`; beyond that the oldest is
// forgotten, and a message that arrives after its send time was forgotten counts as unmatched.
//
// The delays go into a histogram of fixed size (DelayHistogram): exact count, sum, minimum and
// maximum; percentiles (nearest rank) to the upper edge of their bucket, never below the exact
// value and at most 1/64 of it above (exact below 64 ns). No allocation per message once the
// ring has grown to the messages in flight.
#ifndef MOUNTSTORM_SIM_DELAY_PROBE_H_
#define MOUNTSTORM_SIM_DELAY_PROBE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "mountstorm/time.h"

namespace mountstorm {

class DelayHistogram {
 public:
  static constexpr int kSubBits = 6;  // 64 buckets per power of two
  static constexpr int kBuckets = (64 - kSubBits + 1) << kSubBits;

  void Add(Duration d);
  std::uint64_t count() const { return count_; }
  // The mean in nanoseconds (exact sum / count, rounded once to a double); none when empty.
  std::optional<double> mean_ns() const;
  std::optional<Duration> max() const;
  // Nearest-rank percentile p (0 < p <= 100): the upper edge of the bucket that holds it, at most
  // max(); none when empty.
  std::optional<Duration> Percentile(double p) const;

  static int BucketOf(Duration d);
  static Duration UpperEdge(int bucket);

 private:
  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  __extension__ unsigned __int128 sum_ = 0;  // GCC and Clang; 64 bits may overflow
  Duration max_ = 0;
};

class DelayProbe {
 public:
  explicit DelayProbe(std::size_t max_in_flight = std::size_t{1} << 22) : max_in_flight_(max_in_flight) {}

  // REQUIRES: serials increase from one call to the next.
  void Sent(std::uint32_t serial, Time t);
  // A message of serial `serial` reached the reader at t.
  void Arrived(std::uint32_t serial, Time t);

  const DelayHistogram& delays() const { return delays_; }
  std::uint64_t unmatched() const { return unmatched_; }

 private:
  Time& Slot(std::uint64_t serial) { return ring_[serial & (ring_.size() - 1)]; }
  void Grow();

  std::size_t max_in_flight_;
  std::vector<Time> ring_;  // a power of two in size; the send time of serial s at s mod size
  std::uint64_t lo_ = 0;    // the oldest serial kept
  std::uint64_t hi_ = 0;    // one past the newest serial sent
  DelayHistogram delays_;
  std::uint64_t unmatched_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_DELAY_PROBE_H_
