// DispatchBudget: systemd PR #8171 (commit e0a085811d, v238): manager_dispatch_dbus_queue()
// announces at most `units` units per call and sits the call out while more than `threshold`
// messages wait in PID 1's write queues (MANAGER_BUS_MESSAGE_BUDGET 100 and
// MANAGER_BUS_BUSY_THRESHOLD 1024). Never backported to RHEL 7: this patch adds it there.
#ifndef MOUNTSTORM_MODELS_POLICIES_DISPATCH_BUDGET_H_
#define MOUNTSTORM_MODELS_POLICIES_DISPATCH_BUDGET_H_

#include "mountstorm/policy.h"

namespace mountstorm {

class DispatchBudgetPatch : public Pid1Policy {
 public:
  DispatchBudgetPatch(int units, std::int64_t threshold) : units_(units), threshold_(threshold) {}
  void LimitDispatch(Time, std::int64_t, DispatchBudget* budget) override {
    budget->max_units = budget->max_units < 0 ? units_ : std::min(budget->max_units, units_);
    budget->pause_above_queued_writes = budget->pause_above_queued_writes < 0
                                            ? threshold_
                                            : std::min(budget->pause_above_queued_writes, threshold_);
  }

 private:
  int units_;
  std::int64_t threshold_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_POLICIES_DISPATCH_BUDGET_H_
