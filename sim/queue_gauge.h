// QueueGauge: the level of one bounded queue against its limit, and what happened at the limit.
//
// A queue is counted in messages or in bytes. Its limit refuses a new item either when the level
// has reached the limit (sd-bus: `wqueue_size >= BUS_WQUEUE_MAX`; kernel socket: no room once the
// allocated bytes reach the send buffer) or only when the level is already above it (dbus-daemon:
// `outgoing_size > max_outgoing_bytes`, so the queue can overshoot by one message). A gauge with no
// limit never refuses. A queue that blocks its producer instead of refusing (dbus-daemon's
// max_incoming_bytes) uses the same gauge: "at the limit" then means "not read".
//
// The gauge records the peak and its time, the first refusal (the ENOBUFS onset), the number of
// refusals, the total time spent at the limit and the last time the queue went back to zero.
// Times stamped earlier than one already seen count at the latest time seen (see DepthRecorder).
// Measured into a StormWindow (MeasureIn), it also keeps the exact area under its level, the
// amount it let out, and its refusals as runs: refusals with no return to empty in between.
//
// With a DepthRecorder the gauge keeps the maximum of the sample interval in progress itself and
// hands it to the recorder when a change falls in a later interval, a train is recorded, or at
// Finish(): a change inside the interval touches only the gauge's first 64 bytes, not the
// recorder's column. Call Finish() before the recorder's Finish() and before reading its maxima.
#ifndef MOUNTSTORM_SIM_QUEUE_GAUGE_H_
#define MOUNTSTORM_SIM_QUEUE_GAUGE_H_

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "mountstorm/queue_limit.h"
#include "mountstorm/time.h"
#include "sim/level_integral.h"
#include "sim/train.h"

namespace mountstorm {

class DepthRecorder;

// Refusals of one queue with no return to empty in between: the first and last refusal, how
// many, and how many items the queue took between the first and the last.
struct RefusalRun {
  Time first = 0;
  Time last = 0;
  std::uint64_t count = 0;
  std::uint64_t accepted = 0;
};

class QueueGauge {
 public:
  QueueGauge(std::string name, QueueUnit unit, std::int64_t limit, LimitRule rule);

  // Adds a column for this queue to `recorder`. Call before the first change.
  void RecordInto(DepthRecorder* recorder);
  // Keeps the area under the level over the run and over `window` (none: the run only); a queue
  // counted in messages also extends the window to each time it drains. `window` must outlive
  // the gauge's changes. Without it the gauge keeps no area (it costs nothing per change).
  void MeasureIn(StormWindow* window);

  // True if the queue refuses (or, for a blocking limit, stops accepting) a new item now.
  bool at_limit() const { return level_ >= at_limit_from_; }
  // at_limit() with `more` added to the level.
  bool at_limit_with(std::int64_t more) const { return level_ + more >= at_limit_from_; }
  // What may be added before the queue is at its limit: at_limit_with(more) is more >= room().
  std::int64_t room() const { return at_limit_from_ - level_; }
  // The gauge keeps the area under its level (MeasureIn()).
  bool measured() const { return area_ != nullptr; }

  // Add and Remove: REQUIRES amount >= 0. A rise can only raise the peak and the interval's
  // maximum and reach the limit; a fall can only leave it.
  void Add(Time t, std::int64_t amount) {
    const bool was_at_limit = at_limit();
    level_ += amount;
    if (run_open_) ++accepted_in_run_;
    t = Stamp(t);
    if (level_ > peak_) {
      peak_ = level_;
      peak_time_ = t;
    }
    if (!was_at_limit && at_limit()) LimitCrossed(t, false);
    if (t < interval_end_) {
      interval_max_ = std::max(interval_max_, level_);
    } else {
      RecordInNewInterval(t, level_ - amount);
    }
    if (area_) area_->Set(t, level_);
  }
  // REQUIRES: amount <= level().
  void Remove(Time t, std::int64_t amount) {
    if (amount > level_) BelowZero();
    const bool was_at_limit = at_limit();
    level_ -= amount;
    removed_ += amount;
    if (level_ == 0 && amount > 0) Drained(std::max(t, latest_));
    t = Stamp(t);
    if (was_at_limit && !at_limit()) LimitCrossed(t, true);
    if (t >= interval_end_) RecordInNewInterval(t, level_ + amount);  // (inside it, the maximum stays)
    if (area_) area_->Set(t, level_);
  }
  // An item that comes and goes at the same time t: exactly Add(t, amount) then Remove(t, amount),
  // with one stamp, and nothing for the area (the item held the level for no time).
  void Pass(Time t, std::int64_t amount) {
    const bool was_at_limit = at_limit();
    t = Stamp(t);
    if (run_open_) ++accepted_in_run_;
    const std::int64_t top = level_ + amount;
    if (top > peak_) {
      peak_ = top;
      peak_time_ = t;
    }
    if (t >= interval_end_) RecordPassInNewInterval(t, top);
    interval_max_ = std::max(interval_max_, top);
    if (!was_at_limit && top >= at_limit_from_) at_limit_since_ = t;  // entered and left at t
    removed_ += amount;
    if (level_ == 0 && amount > 0) Drained(t);
  }
  // Counts an item the queue refused at time t.
  void Refuse(Time t);
  // Trains (sim/train.h): exactly what times.count calls of Add(), Remove() or Refuse() at
  // times.at(0), times.at(1), ... would do, each of `amount` (>= 0), in O(1) (and O(sample
  // intervals) for the recorder). RemoveTrain REQUIRES: times.count x amount <= level().
  void AddTrain(const TrainTimes& times, std::int64_t amount);
  void RemoveTrain(const TrainTimes& times, std::int64_t amount);
  void RefuseTrain(const TrainTimes& times);
  // Runs of items given one by one, each with its own time and amount (times non-decreasing,
  // every amount > 0, `run` their RunAmounts), for a caller that makes the items' other changes
  // first and hands the gauge the run at once (the train engine's relay, DbusDaemon::
  // ReadStraight()): exactly what the calls item by item would do, in O(1) (the area, when
  // measured, item by item) while no item reaches the limit and every stamp falls in the
  // recorder's sample interval in progress; otherwise such runs between the items that do not
  // fold, which go one by one.
  // RemoveRun: Remove(times[i], amounts[i]) for each i. REQUIRES: run.sum <= level().
  void RemoveRun(std::span<const Time> times, std::span<const std::int64_t> amounts, const RunAmounts& run);
  // RemoveRun() for a caller that knows the amounts' `sum` (each positive), all a removal needs:
  // without the pass over them that RunAmounts::Of() takes.
  void RemoveRunSummed(std::span<const Time> times, std::span<const std::int64_t> amounts, std::int64_t sum);
  // PulseRun: each item comes and goes before the next comes: Add(arrive[i], amounts[i]), then
  // Remove(leave[i], amounts[i]), with arrive[i] <= leave[i] <= arrive[i + 1].
  void PulseRun(std::span<const Time> arrive, std::span<const Time> leave, std::span<const std::int64_t> amounts,
                const RunAmounts& run);
  // PassRun: Pass(times[i], amounts[i]) for each i.
  void PassRun(std::span<const Time> times, std::span<const std::int64_t> amounts, const RunAmounts& run);
  // The time before which Remove() calls fold (take no branch of the limit or of the recorder):
  // the end of the sample interval in progress while the queue is below its limit and its area
  // not measured; otherwise none (the earliest time there is). For a caller that takes items off
  // in one pass and hands the gauge only their sum (RemoveFoldedSum()).
  Time removals_fold_before() const {
    return (area_ == nullptr && level_ < at_limit_from_) ? interval_end_ : std::numeric_limits<Time>::min();
  }
  // Remove(times[i], amounts[i]) of items summing to `sum`, each positive, the last at `last` and
  // none later. REQUIRES: sum <= level(), last < removals_fold_before().
  void RemoveFoldedSum(Time last, std::int64_t sum) {
    level_ -= sum;
    removed_ += sum;
    latest_ = std::max(latest_, last);
    if (level_ == 0 && sum > 0) Drained(latest_);  // only after the last item: every amount is positive
  }
  // Add(times[i], amounts[i]) of `count` items summing to `sum`, each positive, the last at `last`
  // (times in order), for a caller that keeps the items and hands the gauge their sum
  // (KernelSocket's deferred writes): O(1) where adds_fold(last, sum) (below the limit after them,
  // inside the sample interval in progress, no area kept); the caller adds them one by one where
  // not.
  bool adds_fold(Time last, std::int64_t sum) const { return area_ == nullptr && RunFolds(level_ + sum, last); }
  void AddFolded(Time last, std::int64_t sum, std::int64_t count) {
    level_ += sum;
    if (run_open_) accepted_in_run_ += static_cast<std::uint64_t>(count);
    const Time t = Stamp(last);
    if (level_ > peak_) {  // each add raised the level: the last one made the peak
      peak_ = level_;
      peak_time_ = t;
    }
    interval_max_ = std::max(interval_max_, level_);
  }
  // How many of `count` back-to-back TryPush() calls of `amount` each the queue takes.
  std::int64_t Accepts(std::int64_t count, std::int64_t amount) const;
  // Closes the time-at-limit interval that is open at `end`, and hands the recorder the maximum
  // of the sample interval in progress.
  void Finish(Time end);

  const std::string& name() const { return name_; }
  QueueUnit unit() const { return unit_; }
  std::int64_t limit() const { return limit_; }
  LimitRule rule() const { return rule_; }
  std::int64_t level() const { return level_; }
  std::int64_t peak() const { return peak_; }
  Time peak_time() const { return peak_time_; }
  Time first_refusal() const { return first_refusal_; }  // kNever if none
  std::uint64_t refused() const { return refused_; }
  Duration time_at_limit() const { return time_at_limit_; }
  Time drained_time() const { return drained_time_; }  // kNever if it never went back to zero
  // The total amount removed (items or bytes), the area under the level (valid after Finish())
  // and the refusal runs, in time order.
  std::int64_t removed() const { return removed_; }
  const LevelIntegral& area() const { return area_ ? *area_ : LevelIntegral::None(); }
  const std::vector<RefusalRun>& refusal_runs() const { return runs_; }

 private:
  Time Stamp(Time t) {
    latest_ = std::max(latest_, t);
    return latest_;
  }
  // Items of `amount` added one by one to `level` until the gauge is at its limit (0 if it is
  // already there; INT64_MAX if never).
  std::int64_t AddsToLimit(std::int64_t level, std::int64_t amount) const;
  // Items of `amount` removed one by one from `level` (at the limit) until it is no longer.
  std::int64_t RemovesBelowLimit(std::int64_t level, std::int64_t amount) const;
  void LimitCrossed(Time t, bool was_at_limit);
  // The queue is empty again at t.
  void Drained(Time t) {
    drained_time_ = t;
    run_open_ = false;
    if (window_ != nullptr) window_->Extend(t);
  }
  void SetAreaOfTrain(Time floor, const TrainTimes& times, std::int64_t before, std::int64_t step);
  // `run` describes `amounts`, each positive.
  static void CheckRun(std::span<const std::int64_t> amounts, const RunAmounts& run);
  // A run (RemoveRun() and the others) stays below the limit, each item's level at most `top`,
  // and inside the sample interval in progress up to `last` (its last time).
  bool RunFolds(std::int64_t top, Time last) const {
    return top < at_limit_from_ && std::max(latest_, last) < interval_end_;
  }
  // RemoveRun(), PulseRun() and PassRun() of a run that folds (RunFolds() of its top and its last
  // time; for RemoveRun() the level before it).
  void RemoveFolded(std::span<const Time> times, std::span<const std::int64_t> amounts, std::int64_t sum);
  void PulseFolded(std::span<const Time> arrive, std::span<const Time> leave, std::span<const std::int64_t> amounts,
                   const RunAmounts& run);
  void PassFolded(std::span<const Time> times, std::span<const std::int64_t> amounts, const RunAmounts& run);
  // The level rises to `base` + amounts[i] at times[i] for each i (stamped), and falls back
  // before the next: the peak, the interval's maximum and the items taken in a refusal run.
  void TopOfRun(std::span<const Time> times, const RunAmounts& run, std::int64_t base);
  [[noreturn]] static void BelowZero();
  // A change at t (stamped) that falls beyond the sample interval in progress.
  void RecordInNewInterval(Time t, std::int64_t before);
  // Pass() at t (stamped), beyond the interval in progress, the level rising to `top` and back.
  void RecordPassInNewInterval(Time t, std::int64_t top);
  // Hands the recorder the interval in progress, the level being `level` (before a change).
  void FlushInterval(std::int64_t level);
  // Takes the recorder's interval in progress back.
  void LoadInterval();

  // The fields every change reads, together in the first 64 bytes.
  std::int64_t level_ = 0;
  std::int64_t at_limit_from_;  // the level at and above which at_limit() holds
  Time latest_ = 0;
  std::int64_t peak_ = 0;
  Time interval_end_ = kNever;     // of the recorder's interval in progress (kNever: no recorder)
  std::int64_t interval_max_ = 0;  // the maximum in it so far, not yet handed to the recorder
  Time drained_time_ = kNever;
  DepthRecorder* recorder_ = nullptr;

  Time peak_time_ = 0;
  Time first_refusal_ = kNever;
  std::uint64_t refused_ = 0;
  Duration time_at_limit_ = 0;
  Time at_limit_since_ = 0;
  int column_ = -1;
  std::string name_;
  QueueUnit unit_;
  std::int64_t limit_;
  LimitRule rule_;
  std::unique_ptr<LevelIntegral> area_;  // only when measured: a gauge stays small
  StormWindow* window_ = nullptr;  // extended when a queue of messages drains
  std::int64_t removed_ = 0;
  std::vector<RefusalRun> runs_;
  bool run_open_ = false;
  std::uint64_t accepted_in_run_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_QUEUE_GAUGE_H_
