// SdBusConnection: direct writes, the write queue, ENOBUFS, and the cost of draining.
#include <catch2/catch.hpp>

#include "models/systemd/sdbus_connection.h"

using namespace mountstorm;

namespace {

struct Fixture {
  MessageSizeParams sizes;
  KernelSocket out{"out", 2304 * 4, sizes};  // room for 4 messages of 1,104 B
  KernelSocket in{"in", 212992, sizes};
  SdBusCosts costs{3 * kMicrosecond, 2 * kMicrosecond, 1.0};
  SdBusConnection bus{QueueId{QueueKind::kSdBusWrite, "c", ""}, /*wqueue_max=*/10, /*rqueue_max=*/10, &out, &in, costs};
  Message Signal() {
    Message m;
    m.bytes = 1104;
    m.member = Member::kPropertiesChanged;
    return m;
  }
};

}  // namespace

TEST_CASE("a send goes straight to the socket while the write queue is empty", "[model][sdbus]") {
  Fixture f;
  StepClock step(0);
  CHECK(f.bus.Send(step, f.Signal()) == SdBusConnection::SendResult::kWritten);
  CHECK(step.spent() == 3 * kMicrosecond);
  CHECK(f.out.messages() == 1);
  CHECK(f.bus.wqueue().empty());
}

TEST_CASE("EAGAIN queues the message, later sends queue behind it, the limit refuses", "[model][sdbus]") {
  Fixture f;
  StepClock step(0);
  for (int i = 0; i < 4; ++i) REQUIRE(f.bus.Send(step, f.Signal()) == SdBusConnection::SendResult::kWritten);
  // The socket is full: the next message becomes wqueue[0] after a failed sendmsg.
  CHECK(f.bus.Send(step, f.Signal()) == SdBusConnection::SendResult::kQueued);
  // Now every send is appended, even when the socket has room again, until BUS_WQUEUE_MAX.
  f.out.Read(kSecond);
  for (int i = 1; i < 10; ++i) REQUIRE(f.bus.Send(step, f.Signal()) == SdBusConnection::SendResult::kQueued);
  CHECK(f.bus.wqueue().size() == 10);
  StepClock later(2 * kSecond);  // effects are stamped at the step's start + the time spent so far
  CHECK(f.bus.Send(later, f.Signal()) == SdBusConnection::SendResult::kNoBufs);
  CHECK(later.spent() == 0);  // a refused append costs no syscall
  CHECK(f.bus.wqueue().gauge().refused() == 1);
  CHECK(f.bus.wqueue().gauge().first_refusal() == 2 * kSecond);
  CHECK(f.bus.sent()[static_cast<int>(Member::kPropertiesChanged)] == 14);
  CHECK(f.bus.enobufs()[static_cast<int>(Member::kPropertiesChanged)] == 1);
}

TEST_CASE("draining the write queue costs a memmove of the rest of the queue per message", "[model][sdbus]") {
  Fixture f;
  StepClock step(0);
  for (int i = 0; i < 4; ++i) f.bus.Send(step, f.Signal());
  for (int i = 0; i < 6; ++i) f.bus.Send(step, f.Signal());  // 6 queued
  for (int i = 0; i < 4; ++i) f.out.Read(kSecond);            // socket empty again
  StepClock drain(kSecond);
  int written = f.bus.DispatchWqueue(drain, kSecond);
  // 4 fit; each costs a sendmsg and a memmove of the entries behind it (5, 4, 3, 2 at 1 ns);
  // then one more sendmsg finds the socket full (EAGAIN).
  CHECK(written == 4);
  CHECK(drain.spent() == 5 * 3 * kMicrosecond + (5 + 4 + 3 + 2));
  CHECK(f.bus.wqueue().size() == 2);
}

TEST_CASE("reading takes the read queue first, else two recvmsg from the socket", "[model][sdbus]") {
  Fixture f;
  Message m = f.Signal();
  f.in.Write(0, m);
  Message got;
  StepClock step(0);
  REQUIRE(f.bus.ReadOne(step, &got));
  CHECK(step.spent() == 2 * 2 * kMicrosecond);
  CHECK_FALSE(f.bus.ReadOne(step, &got));
}
