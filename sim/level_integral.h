// LevelIntegral: the exact area under a level over time (level x integer nanoseconds), over the
// run and over the storm window, for time-averaged queue lengths and server utilisation.
//
// StormWindow is the window the measures share (docs/OUTPUTS.md, "measures.json"): from a time
// known when the run starts (the first operation of the workload) to the latest time Extend() was
// given (the last operation, the last time a queue of messages drained). That end is known only
// when the run is over, and effects are stamped inside steps, ahead of the simulator's clock, so a
// level may change after the end it will be measured to. A LevelIntegral therefore holds the
// changes stamped after the clock (at most one step's worth of changes) until the clock passes
// them: any end still to come is at or after the clock, so the area up to it stays exact. Cost per
// change: an append and a comparison; no allocation once the buffer has grown to a step's changes.
#ifndef MOUNTSTORM_SIM_LEVEL_INTEGRAL_H_
#define MOUNTSTORM_SIM_LEVEL_INTEGRAL_H_

#include <cstdint>

#include "mountstorm/time.h"
#include "sim/ring_buffer.h"
#include "sim/simulator.h"

namespace mountstorm {

// An area: level x nanoseconds (a queue of 128 MiB for 100 s is 1.3e19: more than 64 bits).
__extension__ typedef __int128 Area;  // GCC and Clang; __extension__ keeps -Wpedantic quiet

class StormWindow {
 public:
  // `sim` must outlive the window. `from`: the window's start.
  StormWindow(const Simulator* sim, Time from) : sim_(sim), from_(from) {}

  // The window ends at `t` if that is later than its end so far.
  void Extend(Time t) {
    if (t > to_) {
      to_ = t;
      ++version_;
    }
  }
  Time from() const { return from_; }
  Time to() const { return to_; }  // 0 until extended
  std::uint64_t version() const { return version_; }
  // No end earlier than this can come any more: the simulator's clock.
  Time settled() const { return sim_->now(); }

  // The window as reported for a run that ended at `end`: from min(from, end) to the end so far
  // clamped to [from, end]; a window that would be empty is the rest of the run.
  struct Bounds {
    Time from = 0;
    Time to = 0;
  };
  Bounds For(Time end) const;

 private:
  const Simulator* sim_;
  Time from_;
  Time to_ = 0;
  std::uint64_t version_ = 0;
};

class LevelIntegral {
 public:
  // An integral that never changed: the area of what is not measured.
  static const LevelIntegral& None();

  // Without a window only the run's area is kept, and every change is taken at once.
  void Attach(const StormWindow* window) { window_ = window; }

  // A busy period [start, end) of a server, whose periods never overlap and start at the clock:
  // the same as Set(start, 1) then Set(end, 0), without waiting in the buffer, as the clock has
  // passed the previous period's end when the next one starts (a period that begins where the
  // last one ended extends it). REQUIRES: no Set() on this integral.
  void Busy(Time start, Time end) {
    if (start == busy_end_ && busy_end_ > busy_start_) {
      busy_end_ = end;  // it goes on from the last period without a gap: one period
      return;
    }
    if (busy_end_ > busy_start_) TakeBusy();
    busy_start_ = start;
    busy_end_ = end;
  }

  // The level is `level` from time t on. REQUIRES: t at or after every earlier t.
  void Set(Time t, std::int64_t level) {
    if (window_ == nullptr) {
      Take(Change{t, level});
      return;
    }
    // A change at the time of the last one waiting replaces it: that level lasted no time.
    if (!pending_.empty() && pending_.back().t == t) {
      pending_.back().level = level;
      return;
    }
    // Taken in batches: only once kBatch changes wait (those the clock has passed), and at the end.
    pending_.PushBack(Change{t, level});
    if (pending_.size() >= kBatch) TakeSettled();
  }

  // The run ended at `end`: the areas up to it, and up to the window's ends. Changes stamped
  // after `end` (a step cut by the stop time) are left out.
  void Finish(Time end);

  Area run() const { return run_; }        // from 0 to the end; valid after Finish()
  Area window() const { return window_area_; }  // over StormWindow::For(end); 0 without a window

 private:
  struct Change {
    Time t = 0;
    std::int64_t level = 0;
  };
  static constexpr std::size_t kBatch = 32;
  void Take(const Change& c);
  // Takes the busy period [busy_start_, busy_end_): Take() of its start (1) and end (0).
  void TakeBusy() {
    if (level_ == 0 && !MarkBefore(busy_end_)) {
      area_ += busy_end_ - busy_start_;  // idle since base_: only the period adds
      base_ = busy_end_;
      return;
    }
    Take(Change{busy_start_, 1});
    Take(Change{busy_end_, 0});
  }
  // A mark of the window not yet passed lies before `t`: taking a change at `t` would keep the
  // area up to it.
  bool MarkBefore(Time t) const {
    return window_ != nullptr && ((!from_taken_ && t > window_->from()) ||
                                  (to_version_ != window_->version() && t > window_->to()));
  }
  void TakeSettled();
  Area At(Time x) const { return area_ + static_cast<Area>(level_) * (x - base_); }  // REQUIRES: x >= base_

  const StormWindow* window_ = nullptr;
  RingBuffer<Change> pending_;
  Time busy_start_ = 0, busy_end_ = 0;  // the busy period not yet taken (Busy())
  Time base_ = 0;            // the time of the last change taken
  std::int64_t level_ = 0;   // the level from base_ on
  Area area_ = 0;            // from 0 to base_
  bool from_taken_ = false;
  Area from_area_ = 0;       // up to the window's start, once a change after it was taken
  std::uint64_t to_version_ = 0;
  Area to_area_ = 0;         // up to the window's end of version to_version_
  Area run_ = 0;
  Area window_area_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_SIM_LEVEL_INTEGRAL_H_
