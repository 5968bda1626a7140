// The shipped patches of PID 1 (models/policies/), applied from a scenario's "patches" list.
#include <catch2/catch.hpp>

#include "mountstorm/error.h"
#include "mountstorm/policy.h"
#include "mountstorm/run.h"
#include "tests/test_support.h"

using namespace mountstorm;

namespace {

// 300 NFS mounts, one every 2 ms from t = 1 s, on a host with 20 NFS mounts and one device.
nlohmann::json Storm(const std::string& profile, nlohmann::json patches) {
  return {
      {"name", "patched"},
      {"profile", profile},
      {"patches", patches},
      {"mount_table",
       {{"entries", {{{"path", "/"}, {"source", "/dev/sda1"}, {"fstype", "xfs"}}}},
        {"generate", {{{"count", 20}, {"path", "/old/{i}"}, {"source", "srv:/old/{i}"}, {"fstype", "nfs4"}}}}}},
      {"workload",
       {{{"kind", "interval"}, {"count", 300}, {"start_s", 1.0}, {"interval_ms", 2},
         {"mount", {{"path", "/new/{i}"}, {"source", "srv:/new/{i}"}, {"fstype", "nfs4"}}}}}},
  };
}

nlohmann::json Run(const std::string& profile, nlohmann::json patches) {
  return RunTest(ParseScenario(Storm(profile, std::move(patches)), "patched.json")).summary;
}

std::uint64_t Sent(const nlohmann::json& s) { return s["messages"]["systemd"]["sent"]; }

}  // namespace

TEST_CASE("changed-only makes RHEL 7.7 announce what v248 announces", "[patch]") {
  nlohmann::json patched = Run("rhel7.7", {{{"name", "changed-only"}}});
  nlohmann::json plain = Run("rhel7.7", nlohmann::json::array());
  CHECK(Sent(plain) > 10 * Sent(patched));
  CHECK(Sent(patched) == 300);  // one UnitNew per mount, nothing re-announced
  CHECK(patched["scans"]["units_left_out_by_policy"].get<int>() > 0);
}

TEST_CASE("the ratelimit patch gives RHEL 7.7 v248's scan rate", "[patch]") {
  nlohmann::json patched = Run("rhel7.7", {{{"name", "ratelimit"}, {"interval_s", 1}, {"burst", 5}}});
  // 0.6 s of mounts from t = 1 s: one window of 5 scans, then the rest in the next window.
  CHECK(patched["scans"]["count"].get<int>() <= 10);
  CHECK(patched["scans"]["new_mount_units"] == 300);
  CHECK(patched["visibility"]["known_s"]["max"].get<double>() > 0.3);  // the cost: mounts wait
}

TEST_CASE("the dispatch-budget patch keeps RHEL 7.7's write queue near its threshold", "[patch]") {
  nlohmann::json doc = Storm("rhel7.7", {{{"name", "dispatch-budget"}, {"units", 100}, {"threshold", 1024}}});
  doc["systemd"] = {{"socket_sndbuf_bytes", 65536}, {"scan_fixed_us", 3000}};
  nlohmann::json s = RunTest(ParseScenario(doc, "budget.json")).summary;
  std::int64_t peak = s["queues"]["systemd.wqueue"]["peak"];
  CHECK(peak > 1024);
  CHECK(peak <= 1024 + 2 * 100);
  CHECK(s["scans"]["dispatch_blocked"].get<int>() > 0);
}

TEST_CASE("debounce scans once per delay after the first change and makes mounts wait for it", "[patch]") {
  // v245: no rate limit of its own (main's would allow only 5 of these scans per second).
  nlohmann::json s = Run("v245", {{{"name", "debounce"}, {"delay_ms", 100}}});
  // 300 mounts over 0.6 s: one scan per 100 ms window, give or take the edges.
  int scans = s["scans"]["count"];
  CHECK(scans >= 6);
  CHECK(scans <= 8);
  CHECK(s["visibility"]["known_s"]["max"].get<double>() >= 0.1);
  CHECK(s["visibility"]["known_s"]["max"].get<double>() < 0.11);
  CHECK(s["scans"]["new_mount_units"] == 300);
}

TEST_CASE("the signal token bucket caps the rate at which PID 1 sends", "[patch]") {
  nlohmann::json s = Run("rhel7.7", {{{"name", "signal-token-bucket"}, {"rate_per_s", 20000}, {"burst", 500}}});
  nlohmann::json plain = Run("rhel7.7", nlohmann::json::array());
  double sent = static_cast<double>(Sent(s));
  double first = 1.0, last = s["end_time_s"];
  // Averaged over the time it took, never more than the rate plus one burst.
  CHECK(sent <= 20000 * (last - first) + 500 + 1);
  CHECK(s["scans"]["sends_deferred_by_policy"].get<int>() > 0);
  // Held-back units stay queued, and the queue is a set: fewer signals in all.
  CHECK(Sent(s) < Sent(plain));
}

TEST_CASE("the queue-limits patch changes PID 1's write queue limit", "[patch]") {
  nlohmann::json s = Run("rhel7.7", {{{"name", "queue-limits"}, {"wqueue_max", 393216}}});
  CHECK(s["queues"]["systemd.wqueue"]["limit"] == 393216);
  CHECK(s["queues"]["systemd.socket"]["limit"] == 16777216);  // not given: unchanged
}

TEST_CASE("a patch composes with the profile's own policies", "[patch]") {
  // main limits scans to 5 per 1 s window itself: the sixth 100 ms debounce waits for the window.
  nlohmann::json s = Run("main", {{{"name", "debounce"}, {"delay_ms", 100}}});
  CHECK(s["scans"]["count"] == 6);
  CHECK(s["visibility"]["known_s"]["max"].get<double>() > 0.5);
}

TEST_CASE("several patches apply at once", "[patch]") {
  nlohmann::json s = Run("rhel7.7", {{{"name", "changed-only"}}, {{"name", "ratelimit"}}});
  CHECK(Sent(s) == 300);
  CHECK(s["scans"]["count"].get<int>() <= 10);
  CHECK(s["patches"].size() == 2);
}

TEST_CASE("a bad patch is an input error naming its JSON path", "[patch]") {
  auto error = [](nlohmann::json patches) {
    try {
      ParseScenario(Storm("rhel7.7", std::move(patches)), "p.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error({{{"name", "ratelimt"}}}).find("p.json: /patches/0/name: unknown patch \"ratelimt\"") == 0);
  CHECK(error({{{"name", "ratelimit"}, {"burst", 0}}}).find("p.json: /patches/0/burst: expected") == 0);
  CHECK(error({{{"name", "ratelimit"}, {"bursts", 3}}}).find("p.json: /patches/0/bursts: unknown key") == 0);
  CHECK(error({{{"name", "changed-only"}}, {{"burst", 3}}}).find("p.json: /patches/1: expected an object with a \"name\"") == 0);
  CHECK(error({"ratelimit"}).find("p.json: /patches/0: expected an object") == 0);
}

TEST_CASE("every shipped patch is listed with a description", "[patch]") {
  std::vector<std::string> names;
  for (const auto& [name, description] : ListPatches()) {
    names.push_back(name);
    CHECK_FALSE(description.empty());
  }
  for (const char* n : {"ratelimit", "backoff", "changed-only", "dispatch-budget", "debounce", "signal-token-bucket",
                        "queue-limits"}) {
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
  }
}
