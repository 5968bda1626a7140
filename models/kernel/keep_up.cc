// A folded reader that keeps up with the relay's iterations: its settle in O(1)
// (KernelSocket::ReadKeepingUp()), and KernelSocket's window (models/kernel/kernel_socket.h,
// OpenKeepUp()), in which the relay settles it itself. Each of the window's settles is the one
// KernelSocket::ReadKeepingUp() and Subscriber::SettleKeepingUp() would do (docs/ARCHITECTURE.md,
// "After step 8c" and "Step 8d, the window"), with what they check once per iteration checked
// here, and what stays so while the window is open (the reader's steps, its one pending event,
// the copies' member and spacing) checked when it opens or as each copy is written.
#include "models/kernel/kernel_socket.h"
#include "sim/simulator.h"

namespace mountstorm {

// ReadKeepingUp() and the window's settles share these (inline: both are in this file, on the
// relay's path once an iteration).
inline bool KernelSocket::KeepsUpInTime(Time now, const ReaderSteps& steps, Duration spacing, Time bound,
                                        Time* last_read) const {
  const Deferred& d = deferred_;
  // The gauge has no area and stays below its limit: its removals fold before the interval's end.
  const Duration late_after = steps.step + steps.gap;  // a message later than this is read as it lands
  const Time start_before = StartBefore(steps, bound, gauge_.removals_fold_before());
  *last_read = d.count > 1 ? d.last - spacing : now;  // when the last step read begins
  return now < start_before && d.first > now + late_after && (d.count == 1 || spacing > late_after) &&
         *last_read < start_before && d.last >= bound;
}

inline std::size_t KernelSocket::TakeKeptUp(Time last_read, Duration offset) {
  const std::size_t n = deferred_.count;
  gauge_.AddFolded(deferred_.last, deferred_.sum, static_cast<std::int64_t>(n));
  gauge_.RemoveFoldedSum(last_read + offset, entries_.front().charged + deferred_.sum - entries_.back().charged);
  entries_.DropFront(n);
  reads_ += n;
  deferred_ = Deferred{};  // the gauge has taken every deferred add, the last one's too
  return n;
}

std::size_t KernelSocket::ReadKeepingUp(ReaderSteps* steps, Time bound, MemberCounts* members) {
  const Deferred& d = deferred_;
  const Entry& front = entries_.front();
  const std::size_t n = d.count;  // the message in front and all deferred writes but the last
  if (n == 0 || entries_.size() != n + 1 || !d.even || !d.one_member || front.message.member != d.member ||
      front.ready != steps->now || !reads_quietly() || !gauge_.adds_fold(d.last, d.sum)) {
    return 0;
  }
  Time last_read;
  if (!KeepsUpInTime(steps->now, *steps, d.spacing, bound, &last_read)) return 0;
  (*members)[static_cast<int>(d.member)] += n;
  steps->now = last_read + steps->step;
  return TakeKeptUp(last_read, steps->offset);
}

bool KernelSocket::OpenKeepUp(Member member, Duration spacing) {
  if (!defers_ || entries_.size() != 1 || deferred_.count != 0 || !reads_quietly()) return false;
  const Entry& front = entries_.front();
  if (front.message.member != member || ((quiet_members_ >> static_cast<int>(member)) & 1) == 0) return false;
  ReaderSteps steps;
  if (!folder_->KeepsUpFrom(front.ready, &steps)) return false;
  keep_up_ = KeepUp{true, member, spacing, steps, QuietRoom(), 0, 0, 0};
  return true;
}

bool KernelSocket::KeptUpUntil(Time done) const {
  // ReadKeepingUp()'s conditions, the reader's event in progress being the wake for the message
  // in front. Kept by the window: the deferred copies are all there is behind that message, of
  // its member, evenly spaced, each write quiet (so are the reads).
  const Deferred& d = deferred_;
  Time last_read;
  return d.count != 0 && d.last == done && gauge_.adds_fold(d.last, d.sum) && !wake_writer_on_read_ &&
         KeepsUpInTime(entries_.front().ready, keep_up_.steps, keep_up_.spacing, done, &last_read);
}

std::size_t KernelSocket::SettleKeptUp(Simulator* sim) {
  KeepUp& w = keep_up_;
  const Time last_read = deferred_.count > 1 ? deferred_.last - w.spacing : entries_.front().ready;
  const std::size_t n = TakeKeptUp(last_read, w.steps.offset);
  w.quiet_room = QuietRoom();
  w.read += n;
  w.last = last_read + w.steps.step;
  w.wake_seq = sim->ReserveSeqs(2 * n);
  return n;
}

void KernelSocket::CloseKeepUp() {
  KeepUp& w = keep_up_;
  w.open = false;
  // AppendDeferred()'s fields: each copy was of the window's member, `spacing` after the last.
  if (deferred_.count > 1) deferred_.spacing = w.spacing;
  if (w.read > 0) folder_->KeptUp(w.member, w.read, w.last, entries_.front().ready, w.wake_seq);
}

}  // namespace mountstorm
