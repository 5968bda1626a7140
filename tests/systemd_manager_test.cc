// PID 1: priorities in its event loop, the unit D-Bus queue, lost updates under ENOBUFS, and
// writes before reads.
#include <catch2/catch.hpp>

#include "models/kernel/mount_table.h"
#include "models/systemd/systemd_manager.h"
#include "mountstorm/run.h"
#include "tests/test_support.h"

using namespace mountstorm;

namespace {

// A host with `nfs` NFS mounts and one /dev-backed root, and `mounts` new NFS mounts every
// `interval_ms` from t = 1 s.
nlohmann::json Host(int nfs, int mounts, double interval_ms) {
  return {
      {"name", "host"},
      {"mount_table",
       {{"entries", {{{"path", "/"}, {"source", "/dev/sda1"}, {"fstype", "xfs"}}}},
        {"generate", {{{"count", nfs}, {"path", "/old/{i}"}, {"source", "srv:/old/{i}"}, {"fstype", "nfs4"}}}}}},
      {"workload",
       {{{"kind", "interval"}, {"count", mounts}, {"start_s", 1.0}, {"interval_ms", interval_ms},
         {"mount", {{"path", "/new/{i}"}, {"source", "srv:/new/{i}"}, {"fstype", "nfs4"}}}}}},
  };
}

const nlohmann::json& Queue(const RunOutput& r, const char* name) { return r.summary["queues"][name]; }

}  // namespace

TEST_CASE("while scans keep coming, PID 1 does not drain its write queue", "[model][systemd]") {
  // Mounts every 2 ms and scans of 3 ms: the mountinfo source (priority -10) is always ready, so
  // bus I/O (priority 0) never runs until the storm is over. A 64 KiB socket fills at once.
  nlohmann::json doc = Host(200, 100, 2.0);
  doc["systemd"] = {{"scan_fixed_us", 3000}, {"socket_sndbuf_bytes", 65536}};
  RunOutput r = RunTest(ParseScenario(doc, "priority"));
  const nlohmann::json& wq = Queue(r, "systemd.wqueue");
  double last_mount = r.summary["workload"]["last_operation_s"];
  CHECK(wq["peak"].get<int>() > 10000);
  CHECK(wq["peak_time_s"].get<double>() > last_mount);  // it only grew while mounts arrived
  CHECK(wq["level_at_end"] == 0);
  CHECK(r.summary["messages"]["systemd"]["dropped"]["enobufs"] == 0);
}

TEST_CASE("v238's budget and threshold keep the write queue near 1024", "[model][systemd]") {
  nlohmann::json doc = Host(200, 100, 2.0);
  doc["systemd"] = {{"scan_fixed_us", 3000}, {"socket_sndbuf_bytes", 65536},
                    {"dbus_queue_budget", 100}, {"bus_busy_threshold", 1024}};
  RunOutput r = RunTest(ParseScenario(doc, "budget"));
  const nlohmann::json& wq = Queue(r, "systemd.wqueue");
  // A call starts only at <= 1024 queued and sends at most 100 units x 2 messages.
  CHECK(wq["peak"].get<int>() > 1024);
  CHECK(wq["peak"].get<int>() <= 1024 + 2 * 100);
  CHECK(r.summary["scans"]["dispatch_blocked"].get<int>() > 0);
}

TEST_CASE("ENOBUFS loses the rest of a unit's update and the unit leaves the queue", "[model][systemd]") {
  // One mount re-announces 10 NFS units and the sda1 device unit. The socket holds one message,
  // the write queue four, and dbus-daemon is too slow to free anything meanwhile.
  nlohmann::json doc = Host(10, 1, 1.0);
  doc["systemd"] = {{"socket_sndbuf_bytes", 2048}, {"wqueue_max", 4}};
  doc["dbus"] = {{"route_base_us", 1e6}};
  doc["run"] = {{"stop_at_s", 1.5}};
  RunOutput r = RunTest(ParseScenario(doc, "enobufs"));
  const nlohmann::json& sd = r.summary["messages"]["systemd"];
  // LIFO, newest first. The UnitNew (1,280 bytes of skb) and the next unit's first
  // PropertiesChanged go into the socket, which is then full; its second one fails with EAGAIN
  // and becomes wqueue[0]; the next unit's pair and one more message fill the write queue. The
  // second message of that unit fails, and so does the FIRST message of each of the 7 NFS units
  // and the device unit after it: a failed send ends the unit's update, the second is never tried.
  CHECK(sd["sent"] == 6);
  CHECK(sd["dropped"]["enobufs"] == 9);
  CHECK(r.summary["scans"]["units_announced"] == 12);
  CHECK(Queue(r, "systemd.wqueue")["enobufs_onset_s"].get<double>() >= 1.0);
}

namespace {

// Drives PID 1 by hand: its API bus socket and a message arriving for it.
struct Pid1 {
  Simulator sim;
  CpuPool cpus{&sim};
  StringTable strings;
  MountTable table{&strings};
  MessageSizeParams sizes;
  SystemdParams params;
  KernelSocket out{"out", 4 * 2304, sizes};
  KernelSocket in{"in", 212992, sizes};
  SdBusConnection bus{QueueId{QueueKind::kSdBusWrite, "systemd", ""}, 100, 100, &out, &in,
                      SdBusCosts{kMicrosecond, kMicrosecond, 0}};
  SystemdManager pid1{&sim, &cpus, params, sizes, 0};
  Pid1() {
    // As the wiring does (models/run/wiring.cc): PID 1 writes `out` and reads `in`.
    pid1.WatchMountTable(&table);
    pid1.AttachApiBus(&bus, true);
    out.set_writer(&pid1);
    in.set_reader(&pid1);
  }
};

}  // namespace

TEST_CASE("sd_bus_process writes before it reads", "[model][systemd]") {
  Pid1 p;
  Message signal;
  signal.bytes = 1104;
  StepClock step(0);
  for (int i = 0; i < 10; ++i) p.bus.Send(step, signal);  // 4 in the socket, 6 queued
  REQUIRE(p.bus.wqueue().size() == 6);
  // At 1 ms a method call arrives for PID 1 and dbus-daemon reads everything from its socket.
  Message call;
  call.bytes = 700;
  call.type = MessageType::kMethodCall;
  call.member = Member::kStartTransientUnit;
  p.in.Write(kMillisecond, call);
  for (int i = 0; i < 4; ++i) p.out.Read(kMillisecond);  // POLLOUT again
  p.sim.RunUntil(kMillisecond);
  // The first iteration writes (4 fit) and returns without reading.
  CHECK(p.bus.wqueue().size() == 2);
  CHECK(p.pid1.stats().messages_read == 0);
  // Once the socket is full again nothing is written, so the next iteration reads.
  p.sim.RunUntil(kSecond);
  CHECK(p.pid1.stats().messages_read == 1);
}
