#include "models/systemd/policies/rate_limit.h"

namespace mountstorm {

Time RateLimit::MountinfoDispatchTime(Time now, Time) const {
  if (WindowOpen(now) && count_ >= burst_) return begin_ + interval_;
  return now;
}

void RateLimit::MountinfoDispatched(Time start, Time) {
  if (!WindowOpen(start)) {
    begin_ = start;
    count_ = 0;
  }
  ++count_;
}

}  // namespace mountstorm
