// RateLimit: systemd v248's limit on mountinfo processing (commit d586f642fd, PR #17703):
// sd_event_source_set_ratelimit(mount_event_source, 1 s, 5).
//
// ratelimit_below() (src/basic/ratelimit.c) is a fixed window: it opens at the first dispatch
// after the previous window ended and allows `burst` dispatches in it. The next dispatch attempt
// inside the window does not run the callback: source_dispatch() takes the source offline until
// the window's begin + interval (event_source_enter_ratelimited(), src/libsystemd/sd-event/
// sd-event.c). Changes stay pending in libmount's edge-triggered epoll, so when the source comes
// back the next dispatch is one scan covering all of them.
#ifndef MOUNTSTORM_MODELS_SYSTEMD_POLICIES_RATE_LIMIT_H_
#define MOUNTSTORM_MODELS_SYSTEMD_POLICIES_RATE_LIMIT_H_

#include "mountstorm/policy.h"

namespace mountstorm {

class RateLimit : public Pid1Policy {
 public:
  // REQUIRES: interval > 0, burst >= 1.
  RateLimit(Duration interval, int burst) : interval_(interval), burst_(burst) {}

  Time MountinfoDispatchTime(Time now, Time ready_since) const override;
  void MountinfoDispatched(Time start, Time end) override;

 private:
  bool WindowOpen(Time now) const { return count_ > 0 && now < begin_ + interval_; }

  Duration interval_;
  int burst_;
  Time begin_ = 0;
  int count_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_SYSTEMD_POLICIES_RATE_LIMIT_H_
