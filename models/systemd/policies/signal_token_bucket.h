// SignalTokenBucket: at most `rate` signals per second leave PID 1's unit queue on average, with
// bursts of `burst`. A unit's signals wait until the bucket holds enough tokens; the unit stays
// queued meanwhile, so a later change of it costs nothing more (the queue is a set). Not in any
// systemd release: a way to cap the message rate instead of the scan rate.
#ifndef MOUNTSTORM_MODELS_SYSTEMD_POLICIES_SIGNAL_TOKEN_BUCKET_H_
#define MOUNTSTORM_MODELS_SYSTEMD_POLICIES_SIGNAL_TOKEN_BUCKET_H_

#include "mountstorm/policy.h"

namespace mountstorm {

class SignalTokenBucket : public Pid1Policy {
 public:
  // REQUIRES: rate_per_s > 0, burst >= 1.
  SignalTokenBucket(double rate_per_s, double burst);

  Time SendTime(Time now, int messages) const override;
  void Sent(Time when, int messages) override;

 private:
  double TokensAt(Time t) const;

  double rate_per_ns_;
  double burst_;
  double tokens_;   // at time updated_
  Time updated_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_SYSTEMD_POLICIES_SIGNAL_TOKEN_BUCKET_H_
