// Debounce: scan a fixed delay after the FIRST change not yet scanned, so that every change within
// that delay is covered by one scan. A coalescing patch that bounds how stale PID 1's view can get (unlike a pure quiet-period debounce, which a
// steady storm would postpone forever). Not in any systemd release; the idea of PR #34794's
// "at most one parse per iteration" taken further.
#ifndef MOUNTSTORM_MODELS_SYSTEMD_POLICIES_DEBOUNCE_H_
#define MOUNTSTORM_MODELS_SYSTEMD_POLICIES_DEBOUNCE_H_

#include <algorithm>

#include "mountstorm/policy.h"

namespace mountstorm {

class Debounce : public Pid1Policy {
 public:
  explicit Debounce(Duration delay) : delay_(delay) {}
  Time MountinfoDispatchTime(Time now, Time ready_since) const override {
    return std::max(now, ready_since + delay_);
  }

 private:
  Duration delay_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_SYSTEMD_POLICIES_DEBOUNCE_H_
