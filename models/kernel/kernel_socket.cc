#include "models/kernel/kernel_socket.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "mountstorm/error.h"
#include "sim/server.h"

namespace mountstorm {

KernelSocket::KernelSocket(std::string name, std::int64_t sndbuf, const MessageSizeParams& sizes)
    : sizes_(&sizes), gauge_(std::move(name), QueueUnit::kBytes, sndbuf, LimitRule::kRefuseAtLimit) {}

void KernelSocket::WriteLanding(Time ready, const Message& m) {
  Check(has_room(), "write to a full socket");
  Check(entries_.empty() || ready >= entries_.back().ready, "socket writes out of order");
  bool was_empty = entries_.empty();
  const std::int64_t charged = SkbTruesize(*sizes_, m.bytes);
  if (folded_) AskFolded(m, charged);
  Append(ready, m, charged);
  if (!was_empty || reader_ == nullptr) return;
  if (folded_) {
    folder_->WakeFolded(ready);
  } else if (folder_ == nullptr || !folder_->FoldOn(ready, m, QuietWith(0))) {
    reader_->WakeAt(ready);
  }
}

void KernelSocket::AskFolded(const Message& m, std::int64_t charged) {
  if (!folder_->StaysFolded(m, QuietWith(charged))) {
    folded_ = false;
    defers_ = false;
  }
}

void KernelSocket::FlushDeferred() {
  CloseKeepUpIfOpen();
  Deferred& d = deferred_;
  if (gauge_.adds_fold(d.last, d.sum)) {
    gauge_.AddFolded(d.last, d.sum, static_cast<std::int64_t>(d.count));
  } else {
    for (std::size_t i = entries_.size() - d.count; i < entries_.size(); ++i) {
      gauge_.Add(entries_[i].ready, entries_[i].charged);
    }
  }
  d = Deferred{};
}

Message KernelSocket::ReadWaking(Time t) {
  bool was_writable = writable();
  const Message m = TakeFront(t);
  if (((!was_writable && writable()) || wake_writer_on_read_) && writer_ != nullptr) writer_->WakeAt(t);
  wake_writer_on_read_ = false;
  return m;
}

std::size_t KernelSocket::ReadInSteps(ReaderSteps* steps, Time bound, MemberCounts* members) {
  Check(reads_quietly(), "reads in steps that are not quiet");
  FlushDeferredIfAny();  // the writes came first
  // Each read only lowers the level: below the limit and in the sample interval up to the last
  // read's time, every Remove() in between takes no branch, and the gauge needs only the sum.
  const Time fold_before = gauge_.removals_fold_before();
  if (fold_before == std::numeric_limits<Time>::min()) return 0;
  const Duration gap = steps->gap;
  const Duration step = steps->step;
  const Time start_before = StartBefore(*steps, bound, fold_before);
  const std::size_t size = entries_.size();
  if (size == 0) return 0;
  // The members are counted at the end: all of the first one's (the common case), or one by one.
  const Member first = entries_[0].message.member;
  bool one_member = true;
  std::size_t n = 0;
  std::int64_t sum = 0;
  Time now = steps->now;
  std::uint64_t events = 0;
  while (n < size) {
    const Entry& e = entries_[n];
    const bool late = e.ready > now + gap;  // it lands after: a wake of its own
    const Time start = late ? e.ready : now;
    if (start >= start_before) break;
    one_member = one_member && e.message.member == first;
    sum += e.charged;
    now = start + step;
    events += late ? 2 : 1;
    ++n;
  }
  if (n == 0) return 0;
  if (one_member) {
    (*members)[static_cast<int>(first)] += n;
  } else {
    for (std::size_t i = 0; i < n; ++i) ++(*members)[static_cast<int>(entries_[i].message.member)];
  }
  gauge_.RemoveFoldedSum(now - step + steps->offset, sum);
  entries_.DropFront(n);
  reads_ += n;
  steps->now = now;
  steps->events += events;
  return n;
}

MemberCounts KernelSocket::Reset(Time t) {
  CloseKeepUpIfOpen();
  FlushDeferredIfAny();
  if (folded_) folder_->UnfoldReader();
  MemberCounts discarded{};
  while (!entries_.empty()) {
    const Entry e = entries_.PopFront();
    gauge_.Remove(t, e.charged);
    ++discarded[static_cast<int>(e.message.member)];
  }
  ++epoch_;
  if (writer_ != nullptr) writer_->WakeAt(t);
  return discarded;
}

}  // namespace mountstorm
