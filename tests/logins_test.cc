// Logins: pam_systemd -> CreateSession -> logind -> StartTransientUnit (synchronous) -> PID 1 ->
// reply and JobRemoved -> logind -> pam_systemd. How they succeed, and the ways they fail.
#include <catch2/catch.hpp>

#include "models/clients/logind.h"
#include "mountstorm/run.h"
#include "tests/test_support.h"

using namespace mountstorm;

namespace {

// A host with 300 NFS mounts; `mounts` more arrive every 5 ms from t = 1 s; sshd logs in at 2 s.
nlohmann::json Host(int mounts) {
  return {
      {"name", "logins"},
      {"mount_table",
       {{"entries", {{{"path", "/"}, {"source", "/dev/sda1"}, {"fstype", "xfs"}}}},
        {"generate", {{{"count", 300}, {"path", "/old/{i}"}, {"source", "srv:/old/{i}"}, {"fstype", "nfs4"}}}}}},
      {"workload",
       {{{"kind", "interval"}, {"count", mounts}, {"start_s", 1.0}, {"interval_ms", 5},
         {"mount", {{"path", "/new/{i}"}, {"source", "srv:/new/{i}"}, {"fstype", "nfs4"}}}}}},
      {"logins", {{{"name", "sshd"}, {"at_s", {2.0}}}}},
  };
}

const nlohmann::json& Logins(const RunOutput& r) { return r.summary["logins"]; }

}  // namespace

TEST_CASE("on a quiet host a login succeeds once the scope's job is done", "[logins]") {
  RunOutput r = RunTest(ParseScenario(Host(0), "quiet"));
  const nlohmann::json& l = Logins(r);
  CHECK(l["attempts"] == 1);
  CHECK(l["succeeded"] == 1);
  double latency = l["latency_s"]["max"];
  CHECK(latency > 0.0005);  // logind 0.2 ms + PID 1 0.3 ms + the job 0.5 ms, and the bus
  CHECK(latency < 0.01);
  const nlohmann::json& m = r.summary["messages"]["systemd"]["by_member"];
  CHECK(m["MethodReturn"]["sent"] == 1);  // the reply to StartTransientUnit
  CHECK(m["JobNew"]["sent"] == 1);
  CHECK(m["JobRemoved"]["sent"] == 1);
  CHECK(r.summary["messages"]["logind"]["by_member"]["JobRemoved"]["received"] == 1);
}

TEST_CASE("a login fails with ENOBUFS when logind's read queue overflows during its call", "[logins]") {
  // PID 1 scans back to back during the storm and reads the call only after it; meanwhile logind,
  // in sd_bus_call, queues every signal: 5,000 fit.
  nlohmann::json doc = Host(400);
  doc["logind"] = {{"rqueue_max", 5000}};
  RunOutput r = RunTest(ParseScenario(doc, "rqueue"));
  CHECK(Logins(r)["failed"]["enobufs"] == 1);
  CHECK(Logins(r)["logind"]["scope_calls_enobufs"] == 1);
  CHECK(r.summary["queues"]["logind.rqueue"]["peak"] == 5000);
}

TEST_CASE("a login times out when PID 1 does not answer within 25 s", "[logins]") {
  // Scans that take 100 ms each keep PID 1 from its bus for the 30 s of the storm. With v245 a
  // scan sends only the device unit's pair, so logind's read queue does not overflow first.
  nlohmann::json doc = Host(6000);
  doc["profile"] = "v245";
  doc["systemd"] = {{"scan_fixed_us", 100000}};
  RunOutput r = RunTest(ParseScenario(doc, "timeout"));
  CHECK(Logins(r)["failed"]["timeout"] == 1);
  CHECK(Logins(r)["logind"]["scope_calls_timeout"] == 1);
  // logind's sd_bus_call gives up after 25 s and fails CreateSession; pam_systemd (v243+) would
  // have waited 2 min.
  double end = Logins(r)["each"][0]["end_s"];
  CHECK(end == Approx(2.0 + 25.0).margin(0.01));
}

TEST_CASE("dbus-daemon answers LimitsExceeded when logind's queue is full", "[logins]") {
  nlohmann::json doc = Host(400);
  doc["dbus"] = {{"max_outgoing_bytes", 100000}, {"max_incoming_bytes", 100000}};
  doc["logind"] = {{"busy", {{{"start_s", 1.0}, {"length_s", 5.0}}}}};
  RunOutput r = RunTest(ParseScenario(doc, "limits"));
  CHECK(Logins(r)["failed"]["limits_exceeded"] == 1);
  CHECK(r.summary["messages"]["sshd"]["received"] == 1);  // the error, from the bus itself
}

TEST_CASE("logind reads every member quietly while folded but a CreateSession call", "[logins]") {
  Simulator sim;
  CpuPool cpus(&sim);
  MessageSizeParams sizes;
  KernelSocket out{"out", 212992, sizes};
  KernelSocket in{"in", 212992, sizes};
  SdBusConnection bus{QueueId{QueueKind::kSdBusWrite, "logind", ""}, 10, 10, &out, &in, SdBusCosts{}};
  ClientParams params;
  params.name = "logind";
  Logind logind(&sim, &cpus, params, &bus, sizes, 1, 0);
  const std::uint64_t quiet = logind.QuietMembers();
  auto bit = [&](Member m) { return (quiet >> static_cast<int>(m)) & 1; };
  CHECK(bit(Member::kPropertiesChanged) == 1);
  CHECK(bit(Member::kUnitNew) == 1);
  CHECK(bit(Member::kJobRemoved) == 1);  // no session waits for its scope's job
  CHECK(bit(Member::kCreateSession) == 0);
}
