// KernelSocket's window (models/kernel/kernel_socket.h, OpenKeepUp()): the relay settles a folded
// reader that keeps up with its iterations itself. Each settle is the one
// KernelSocket::ReadKeepingUp() and Subscriber::SettleKeepingUp() would do (docs/ARCHITECTURE.md,
// "After step 8c" and "Step 8d, the window"), with what they check once per iteration checked
// here, and what stays so while the window is open (the reader's steps, its one pending event,
// the copies' member and spacing) checked when it opens or as each copy is written.
#include "models/kernel/kernel_socket.h"
#include "sim/simulator.h"

namespace mountstorm {

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
  const KeepUp& w = keep_up_;
  const std::size_t n = d.count;
  if (n == 0 || d.last != done || !gauge_.adds_fold(d.last, d.sum) || wake_writer_on_read_) return false;
  const Time now = entries_.front().ready;
  const Duration late_after = w.steps.step + w.steps.gap;
  if (d.first <= now + late_after || (n > 1 && w.spacing <= late_after)) return false;
  const Time start_before = StartBefore(w.steps, done, gauge_.removals_fold_before());
  const Time last_read = n > 1 ? d.last - w.spacing : now;
  return now < start_before && last_read < start_before;
}

std::size_t KernelSocket::SettleKeptUp(Simulator* sim) {
  const Deferred& d = deferred_;
  KeepUp& w = keep_up_;
  const std::size_t n = d.count;
  const Time last_read = n > 1 ? d.last - w.spacing : entries_.front().ready;
  gauge_.AddFolded(d.last, d.sum, static_cast<std::int64_t>(n));
  gauge_.RemoveFoldedSum(last_read + w.steps.offset, entries_.front().charged + d.sum - entries_.back().charged);
  entries_.DropFront(n);
  reads_ += n;
  deferred_ = Deferred{};
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
