// DepthRecorder: one value per sample interval, the MAXIMUM level in it, so no peak is lost
// between samples.
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "mountstorm/error.h"
#include "sim/bounded_queue.h"
#include "sim/depth_recorder.h"

using namespace mountstorm;

namespace {

using Maxima = std::vector<std::int64_t>;

constexpr Duration kT = 100;  // the sample interval of every test here

}  // namespace

TEST_CASE("each interval holds the maximum level, even of a spike shorter than the interval",
          "[sim][recorder]") {
  DepthRecorder r(kT);
  const int c = r.AddColumn("q");
  const std::int64_t kBase = 5;
  const std::int64_t kSpike = 50;
  const std::int64_t kLater = 3;
  r.Record(c, 10, kBase);
  r.Record(c, 20, kSpike);  // up for one nanosecond
  r.Record(c, 21, kBase);
  r.Record(c, kT + 50, kLater);
  r.Finish(2 * kT + 50);
  // Interval 1 starts at the level carried in (kBase) before dropping to kLater.
  CHECK(r.maxima(c) == Maxima{kSpike, kBase, kLater});
  CHECK(r.intervals() == 3);
}

TEST_CASE("an interval without changes holds the level carried into it", "[sim][recorder]") {
  DepthRecorder r(kT);
  const int c = r.AddColumn("q");
  const std::int64_t kHigh = 7;
  const std::int64_t kLow = 2;
  r.Record(c, 50, kHigh);
  r.Record(c, 5 * kT + 20, kLow);
  r.Finish(7 * kT);
  CHECK(r.maxima(c) == Maxima{kHigh, kHigh, kHigh, kHigh, kHigh, kHigh, kLow, kLow});
}

TEST_CASE("a column starts at level zero", "[sim][recorder]") {
  DepthRecorder r(kT);
  const int c = r.AddColumn("q");
  r.Record(c, 3 * kT + 1, 4);
  r.Finish(3 * kT + 1);
  CHECK(r.maxima(c) == Maxima{0, 0, 0, 4});
}

TEST_CASE("Finish pads every column to the same length", "[sim][recorder]") {
  DepthRecorder r(kT);
  const int busy = r.AddColumn("busy");
  const int idle = r.AddColumn("idle");
  const int early = r.AddColumn("early");
  REQUIRE(r.columns() == 3);
  CHECK(r.name(busy) == "busy");
  CHECK(r.name(idle) == "idle");
  CHECK(r.name(early) == "early");

  const std::int64_t kEarly = 6;
  r.Record(early, 30, kEarly);
  for (Time t = 0; t < 10 * kT; t += kT) r.Record(busy, t + 1, t / kT);
  // Finish at a time before the last change: no column is cut short, and all match the longest.
  r.Finish(4 * kT);
  constexpr std::size_t kIntervals = 10;
  CHECK(r.intervals() == kIntervals);
  CHECK(r.maxima(busy).size() == kIntervals);
  CHECK(r.maxima(idle) == Maxima(kIntervals, 0));
  CHECK(r.maxima(early) == Maxima(kIntervals, kEarly));
  for (std::size_t k = 0; k < kIntervals; ++k) {
    CHECK(r.maxima(busy)[k] == static_cast<std::int64_t>(k));
  }

  // Finishing later than every change extends all columns to the interval of the end.
  r.Finish(12 * kT + 1);
  CHECK(r.intervals() == 13);
  CHECK(r.maxima(busy).size() == 13);
  CHECK(r.maxima(idle).size() == 13);
  CHECK(r.maxima(early).size() == 13);
  CHECK(r.maxima(busy).back() == 9);
}

TEST_CASE("a record stamped earlier than one already seen counts in the latest interval seen",
          "[sim][recorder]") {
  DepthRecorder r(kT);
  const int c = r.AddColumn("q");
  const std::int64_t kFirst = 4;
  const std::int64_t kLate = 9;  // stamped in interval 1, recorded after a change in interval 3
  r.Record(c, 3 * kT + 50, kFirst);
  r.Record(c, kT + 20, kLate);
  r.Record(c, 3 * kT + 60, 1);
  r.Finish(4 * kT);
  // Interval 1 is not rewritten; interval 3 holds the late level; interval 4 carries the last one.
  CHECK(r.maxima(c) == Maxima{0, 0, 0, kLate, 1});
}

TEST_CASE("a queue gauge records its level into a recorder column", "[sim][recorder]") {
  DepthRecorder r(kT);
  BoundedQueue<int> q("q", QueueUnit::kBytes, 1000, LimitRule::kRefuseAtLimit);
  q.gauge().RecordInto(&r);
  REQUIRE(r.columns() == 1);
  CHECK(r.name(0) == "q");
  q.Push(10, 1, 300);
  q.Push(20, 2, 500);
  q.Pop(30);
  q.Pop(kT + 10);
  q.Push(3 * kT, 3, 40);
  // The gauge holds the maximum of the interval in progress until it is finished.
  q.gauge().Finish(3 * kT);
  r.Finish(3 * kT);
  CHECK(r.maxima(0) == Maxima{300 + 500, 500, 0, 40});
}

TEST_CASE("a recorder needs a positive interval", "[sim][recorder]") {
  CHECK_THROWS_AS(DepthRecorder(0), InternalError);
  CHECK_THROWS_AS(DepthRecorder(-kT), InternalError);
}
