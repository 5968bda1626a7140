// The worked example of docs/PATCHES.md: a new patch written with the public interface only
// (mountstorm/policy.h, mountstorm/run.h), registered, and run from a scenario. docs_test checks
// that PATCHES.md shows exactly the code between the EXAMPLE markers.
#include <catch2/catch.hpp>

#include "mountstorm/run.h"
#include "tests/test_support.h"

// BEGIN EXAMPLE
#include <map>
#include <memory>

#include "mountstorm/policy.h"

namespace example {

using namespace mountstorm;

// Re-announce an unchanged unit at most once per `period`: new and changed units go out at
// once, but the copies a scan makes of units that did not change are thinned out.
class ReannounceAtMostEvery : public Pid1Policy {
 public:
  explicit ReannounceAtMostEvery(Duration period) : period_(period) {}

  bool AdmitToDbusQueue(const UnitQueueRequest& r) override {
    if (r.reason == QueueReason::kNew || r.reason == QueueReason::kChanged) return true;
    auto it = last_.find(r.unit);
    if (it != last_.end() && r.now - it->second < period_) return false;
    last_[r.unit] = r.now;
    return true;
  }

 private:
  Duration period_;
  std::map<std::uint32_t, Time> last_;  // when each unit was last let through unchanged
};

// Makes "reannounce-at-most-every" usable in scenarios: {"name": ..., "period_s": 1}.
void Register() {
  RegisterPatch("reannounce-at-most-every", "re-announce an unchanged unit at most once per period_s",
                [](PatchParams& params) -> std::unique_ptr<Pid1Policy> {
                  return std::make_unique<ReannounceAtMostEvery>(params.Seconds("period_s", 1.0, 0, 3600));
                });
}

}  // namespace example
// END EXAMPLE

using namespace mountstorm;

namespace {

std::uint64_t Sent(const std::string& patches) {
  nlohmann::json doc = {
      {"name", "example"},
      {"profile", "rhel7.7"},
      {"patches", nlohmann::json::parse(patches)},
      {"mount_table", {{"generate", {{{"count", 50}, {"path", "/old/{i}"}, {"source", "srv:/{i}"}, {"fstype", "nfs4"}}}}}},
      {"workload",
       {{{"kind", "interval"}, {"count", 200}, {"start_s", 1.0}, {"interval_ms", 20},
         {"mount", {{"path", "/new/{i}"}, {"source", "srv:/new/{i}"}, {"fstype", "nfs4"}}}}}},
  };
  return RunTest(ParseScenario(doc, "example.json")).summary["messages"]["systemd"]["sent"];
}

}  // namespace

TEST_CASE("a patch written with the public interface runs from a scenario", "[patch][example]") {
  example::Register();
  std::uint64_t plain = Sent("[]");
  std::uint64_t thinned = Sent(R"([{"name": "reannounce-at-most-every", "period_s": 1}])");
  std::uint64_t changed_only = Sent(R"([{"name": "changed-only"}])");
  // 200 mounts over 4 s: each unchanged unit goes out about 4 times instead of on every scan.
  CHECK(changed_only == 200);
  CHECK(thinned > changed_only);
  CHECK(thinned * 10 < plain);
}
