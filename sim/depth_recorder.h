// DepthRecorder: depth-over-time curves of several queues, one value per sample interval.
//
// Each column keeps, for every interval [k*T, (k+1)*T), the MAXIMUM level the queue had in it,
// including the level carried in from the previous interval, so that no peak is lost between
// samples however short it was. Levels are recorded at the time of each change. A change stamped
// earlier than one already recorded for the column (effects of a step are stamped inside the step)
// counts at the later time: the curve never loses a level, it only shifts it by less than a step.
#ifndef MOUNTSTORM_SIM_DEPTH_RECORDER_H_
#define MOUNTSTORM_SIM_DEPTH_RECORDER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mountstorm/time.h"
#include "sim/train.h"

namespace mountstorm {

class DepthRecorder {
 public:
  // REQUIRES: interval > 0.
  explicit DepthRecorder(Duration interval);

  Duration interval() const { return interval_; }

  // Adds a column that starts at level 0 and returns its index.
  int AddColumn(std::string name);

  // The column's level became `level` at time t. Inline for the common case, a stamp inside the
  // column's last interval so far (no division, no new interval); RecordSlow() does the rest.
  void Record(int column, Time t, std::int64_t level) {
    Column& c = columns_[column];
    if (t >= c.end) {
      RecordSlow(c, t, level);
      return;
    }
    c.level = level;
    if (level > c.max.back()) c.max.back() = level;
  }

  // The column's interval in progress: where it ends, and its maximum so far. A QueueGauge keeps
  // these itself between changes (sim/queue_gauge.h) and hands them back with SetLastInterval():
  // the maximum, and the level of the column after its last change.
  Time last_interval_end(int column) const { return columns_[column].end; }
  std::int64_t last_maximum(int column) const { return columns_[column].max.back(); }
  void SetLastInterval(int column, std::int64_t maximum, std::int64_t level) {
    Column& c = columns_[column];
    c.max.back() = maximum;
    c.level = level;
  }

  // A train of changes (sim/train.h): exactly what times.count calls of Record() would do, the
  // i-th at max(floor, times.at(i)) with level `before` + (i + 1) x `step`. O(intervals spanned).
  void RecordTrain(int column, Time floor, const TrainTimes& times, std::int64_t before, std::int64_t step);

  // Extends every column to the interval that contains `end`.
  void Finish(Time end);

  int columns() const { return static_cast<int>(columns_.size()); }
  const std::string& name(int column) const { return columns_[column].name; }
  // Maximum per interval; valid after Finish(). All columns have the same length then.
  const std::vector<std::int64_t>& maxima(int column) const { return columns_[column].max; }
  // Moves a column's maxima out (a run's result takes them; a long run's are megabytes). The
  // column is empty afterwards: call last.
  std::vector<std::int64_t> TakeMaxima(int column) { return std::move(columns_[column].max); }
  std::size_t intervals() const { return columns_.empty() ? 0 : columns_[0].max.size(); }

 private:
  struct Column {
    std::string name;
    std::vector<std::int64_t> max;  // max[k]: interval k
    std::int64_t level = 0;
    Time end = 0;  // where the last interval of `max` ends: max.size() x interval
  };
  void RecordSlow(Column& c, Time t, std::int64_t level);
  void ExtendTo(Column& c, std::size_t bucket);

  Duration interval_;
  std::vector<Column> columns_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_DEPTH_RECORDER_H_
