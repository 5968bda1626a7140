#include "sim/queue_gauge.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "mountstorm/error.h"
#include "sim/depth_recorder.h"

namespace mountstorm {

const char* QueueUnitName(QueueUnit unit) {
  return unit == QueueUnit::kMessages ? "messages" : "bytes";
}

namespace {
// The level at and above which a gauge is at its limit.
std::int64_t AtLimitFrom(std::int64_t limit, LimitRule rule) {
  switch (rule) {
    case LimitRule::kRefuseAtLimit: return limit;
    case LimitRule::kRefuseAboveLimit:
      return limit == std::numeric_limits<std::int64_t>::max() ? limit : limit + 1;
    case LimitRule::kNone: break;
  }
  return std::numeric_limits<std::int64_t>::max();
}
}  // namespace

QueueGauge::QueueGauge(std::string name, QueueUnit unit, std::int64_t limit, LimitRule rule)
    : at_limit_from_(AtLimitFrom(limit, rule)), name_(std::move(name)), unit_(unit), limit_(limit), rule_(rule) {}

void QueueGauge::RecordInto(DepthRecorder* recorder) {
  recorder_ = recorder;
  column_ = recorder->AddColumn(name_);
  LoadInterval();
}

void QueueGauge::MeasureIn(StormWindow* window) {
  area_ = std::make_unique<LevelIntegral>();
  area_->Attach(window);
  if (unit_ == QueueUnit::kMessages) window_ = window;
}

void QueueGauge::LoadInterval() {
  interval_end_ = recorder_->last_interval_end(column_);
  interval_max_ = recorder_->last_maximum(column_);
}

void QueueGauge::FlushInterval(std::int64_t level) {
  recorder_->SetLastInterval(column_, interval_max_, level);
}

void QueueGauge::RecordInNewInterval(Time t, std::int64_t before) {
  FlushInterval(before);
  recorder_->Record(column_, t, level_);
  LoadInterval();
}

void QueueGauge::RecordPassInNewInterval(Time t, std::int64_t top) {
  FlushInterval(level_);
  recorder_->Record(column_, t, top);
  LoadInterval();
}

void QueueGauge::BelowZero() { throw InternalError("internal error: queue level below zero"); }

void QueueGauge::LimitCrossed(Time t, bool was_at_limit) {
  if (was_at_limit) {
    time_at_limit_ += t - at_limit_since_;
  } else {
    at_limit_since_ = t;
  }
}

void QueueGauge::Refuse(Time t) {
  t = Stamp(t);
  if (first_refusal_ == kNever) first_refusal_ = t;
  ++refused_;
  if (!run_open_) {
    runs_.push_back(RefusalRun{t, t, 0, 0});
    run_open_ = true;
    accepted_in_run_ = 0;
  }
  RefusalRun& run = runs_.back();
  run.last = t;
  ++run.count;
  run.accepted = accepted_in_run_;
}

std::int64_t QueueGauge::AddsToLimit(std::int64_t level, std::int64_t amount) const {
  if (rule_ == LimitRule::kNone) return std::numeric_limits<std::int64_t>::max();
  // At the limit: level >= limit (kRefuseAtLimit) or level >= limit + 1 (kRefuseAboveLimit).
  const std::int64_t need = (rule_ == LimitRule::kRefuseAtLimit ? limit_ : limit_ + 1) - level;
  if (need <= 0) return 0;
  if (amount == 0) return std::numeric_limits<std::int64_t>::max();
  return (need + amount - 1) / amount;
}

std::int64_t QueueGauge::RemovesBelowLimit(std::int64_t level, std::int64_t amount) const {
  // Below the limit: level < limit (kRefuseAtLimit) or level <= limit (kRefuseAboveLimit).
  const std::int64_t excess = level - (rule_ == LimitRule::kRefuseAtLimit ? limit_ : limit_ + 1);
  if (amount == 0) return std::numeric_limits<std::int64_t>::max();
  return excess / amount + 1;
}

std::int64_t QueueGauge::Accepts(std::int64_t count, std::int64_t amount) const {
  return std::min(count, AddsToLimit(level_, amount));
}

void QueueGauge::AddTrain(const TrainTimes& times, std::int64_t amount) {
  if (times.count <= 0) return;
  const Time floor = latest_;
  const std::int64_t before = level_;
  const std::int64_t to_limit = AddsToLimit(level_, amount);  // 0 if already at it
  level_ += times.count * amount;
  latest_ = std::max(floor, times.last());
  if (level_ > peak_) {
    peak_ = level_;
    peak_time_ = latest_;
  }
  if (to_limit >= 1 && to_limit <= times.count) at_limit_since_ = std::max(floor, times.at(to_limit - 1));
  if (recorder_ != nullptr) {
    FlushInterval(before);
    recorder_->RecordTrain(column_, floor, times, before, amount);
    LoadInterval();
  }
  if (run_open_) accepted_in_run_ += static_cast<std::uint64_t>(times.count);
  SetAreaOfTrain(floor, times, before, amount);
}

// The area takes a train item by item (O(count)): exact, not yet in closed form.
void QueueGauge::SetAreaOfTrain(Time floor, const TrainTimes& times, std::int64_t before, std::int64_t step) {
  if (!area_) return;
  for (std::int64_t i = 0; i < times.count; ++i) area_->Set(std::max(floor, times.at(i)), before + (i + 1) * step);
}

void QueueGauge::RemoveTrain(const TrainTimes& times, std::int64_t amount) {
  if (times.count <= 0) return;
  Check(times.count * amount <= level_, "queue level below zero");
  const Time floor = latest_;
  const std::int64_t before = level_;
  const bool was_at_limit = at_limit();
  const std::int64_t to_below = RemovesBelowLimit(level_, amount);
  level_ -= times.count * amount;
  removed_ += times.count * amount;
  latest_ = std::max(floor, times.last());
  if (level_ == 0 && amount > 0) Drained(latest_);
  if (was_at_limit && to_below <= times.count) time_at_limit_ += std::max(floor, times.at(to_below - 1)) - at_limit_since_;
  if (recorder_ != nullptr) {
    FlushInterval(before);
    recorder_->RecordTrain(column_, floor, times, before, -amount);
    LoadInterval();
  }
  SetAreaOfTrain(floor, times, before, -amount);
}

void QueueGauge::RefuseTrain(const TrainTimes& times) {
  if (times.count <= 0) return;
  const Time first = std::max(latest_, times.first);
  if (first_refusal_ == kNever) first_refusal_ = first;
  latest_ = std::max(latest_, times.last());
  refused_ += static_cast<std::uint64_t>(times.count);
  if (!run_open_) {
    runs_.push_back(RefusalRun{first, first, 0, 0});
    run_open_ = true;
    accepted_in_run_ = 0;
  }
  runs_.back().last = latest_;
  runs_.back().count += static_cast<std::uint64_t>(times.count);
  runs_.back().accepted = accepted_in_run_;
}

void QueueGauge::Finish(Time end) {
  if (recorder_ != nullptr) FlushInterval(level_);
  if (at_limit()) {
    Time t = std::max(end, latest_);
    time_at_limit_ += t - at_limit_since_;
    at_limit_since_ = t;
  }
  if (area_) area_->Finish(end);
}

}  // namespace mountstorm
