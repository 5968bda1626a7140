// QueueLimitsPatch: other sd-bus queue limits for PID 1 (and another send buffer for its
// sockets), e.g. the 384K of v243+ on a RHEL 7 host (commit 83a32ea7b0; RHEL 7.9). A key left out
// keeps the profile's value.
#ifndef MOUNTSTORM_MODELS_POLICIES_QUEUE_LIMITS_H_
#define MOUNTSTORM_MODELS_POLICIES_QUEUE_LIMITS_H_

#include "mountstorm/policy.h"

namespace mountstorm {

class QueueLimitsPatch : public Pid1Policy {
 public:
  // A value below 0 keeps the current limit.
  QueueLimitsPatch(std::int64_t wqueue, std::int64_t rqueue, std::int64_t sndbuf)
      : wqueue_(wqueue), rqueue_(rqueue), sndbuf_(sndbuf) {}
  void AdjustLimits(QueueLimits* limits) override {
    if (wqueue_ >= 0) limits->wqueue_max = wqueue_;
    if (rqueue_ >= 0) limits->rqueue_max = rqueue_;
    if (sndbuf_ >= 0) limits->socket_sndbuf_bytes = sndbuf_;
  }

 private:
  std::int64_t wqueue_, rqueue_, sndbuf_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_POLICIES_QUEUE_LIMITS_H_
