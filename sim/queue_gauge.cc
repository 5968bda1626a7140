#include "sim/queue_gauge.h"

#include <algorithm>
#include <utility>

#include "mountstorm/error.h"
#include "sim/depth_recorder.h"

namespace mountstorm {

const char* QueueUnitName(QueueUnit unit) {
  return unit == QueueUnit::kMessages ? "messages" : "bytes";
}

QueueGauge::QueueGauge(std::string name, QueueUnit unit, std::int64_t limit, LimitRule rule)
    : name_(std::move(name)), unit_(unit), limit_(limit), rule_(rule) {}

void QueueGauge::RecordInto(DepthRecorder* recorder) {
  recorder_ = recorder;
  column_ = recorder->AddColumn(name_);
}

Time QueueGauge::Stamp(Time t) {
  latest_ = std::max(latest_, t);
  return latest_;
}

void QueueGauge::Add(Time t, std::int64_t amount) {
  bool was_at_limit = at_limit();
  level_ += amount;
  Changed(t, was_at_limit);
}

void QueueGauge::Remove(Time t, std::int64_t amount) {
  Check(amount <= level_, "queue level below zero");
  bool was_at_limit = at_limit();
  level_ -= amount;
  if (level_ == 0 && amount > 0) drained_time_ = std::max(t, latest_);
  Changed(t, was_at_limit);
}

void QueueGauge::Changed(Time t, bool was_at_limit) {
  t = Stamp(t);
  if (level_ > peak_) {
    peak_ = level_;
    peak_time_ = t;
  }
  bool now_at_limit = at_limit();
  if (!was_at_limit && now_at_limit) at_limit_since_ = t;
  if (was_at_limit && !now_at_limit) time_at_limit_ += t - at_limit_since_;
  if (recorder_ != nullptr) recorder_->Record(column_, t, level_);
}

void QueueGauge::Refuse(Time t) {
  t = Stamp(t);
  if (first_refusal_ == kNever) first_refusal_ = t;
  ++refused_;
}

void QueueGauge::Finish(Time end) {
  if (at_limit()) {
    Time t = std::max(end, latest_);
    time_at_limit_ += t - at_limit_since_;
    at_limit_since_ = t;
  }
}

}  // namespace mountstorm
