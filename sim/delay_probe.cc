#include "sim/delay_probe.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mountstorm {

int DelayHistogram::BucketOf(Duration d) {
  const std::uint64_t v = static_cast<std::uint64_t>(std::max<Duration>(d, 0));
  if (v < (std::uint64_t{1} << kSubBits)) return static_cast<int>(v);
  const int e = 63 - std::countl_zero(v);  // >= kSubBits
  const int sub = static_cast<int>((v >> (e - kSubBits)) - (std::uint64_t{1} << kSubBits));
  return ((e - kSubBits + 1) << kSubBits) + sub;
}

Duration DelayHistogram::UpperEdge(int bucket) {
  if (bucket < (1 << kSubBits)) return bucket;
  const int e = (bucket >> kSubBits) + kSubBits - 1;
  const std::uint64_t sub = static_cast<std::uint64_t>(bucket & ((1 << kSubBits) - 1));
  const std::uint64_t lower = ((std::uint64_t{1} << kSubBits) + sub) << (e - kSubBits);
  return static_cast<Duration>(lower + (std::uint64_t{1} << (e - kSubBits)) - 1);
}

void DelayHistogram::Add(Duration d) {
  ++buckets_[static_cast<std::size_t>(BucketOf(d))];
  ++count_;
  sum_ += static_cast<std::uint64_t>(std::max<Duration>(d, 0));
  max_ = std::max(max_, d);
}

std::optional<double> DelayHistogram::mean_ns() const {
  if (count_ == 0) return std::nullopt;
  // Quotient and remainder exactly, then one rounding each: the same double on every machine.
  const auto q = static_cast<std::uint64_t>(sum_ / count_);
  const auto r = static_cast<std::uint64_t>(sum_ % count_);
  return static_cast<double>(q) + static_cast<double>(r) / static_cast<double>(count_);
}

std::optional<Duration> DelayHistogram::max() const {
  if (count_ == 0) return std::nullopt;
  return max_;
}

std::optional<Duration> DelayHistogram::Percentile(double p) const {
  if (count_ == 0) return std::nullopt;
  // Nearest rank, as the login latencies of summary.json.
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (int b = 0; b < kBuckets; ++b) {
    seen += buckets_[static_cast<std::size_t>(b)];
    if (seen >= rank) return std::min(UpperEdge(b), max_);
  }
  return max_;
}

void DelayProbe::Grow() {
  std::vector<Time> bigger(ring_.empty() ? 1024 : ring_.size() * 2, kNever);
  for (std::uint64_t s = lo_; s < hi_; ++s) bigger[s & (bigger.size() - 1)] = Slot(s);
  ring_.swap(bigger);
}

void DelayProbe::Sent(std::uint32_t serial, Time t) {
  if (lo_ == hi_) lo_ = hi_ = serial;  // nothing in flight: start at this serial
  while (hi_ <= serial) {
    if (hi_ - lo_ == ring_.size()) {
      if (ring_.size() < max_in_flight_) {
        Grow();
      } else {
        ++lo_;  // the oldest send time is forgotten
      }
    }
    Slot(hi_++) = kNever;  // a serial the sender used elsewhere, or refused
  }
  Slot(serial) = t;
}

void DelayProbe::Arrived(std::uint32_t serial, Time t) {
  if (serial < lo_ || serial >= hi_ || Slot(serial) == kNever) {
    ++unmatched_;
    return;
  }
  delays_.Add(t - Slot(serial));
  lo_ = std::uint64_t{serial} + 1;  // in order: nothing older can arrive any more
}

}  // namespace mountstorm
