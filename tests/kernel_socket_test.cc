// KernelSocket: capacity in the writer's send buffer, charged per skb truesize; POLLOUT at a
// quarter full; messages visible from the time they were written.
#include <catch2/catch.hpp>

#include "models/kernel/kernel_socket.h"
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
