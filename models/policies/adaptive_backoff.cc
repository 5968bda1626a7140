#include "models/policies/adaptive_backoff.h"

#include <algorithm>
#include <cmath>

namespace mountstorm {

Time AdaptiveBackoff::DispatchTime(Time now) const { return std::max(now, resume_); }

void AdaptiveBackoff::Dispatched(Time start, Time end) {
  resume_ = end + static_cast<Duration>(std::llround(factor_ * static_cast<double>(end - start)));
}

}  // namespace mountstorm
