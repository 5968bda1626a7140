#include "sim/depth_recorder.h"

#include <algorithm>
#include <utility>

#include "mountstorm/error.h"

namespace mountstorm {

DepthRecorder::DepthRecorder(Duration interval) : interval_(interval) {
  Check(interval > 0, "sample interval must be positive");
}

int DepthRecorder::AddColumn(std::string name) {
  Column c;
  c.name = std::move(name);
  c.max.push_back(0);
  c.end = interval_;
  columns_.push_back(std::move(c));
  return static_cast<int>(columns_.size()) - 1;
}

void DepthRecorder::ExtendTo(Column& c, std::size_t bucket) {
  // Intervals with no change hold the level carried in from before.
  while (c.max.size() <= bucket) c.max.push_back(c.level);
  c.end = static_cast<Time>(c.max.size()) * interval_;
}

void DepthRecorder::RecordSlow(Column& c, Time t, std::int64_t level) {
  std::size_t bucket = static_cast<std::size_t>(t / interval_);
  bucket = std::max(bucket, c.max.size() - 1);  // an earlier stamp counts at the latest interval
  ExtendTo(c, bucket);
  c.level = level;
  c.max[bucket] = std::max(c.max[bucket], level);
}

void DepthRecorder::RecordTrain(int column, Time floor, const TrainTimes& times, std::int64_t before,
                                std::int64_t step) {
  Column& c = columns_[column];
  // One group of consecutive changes per interval: the interval's maximum is at one end of it.
  for (std::int64_t lo = 0; lo < times.count;) {
    const Time first = std::max(floor, times.at(lo));
    const std::size_t bucket = std::max(static_cast<std::size_t>(first / interval_), c.max.size() - 1);
    const Time next = static_cast<Time>(bucket + 1) * interval_;  // where the next interval starts
    std::int64_t hi = times.count - 1;
    if (times.spacing > 0 && times.last() >= next) hi = (next - 1 - times.first) / times.spacing;
    ExtendTo(c, bucket);
    const std::int64_t level_lo = before + (lo + 1) * step;
    c.level = before + (hi + 1) * step;
    c.max[bucket] = std::max(c.max[bucket], std::max(level_lo, c.level));
    lo = hi + 1;
  }
}

void DepthRecorder::Finish(Time end) {
  std::size_t last = static_cast<std::size_t>(end / interval_);
  for (Column& c : columns_) ExtendTo(c, std::max(last, c.max.size() - 1));
  std::size_t longest = 0;
  for (const Column& c : columns_) longest = std::max(longest, c.max.size());
  for (Column& c : columns_) ExtendTo(c, longest - 1);
}

}  // namespace mountstorm
