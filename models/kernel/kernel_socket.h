// KernelSocket: one direction of an AF_UNIX stream socket: the messages a writer has sent and the
// reader has not yet read.
//
// Capacity is the WRITER's send buffer, in bytes: Linux charges every skb of a stream socket to
// the sender's sk_sndbuf and queues it on the peer; the receiver's SO_RCVBUF plays no part
// (net/unix/af_unix.c unix_stream_sendmsg()). Each message is one skb and is charged its truesize,
// the payload plus skb_shared_info rounded up to a power of two, plus the sk_buff: 636 B -> 1,280,
// 1,104 B -> 2,304 (this reproduces the capacities measured in docs/research/dbus.md section 5.1).
// sendmsg() succeeds while the charged bytes are below the buffer, so the last message may
// overshoot it. poll() reports the socket writable only when at most a quarter of the buffer is in
// use (unix_writable(): wmem_alloc << 2 <= sndbuf), so a writer that waits for POLLOUT resumes when
// the reader has drained three quarters.
//
// A message carries the time at which it was written ("ready"): a step that writes many messages
// stamps each one with its moment inside the step, and the reader sees a message only from then on.
#ifndef MOUNTSTORM_MODELS_KERNEL_KERNEL_SOCKET_H_
#define MOUNTSTORM_MODELS_KERNEL_KERNEL_SOCKET_H_

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <string>

#include "models/message/message.h"
#include "mountstorm/error.h"
#include "sim/queue_gauge.h"
#include "sim/ring_buffer.h"
#include "sim/train.h"

namespace mountstorm {

class Server;
class Simulator;

// A reader that reads one message in each step (KernelSocket::ReadInSteps()): a message that lands
// more than `gap` after the event in progress (a step's end, or a wake) is read when it lands, at
// a wake of its own; otherwise in the step that begins then. Each read comes `offset` into its
// step, which lasts `step`.
struct ReaderSteps {
  Duration gap = 0;
  Duration offset = 0;
  Duration step = 0;
  Time now = 0;              // in: the event in progress; out: the end of the last step taken
  std::uint64_t events = 0;  // added to: the wakes of the messages that landed late, the steps' ends
};

// A reader that can run its reads of a socket itself, without events, while each is quiet (the
// train engine; models/clients/folded_reads.h). The socket tells it what lands while it is folded.
class FoldingReader {
 public:
  virtual ~FoldingReader() = default;
  // `m` landed at `ready` in the empty socket, and the reader waits for input: true if it folds
  // from here on (it then takes the wake it would have had). `quiet`: every read until the
  // socket holds more than this message wakes nobody.
  virtual bool FoldOn(Time ready, const Message& m, bool quiet) = 0;
  // Folded: `m` is about to land. False if the reader cannot read it folded (or `quiet` is false):
  // it has then unfolded itself, and the socket wakes it as usual.
  virtual bool StaysFolded(const Message& m, bool quiet) = 0;
  // Folded: a message landed at `ready` in the empty socket (the wake the socket gives).
  virtual void WakeFolded(Time ready) = 0;
  // Folded: the reader goes back to the event list (before the socket is reset).
  virtual void UnfoldReader() = 0;
  // Folded: the members (bit i for Member i) it reads quietly whatever the message's type, for as
  // long as it stays folded. A quiet write of one of them behind a message still there keeps it
  // folded without asking StaysFolded() (such a write adds no wake).
  virtual std::uint64_t QuietMembers() const = 0;
  // Folded: nothing looks at each of its reads or steps (no delay probe, no busy area), so that
  // it takes its settled reads with KernelSocket::ReadInSteps() or ReadKeepingUp(), and the socket
  // may defer the gauge changes of quiet writes behind a message still there.
  virtual bool ReadsInSteps() const { return false; }
  // Folded, for the relay's window (KernelSocket::OpenKeepUp()): true if its one event pending is
  // the wake at `at` (it is idle and holds no CPU) and it reads in steps; *steps then holds those
  // steps (ReaderSteps, `now` at `at`).
  virtual bool KeepsUpFrom(Time /*at*/, ReaderSteps* /*steps*/) const { return false; }
  // Folded: the window closes after `n` messages of `member` read as its settles would have read
  // them (Subscriber::SettleKeepingUp(), `2 n` events): the last event ran at `last`, and its one
  // event pending is the wake at `wake_at`, inserted as `wake_seq`.
  virtual void KeptUp(Member /*member*/, std::uint64_t /*n*/, Time /*last*/, Time /*wake_at*/,
                      std::uint64_t /*wake_seq*/) {}
};

// Reads of one socket taken with KernelSocket::ReadUncharged(), whose gauge changes wait until
// KernelSocket::ChargeReads(): the time and charge of each, at most kMax.
struct UnchargedReads {
  static constexpr std::size_t kMax = 64;
  std::size_t n = 0;
  std::int64_t sum = 0;  // of the first n charges
  std::array<Time, kMax> times;
  std::array<std::int64_t, kMax> charged;

  bool full() const { return n == kMax; }
  // Empty again (the arrays are left as they are: only the first n count).
  void Clear() {
    n = 0;
    sum = 0;
  }
  void Note(Time t, std::int64_t charge) {
    times[n] = t;
    charged[n++] = charge;
    sum += charge;
  }
};

// The bytes the kernel charges for a message of `bytes` bytes.
inline std::int64_t SkbTruesize(const MessageSizeParams& sizes, std::uint32_t bytes) {
  const std::uint64_t payload = static_cast<std::uint64_t>(bytes) + static_cast<std::uint64_t>(sizes.skb_shared_info);
  return static_cast<std::int64_t>(std::bit_ceil(payload)) + sizes.skb_overhead;
}

// The charges (SkbTruesize()) of the last two sizes a writer wrote, for a writer that writes
// many messages of a few sizes: a unit's PropertiesChanged on its type's interface and on Unit
// alternate. Of(sizes, bytes) is SkbTruesize(sizes, bytes), always with the same `sizes`.
class ChargeCache {
 public:
  std::int64_t Of(const MessageSizeParams& sizes, std::uint32_t bytes) {
    if (bytes == bytes_[0]) return charged_[0];
    if (bytes == bytes_[1]) return charged_[1];
    bytes_[next_] = bytes;
    charged_[next_] = SkbTruesize(sizes, bytes);
    const std::int64_t charged = charged_[next_];
    next_ ^= 1;
    return charged;
  }

 private:
  std::array<std::uint32_t, 2> bytes_{};  // 0: none (every message has a header)
  std::array<std::int64_t, 2> charged_{};
  int next_ = 0;
};

class KernelSocket {
 public:
  // A message in the socket: 32 bytes, the charge filling what would be padding after the
  // 20-byte message.
  struct Entry {
    Message message;
    std::uint32_t charged;  // SkbTruesize() of the message, taken off again when it is read
    Time ready;
  };
  static_assert(sizeof(Entry) == 32, "a socket entry should fill half a cache line");

  KernelSocket(std::string name, std::int64_t sndbuf, const MessageSizeParams& sizes);

  // The process that reads this direction: woken when a message arrives in an empty socket.
  void set_reader(Server* reader) { reader_ = reader; }
  // The process that writes it: woken when reading makes the socket writable again.
  void set_writer(Server* writer) { writer_ = writer; }
  Server* writer() const { return writer_; }
  // The reader may fold its reads (FoldingReader): the writer writes only inside its steps and
  // settles its dependents before each step and each wake (Server::AddDependent()).
  void set_folding_reader(FoldingReader* r) { folder_ = r; }
  void set_folded(bool on) {
    CloseKeepUpIfOpen();
    FlushDeferredIfAny();
    folded_ = on;
    quiet_members_ = on ? folder_->QuietMembers() : 0;
    defers_ = on && folder_->ReadsInSteps() && !gauge_.measured();
  }
  // The time the first unread message became visible. REQUIRES: !empty().
  Time front_ready() const { return entries_.front().ready; }

  // sendmsg() would accept a message now (otherwise EAGAIN).
  bool has_room() const { return !gauge_.at_limit_with(deferred_.sum); }
  // poll() reports POLLOUT.
  bool writable() const { return level() * 4 <= gauge_.limit(); }

  // Queues `m`, visible to the reader from time `ready`. REQUIRES: has_room(), and `ready` not
  // earlier than the ready time of the last message written.
  void Write(Time ready, const Message& m) {
    FlushDeferredIfAny();
    // The common case inline: behind a message still there (the reader was woken for the first
    // one), the message and the gauge change; a folded reader is asked whether it stays so.
    if (!entries_.empty() && has_room() && ready >= entries_.back().ready) {
      const std::int64_t charged = SkbTruesize(*sizes_, m.bytes);
      if (folded_ && !QuietBehind(m, charged)) AskFolded(m, charged);
      Append(ready, m, charged);
      return;
    }
    WriteLanding(ready, m);
  }

  // What the kernel charges for a message of `bytes` bytes (SkbTruesize()), through the
  // writer's `cache`.
  std::int64_t ChargeOf(std::uint32_t bytes, ChargeCache* cache) const { return cache->Of(*sizes_, bytes); }
  // Every message is charged here as in `other` (the same sizes).
  bool charges_as(const KernelSocket& other) const { return sizes_ == other.sizes_; }
  // Write() of `m` charged `charged` (ChargeOf(m.bytes)), for a writer that has asked has_room()
  // and writes in time order (sd-bus, SdBusConnection::Send(); the train engine's relay,
  // DbusDaemon::ReadStraight()).
  void WriteCharged(Time ready, const Message& m, std::int64_t charged) {
    FlushDeferredIfAny();
    if (!entries_.empty() && (!folded_ || QuietBehind(m, charged))) {
      Append(ready, m, charged);
      return;
    }
    WriteLanding(ready, m);
  }
  // A writer's loop of writes in one step, in which nothing else can look at the socket (the
  // train engine's PID 1, SystemdManager::AnnounceOnOneBus()), to a reader that does not fold:
  // WriteInLoop() is WriteCharged() but that, behind a message still there, the gauge change
  // waits, and EndWriteLoop() hands the gauge the loop's adds at once, exactly as each write would
  // have made them (FlushDeferred(): one sum where they fold). has_room(), writable() and level()
  // count them before; any other call of the socket takes them first.
  void BeginWriteLoop() { write_loop_ = folder_ == nullptr; }
  bool in_write_loop() const { return write_loop_; }
  void WriteInLoop(Time ready, const Message& m, std::int64_t charged) {
    if (write_loop_ && !entries_.empty()) {
      AppendKeptUp(ready, m, charged);
      return;
    }
    WriteCharged(ready, m, charged);
  }
  void EndWriteLoop() {
    write_loop_ = false;
    FlushDeferredIfAny();
  }
  // WriteCharged() for the train engine's relay (DbusDaemon::ReadStraight()): behind a message
  // still there, to a folded reader that reads in steps (FoldingReader::ReadsInSteps()), a quiet
  // write's gauge change is deferred (Deferred). The gauge takes the deferred adds at once before
  // anything else reads, writes or resets the socket, or ReadKeepingUp() does, exactly as each
  // write would have made them; has_room(), writable() and the quiet checks count them before.
  void WriteChargedDeferring(Time ready, const Message& m, std::int64_t charged) {
    if (keep_up_.open) {
      if (KeepsUpWith(m, charged)) {
        AppendKeptUp(ready, m, charged);
        return;
      }
      CloseKeepUp();
    }
    if (defers_ && !entries_.empty() && QuietBehind(m, charged)) {
      AppendDeferred(ready, m, charged);
      return;
    }
    WriteCharged(ready, m, charged);
  }

  // The train engine's window (docs/ARCHITECTURE.md, "Step 8d, the window"): the relay settles a
  // folded reader that keeps up with its iterations itself, in its in-place loop, instead of
  // asking it before each iteration (Server::StepOnInPlaceSettled()). The window holds what the
  // reader's settles would change (its counts, the time of its last event, its wake's order) until
  // it closes, and the deferred writes of the iteration in progress without the fields the window
  // makes sure of (one member, evenly spaced: AppendKeptUp()).
  //
  // OpenKeepUp(): the relay is about to write copies of `member`, `spacing` apart, to a reader
  // that keeps up: the socket holds one message of that member, which the reader reads quietly,
  // nothing is deferred, and the reader's one event pending is the wake for that message
  // (FoldingReader::KeepsUpFrom()). Returns false (nothing changed) if not so. While the window is
  // open, the copies that WriteChargedDeferring() writes in one iteration of the relay are
  // `spacing` apart (REQUIRES; the relay closes the window before its route changes).
  bool OpenKeepUp(Member member, Duration spacing);
  bool keeping_up() const { return keep_up_.open; }
  // The window is open for copies of `member`.
  bool keeping_up_with(Member member) const { return keep_up_.open && keep_up_.member == member; }
  // The charges that copies may still add and keep the window open, in all (KeepsUpWith()); and
  // the charges before which a copy still finds room (has_room() with `more` charged before it
  // is more < room()). REQUIRES: keeping_up().
  std::int64_t kept_up_room() const { return keep_up_.quiet_room - deferred_.sum; }
  std::int64_t room() const { return gauge_.room() - deferred_.sum; }
  // Deferred writes of `member` at once, behind a message still there: WriteChargedDeferring()
  // of copies that keep the window open, or WriteInLoop() of a write loop's writes, the caller
  // having checked each (room(), and kept_up_room() in the window, with the charges before it).
  // SpareRun(most) gives the caller `most` entries after the last to fill; WriteDeferredRun()
  // then writes the first n of them, `sum` their charges, the first and last landing at `first`
  // and `last` (nothing else may use the socket in between). REQUIRES: keeping_up() or
  // in_write_loop(), and !empty().
  RingBuffer<Entry>::Run<Entry> SpareRun(std::size_t most) { return entries_.SpareRun(most); }
  void WriteDeferredRun(std::size_t n, Member member, std::int64_t sum, Time first, Time last) {
    entries_.AppendSpare(n);
    NoteDeferred(n, member, sum, first, last);
  }
  // The iteration that ends at `done` wrote the deferred copies, and the reader's settle before
  // the relay's next iteration would be ReadKeepingUp()'s (every condition of it checked here, or
  // kept by the window). REQUIRES: keeping_up().
  bool KeptUpUntil(Time done) const;
  // The settle KeptUpUntil() found: the reads as ReadKeepingUp() takes them, the reader's counts
  // kept by the window, and the insertion orders of its 2 x n events reserved in `sim` (the last
  // one its wake's). Returns n. REQUIRES: KeptUpUntil(done), and nothing changed since.
  std::size_t SettleKeptUp(Simulator* sim);
  // Hands the reader what the window kept (FoldingReader::KeptUp()) and leaves the deferred
  // writes as AppendDeferred() would have. REQUIRES: keeping_up().
  //
  // While the window is open, the relay uses no other call of the socket than
  // WriteChargedDeferring() (which closes the window first if the copy does not keep it),
  // has_room(), writable() and level(): it closes the window before anything else
  // (DbusDaemon::FlushStraight()), and the reader's settles check that it is closed
  // (Subscriber::SettleBefore()). Handing the reader over (set_folded()), Reset() and
  // WakeWriterOnNextRead() close it, and so does the hand-over of deferred adds (FlushDeferred()).
  void CloseKeepUp();
  void CloseKeepUpIfOpen() {
    if (keep_up_.open) CloseKeepUp();
  }

  bool empty() const { return entries_.empty(); }
  std::size_t messages() const { return entries_.size(); }
  // A message is there to read at time `now`.
  bool readable(Time now) const { return !entries_.empty() && entries_.front().ready <= now; }
  // When the first unread message becomes visible (kNever if none).
  Time next_ready() const { return entries_.empty() ? kNever : entries_.front().ready; }
  const Message& front() const { return entries_.front().message; }

  // Takes the first message at time t. REQUIRES: readable(t).
  Message Read(Time t) {
    FlushDeferredIfAny();
    Check(readable(t), "read of a message not yet written");
    // A socket writable before the read stays so: nobody to wake, unless asked.
    if (writable() && !wake_writer_on_read_) return TakeFront(t);
    return ReadWaking(t);
  }
  // The train engine: Read() where it wakes nobody, the socket being writable() and no wake of the
  // writer asked for (then the read leaves it writable). REQUIRES: readable(t), reads_quietly().
  bool reads_quietly() const { return QuietWith(0); }
  // reads_quietly() after the reads of `run`, whose charges the gauge still holds.
  bool reads_quietly(const UnchargedReads& run) const { return QuietWith(-run.sum); }
  // A socket that is not writable stays so after the reads of `run` and the next one: that read
  // wakes nobody either (Read() wakes the writer when the socket becomes writable, or if asked).
  // REQUIRES: !empty().
  bool StaysUnwritable(const UnchargedReads& run) const { return entries_.front().charged <= unwritable_reads(run); }
  Message ReadQuietly(Time t) {
    FlushDeferredIfAny();
    Check(readable(t) && reads_quietly(), "a quiet read that is not");
    return TakeFront(t);
  }
  // ReadQuietly() of the first messages for a reader that reads one in each step, as it lands or
  // as its step before ends (a folded subscriber, Subscriber::SettleQuietReads(); ReaderSteps),
  // while each step ends before `bound`, and while the reads fold in the gauge (QueueGauge::
  // removals_fold_before()). Their members are counted into *members. Returns how many.
  // REQUIRES: reads_quietly().
  std::size_t ReadInSteps(ReaderSteps* steps, Time bound, MemberCounts* members);
  // ReadInSteps() in O(1) where the reader keeps up with a relay's iteration (docs/
  // ARCHITECTURE.md, "After step 8c"): the socket holds the message whose wake is the event in
  // progress (steps->now) and, behind it, the writes whose gauge changes are deferred, evenly
  // spaced, of its member, each landing late (more than a step and the gap after the one before,
  // the first after that message's step), and the last of them at or after `bound`: then every
  // message but the last is read, as ReadInSteps() would, the gauge taking the deferred adds and
  // the reads as two sums (QueueGauge::AddFolded(), RemoveFoldedSum()). Returns how many it read
  // (0: the socket is not so, and nothing changed); steps->now is then the end of the last one's
  // step and steps->events is not changed (2 x count - 1 events: a wake and a step's end each,
  // but the first, read in the step of the wake in progress). REQUIRES: !empty().
  std::size_t ReadKeepingUp(ReaderSteps* steps, Time bound, MemberCounts* members);
  // The train engine's runs of reads (DbusDaemon::ReadStraight(), UnchargedReads): Read() at t
  // of a read that wakes nobody, without the gauge change, which waits in *run until
  // ChargeReads(run) hands the run's changes to the gauge at once. Nothing may look at the gauge
  // in between; it still holds the charges, so reads_quietly() stays as it was. REQUIRES:
  // readable(t), !run->full(), and reads_quietly() or StaysUnwritable(*run).
  Message ReadUncharged(Time t, UnchargedReads* run) {
    FlushDeferredIfAny();
    Check(readable(t) && !run->full(), "a read of a message not yet written, or into a full run");
    const Entry& e = entries_.front();
    const Message m = e.message;
    run->Note(t, e.charged);
    entries_.DropFront();
    ++reads_;
    return m;
  }
  // The train engine's relay, for a run of such reads it has checked one by one against the
  // messages (DbusDaemon::CopyKeptUp()): the unread messages, front() first (RingBuffer::Run),
  // and ReadUncharged() of the first n, the reads noted in its UnchargedReads by the caller.
  // REQUIRES: n <= messages(), nothing deferred.
  RingBuffer<Entry>::Run<const Entry> UnreadRun() const { return entries_.FrontRun(); }
  // The charges that reads after those of `run` may take off the socket's level, in all, each
  // staying unwritable (StaysUnwritable() of a read is: the charges read since `run`, its own
  // included, at most this).
  std::int64_t unwritable_reads(const UnchargedReads& run) const {
    if (wake_writer_on_read_) return 0;
    const std::int64_t y = 4 * (level() - run.sum) - gauge_.limit();  // 4 x < y
    return y > 0 ? (y - 1) / 4 : 0;
  }
  void DropUncharged(std::size_t n) {
    entries_.DropFront(n);
    reads_ += n;
  }
  void ChargeReads(UnchargedReads* run) {
    if (run->n == 0) return;
    FlushDeferredIfAny();
    const std::span<const std::int64_t> charged{run->charged.data(), run->n};
    gauge_.RemoveRunSummed({run->times.data(), run->n}, charged, run->sum);  // charges are positive
    run->Clear();
  }
  // The next Read() wakes the writer, even if the socket was writable before: a writer that
  // stopped with data left waits for the reader's next read (dbus-broker's cleared EPOLLOUT).
  // A folded reader unfolds first: its reads are no longer quiet.
  void WakeWriterOnNextRead() {
    CloseKeepUpIfOpen();
    if (folded_) folder_->UnfoldReader();
    wake_writer_on_read_ = true;
  }
  std::uint64_t reads() const { return reads_; }  // messages read so far
  // The connection is gone: every message in the socket is discarded, and the socket counts as a
  // new connection's (epoch() changes). Returns the messages discarded, by member.
  MemberCounts Reset(Time t);
  std::uint32_t epoch() const { return epoch_; }

  // The gauge has not taken deferred adds (WriteChargedDeferring()): read the socket's level with
  // level().
  QueueGauge& gauge() { return gauge_; }
  const QueueGauge& gauge() const { return gauge_; }
  // The bytes charged to the socket, deferred adds included.
  std::int64_t level() const { return gauge_.level() + deferred_.sum; }

 private:
  // ReadInSteps() and ReadKeepingUp(): a step that reads must begin before this, to end before
  // `bound` and read before the gauge's removals stop folding (`fold_before`).
  static Time StartBefore(const ReaderSteps& steps, Time bound, Time fold_before) {
    return std::min(bound - steps.step, fold_before - steps.offset);
  }
  // ReadKeepingUp()'s timing, for the deferred copies `spacing` apart behind the message whose
  // wake is at `now` (the shape of the socket checked by the caller): each copy lands late, and
  // the step that reads the last copy but one begins before StartBefore(). True if so, with
  // *last_read the time that step begins (the wake's, if one copy).
  bool KeepsUpInTime(Time now, const ReaderSteps& steps, Duration spacing, Time bound, Time* last_read) const;
  // ReadKeepingUp()'s reads, which KeepsUpInTime() found, the last beginning its step at
  // `last_read`: every message but the last, the gauge taking the deferred adds and the reads as
  // two sums; nothing is deferred after. Returns how many.
  std::size_t TakeKeptUp(Time last_read, Duration offset);
  // Every read stays quiet (reads_quietly()) with `charged` more bytes in the socket.
  bool QuietWith(std::int64_t charged) const {
    return (level() + charged) * 4 <= gauge_.limit() && !wake_writer_on_read_;
  }
  // The last `count` entries, whose adds the gauge has not taken (WriteChargedDeferring()): `sum` of
  // their charges, the first and last one's times, the time between the first two (`spacing`),
  // whether every two in a row are that far apart (`even`) and whether all are of `member`.
  struct Deferred {
    std::size_t count = 0;
    std::int64_t sum = 0;
    Time first = 0;
    Time last = 0;
    Duration spacing = 0;
    bool even = true;
    bool one_member = true;
    Member member = Member::kPropertiesChanged;
  };
  void AppendDeferred(Time ready, const Message& m, std::int64_t charged) {
    Deferred& d = deferred_;
    if (d.count == 1) {
      d.spacing = ready - d.last;
      d.one_member = m.member == d.member;
    } else if (d.count > 1) {
      d.even = d.even && ready - d.last == d.spacing;
      d.one_member = d.one_member && m.member == d.member;
    }
    AppendKeptUp(ready, m, charged);
  }
  // The gauge takes the deferred adds, the window closed first if open: as one sum where they
  // fold (QueueGauge::AddFolded()), otherwise one by one.
  void FlushDeferred();
  void FlushDeferredIfAny() {
    if (deferred_.count != 0) FlushDeferred();
  }
  // The window (OpenKeepUp()): the copies' member and their spacing in an iteration, the reader's
  // steps, the charges a quiet write may bring (`quiet_room`: QuietWith() of x is x <=
  // quiet_room - deferred sum, with the gauge's level as it stays until the next settle), and
  // what its settles changed so far: messages read, the time of its last event, the insertion
  // order of its wake.
  struct KeepUp {
    bool open = false;
    Member member = Member::kPropertiesChanged;
    Duration spacing = 0;
    ReaderSteps steps;
    std::int64_t quiet_room = 0;
    std::uint64_t read = 0;
    Time last = 0;
    std::uint64_t wake_seq = 0;
  };
  // A copy the window takes: of its member and quiet (QuietBehind(), the member being one the
  // reader reads quietly, and no wake of the writer asked for while the window is open).
  bool KeepsUpWith(const Message& m, std::int64_t charged) const {
    return deferred_.sum + charged <= keep_up_.quiet_room && m.member == keep_up_.member;
  }
  // KeepUp::quiet_room for the gauge's level now: (level + x) x 4 <= limit.
  std::int64_t QuietRoom() const { return gauge_.limit() / 4 - gauge_.level(); }
  // AppendDeferred() of such a copy: `even`, `one_member` and `spacing` are set when the window
  // closes. (WriteInLoop() appends so too: its reader never reads in steps.)
  void AppendKeptUp(Time ready, const Message& m, std::int64_t charged) {
    PushEntry(ready, m, charged);
    NoteDeferred(1, m.member, charged, ready, ready);
  }
  // Deferred's sums for n more entries behind the last, `sum` their charges, landing from `first`
  // to `last` (the first of all sets the member).
  void NoteDeferred(std::size_t n, Member member, std::int64_t sum, Time first, Time last) {
    Deferred& d = deferred_;
    if (d.count == 0) {
      d.first = first;
      d.member = member;
    }
    d.last = last;
    d.sum += sum;
    d.count += n;
  }
  // The folded reader stays so, unasked, as `m` (charged `charged`) lands behind a message still
  // there: a member it reads quietly, and a write that leaves every read quiet.
  bool QuietBehind(const Message& m, std::int64_t charged) const {
    return ((quiet_members_ >> static_cast<int>(m.member)) & 1) != 0 && QuietWith(charged);
  }
  // Asks the folded reader whether it stays so as `m` lands (it unfolds itself if not).
  void AskFolded(const Message& m, std::int64_t charged);
  // Read() that may wake the writer: the socket becomes writable, or the writer asked.
  Message ReadWaking(Time t);
  // Write() into an empty socket (it wakes the reader) or one it must refuse.
  void WriteLanding(Time ready, const Message& m);
  void Append(Time ready, const Message& m, std::int64_t charged) {
    PushEntry(ready, m, charged);
    gauge_.Add(ready, charged);
  }
  // The entry of a write, without its gauge change.
  void PushEntry(Time ready, const Message& m, std::int64_t charged) {
    Entry& e = entries_.NewBack();
    e.message = m;
    e.charged = static_cast<std::uint32_t>(charged);
    e.ready = ready;
  }
  // The first message leaves the socket at t.
  Message TakeFront(Time t) {
    const Entry& e = entries_.front();
    const Message m = e.message;
    const std::int64_t charged = e.charged;
    entries_.DropFront();
    ++reads_;
    gauge_.Remove(t, charged);
    return m;
  }
  const MessageSizeParams* sizes_;
  RingBuffer<Entry> entries_;
  QueueGauge gauge_;
  Server* reader_ = nullptr;
  Server* writer_ = nullptr;
  FoldingReader* folder_ = nullptr;
  bool folded_ = false;
  bool defers_ = false;  // WriteChargedDeferring() defers: folded, for a reader that reads in steps
  bool write_loop_ = false;  // BeginWriteLoop(): WriteInLoop() defers
  Deferred deferred_;
  KeepUp keep_up_;
  std::uint64_t quiet_members_ = 0;  // the folded reader's QuietMembers()
  bool wake_writer_on_read_ = false;
  std::uint64_t reads_ = 0;
  std::uint32_t epoch_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_KERNEL_KERNEL_SOCKET_H_
