// dbus-daemon: back-pressure onto the sender versus dropping for a recipient, and the cost of
// routing by recipients and rules. The two regimes are the ones measured in
// docs/research/dbus.md section 2.4 with scaled-down limits.
#include <catch2/catch.hpp>

#include "mountstorm/run.h"
#include "tests/test_support.h"

using namespace mountstorm;

namespace {

// 300 NFS mounts, then 40 more every 50 ms: about 24,000 PropertiesChanged.
nlohmann::json Storm() {
  return {
      {"name", "storm"},
      {"mount_table",
       {{"generate", {{{"count", 300}, {"path", "/old/{i}"}, {"source", "srv:/old/{i}"}, {"fstype", "nfs4"}}}}}},
      {"workload",
       {{{"kind", "interval"}, {"count", 40}, {"start_s", 1.0}, {"interval_ms", 50},
         {"mount", {{"path", "/new/{i}"}, {"source", "srv:/new/{i}"}, {"fstype", "nfs4"}}}}}},
  };
}

const std::int64_t kMiB = 1 << 20;

}  // namespace

TEST_CASE("a stalled logind with equal limits blocks systemd and loses nothing", "[model][dbus]") {
  nlohmann::json doc = Storm();
  doc["dbus"] = {{"max_incoming_bytes", 4 * kMiB}, {"max_outgoing_bytes", 4 * kMiB}};
  doc["logind"] = {{"busy", {{{"start_s", 0}, {"length_s", 30}}}}};
  RunOutput r = RunTest(ParseScenario(doc, "backpressure"));
  const nlohmann::json& q = r.summary["queues"];
  // A message stays charged to systemd until logind's copy is written out, so systemd's
  // incoming limit is reached first and the daemon stops reading it.
  CHECK(r.summary["messages"]["dbus-daemon"]["dropped"]["full_queue"] == 0);
  CHECK(q["dbus.in.systemd"]["time_at_limit_s"].get<double>() > 1.0);
  CHECK(q["dbus.out.logind"]["peak"].get<std::int64_t>() >= 4 * kMiB);
  CHECK(q["dbus.out.logind"]["peak"].get<std::int64_t>() <= 4 * kMiB + 884);
  CHECK(q["systemd.socket"]["peak"].get<std::int64_t>() >= 16 * kMiB);  // PID 1's socket filled
  // When logind wakes up it gets every PropertiesChanged systemd sent.
  CHECK(r.summary["messages"]["logind"]["received"] ==
        r.summary["messages"]["systemd"]["by_member"]["PropertiesChanged"]["sent"]);
}

TEST_CASE("with a smaller outgoing limit the daemon drops for logind instead", "[model][dbus]") {
  nlohmann::json doc = Storm();
  doc["dbus"] = {{"max_incoming_bytes", 8 * kMiB}, {"max_outgoing_bytes", 4 * kMiB}};
  doc["logind"] = {{"busy", {{{"start_s", 0}, {"length_s", 30}}}}};
  RunOutput r = RunTest(ParseScenario(doc, "drops"));
  const nlohmann::json& m = r.summary["messages"];
  std::uint64_t dropped = m["dbus-daemon"]["dropped"]["full_queue"];
  CHECK(dropped > 1000);
  CHECK(m["logind"]["dropped"]["full_queue"] == dropped);
  // Rejected messages are freed at once, so systemd is never throttled.
  CHECK(r.summary["queues"]["dbus.in.systemd"]["time_at_limit_s"] == 0.0);
  CHECK(m["logind"]["received"].get<std::uint64_t>() + dropped ==
        m["systemd"]["by_member"]["PropertiesChanged"]["sent"].get<std::uint64_t>());
}

TEST_CASE("routing costs more per rule scanned and per extra recipient", "[model][dbus]") {
  nlohmann::json base = Storm();
  base["dbus"] = {{"iteration_us", 0}};
  auto busy = [](const nlohmann::json& doc) {
    RunOutput r = RunTest(ParseScenario(doc, "routing"));
    return std::make_pair(r.summary["processes"]["dbus-daemon"]["busy_s"].get<double>(),
                          r.summary["messages"]["dbus-daemon"]["received"].get<std::uint64_t>());
  };
  auto [base_busy, messages] = busy(base);

  SECTION("1,000 rules that match nothing but sit in a scanned bucket") {
    nlohmann::json doc = base;
    nlohmann::json rules = nlohmann::json::array();
    for (int k = 0; k < 1000; ++k) rules.push_back("type='signal',member='Nothing" + std::to_string(k) + "'");
    doc["subscribers"] = {{{"name", "agent"}, {"match_rules", rules}}};
    auto [more, n] = busy(doc);
    REQUIRE(n == messages);
    CHECK(more - base_busy == Approx(static_cast<double>(messages) * 1000 * 55e-9).epsilon(1e-6));
  }
  SECTION("a second recipient of every PropertiesChanged") {
    nlohmann::json doc = base;
    doc["subscribers"] = {{{"name", "agent"},
                           {"match_rules", {"type='signal',interface='org.freedesktop.DBus.Properties'"}}}};
    RunOutput r = RunTest(ParseScenario(doc, "routing"));
    std::uint64_t pc = r.summary["messages"]["systemd"]["by_member"]["PropertiesChanged"]["sent"];
    CHECK(r.summary["messages"]["agent"]["received"] == pc);
    double busy_s = r.summary["processes"]["dbus-daemon"]["busy_s"];
    // +5.5 us per PropertiesChanged for the extra recipient, and +55 ns for scanning the rule,
    // which is filed under org.freedesktop.DBus.Properties and so scanned for those messages only.
    CHECK(busy_s - base_busy == Approx(static_cast<double>(pc) * (5.5e-6 + 55e-9)).epsilon(1e-6));
  }
}
