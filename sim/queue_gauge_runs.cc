// QueueGauge's runs (sim/queue_gauge.h): RemoveRun(), PulseRun() and PassRun(), each the same as
// its items one call at a time. While a run folds (RunFolds(): no item reaches the limit, no
// stamp leaves the sample interval in progress) the calls would take no branch of the limit or
// of the recorder, so what they leave is sums, the first highest item and the last stamp; the
// area, when measured, still takes each change.
#include <algorithm>
#include <numeric>

#include "mountstorm/error.h"
#include "sim/queue_gauge.h"

namespace mountstorm {
namespace {

// Items 0 to n - 1 as runs between those that do not fold: folds(k) says whether item k may go
// in the run in progress (asked before the run is taken: what it looks at, the level and the
// latest stamp below the interval's end, stays so while the run's items go), fold(i, count) takes
// the `count` items from i as one run, one(i) takes item i alone.
template <typename Folds, typename Fold, typename One>
void InParts(std::size_t n, Folds folds, Fold fold, One one) {
  std::size_t i = 0;
  while (i < n) {
    std::size_t k = i;
    while (k < n && folds(k)) ++k;
    if (k > i) {
      fold(i, k - i);
      i = k;
      continue;
    }
    one(i);
    ++i;
  }
}

}  // namespace

void QueueGauge::CheckRun(std::span<const std::int64_t> amounts, const RunAmounts& run) {
  Check(run.count == static_cast<std::int64_t>(amounts.size()) && (run.count == 0 || run.bottom > 0),
        "a run's amounts are not what it says or not all positive");
}

void QueueGauge::TopOfRun(std::span<const Time> times, const RunAmounts& run, std::int64_t base) {
  // The first item that beats the peak so far and every later one; so the first highest, if higher.
  if (base + run.top > peak_) {
    peak_ = base + run.top;
    peak_time_ = std::max(latest_, times[run.first_top]);
  }
  interval_max_ = std::max(interval_max_, base + run.top);
  // The first item is taken while a refusal run is open; it closes if the queue drains.
  if (run_open_) accepted_in_run_ += base == 0 ? 1 : static_cast<std::uint64_t>(run.count);
}

void QueueGauge::RemoveRun(std::span<const Time> times, std::span<const std::int64_t> amounts,
                           const RunAmounts& run) {
  CheckRun(amounts, run);
  RemoveRunSummed(times, amounts, run.sum);
}

void QueueGauge::RemoveRunSummed(std::span<const Time> times, std::span<const std::int64_t> amounts,
                                 std::int64_t sum) {
  Check(times.size() == amounts.size(), "a run's times and amounts differ in number");
  if (amounts.empty()) return;
  if (sum > level_) {  // Remove() says where it goes below zero
    for (std::size_t i = 0; i < amounts.size(); ++i) Remove(times[i], amounts[i]);
    return;
  }
  if (RunFolds(level_, times.back())) {
    RemoveFolded(times, amounts, sum);
    return;
  }
  // The items while the queue is at the limit or outside the sample interval in progress go one
  // by one, the stretches between them as runs (the level only falls: below the limit at a
  // stretch's start, it stays so).
  InParts(
      amounts.size(), [&](std::size_t k) { return RunFolds(level_, times[k]); },
      [&](std::size_t i, std::size_t n) {
        const std::span<const std::int64_t> part = amounts.subspan(i, n);
        RemoveFolded(times.subspan(i, n), part, std::accumulate(part.begin(), part.end(), std::int64_t{0}));
      },
      [&](std::size_t i) { Remove(times[i], amounts[i]); });
}

void QueueGauge::RemoveFolded(std::span<const Time> times, std::span<const std::int64_t> amounts, std::int64_t sum) {
  if (area_) {
    std::int64_t level = level_;
    for (std::size_t i = 0; i < amounts.size(); ++i) {
      level -= amounts[i];
      area_->Set(std::max(latest_, times[i]), level);
    }
  }
  RemoveFoldedSum(times.back(), sum);
}

void QueueGauge::PulseRun(std::span<const Time> arrive, std::span<const Time> leave,
                          std::span<const std::int64_t> amounts, const RunAmounts& run) {
  Check(arrive.size() == amounts.size() && leave.size() == amounts.size(), "a run's times and amounts differ in number");
  CheckRun(amounts, run);
  if (amounts.empty()) return;
  if (RunFolds(level_ + run.top, leave.back())) {
    PulseFolded(arrive, leave, amounts, run);
    return;
  }
  // Some item reaches the limit or leaves the sample interval in progress: the items before it
  // as a run, that one alone, and on from there (the interval it opens may hold the rest).
  InParts(
      amounts.size(), [&](std::size_t k) { return RunFolds(level_ + amounts[k], leave[k]); },
      [&](std::size_t i, std::size_t n) {
        const std::span<const std::int64_t> part = amounts.subspan(i, n);
        PulseFolded(arrive.subspan(i, n), leave.subspan(i, n), part, RunAmounts::Of(part));
      },
      [&](std::size_t i) {
        Add(arrive[i], amounts[i]);
        Remove(leave[i], amounts[i]);
      });
}

void QueueGauge::PulseFolded(std::span<const Time> arrive, std::span<const Time> leave,
                             std::span<const std::int64_t> amounts, const RunAmounts& run) {
  TopOfRun(arrive, run, level_);
  removed_ += run.sum;
  if (area_ == nullptr && window_ == nullptr) {
    latest_ = std::max(latest_, leave.back());
    if (level_ == 0) Drained(latest_);  // each item drains it; the last one's time stays
    return;
  }
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    if (area_) area_->Set(std::max(latest_, arrive[i]), level_ + amounts[i]);
    latest_ = std::max(latest_, leave[i]);
    if (area_) area_->Set(latest_, level_);
    if (level_ == 0) Drained(latest_);
  }
}

void QueueGauge::PassRun(std::span<const Time> times, std::span<const std::int64_t> amounts,
                         const RunAmounts& run) {
  Check(times.size() == amounts.size(), "a run's times and amounts differ in number");
  CheckRun(amounts, run);
  if (amounts.empty()) return;
  if (RunFolds(level_ + run.top, times.back())) {
    PassFolded(times, amounts, run);
    return;
  }
  // As PulseRun(): the runs between the items that do not fold, and those alone.
  InParts(
      amounts.size(), [&](std::size_t k) { return RunFolds(level_ + amounts[k], times[k]); },
      [&](std::size_t i, std::size_t n) {
        const std::span<const std::int64_t> part = amounts.subspan(i, n);
        PassFolded(times.subspan(i, n), part, RunAmounts::Of(part));
      },
      [&](std::size_t i) { Pass(times[i], amounts[i]); });
}

void QueueGauge::PassFolded(std::span<const Time> times, std::span<const std::int64_t> amounts,
                            const RunAmounts& run) {
  TopOfRun(times, run, level_);
  removed_ += run.sum;
  if (level_ != 0 || window_ == nullptr) {
    latest_ = std::max(latest_, times.back());
    if (level_ == 0) Drained(latest_);  // each item drains it; the last one's time stays
    return;
  }
  for (std::size_t i = 0; i < amounts.size(); ++i) {
    latest_ = std::max(latest_, times[i]);
    Drained(latest_);
  }
}

}  // namespace mountstorm
