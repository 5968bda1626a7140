// dbus-broker as the relay (models/dbus/dbus_broker.h): no back-pressure, per-UID pools, and
// who is disconnected when a charge fails (docs/research/dbus-broker-model.md section 3), on the
// storm of dbus_daemon_test.cc with a pool scaled down to 4 MiB.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "mountstorm/run.h"
#include "tests/test_support.h"

using namespace mountstorm;

namespace {

// 300 NFS mounts, then 40 more every 50 ms: about 24,000 PropertiesChanged on rhel7.7.
nlohmann::json Storm() {
  return {
      {"name", "storm"},
      {"bus", {{"relay", "dbus-broker"}}},
      {"mount_table",
       {{"generate", {{{"count", 300}, {"path", "/old/{i}"}, {"source", "srv:/old/{i}"}, {"fstype", "nfs4"}}}}}},
      {"workload",
       {{{"kind", "interval"}, {"count", 40}, {"start_s", 1.0}, {"interval_ms", 50},
         {"mount", {{"path", "/new/{i}"}, {"source", "srv:/new/{i}"}, {"fstype", "nfs4"}}}}}},
  };
}

// Each UID's byte pool: max_outgoing_bytes x max_connections_per_user (launcher_parse_config()).
constexpr std::int64_t kPool = 65536 * 64;
const nlohmann::json kSmallPool = {{"max_outgoing_bytes", 65536}};

// A subscriber of everything PID 1 sends, as uid 1000, that reads nothing for 30 s.
nlohmann::json StalledAgent() {
  return {{"name", "agent"},
          {"uid", 1000},
          {"match_rules", {"type='signal',sender='org.freedesktop.systemd1'"}},
          {"busy", {{{"start_s", 0}, {"length_s", 30}}}}};
}

// When the relay last routed a signal from `sender` (a unique name).
class LastSignalOf : public MessageTap {
 public:
  explicit LastSignalOf(std::string sender) : sender_(std::move(sender)) {}
  bool Wants(Time) override { return true; }
  void Routed(const TracedMessage& m) override {
    if (m.type == "signal" && m.sender == sender_) last = m.time;
  }
  Time last = 0;

 private:
  std::string sender_;
};

}  // namespace

TEST_CASE("dbus-broker relays a storm without dropping and without slowing PID 1", "[model][broker]") {
  RunOutput r = RunTest(ParseScenario(Storm(), "broker"));
  const nlohmann::json& m = r.summary["messages"];
  CHECK(m["dbus-broker"]["dropped"]["full_queue"] == 0);
  CHECK(r.summary["relay"]["disconnects"].empty());
  CHECK(m["logind"]["received"] == m["systemd"]["by_member"]["PropertiesChanged"]["sent"]);
  // No incoming queue holds PID 1 back: there is none.
  CHECK_FALSE(r.summary["queues"].contains("broker.in.systemd"));
}

TEST_CASE("a stalled subscriber is disconnected once its uid's pool is spent and the others lose nothing",
          "[model][broker]") {
  nlohmann::json doc = Storm();
  doc["dbus_broker"] = kSmallPool;
  doc["subscribers"] = {StalledAgent()};
  RunOutput r = RunTest(ParseScenario(doc, "stalled"));
  const nlohmann::json& d = r.summary["relay"]["disconnects"];
  REQUIRE(d.size() == 1);
  CHECK(d[0]["peer"] == "agent");
  CHECK(d[0]["cause"] == "subscribed-signal");
  CHECK(d[0]["uid"] == 1000);
  // The copy that did not fit: 1,416 bytes of buffer and message headers plus a PropertiesChanged
  // of a Mount (600) or a Unit (884) and its 16-byte sender field, more than what was left.
  const std::int64_t amount = d[0]["amount"], remaining = d[0]["remaining"];
  CHECK((amount == 1416 + 600 + 16 || amount == 1416 + 884 + 16));
  CHECK(remaining < amount);
  // Everything queued before was charged on that pool, which then held all but `remaining`.
  CHECK(r.summary["queues"]["broker.uid.1000"]["peak"] == kPool - remaining);
  // The agent still gets what was queued, and nothing after.
  CHECK(r.summary["messages"]["agent"]["received"] == d[0]["messages"]);
  CHECK(r.summary["messages"]["agent"]["dropped"]["full_queue"].get<std::uint64_t>() > 0);
  // logind (root) and PID 1 are untouched: another pool.
  const nlohmann::json& m = r.summary["messages"];
  CHECK(m["logind"]["received"] == m["systemd"]["by_member"]["PropertiesChanged"]["sent"]);
  CHECK(m["systemd"]["dropped"]["enobufs"] == 0);
}

TEST_CASE("a stalled logind's queue spends root's pool and PID 1's own next message closes it", "[model][broker]") {
  // logind reads nothing for 30 s: its queue grows on root's 4 MiB pool, which PID 1 shares. The
  // first charge that does not fit is PID 1's own next message, 884 - 16 = 868 bytes while it is
  // read (peer_dispatch_connection(): the sender is closed at once). Which root peer a full pool
  // cuts first depends on the bytes in flight at that moment; the real runs differ from run to
  // run too (docs/VALIDATION.md section 8).
  nlohmann::json doc = Storm();
  doc["dbus_broker"] = kSmallPool;
  doc["logind"] = {{"busy", {{{"start_s", 0}, {"length_s", 30}}}}};
  LastSignalOf last_pid1_signal(":1.0");
  RunOutput r = RunTest(ParseScenario(doc, "root"), &last_pid1_signal);
  const nlohmann::json& d = r.summary["relay"]["disconnects"];
  REQUIRE(d.size() == 1);
  CHECK(d[0]["peer"] == "systemd");
  CHECK(d[0]["cause"] == "sender-input");
  CHECK(d[0]["uid"] == 0);
  CHECK(d[0]["amount"] == 884 - 16);
  CHECK(d[0]["remaining"].get<std::int64_t>() < 884 - 16);
  // PID 1 reads EOF and connects again (signal_disconnected(), manager_recheck_dbus()): what
  // sd-bus still held is lost, nothing is refused with ENOBUFS, and with nobody subscribed on
  // the new connection it sends no unit signal any more.
  const nlohmann::json& m = r.summary["messages"];
  CHECK(m["systemd"]["dropped"]["enobufs"] == 0);
  CHECK(m["dbus-broker"]["received"].get<std::uint64_t>() ==
        m["systemd"]["sent"].get<std::uint64_t>() - m["systemd"]["dropped"]["disconnect"].get<std::uint64_t>());
  CHECK(last_pid1_signal.last > 0);
  CHECK(last_pid1_signal.last <= FromSeconds(d[0]["at_s"].get<double>()));
}

TEST_CASE("on dbus-broker the incident's logins cut logind off instead of refusing PID 1's sends", "[model][broker]") {
  // incident-enobufs-broker.json: logind, stuck in a synchronous call, falls behind until its
  // queue has spent root's 512 MiB; its next copy is refused and logind is shut down. PID 1 is
  // never refused (dbus-daemon refuses 319,071 of its sends in the same storm).
  RunOutput r = RunTest(LoadScenarioFile(test::SourcePath("scenarios/incident-enobufs-broker.json")));
  const nlohmann::json& d = r.summary["relay"]["disconnects"];
  REQUIRE(d.size() >= 1);
  CHECK(d[0]["peer"] == "logind");
  CHECK(d[0]["cause"] == "subscribed-signal");
  CHECK(d[0]["remaining"].get<std::int64_t>() < d[0]["amount"].get<std::int64_t>());
  CHECK(r.summary["queues"]["broker.uid.0"]["peak"].get<std::int64_t>() > 512 * 1024 * 1024 - 3000);
  CHECK(r.summary["messages"]["systemd"]["dropped"]["enobufs"] == 0);
  CHECK(r.summary["messages"]["logind"]["dropped"]["full_queue"].get<std::uint64_t>() > 0);
  // logind still reads what was queued for it; once it has read everything it is gone from the
  // bus, PID 1 starts a new one, and the logins after that succeed again. Those in between,
  // whose calls were black-holed, time out.
  // Logins in start order (crond's, then sshd's): after the cut, some time out, then from the
  // first one that succeeds on, every one succeeds.
  std::vector<std::pair<double, std::string>> after_cut;
  for (const nlohmann::json& l : r.summary["logins"]["each"]) {
    if (l["start_s"].get<double>() > d[0]["at_s"].get<double>()) after_cut.emplace_back(l["start_s"], l["outcome"]);
  }
  std::sort(after_cut.begin(), after_cut.end());
  std::size_t first_ok = 0;
  while (first_ok < after_cut.size() && after_cut[first_ok].second != "succeeded") ++first_ok;
  REQUIRE(first_ok < after_cut.size());
  CHECK(first_ok > 0);
  for (std::size_t i = 0; i < first_ok; ++i) CHECK(after_cut[i].second == "timeout");
  for (std::size_t i = first_ok; i < after_cut.size(); ++i) CHECK(after_cut[i].second == "succeeded");
}

TEST_CASE("the broker writes at most 16 messages to a peer per round", "[model][broker]") {
  // A logind that reads everything at once never has more than 16 messages' charges written
  // between two rounds, so with a batch of 1 the broker needs a round per message: more rounds,
  // more iterations of its loop, more CPU.
  nlohmann::json doc = Storm();
  auto busy = [&](int batch) {
    doc["dbus_broker"] = {{"write_batch", batch}};
    return RunTest(ParseScenario(doc, "batch")).summary["processes"]["dbus-broker"]["busy_s"].get<double>();
  };
  CHECK(busy(1) > busy(16));
}

TEST_CASE("a hung subscriber makes dbus-daemon stop reading PID 1 but only gets itself thrown off dbus-broker",
          "[model][broker]") {
  // The shipped pair: the incident's storm with a root agent that subscribed to everything and
  // reads nothing (scenarios/stalled-subscriber.json, stalled-subscriber-broker.json).
  RunOutput daemon = RunTest(LoadScenarioFile(test::SourcePath("scenarios/stalled-subscriber.json")));
  RunOutput broker = RunTest(LoadScenarioFile(test::SourcePath("scenarios/stalled-subscriber-broker.json")));
  // dbus-daemon: each message stays charged to PID 1 until the agent's copy is written, so PID 1
  // is no longer read and its sends fail; nobody is disconnected.
  CHECK(daemon.summary["queues"]["dbus.in.systemd"]["time_at_limit_s"].get<double>() > 0);
  CHECK(daemon.summary["messages"]["systemd"]["dropped"]["enobufs"].get<std::uint64_t>() > 0);
  CHECK_FALSE(daemon.summary.contains("relay"));
  // dbus-broker: the agent alone is shut down; PID 1 is never refused, logind gets every signal.
  const nlohmann::json& d = broker.summary["relay"]["disconnects"];
  REQUIRE(d.size() == 1);
  CHECK(d[0]["peer"] == "agent");
  const nlohmann::json& m = broker.summary["messages"];
  CHECK(m["systemd"]["dropped"]["enobufs"] == 0);
  CHECK(m["logind"]["received"] == m["systemd"]["by_member"]["PropertiesChanged"]["sent"]);
  CHECK(m["agent"]["dropped"]["full_queue"].get<std::uint64_t>() + d[0]["messages"].get<std::uint64_t>() ==
        m["systemd"]["sent"].get<std::uint64_t>());
}
