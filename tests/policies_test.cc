// When PID 1 may scan: the v248 rate limit and PR #10268's back-off.
#include <catch2/catch.hpp>

#include "models/systemd/policies/adaptive_backoff.h"
#include "models/systemd/policies/rate_limit.h"
#include "mountstorm/run.h"
#include "tests/test_support.h"

using namespace mountstorm;

TEST_CASE("the rate limit allows a burst per fixed window and then waits for the window's end", "[policy]") {
  RateLimit limit(kSecond, 5);
  const Time t0 = 10 * kSecond;
  // The window opens at the first dispatch; five dispatches fit in it.
  for (int i = 0; i < 5; ++i) {
    Time t = t0 + i * 100 * kMillisecond;
    REQUIRE(limit.MountinfoDispatchTime(t, 0) == t);
    limit.MountinfoDispatched(t, t + kMillisecond);
  }
  // The sixth attempt in the window: offline until begin + interval.
  CHECK(limit.MountinfoDispatchTime(t0 + 600 * kMillisecond, 0) == t0 + kSecond);
  // A window is fixed, not sliding: at its end a new one opens at once.
  CHECK(limit.MountinfoDispatchTime(t0 + kSecond, 0) == t0 + kSecond);
  limit.MountinfoDispatched(t0 + kSecond, t0 + kSecond + kMillisecond);
  for (int i = 1; i < 5; ++i) limit.MountinfoDispatched(t0 + kSecond + i, t0 + kSecond + i);
  CHECK(limit.MountinfoDispatchTime(t0 + kSecond + 10, 0) == t0 + 2 * kSecond);
}

TEST_CASE("the back-off waits factor times the last scan's duration after its end", "[policy]") {
  AdaptiveBackoff backoff(10);
  CHECK(backoff.MountinfoDispatchTime(5, 0) == 5);
  backoff.MountinfoDispatched(kSecond, kSecond + 20 * kMillisecond);
  CHECK(backoff.MountinfoDispatchTime(kSecond + 30 * kMillisecond, 0) == kSecond + 220 * kMillisecond);
  CHECK(backoff.MountinfoDispatchTime(2 * kSecond, 0) == 2 * kSecond);
}

namespace {

// 200 mounts, one every 5 ms from t = 1 s, on a small host.
nlohmann::json Burst(const std::string& profile) {
  return {
      {"name", "burst"},
      {"profile", profile},
      {"mount_table", {{"entries", {{{"path", "/"}, {"source", "/dev/sda1"}, {"fstype", "xfs"}}}}}},
      {"workload",
       {{{"kind", "interval"}, {"count", 200}, {"start_s", 1.0}, {"interval_ms", 5},
         {"mount", {{"path", "/nfs/{i}"}, {"source", "srv:/{i}"}, {"fstype", "nfs4"}}}}}},
  };
}

}  // namespace

TEST_CASE("under v248 a storm is scanned at most 5 times per second, each scan covering all pending", "[policy]") {
  RunOutput v245 = RunTest(ParseScenario(Burst("v245"), "v245"));
  RunOutput v248 = RunTest(ParseScenario(Burst("v248"), "v248"));
  // The mounts span 1.0-2.0 s: without the limit nearly every one gets its own scan.
  CHECK(v245.summary["scans"]["count"].get<int>() > 150);
  // With it: 5 in the window that opens at 1.0 s, 5 in the one at 2.0 s (the rest pending), no more.
  CHECK(v248.summary["scans"]["count"].get<int>() <= 10);
  CHECK(v248.summary["scans"]["new_mount_units"] == 200);
  CHECK(v248.summary["scans"]["changes"] == 200);
  CHECK(v248.summary["scans"]["changes_coalesced"].get<int>() >= 190);
  CHECK(v248.summary["messages"]["systemd"]["sent"] == 200);  // one UnitNew each, nothing re-announced
}
