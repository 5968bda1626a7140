// KernelSocket's window (OpenKeepUp(), KeptUpUntil(), SettleKeptUp(), CloseKeepUp()): the relay
// settles a reader that keeps up with its iterations itself, and the result is the one the
// reader's own settles give (KernelSocket::ReadKeepingUp() over deferred writes).
#include <catch2/catch.hpp>

#include <initializer_list>
#include <vector>

#include "models/kernel/kernel_socket.h"
#include "sim/simulator.h"

using namespace mountstorm;

namespace {

// logind's loop: 2 us, read 6 us into a step of `step` (10 us unless said otherwise).
ReaderSteps Steps(Time now, Duration step = 10 * kMicrosecond) {
  return ReaderSteps{2 * kMicrosecond, 6 * kMicrosecond, step, now, 0};
}

// A folded reader that reads PropertiesChanged quietly and in steps; its one pending event is the
// wake at `wake_at`. It keeps what the window hands it.
class KeepingUpReader : public FoldingReader {
 public:
  bool FoldOn(Time, const Message& m, bool quiet) override { return quiet && m.member == Member::kPropertiesChanged; }
  bool StaysFolded(const Message& m, bool quiet) override { return quiet && m.member == Member::kPropertiesChanged; }
  void WakeFolded(Time) override {}
  void UnfoldReader() override {}
  std::uint64_t QuietMembers() const override {
    return std::uint64_t{1} << static_cast<int>(Member::kPropertiesChanged);
  }
  bool ReadsInSteps() const override { return true; }
  bool KeepsUpFrom(Time at, ReaderSteps* steps) const override {
    *steps = Steps(at, step);
    return at == wake_at;
  }
  void KeptUp(Member member, std::uint64_t n, Time last_event, Time wake, std::uint64_t seq) override {
    members[static_cast<int>(member)] += n;
    read += n;
    last = last_event;
    wake_at = wake;
    wake_seq = seq;
  }
  Duration step = 10 * kMicrosecond;
  Time wake_at = 0;
  MemberCounts members{};
  std::uint64_t read = 0;
  Time last = 0;
  std::uint64_t wake_seq = 0;
};

// A folded socket holding one message, landed at `front`.
struct FoldedSocket {
  MessageSizeParams sizes;
  KeepingUpReader reader;
  KernelSocket socket{"s", 212992, sizes};
  explicit FoldedSocket(Time front) {
    socket.set_folding_reader(&reader);
    socket.set_folded(true);
    Message change;
    change.bytes = 2000;
    socket.Write(front, change);
    reader.wake_at = front;
  }
  // The relay's copies at `times`, of a unit's two PropertiesChanged in turn.
  void Copies(const std::vector<Time>& times) {
    Message change;
    for (Time t : times) {
      change.bytes = (copies_++ % 2 == 0) ? 884 : 600;
      socket.WriteChargedDeferring(t, change, SkbTruesize(sizes, change.bytes));
    }
  }
  int copies_ = 0;
};

std::vector<Time> Micros(std::initializer_list<int> us) {
  std::vector<Time> out;
  for (int u : us) out.push_back(u * kMicrosecond);
  return out;
}

// The relay's iterations in the tests below: each ends with its last copy, 22 us apart.
const std::vector<std::vector<Time>> kIterations = {
    Micros({124, 146, 168, 190}), Micros({212, 234, 256}), Micros({278}), Micros({300, 322, 344, 366, 388})};

}  // namespace

TEST_CASE("the relay's window settles each iteration as the reader's own settles would", "[model][socket]") {
  const Time front = 100 * kMicrosecond;
  FoldedSocket window(front), settled(front);
  Simulator window_sim, settled_sim;
  REQUIRE(window.socket.OpenKeepUp(Member::kPropertiesChanged, 22 * kMicrosecond));
  MemberCounts settled_members{};
  ReaderSteps steps = Steps(front);
  std::uint64_t settled_seq = 0, read = 0;
  for (const std::vector<Time>& copies : kIterations) {
    const Time done = copies.back();
    window.Copies(copies);
    settled.Copies(copies);
    REQUIRE(window.socket.KeptUpUntil(done));
    const std::size_t n = window.socket.SettleKeptUp(&window_sim);
    steps = Steps(settled.socket.front_ready());
    CHECK(settled.socket.ReadKeepingUp(&steps, done, &settled_members) == n);
    settled_seq = settled_sim.ReserveSeqs(2 * n);
    read += n;
  }
  window.socket.CloseKeepUp();
  CHECK_FALSE(window.socket.keeping_up());
  CHECK(window.reader.read == read);
  CHECK(window.reader.members == settled_members);
  CHECK(window.reader.last == steps.now);
  CHECK(window.reader.wake_at == settled.socket.front_ready());
  CHECK(window.reader.wake_seq == settled_seq);
  CHECK(window.socket.reads() == settled.socket.reads());
  CHECK(window.socket.messages() == 1);
  CHECK(window.socket.gauge().level() == settled.socket.gauge().level());
  CHECK(window.socket.gauge().peak() == settled.socket.gauge().peak());
  CHECK(window.socket.gauge().peak_time() == settled.socket.gauge().peak_time());
  CHECK(window.socket.gauge().removed() == settled.socket.gauge().removed());
}

TEST_CASE("a window closed in an iteration leaves its copies deferred as without it",
          "[model][socket]") {
  const Time front = 100 * kMicrosecond;
  struct Case {
    const char* what;
    std::vector<Time> copies;
    Time done;
  };
  // The first case keeps up: closed before its settle (the relay could not go on in place), the
  // window leaves the reader's own settle to find the same.
  const std::vector<Case> cases = {
      {"the relay's next iteration does not run in place", Micros({124, 146, 168, 190}), 0},
      {"the first copy lands within the first read's step and the gap", Micros({111, 133, 155}), 155 * kMicrosecond},
      {"the copies come closer than a step and the gap", Micros({124, 135, 146}), 146 * kMicrosecond},
      {"the iteration goes on after its last copy", Micros({124, 146, 168}), 180 * kMicrosecond},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    FoldedSocket window(front), deferred(front);
    REQUIRE(window.socket.OpenKeepUp(Member::kPropertiesChanged, c.copies[1] - c.copies[0]));
    window.Copies(c.copies);
    deferred.Copies(c.copies);
    const Time done = c.done == 0 ? c.copies.back() : c.done;
    CHECK(window.socket.KeptUpUntil(done) == (c.done == 0));
    window.socket.CloseKeepUp();
    CHECK(window.reader.read == 0);
    // The reader's own settle then finds what it finds behind writes deferred one by one.
    MemberCounts window_members{}, deferred_members{};
    ReaderSteps window_steps = Steps(front), deferred_steps = Steps(front);
    const std::size_t kept = deferred.socket.ReadKeepingUp(&deferred_steps, done, &deferred_members);
    CHECK(kept == (c.done == 0 ? c.copies.size() : 0));
    CHECK(window.socket.ReadKeepingUp(&window_steps, done, &window_members) == kept);
    CHECK(window.socket.ReadInSteps(&window_steps, done, &window_members) ==
          deferred.socket.ReadInSteps(&deferred_steps, done, &deferred_members));
    CHECK(window_steps.now == deferred_steps.now);
    CHECK(window_members == deferred_members);
    CHECK(window.socket.level() == deferred.socket.level());
    CHECK(window.socket.gauge().peak_time() == deferred.socket.gauge().peak_time());
  }
}

TEST_CASE("a copy that is not quiet closes the window and is written as without it", "[model][socket]") {
  const Time front = 100 * kMicrosecond;
  FoldedSocket window(front), plain(front);
  REQUIRE(window.socket.OpenKeepUp(Member::kPropertiesChanged, 22 * kMicrosecond));
  window.Copies(Micros({124}));
  plain.Copies(Micros({124}));
  Message big;
  big.bytes = 40000;  // charged 65,536 and more: a quarter of the buffer is 53,248
  window.socket.WriteChargedDeferring(146 * kMicrosecond, big, SkbTruesize(window.sizes, big.bytes));
  plain.socket.WriteChargedDeferring(146 * kMicrosecond, big, SkbTruesize(plain.sizes, big.bytes));
  CHECK_FALSE(window.socket.keeping_up());
  CHECK(window.socket.messages() == plain.socket.messages());
  CHECK(window.socket.level() == plain.socket.level());
  CHECK(window.socket.gauge().level() == plain.socket.gauge().level());
}

TEST_CASE("the window does not open on a reader that waits for anything but the message in front",
          "[model][socket]") {
  FoldedSocket s(100 * kMicrosecond);
  s.reader.wake_at = 90 * kMicrosecond;
  CHECK_FALSE(s.socket.OpenKeepUp(Member::kPropertiesChanged, 22 * kMicrosecond));
  s.reader.wake_at = 100 * kMicrosecond;
  CHECK_FALSE(s.socket.OpenKeepUp(Member::kUnitNew, 22 * kMicrosecond));  // not the member in front
  s.Copies(Micros({124}));
  CHECK_FALSE(s.socket.OpenKeepUp(Member::kPropertiesChanged, 22 * kMicrosecond));  // a copy behind it already
}

TEST_CASE("a settle that raises the socket's level leaves less room for quiet copies", "[model][socket]") {
  // After the first iteration the message in front is a bigger one: the next copy, quiet behind
  // the first message, is not behind this one.
  MessageSizeParams sizes;
  const std::int64_t front_charge = SkbTruesize(sizes, 600), big = SkbTruesize(sizes, 2000);
  REQUIRE(SkbTruesize(sizes, 884) > front_charge);
  struct Twin {
    KeepingUpReader reader;
    KernelSocket socket;
    explicit Twin(std::int64_t sndbuf, const MessageSizeParams& sizes) : socket("s", sndbuf, sizes) {
      socket.set_folding_reader(&reader);
      socket.set_folded(true);
      reader.wake_at = 100 * kMicrosecond;
    }
    void Write(Time t, std::uint32_t bytes, const MessageSizeParams& sizes) {
      Message m;
      m.bytes = bytes;
      socket.WriteChargedDeferring(t, m, SkbTruesize(sizes, bytes));
    }
  };
  Twin window(4 * (front_charge + big), sizes), settled(4 * (front_charge + big), sizes);
  Simulator sim;
  for (Twin* t : {&window, &settled}) {
    Message front;
    front.bytes = 600;
    t->socket.Write(100 * kMicrosecond, front);
  }
  REQUIRE(window.socket.OpenKeepUp(Member::kPropertiesChanged, 22 * kMicrosecond));
  window.Write(124 * kMicrosecond, 2000, sizes);
  settled.Write(124 * kMicrosecond, 2000, sizes);
  REQUIRE(window.socket.KeptUpUntil(124 * kMicrosecond));
  CHECK(window.socket.SettleKeptUp(&sim) == 1);
  MemberCounts members{};
  ReaderSteps steps = Steps(100 * kMicrosecond);
  CHECK(settled.socket.ReadKeepingUp(&steps, 124 * kMicrosecond, &members) == 1);
  window.Write(146 * kMicrosecond, 884, sizes);
  settled.Write(146 * kMicrosecond, 884, sizes);
  CHECK_FALSE(window.socket.keeping_up());
  CHECK(window.socket.messages() == settled.socket.messages());
  CHECK(window.socket.gauge().level() == settled.socket.gauge().level());
  CHECK(window.socket.level() == settled.socket.level());
}
