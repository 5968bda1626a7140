#include "models/systemd/policies/signal_token_bucket.h"

#include <algorithm>
#include <cmath>

namespace mountstorm {

SignalTokenBucket::SignalTokenBucket(double rate_per_s, double burst)
    : rate_per_ns_(rate_per_s / 1e9), burst_(burst), tokens_(burst) {}

double SignalTokenBucket::TokensAt(Time t) const {
  return std::min(burst_, tokens_ + rate_per_ns_ * static_cast<double>(t - updated_));
}

Time SignalTokenBucket::SendTime(Time now, int messages) const {
  // A unit larger than the bucket goes once the bucket is full.
  double need = std::min(static_cast<double>(messages), burst_);
  double have = TokensAt(now);
  if (have >= need) return now;
  return now + static_cast<Duration>(std::ceil((need - have) / rate_per_ns_));
}

void SignalTokenBucket::Sent(Time when, int messages) {
  tokens_ = std::max(0.0, TokensAt(when) - static_cast<double>(messages));
  updated_ = when;
}

}  // namespace mountstorm
