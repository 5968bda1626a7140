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

void LevelIntegral::Finish(Time end) {
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
