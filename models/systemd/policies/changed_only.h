// ChangedOnly: announce only units that are new or changed, never the unchanged ones a scan
// walks past. Together, the fixes of v240 (PR #10980: network mounts no longer re-add their
// remote-fs dependency), v246 (PR #15233: device units not queued unconditionally) and v247
// (PR #17234: unit_add_dependency() queues only on a real change).
#ifndef MOUNTSTORM_MODELS_SYSTEMD_POLICIES_CHANGED_ONLY_H_
#define MOUNTSTORM_MODELS_SYSTEMD_POLICIES_CHANGED_ONLY_H_

#include "mountstorm/policy.h"

namespace mountstorm {

class ChangedOnly : public Pid1Policy {
 public:
  bool AdmitToDbusQueue(const UnitQueueRequest& r) override {
    return r.reason == QueueReason::kNew || r.reason == QueueReason::kChanged;
  }
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_SYSTEMD_POLICIES_CHANGED_ONLY_H_
