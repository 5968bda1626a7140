// BoundedQueue and QueueGauge: the two limit rules, what the gauge records at the limit (refusals,
// onset, peak, time at the limit, drain time); RingBuffer: FIFO order through growth and
// wrap-around.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/bounded_queue.h"
#include "sim/huge_pages.h"
#include "sim/queue_gauge.h"
#include "sim/ring_buffer.h"

using namespace mountstorm;

TEST_CASE("a queue counted in messages refuses exactly at its limit and records what happened",
          "[sim][queue]") {
  constexpr std::int64_t kLimit = 3;
  BoundedQueue<int> q("q", QueueUnit::kMessages, kLimit, LimitRule::kRefuseAtLimit);
  const QueueGauge& g = q.gauge();

  // Fill to the limit. The byte size of an item does not count in a queue of messages.
  const Time kFull1 = 30;
  CHECK(q.TryPush(10, 1, 5000));
  CHECK(q.TryPush(20, 2, 5000));
  CHECK_FALSE(g.at_limit());
  CHECK(q.TryPush(kFull1, 3, 5000));
  CHECK(g.level() == kLimit);
  CHECK(g.at_limit());
  CHECK(g.first_refusal() == kNever);
  CHECK(g.refused() == 0);

  // At the limit every push is refused and counted; the first one is the onset.
  const Time kOnset = 40;
  CHECK_FALSE(q.TryPush(kOnset, 4, 1));
  CHECK_FALSE(q.TryPush(50, 5, 1));
  CHECK(g.refused() == 2);
  CHECK(g.first_refusal() == kOnset);
  CHECK(q.size() == static_cast<std::size_t>(kLimit));
  CHECK(g.level() == kLimit);

  // One pop makes room for exactly one item.
  const Time kRoom1 = 60;
  CHECK(q.Pop(kRoom1) == 1);
  CHECK_FALSE(g.at_limit());
  const Time kFull2 = 70;
  CHECK(q.TryPush(kFull2, 6, 1));
  CHECK_FALSE(q.TryPush(80, 7, 1));
  CHECK(g.refused() == 3);
  CHECK(g.first_refusal() == kOnset);  // the onset is the first refusal, not the latest

  // Drain, in FIFO order.
  const Time kRoom2 = 100;
  const Time kDrained = 120;
  CHECK(q.Pop(kRoom2) == 2);
  CHECK(q.Pop(110) == 3);
  CHECK(q.Pop(kDrained) == 6);
  CHECK(q.empty());
  CHECK(g.level() == 0);

  CHECK(g.peak() == kLimit);
  CHECK(g.peak_time() == kFull1);  // when the peak was first reached
  CHECK(g.time_at_limit() == (kRoom1 - kFull1) + (kRoom2 - kFull2));
  CHECK(g.drained_time() == kDrained);
}

TEST_CASE("the drain time is the last return to zero, and kNever for a queue never used",
          "[sim][queue]") {
  BoundedQueue<int> q("q", QueueUnit::kMessages, 10, LimitRule::kRefuseAtLimit);
  CHECK(q.gauge().drained_time() == kNever);
  q.gauge().Finish(1000);
  CHECK(q.gauge().drained_time() == kNever);

  q.Push(100, 1, 1);
  CHECK(q.gauge().drained_time() == kNever);  // holds something, never went back to zero
  q.Pop(200);
  CHECK(q.gauge().drained_time() == 200);
  q.Push(300, 2, 1);
  q.Push(310, 3, 1);
  q.Pop(400);
  CHECK(q.gauge().drained_time() == 200);  // not empty yet: still the earlier drain
  q.Pop(500);
  CHECK(q.gauge().drained_time() == 500);
}

TEST_CASE("a queue counted in bytes that refuses above its limit overshoots by one item",
          "[sim][queue]") {
  // dbus-daemon refuses only when outgoing_size > max_outgoing_bytes: a queue exactly at its limit
  // still takes one more message. With a limit that is a whole number of items, the level stops
  // one item above it; a queue that refuses AT the limit stops exactly at it.
  constexpr std::int64_t kItem = 300;
  constexpr std::int64_t kLimit = 3 * kItem;

  BoundedQueue<int> above("above", QueueUnit::kBytes, kLimit, LimitRule::kRefuseAboveLimit);
  BoundedQueue<int> at("at", QueueUnit::kBytes, kLimit, LimitRule::kRefuseAtLimit);
  int accepted_above = 0;
  int accepted_at = 0;
  for (int i = 0; i < 10; ++i) {
    accepted_above += above.TryPush(i, i, kItem) ? 1 : 0;
    accepted_at += at.TryPush(i, i, kItem) ? 1 : 0;
  }
  CHECK(accepted_above == kLimit / kItem + 1);
  CHECK(above.gauge().level() == kLimit + kItem);
  CHECK(above.gauge().peak() == kLimit + kItem);
  CHECK(above.gauge().refused() == static_cast<std::uint64_t>(10 - accepted_above));

  CHECK(accepted_at == kLimit / kItem);
  CHECK(at.gauge().level() == kLimit);
  CHECK(at.gauge().refused() == static_cast<std::uint64_t>(10 - accepted_at));

  // Exactly at the limit, "above" is not at its limit yet: time at the limit starts with the
  // overshoot. Each pop removes the bytes its push added.
  BoundedQueue<int> q("q", QueueUnit::kBytes, 1000, LimitRule::kRefuseAboveLimit);
  CHECK(q.TryPush(0, 1, 600));
  CHECK(q.TryPush(10, 2, 400));
  CHECK(q.gauge().level() == 1000);
  CHECK_FALSE(q.gauge().at_limit());
  const Time kOver = 20;
  CHECK(q.TryPush(kOver, 3, 250));
  CHECK(q.gauge().level() == 1250);
  CHECK(q.gauge().at_limit());
  CHECK_FALSE(q.TryPush(30, 4, 1));
  CHECK(q.gauge().first_refusal() == 30);
  const Time kBelow = 50;
  CHECK(q.Pop(kBelow) == 1);
  CHECK(q.gauge().level() == 1250 - 600);
  CHECK(q.gauge().time_at_limit() == kBelow - kOver);
}

TEST_CASE("a queue without a limit never refuses", "[sim][queue]") {
  BoundedQueue<int> q("q", QueueUnit::kMessages, 0, LimitRule::kNone);
  constexpr int kItems = 100000;
  for (int i = 0; i < kItems; ++i) REQUIRE(q.TryPush(i, i, 1));
  CHECK_FALSE(q.gauge().at_limit());
  CHECK(q.gauge().refused() == 0);
  CHECK(q.gauge().first_refusal() == kNever);
  CHECK(q.gauge().peak() == kItems);
  CHECK(q.gauge().peak_time() == kItems - 1);
  q.gauge().Finish(2 * kItems);
  CHECK(q.gauge().time_at_limit() == 0);
}

TEST_CASE("Finish closes the interval at the limit that is still open", "[sim][queue]") {
  BoundedQueue<int> q("q", QueueUnit::kMessages, 2, LimitRule::kRefuseAtLimit);
  const Time kFull = 100;
  const Time kEnd = 250;
  q.Push(50, 1, 1);
  q.Push(kFull, 2, 1);
  REQUIRE(q.gauge().at_limit());
  CHECK(q.gauge().time_at_limit() == 0);  // still open
  q.gauge().Finish(kEnd);
  CHECK(q.gauge().time_at_limit() == kEnd - kFull);
  // Finishing again at the same time does not count the interval twice; a later end extends it.
  q.gauge().Finish(kEnd);
  CHECK(q.gauge().time_at_limit() == kEnd - kFull);
  const Time kLaterEnd = 400;
  q.gauge().Finish(kLaterEnd);
  CHECK(q.gauge().time_at_limit() == kLaterEnd - kFull);

  // A queue below its limit gains nothing from Finish().
  BoundedQueue<int> below("below", QueueUnit::kMessages, 2, LimitRule::kRefuseAtLimit);
  below.Push(10, 1, 1);
  below.gauge().Finish(kEnd);
  CHECK(below.gauge().time_at_limit() == 0);
}

TEST_CASE("a change stamped earlier than one already seen counts at the latest time seen",
          "[sim][queue]") {
  // Effects of a step carry times inside the step, so stamps may go backwards a little.
  QueueGauge g("g", QueueUnit::kMessages, 2, LimitRule::kRefuseAtLimit);
  const Time kLatest = 100;
  g.Add(kLatest, 1);
  g.Add(kLatest - 40, 1);  // reaches the limit; counts at kLatest
  CHECK(g.peak() == 2);
  CHECK(g.peak_time() == kLatest);
  g.Refuse(kLatest - 30);
  CHECK(g.first_refusal() == kLatest);
  const Time kRoom = 130;
  g.Remove(kRoom, 1);
  CHECK(g.time_at_limit() == kRoom - kLatest);
  g.Remove(kRoom - 20, 1);
  CHECK(g.drained_time() == kRoom);
}

TEST_CASE("a ring buffer keeps FIFO order while it grows and wraps around", "[sim][ring_buffer]") {
  // Rounds of pushes and pops of varying lengths move the head around the array, so the buffer
  // grows while its contents wrap past the end of the array. A std::deque is the oracle.
  RingBuffer<std::uint64_t> ring;
  std::deque<std::uint64_t> oracle;
  std::uint64_t next = 0;
  std::size_t max_size = 0;
  for (int round = 0; round < 400; ++round) {
    const int pushes = 1 + (round * 7) % 13;
    const int pops = (round * 5) % 11;
    for (int i = 0; i < pushes; ++i) {
      ring.PushBack(next);
      oracle.push_back(next);
      ++next;
    }
    REQUIRE(ring.size() == oracle.size());
    REQUIRE(ring.front() == oracle.front());
    REQUIRE(ring.back() == oracle.back());
    for (std::size_t i = 0; i < oracle.size(); ++i) REQUIRE(ring[i] == oracle[i]);
    for (int i = 0; i < pops && !oracle.empty(); ++i) {
      REQUIRE(ring.PopFront() == oracle.front());
      oracle.pop_front();
    }
    max_size = std::max(max_size, oracle.size());
  }
  // The rounds push more than they pop, so the buffer had to grow several times.
  CHECK(max_size > 256);
  while (!oracle.empty()) {
    REQUIRE(ring.PopFront() == oracle.front());
    oracle.pop_front();
  }
  CHECK(ring.empty());
}

TEST_CASE("a ring buffer that grows while wrapped keeps its order", "[sim][ring_buffer]") {
  // Fill, pop a few so the head moves, refill past the end of the array and keep pushing until
  // the buffer must grow: the wrapped contents come out in order.
  RingBuffer<int> ring;
  std::deque<int> oracle;
  int next = 0;
  auto push = [&] {
    ring.PushBack(next);
    oracle.push_back(next);
    ++next;
  };
  for (int i = 0; i < 10; ++i) push();
  for (int i = 0; i < 7; ++i) {
    REQUIRE(ring.PopFront() == oracle.front());
    oracle.pop_front();
  }
  for (int i = 0; i < 1000; ++i) push();
  REQUIRE(ring.size() == oracle.size());
  for (std::size_t i = 0; i < oracle.size(); ++i) REQUIRE(ring[i] == oracle[i]);
  while (!oracle.empty()) {
    REQUIRE(ring.PopFront() == oracle.front());
    oracle.pop_front();
  }
  CHECK(ring.empty());
}

TEST_CASE("a ring buffer's runs read and append values in order across the array's end", "[sim][ring_buffer]") {
  // Runs of appends (SpareRun(), AppendSpare()) and reads (FrontRun()) of varying lengths, the head moving
  // around the array and the buffer growing inside a run: a std::deque is the oracle.
  RingBuffer<std::uint64_t> ring;
  std::deque<std::uint64_t> oracle;
  std::uint64_t next = 0;
  for (int round = 0; round < 300; ++round) {
    const std::size_t appends = 1 + static_cast<std::size_t>(round * 7) % 23;
    const auto run = ring.SpareRun(appends);
    for (std::size_t i = 0; i < appends; ++i) {
      run[i] = next;
      oracle.push_back(next++);
    }
    ring.AppendSpare(appends);
    REQUIRE(ring.size() == oracle.size());
    const auto front = ring.FrontRun();
    for (std::size_t i = 0; i < oracle.size(); ++i) REQUIRE(front[i] == oracle[i]);
    const std::size_t drops = std::min(oracle.size(), static_cast<std::size_t>(round * 5) % 19);
    ring.DropFront(drops);
    oracle.erase(oracle.begin(), oracle.begin() + static_cast<std::ptrdiff_t>(drops));
  }
  CHECK(oracle.size() > 64);  // it grew while runs wrapped
}

TEST_CASE("a copied ring buffer holds the same values in order and is its own", "[sim][ring_buffer]") {
  // The copy is taken while the contents wrap past the end of the array; a moved-from ring is
  // empty and can be used again.
  RingBuffer<int> ring;
  for (int i = 0; i < 12; ++i) ring.PushBack(i);
  for (int i = 0; i < 9; ++i) ring.PopFront();
  for (int i = 12; i < 25; ++i) ring.PushBack(i);  // 9 to 24, wrapped in an array of 16
  RingBuffer<int> copy = ring;
  copy.PushBack(25);
  REQUIRE(ring.size() == 16);
  REQUIRE(copy.size() == 17);
  for (std::size_t i = 0; i < ring.size(); ++i) REQUIRE(ring[i] == 9 + static_cast<int>(i));
  for (std::size_t i = 0; i < copy.size(); ++i) REQUIRE(copy[i] == 9 + static_cast<int>(i));
  RingBuffer<int> moved = std::move(copy);
  CHECK(moved.size() == 17);
  CHECK(moved.back() == 25);
  CHECK(copy.empty());  // NOLINT(bugprone-use-after-move): a moved-from ring is empty
  copy.PushBack(7);
  CHECK(copy.PopFront() == 7);
  ring = moved;
  CHECK(ring.size() == 17);
  CHECK(ring.front() == 9);
}

TEST_CASE("a ring buffer past 2 MiB lives in huge-page blocks and keeps its order", "[sim][ring_buffer]") {
  // Up to about 700,000 values of 8 bytes: the arrays of 2 MiB and more come from
  // AllocateHugePageBlock(), the smaller ones from std::allocator; the pops move the head on, so
  // the contents wrap around the end of the array as it grows.
  RingBuffer<std::uint64_t> ring;
  std::uint64_t pushed = 0, popped = 0;
  while (pushed < (std::uint64_t{1} << 20)) {
    for (int i = 0; i < 3; ++i) ring.PushBack(pushed++);
    REQUIRE(ring.PopFront() == popped++);
  }
  REQUIRE(ring.size() * sizeof(std::uint64_t) > kHugePageBytes);
  for (std::size_t i = 0; i < ring.size(); i += 4093) REQUIRE(ring[i] == popped + i);
  while (!ring.empty()) REQUIRE(ring.PopFront() == popped++);
  CHECK(popped == pushed);
}

TEST_CASE("a huge-page block is 2 MiB aligned, zeroed and writable to its end", "[sim][ring_buffer]") {
  const std::size_t bytes = kHugePageBytes * 3 + 12345;
  auto* block = static_cast<unsigned char*>(AllocateHugePageBlock(bytes));
  CHECK(reinterpret_cast<std::uintptr_t>(block) % kHugePageBytes == 0);
  CHECK(block[0] == 0);
  CHECK(block[bytes - 1] == 0);
  block[0] = 1;
  block[bytes - 1] = 2;
  CHECK(block[0] + block[bytes - 1] == 3);
  FreeHugePageBlock(block, bytes);
}
