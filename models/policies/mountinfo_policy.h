// MountinfoPolicy: when PID 1 may dispatch its /proc/self/mountinfo event source.
//
// The hook is the one real patches use: the source is ready (the table changed since the last
// scan) and sd-event is about to dispatch it. A policy may let it run now or keep the source
// offline until a later time; the changes stay pending meanwhile, so the scan that eventually
// runs covers all of them.
#ifndef MOUNTSTORM_MODELS_POLICIES_MOUNTINFO_POLICY_H_
#define MOUNTSTORM_MODELS_POLICIES_MOUNTINFO_POLICY_H_

#include "mountstorm/time.h"

namespace mountstorm {

class MountinfoPolicy {
 public:
  virtual ~MountinfoPolicy() = default;

  // The source is ready at `now`. Returns `now` if it may be dispatched, else the time at which
  // it comes back online. Has no side effects.
  virtual Time DispatchTime(Time now) const = 0;
  // The source was dispatched: a scan ran from `start` to `end`.
  virtual void Dispatched(Time start, Time end) = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_POLICIES_MOUNTINFO_POLICY_H_
