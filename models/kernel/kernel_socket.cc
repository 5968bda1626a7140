#include "models/kernel/kernel_socket.h"

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
  if (!folder_->StaysFolded(m, QuietWith(charged))) folded_ = false;
}

Message KernelSocket::ReadWaking(Time t) {
  bool was_writable = writable();
  const Message m = TakeFront(t);
  if (((!was_writable && writable()) || wake_writer_on_read_) && writer_ != nullptr) writer_->WakeAt(t);
  wake_writer_on_read_ = false;
  return m;
}

MemberCounts KernelSocket::Reset(Time t) {
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
