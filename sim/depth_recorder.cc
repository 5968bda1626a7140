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
  columns_.push_back(std::move(c));
  return static_cast<int>(columns_.size()) - 1;
}

void DepthRecorder::ExtendTo(Column& c, std::size_t bucket) {
  // Intervals with no change hold the level carried in from before.
  while (c.max.size() <= bucket) c.max.push_back(c.level);
}

void DepthRecorder::Record(int column, Time t, std::int64_t level) {
  Column& c = columns_[column];
  std::size_t bucket = static_cast<std::size_t>(t / interval_);
  bucket = std::max(bucket, c.max.size() - 1);  // an earlier stamp counts at the latest interval
  ExtendTo(c, bucket);
  c.level = level;
  c.max[bucket] = std::max(c.max[bucket], level);
}

void DepthRecorder::Finish(Time end) {
  std::size_t last = static_cast<std::size_t>(end / interval_);
  for (Column& c : columns_) ExtendTo(c, std::max(last, c.max.size() - 1));
  std::size_t longest = 0;
  for (const Column& c : columns_) longest = std::max(longest, c.max.size());
  for (Column& c : columns_) ExtendTo(c, longest - 1);
}

}  // namespace mountstorm
