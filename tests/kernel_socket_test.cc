// KernelSocket: capacity in the writer's send buffer, charged per skb truesize; POLLOUT at a
// quarter full; messages visible from the time they were written.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <vector>

#include "models/kernel/kernel_socket.h"
#include "sim/depth_recorder.h"
#include "sim/server.h"

using namespace mountstorm;

namespace {

// How many messages of `bytes` bytes a socket accepts before EAGAIN.
int Capacity(std::int64_t sndbuf, std::uint32_t bytes) {
  MessageSizeParams sizes;
  KernelSocket s("s", sndbuf, sizes);
  Message m;
  m.bytes = bytes;
  int n = 0;
  while (s.has_room()) {
    s.Write(0, m);
    ++n;
  }
  return n;
}

class Counter : public Server {
 public:
  using Server::Server;
  int woken = 0;

 protected:
  Duration Step(Time) override {
    ++woken;
    return kNoWork;
  }
};

}  // namespace

TEST_CASE("an skb is charged its truesize", "[model][socket]") {
  MessageSizeParams sizes;
  CHECK(SkbTruesize(sizes, 636) == 1280);
  CHECK(SkbTruesize(sizes, 884) == 2304);
  CHECK(SkbTruesize(sizes, 1104) == 2304);
}

TEST_CASE("socket capacities match the ones measured on Linux", "[model][socket]") {
  // docs/research/dbus.md section 5.1: a socketpair with SO_SNDBUF 212,992 took 167 messages of 636 B
  // and 93 of 870-1,120 B before EAGAIN; with 8,388,608, 6,554 and 3,641.
  CHECK(Capacity(212992, 636) == 167);
  CHECK(Capacity(212992, 1104) == 93);
  CHECK(Capacity(8388608, 636) == 6554);
  CHECK(Capacity(8388608, 1104) == 3641);
}

TEST_CASE("a socket polls writable only when at most a quarter full", "[model][socket]") {
  Simulator sim;
  CpuPool cpus(&sim);
  Counter writer(&sim, &cpus, "writer");
  MessageSizeParams sizes;
  KernelSocket s("s", 8 * 2304, sizes);
  s.set_writer(&writer);
  Message m;
  m.bytes = 1104;  // 2,304 bytes each: 8 fill the buffer
  while (s.has_room()) s.Write(0, m);
  CHECK(s.messages() == 8);
  CHECK_FALSE(s.writable());
  for (int i = 0; i < 5; ++i) s.Read(0);  // 3 left: 6,912 > 18,432 / 4
  CHECK_FALSE(s.writable());
  sim.RunUntil(1);
  CHECK(writer.woken == 0);
  s.Read(0);  // 2 left: 4,608 <= 4,608
  CHECK(s.writable());
  sim.RunUntil(1);
  CHECK(writer.woken == 1);
}

TEST_CASE("a message is readable from the moment it was written", "[model][socket]") {
  Simulator sim;
  CpuPool cpus(&sim);
  Counter reader(&sim, &cpus, "reader");
  MessageSizeParams sizes;
  KernelSocket s("s", 212992, sizes);
  s.set_reader(&reader);
  Message m;
  m.bytes = 600;
  s.Write(5 * kMicrosecond, m);
  s.Write(9 * kMicrosecond, m);
  CHECK_FALSE(s.readable(4 * kMicrosecond));
  CHECK(s.readable(5 * kMicrosecond));
  CHECK(s.next_ready() == 5 * kMicrosecond);
  sim.RunUntil(kSecond);
  CHECK(reader.woken == 1);  // woken once, when the first message landed in the empty socket
  s.Read(5 * kMicrosecond);
  CHECK_FALSE(s.readable(8 * kMicrosecond));
  CHECK(s.next_ready() == 9 * kMicrosecond);
}

namespace {

// A folding reader that reads PropertiesChanged quietly and nothing else, and counts what the
// socket asks it.
class QuietOnlyForChanges : public FoldingReader {
 public:
  bool FoldOn(Time, const Message& m, bool quiet) override { return quiet && m.member == Member::kPropertiesChanged; }
  bool StaysFolded(const Message& m, bool quiet) override {
    ++asked;
    return quiet && m.member == Member::kPropertiesChanged;
  }
  void WakeFolded(Time) override {}
  void UnfoldReader() override {}
  std::uint64_t QuietMembers() const override {
    return std::uint64_t{1} << static_cast<int>(Member::kPropertiesChanged);
  }
  int asked = 0;
};

}  // namespace

TEST_CASE("a folded reader is asked about a message behind others unless it reads its member quietly",
          "[model][socket]") {
  Simulator sim;
  CpuPool cpus(&sim);
  Counter writer(&sim, &cpus, "writer");
  MessageSizeParams sizes;
  KernelSocket s("s", 212992, sizes);
  QuietOnlyForChanges reader;
  s.set_writer(&writer);
  s.set_folding_reader(&reader);
  s.set_folded(true);
  Message change;
  change.bytes = 600;
  s.Write(1 * kMicrosecond, change);  // lands in the empty socket: asked
  CHECK(reader.asked == 1);
  s.Write(2 * kMicrosecond, change);  // behind it, a member read quietly: not asked
  CHECK(reader.asked == 1);
  Message call = change;
  call.member = Member::kCreateSession;
  call.type = MessageType::kMethodCall;
  s.Write(3 * kMicrosecond, call);  // behind it, but not quiet: asked, and it unfolds
  CHECK(reader.asked == 2);
  s.Write(4 * kMicrosecond, change);  // unfolded: nobody is asked
  CHECK(reader.asked == 2);
}

namespace {

// A folded reader that reads in steps (no probe, no busy area), so that the socket defers the
// gauge changes of the relay's quiet writes.
class ReaderInSteps : public QuietOnlyForChanges {
 public:
  bool ReadsInSteps() const override { return true; }
};

// A socket with a message that landed at `front` (its wake is the event in progress) and, behind
// it, copies written at `copies` by the relay.
struct KeepingUpSocket {
  MessageSizeParams sizes;
  ReaderInSteps reader;
  KernelSocket socket{"s", 212992, sizes};
  KeepingUpSocket(Time front, const std::vector<Time>& copies, bool deferring) {
    socket.set_folding_reader(&reader);
    socket.set_folded(true);
    Message change;
    change.bytes = 2000;  // charged more than either of the copies' sizes
    socket.Write(front, change);
    change.bytes = 600;
    for (Time t : copies) {
      change.bytes = change.bytes == 600 ? 884 : 600;  // a unit's two PropertiesChanged in turn
      const std::int64_t charged = SkbTruesize(sizes, change.bytes);
      if (deferring) {
        socket.WriteChargedDeferring(t, change, charged);
      } else {
        socket.WriteCharged(t, change, charged);
      }
    }
  }
};

// logind's loop: 2 us, read 6 us into a step of 10 us.
ReaderSteps Steps(Time now) { return ReaderSteps{2 * kMicrosecond, 6 * kMicrosecond, 10 * kMicrosecond, now, 0}; }

std::vector<Time> Micros(std::initializer_list<int> us) {
  std::vector<Time> out;
  for (int u : us) out.push_back(u * kMicrosecond);
  return out;
}

}  // namespace

TEST_CASE("a reader keeping up with the relay reads in one step what its steps would read", "[model][socket]") {
  const Time front = 100 * kMicrosecond, bound = 190 * kMicrosecond;
  const std::vector<Time> copies = Micros({124, 146, 168, 190});  // 22 us apart, the last at the bound
  KeepingUpSocket fast(front, copies, true), loop(front, copies, false);
  MemberCounts fast_members{}, loop_members{};
  ReaderSteps fast_steps = Steps(front), loop_steps = Steps(front);
  CHECK(fast.socket.ReadKeepingUp(&fast_steps, bound, &fast_members) == 4);
  CHECK(loop.socket.ReadInSteps(&loop_steps, bound, &loop_members) == 4);
  CHECK(loop_steps.events == 7);  // the first read in the wake's step, then a wake and a step each
  CHECK(fast_steps.now == loop_steps.now);
  CHECK(fast_members == loop_members);
  CHECK(fast.socket.messages() == 1);
  CHECK(fast.socket.front_ready() == 190 * kMicrosecond);
  CHECK(fast.socket.level() == loop.socket.level());
  CHECK(fast.socket.gauge().level() == loop.socket.gauge().level());  // nothing is left deferred
  CHECK(fast.socket.gauge().peak() == loop.socket.gauge().peak());
  CHECK(fast.socket.gauge().peak_time() == loop.socket.gauge().peak_time());
  CHECK(fast.socket.reads() == loop.socket.reads());
}

TEST_CASE("a reader that would not read each copy as it lands is left to its steps", "[model][socket]") {
  const Time front = 100 * kMicrosecond;
  struct Case {
    const char* what;
    std::vector<Time> copies;
    Time bound;
    Duration step;
  };
  const std::vector<Case> cases = {
      {"the first copy lands within the first read's step and the gap", Micros({111, 133, 155}), 155 * kMicrosecond,
       10 * kMicrosecond},
      {"the copies come closer than a step and the gap", Micros({124, 135, 146}), 146 * kMicrosecond,
       10 * kMicrosecond},
      {"the last copy lands before the bound", Micros({124, 146, 168}), 180 * kMicrosecond, 10 * kMicrosecond},
      {"the copy before the last would begin its step too late", Micros({130, 160, 190}), 185 * kMicrosecond,
       25 * kMicrosecond},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    KeepingUpSocket s(front, c.copies, true);
    const std::int64_t level = s.socket.level();
    MemberCounts members{};
    ReaderSteps steps = Steps(front);
    steps.step = c.step;
    CHECK(s.socket.ReadKeepingUp(&steps, c.bound, &members) == 0);
    CHECK(steps.now == front);
    CHECK(s.socket.messages() == c.copies.size() + 1);
    CHECK(s.socket.level() == level);
    CHECK(s.socket.reads() == 0);
  }
}

namespace {

// Two sockets written alike, each with its depth column: `plain` with WriteCharged(), `looped`
// with WriteInLoop() between BeginWriteLoop() and EndWriteLoop() (sd-bus in PID 1's announcing
// loop, SystemdManager::AnnounceOnOneBus()).
struct TwinWriters {
  MessageSizeParams sizes;
  DepthRecorder plain_depths;
  DepthRecorder looped_depths;
  KernelSocket plain;
  KernelSocket looped;
  ChargeCache charges;
  TwinWriters(std::int64_t sndbuf, Duration interval)
      : plain_depths(interval), looped_depths(interval), plain("p", sndbuf, sizes), looped("l", sndbuf, sizes) {
    plain.gauge().RecordInto(&plain_depths);
    looped.gauge().RecordInto(&looped_depths);
  }
  // A loop of up to `count` writes, 600 and 884 bytes in turn, `spacing` apart from `first`, while
  // the socket has room, as a writer that asks has_room() first. Returns how many it wrote.
  int Loop(Time first, Duration spacing, int count) {
    looped.BeginWriteLoop();
    int n = 0;
    for (; n < count; ++n) {
      REQUIRE(plain.has_room() == looped.has_room());
      if (!plain.has_room()) break;
      Message m;
      m.member = Member::kPropertiesChanged;
      m.bytes = n % 2 == 0 ? 600 : 884;
      const std::int64_t charged = plain.ChargeOf(m.bytes, &charges);
      plain.WriteCharged(first + n * spacing, m, charged);
      looped.WriteInLoop(first + n * spacing, m, charged);
      REQUIRE(looped.level() == plain.level());
      REQUIRE(looped.writable() == plain.writable());
    }
    looped.EndWriteLoop();
    return n;
  }
};

}  // namespace

TEST_CASE("a write loop leaves the socket's gauge and depths as its writes one by one", "[model][socket]") {
  struct Case {
    const char* what;
    std::int64_t sndbuf;
    Duration spacing;
    int count;
  };
  const Duration interval = 100 * kMicrosecond;
  const std::vector<Case> cases = {
      {"all in one sample interval", 212992, 3 * kMicrosecond, 20},
      {"across sample intervals", 212992, 40 * kMicrosecond, 20},
      {"until the socket is full", 20000, 2 * kMicrosecond, 100},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    TwinWriters w(c.sndbuf, interval);
    const int first = w.Loop(10 * kMicrosecond, c.spacing, c.count);
    // Half of them read between two loops, then a loop behind the messages still there.
    for (int i = 0; i < first / 2; ++i) CHECK(w.plain.Read(2 * kMillisecond).bytes == w.looped.Read(2 * kMillisecond).bytes);
    const int second = w.Loop(2 * kMillisecond + 50 * kMicrosecond, c.spacing, c.count);
    CHECK(first > 1);
    CHECK(second > 1);
    const Time end = 5 * kMillisecond;
    w.plain.gauge().Finish(end);
    w.looped.gauge().Finish(end);
    w.plain_depths.Finish(end);
    w.looped_depths.Finish(end);
    CHECK(w.looped.level() == w.plain.level());
    CHECK(w.looped.gauge().peak() == w.plain.gauge().peak());
    CHECK(w.looped.gauge().peak_time() == w.plain.gauge().peak_time());
    CHECK(w.looped.gauge().time_at_limit() == w.plain.gauge().time_at_limit());
    CHECK(w.looped_depths.maxima(0) == w.plain_depths.maxima(0));
  }
}
