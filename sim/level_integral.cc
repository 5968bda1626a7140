#include "sim/level_integral.h"

#include <algorithm>

namespace mountstorm {

StormWindow::Bounds StormWindow::For(Time end) const {
  Bounds b;
  b.from = std::min(from_, end);
  b.to = std::clamp(to_, b.from, end);
  if (b.to <= b.from) b.to = end;  // no storm ended inside the run: the rest of the run
  return b;
}

const LevelIntegral& LevelIntegral::None() {
  static const LevelIntegral none;
  return none;
}

void LevelIntegral::Take(const Change& c) {
  // The level level_ held from base_ to c.t. Before passing a mark of the window, keep the area
  // up to it: every change taken so far is at or before the mark (a later one would have taken it).
  if (window_ != nullptr) {
    if (!from_taken_ && c.t > window_->from()) {
      from_area_ = At(window_->from());
      from_taken_ = true;
    }
    if (to_version_ != window_->version() && c.t > window_->to()) {
      to_area_ = At(window_->to());
      to_version_ = window_->version();
    }
  }
  area_ = At(c.t);
  base_ = c.t;
  level_ = c.level;
}

void LevelIntegral::TakeSettled() {
  const Time settled = window_->settled();
  std::size_t n = 0;  // the changes the clock has passed: a prefix, as their times only grow
  while (n < pending_.size() && pending_[n].t <= settled) ++n;
  if (n == 0) return;
  // No mark of the window among them: the area alone, without a check per change.
  const Time last = pending_[n - 1].t;
  const bool marks = MarkBefore(last);
  for (std::size_t i = 0; i < n; ++i) {
    const Change c = pending_.PopFront();
    if (marks) {
      Take(c);
      continue;
    }
    area_ += static_cast<Area>(level_) * (c.t - base_);
    base_ = c.t;
    level_ = c.level;
  }
}

void LevelIntegral::Finish(Time end) {
  if (busy_end_ > busy_start_) {
    pending_.PushBack(Change{busy_start_, 1});
    pending_.PushBack(Change{busy_end_, 0});
    busy_end_ = busy_start_;
  }
  while (!pending_.empty() && pending_.front().t <= end) Take(pending_.PopFront());
  pending_.clear();
  run_ = end >= base_ ? At(end) : area_;
  if (window_ == nullptr) return;
  const StormWindow::Bounds b = window_->For(end);
  // Each mark not yet passed by a change lies at or after base_ (or is the end itself).
  const Area from = b.from == end ? run_ : from_taken_ ? from_area_ : At(b.from);
  Area to = run_;
  if (b.to != end) to = to_version_ == window_->version() ? to_area_ : At(b.to);
  window_area_ = to - from;
}

}  // namespace mountstorm
