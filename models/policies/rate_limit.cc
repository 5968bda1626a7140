#include "models/policies/rate_limit.h"

namespace mountstorm {

Time RateLimit::DispatchTime(Time now) const {
  if (WindowOpen(now) && count_ >= burst_) return begin_ + interval_;
  return now;
}

void RateLimit::Dispatched(Time start, Time) {
  if (!WindowOpen(start)) {
    begin_ = start;
    count_ = 0;
  }
  ++count_;
}

}  // namespace mountstorm
