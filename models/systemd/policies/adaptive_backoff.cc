#include "models/systemd/policies/adaptive_backoff.h"

#include <algorithm>
#include <cmath>

namespace mountstorm {

Time AdaptiveBackoff::MountinfoDispatchTime(Time now, Time) const { return std::max(now, resume_); }

void AdaptiveBackoff::MountinfoDispatched(Time start, Time end) {
  resume_ = end + static_cast<Duration>(std::llround(factor_ * static_cast<double>(end - start)));
}

}  // namespace mountstorm
