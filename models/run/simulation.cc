#include "models/run/simulation.h"

#include <algorithm>

namespace mountstorm {

Time Simulation::last_operation_time() const {
  Time t = workload_->last_operation_time();
  for (const auto& m : mounters_) t = std::max(t, m->last_operation_time());
  return t;
}

void Simulation::Run(const RunBudget& budget) {
  workload_->Start();
  for (auto& m : mounters_) m->Start();
  for (auto& c : clients_) c->Start();
  for (auto& l : login_clients_) l->Start();
  sim_.RunUntil(std::min(scenario_.stop_at, budget.max_sim_time), budget.max_events);
  CheckRunWithinBudget(scenario_, budget, sim_.events_run(), sim_.next_event_time());
  stopped_at_limit_ = sim_.pending() > 0;
  end_time_ = stopped_at_limit_ ? scenario_.stop_at : sim_.now();
  for (QueueGauge* g : tracked_) g->Finish(end_time_);
  recorder_.Finish(end_time_);
  if (!measures_) return;
  systemd_->FinishMeasures(end_time_);
  relay_->FinishMeasures(end_time_);
  for (auto& c : clients_) c->FinishMeasures(end_time_);
  for (auto& m : mounters_) m->FinishMeasures(end_time_);
}

}  // namespace mountstorm
