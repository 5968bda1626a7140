// dbus-broker, one row of the full-destination table at a time (docs/research/dbus-broker-model.md
// section 3): the relay on its own, with sockets nobody reads, and pools of 3,840 bytes per UID
// (max_outgoing_bytes 60 x 64 connections) so that a hand-counted message or two fill them.
//
// The arithmetic every case starts from: a PropertiesChanged of a Unit is 884 bytes, 900 as the
// broker delivers it (its 16-byte sender field), charged 1,416 + 900 = 2,316 on its receiver's
// pool while queued; a socket of 2,048 bytes takes one such
// message (2,304 bytes as the kernel counts it: 884 + 320 of skb_shared_info rounded up to 2,048,
// plus 256; written because the socket was empty), so the second one stays queued and leaves
// 3,840 - 2,316 = 1,524 bytes of the receiver's pool.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "models/dbus/dbus_broker.h"
#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "tests/test_support.h"

using namespace mountstorm;

namespace {

class OnePath : public ObjectPaths {
 public:
  std::string UnitPath(std::uint32_t) const override { return "/org/freedesktop/systemd1/unit/m_2emount"; }
};

constexpr std::int64_t kSmallSocket = 2048;     // one message
constexpr std::int64_t kLargeSocket = 1 << 24;  // never full here

struct Bus {
  // PID 1 and logind (uid 0), and an agent (uid 1000) subscribed to everything PID 1 sends;
  // the relay's sockets towards logind and the agent of the sizes given.
  Bus(std::int64_t logind_socket, std::int64_t agent_socket) {
    nlohmann::json doc = {
        {"bus", {{"relay", "dbus-broker"}}},
        {"dbus_broker", {{"max_outgoing_bytes", 60}}},
        {"subscribers", {{{"name", "agent"}, {"uid", 1000}, {"match_rules", {"type='signal',sender='org.freedesktop.systemd1'"}}}}}};
    scenario = ParseScenario(doc, "rows");
    topology = BuildTopology(scenario);
    broker = std::make_unique<DbusBroker>(&sim, &cpus, scenario.dbus_broker, sizes, &topology, &paths);
    Connect(topology.systemd, kLargeSocket);
    Connect(logind(), logind_socket);
    Connect(agent(), agent_socket);
    broker->BuildRoutes();
  }
  std::uint16_t logind() const { return topology.client_peers[0]; }
  std::uint16_t agent() const { return topology.client_peers[1]; }

  void Connect(std::uint16_t peer, std::int64_t sndbuf) {
    if (to.size() <= peer) to.resize(peer + 1), from.resize(peer + 1);
    to[peer] = std::make_unique<KernelSocket>("to", kLargeSocket, sizes);
    from[peer] = std::make_unique<KernelSocket>("from", sndbuf, sizes);
    to[peer]->set_reader(broker.get());
    from[peer]->set_writer(broker.get());
    broker->AddConnection(peer, to[peer].get(), from[peer].get());
  }
  // `sender` writes `m` to the bus; the relay runs until it has nothing left to do.
  void Send(std::uint16_t sender, Message m, std::uint16_t destination = kBroadcast) {
    m.sender = sender;
    m.destination = destination;
    to[sender]->Write(sim.now(), m);
    sim.RunUntil(sim.now() + kSecond);
  }
  void UnitSignals(int n) {
    for (int i = 0; i < n; ++i) {
      Send(topology.systemd, NewMessage(sizes, Member::kPropertiesChanged, MessageType::kSignal, topology.systemd,
                                        static_cast<std::uint32_t>(i + 1), ChangedInterface::kUnit));
    }
  }
  // The messages in the relay's socket towards `peer`, read out.
  std::vector<Message> Received(std::uint16_t peer) {
    std::vector<Message> out;
    while (from[peer]->readable(sim.now())) out.push_back(from[peer]->Read(sim.now()));
    return out;
  }
  std::uint64_t Dropped(std::uint16_t peer, Member m) const {
    for (const RelayCounts& c : broker->counts()) {
      if (c.peer == peer) return c.dropped[static_cast<int>(m)];
    }
    return 0;
  }

  Simulator sim;
  CpuPool cpus{&sim};
  MessageSizeParams sizes;
  OnePath paths;
  Scenario scenario;
  BusTopology topology;
  std::unique_ptr<DbusBroker> broker;
  std::vector<std::unique_ptr<KernelSocket>> to, from;
};

}  // namespace

TEST_CASE("the pools are the configured limit times the connections per user", "[model][broker]") {
  Bus bus(kLargeSocket, kLargeSocket);
  CHECK(bus.broker->limits().bytes == 60 * 64);
  CHECK(bus.broker->UidOf(bus.agent()) == 1000);
  CHECK(bus.broker->UidOf(bus.logind()) == 0);
}

TEST_CASE("a broadcast its receiver cannot be charged for shuts the receiver down and not the others",
          "[model][broker]") {
  Bus bus(kLargeSocket, kSmallSocket);
  bus.UnitSignals(3);  // the agent: 1 in its socket, 1 queued (1,524 left), the 3rd asks 2,316
  REQUIRE(bus.broker->disconnects().size() == 1);
  const PeerDisconnect& d = bus.broker->disconnects()[0];
  CHECK(d.peer == bus.agent());
  CHECK(d.cause == DisconnectCause::kSubscribedSignal);
  CHECK(d.uid == 1000);
  CHECK(d.amount == 2316);
  CHECK(d.remaining == 1524);
  CHECK(d.delivered_before == 2);
  CHECK(bus.Received(bus.logind()).size() == 3);  // logind has a pool of its own
  // Shut down: what was queued still goes out, what comes later is dropped for it.
  bus.UnitSignals(1);
  CHECK(bus.Dropped(bus.agent(), Member::kPropertiesChanged) == 2);
  CHECK(bus.Received(bus.agent()).size() == 1);
  bus.sim.RunUntil(bus.sim.now() + kSecond);  // its socket has room again: the queued one
  CHECK(bus.Received(bus.agent()).size() == 1);
}

TEST_CASE("a method call the callee's user cannot be charged for gets LimitsExceeded back", "[model][broker]") {
  Bus bus(kSmallSocket, kLargeSocket);
  bus.UnitSignals(2);  // logind: 1 in its socket, 1 queued: 1,524 left of root's pool
  bus.Received(bus.agent());
  // The agent (uid 1000) calls logind (uid 0): charged on root's pool on the agent's behalf,
  // 1,416 + 560 + 16, over the share a second user may take of what is left (1,524 / 3).
  Message call = NewMessage(bus.sizes, Member::kCreateSession, MessageType::kMethodCall, bus.agent(), 77);
  bus.Send(bus.agent(), call, bus.logind());
  CHECK(bus.broker->disconnects().empty());
  CHECK(bus.Dropped(bus.logind(), Member::kCreateSession) == 1);
  const std::vector<Message> back = bus.Received(bus.agent());
  REQUIRE(back.size() == 1);
  CHECK(back[0].type == MessageType::kError);
  CHECK(back[0].error == ErrorName::kLimitsExceeded);
  CHECK(back[0].serial == 77);
}

TEST_CASE("a reply its caller cannot be charged for shuts the caller down", "[model][broker]") {
  Bus bus(kLargeSocket, kSmallSocket);
  bus.UnitSignals(2);  // the agent: 1,524 left
  Message reply = NewMessage(bus.sizes, Member::kMethodReturn, MessageType::kMethodReturn, bus.logind(), 5);
  bus.Send(bus.logind(), reply, bus.agent());  // 1,416 + 128 + 16 = 1,560
  REQUIRE(bus.broker->disconnects().size() == 1);
  CHECK(bus.broker->disconnects()[0].peer == bus.agent());
  CHECK(bus.broker->disconnects()[0].cause == DisconnectCause::kReply);
  CHECK(bus.broker->disconnects()[0].amount == 1560);
}

TEST_CASE("a unicast signal its receiver cannot be charged for is dropped without a word", "[model][broker]") {
  Bus bus(kLargeSocket, kSmallSocket);
  bus.UnitSignals(2);
  Message signal = NewMessage(bus.sizes, Member::kUnitNew, MessageType::kSignal, bus.topology.systemd, 9);
  bus.Send(bus.topology.systemd, signal, bus.agent());
  CHECK(bus.broker->disconnects().empty());
  CHECK(bus.Dropped(bus.agent(), Member::kUnitNew) == 1);
}

TEST_CASE("a caller that cannot even be charged for its LimitsExceeded is shut down", "[model][broker]") {
  Bus bus(kSmallSocket, kSmallSocket);
  bus.UnitSignals(2);  // logind and the agent: 1,524 left each
  Message call = NewMessage(bus.sizes, Member::kCreateSession, MessageType::kMethodCall, bus.agent(), 3);
  // The error comes from the bus itself, with no sender field stitched in: 1,416 + 224 = 1,640.
  bus.Send(bus.agent(), call, bus.logind());
  REQUIRE(bus.broker->disconnects().size() == 1);
  CHECK(bus.broker->disconnects()[0].peer == bus.agent());
  CHECK(bus.broker->disconnects()[0].cause == DisconnectCause::kDriverUnicast);
  CHECK(bus.broker->disconnects()[0].amount == 1640);
  CHECK(bus.broker->disconnects()[0].remaining == 1524);
}

TEST_CASE("the broker reads a sender's whole message even while every receiver is full", "[model][broker]") {
  // No back-pressure: PID 1 is read to the end although the agent's pool ran out long ago.
  Bus bus(kLargeSocket, kSmallSocket);
  bus.UnitSignals(20);
  CHECK(bus.to[bus.topology.systemd]->empty());
  CHECK(bus.Received(bus.logind()).size() == 20);
}

TEST_CASE("a monitor's copies draw on its user's pool: with busctl capture as root the hung agent takes more down",
          "[model][broker]") {
  // stalled-subscriber-broker.json alone cuts only the agent (dbus_broker_test.cc). A monitor
  // running as root gets a copy of every message first (driver_monitor()), charged on root's
  // pool too: more root peers are short when the agent's queue has pinned the pool.
  Scenario s = LoadScenarioFile(test::SourcePath("scenarios/stalled-subscriber-broker.json"));
  const RunResult alone = RunScenario(s);
  ClientParams capture;
  capture.name = "capture";
  capture.monitor = true;
  s.subscribers.push_back(capture);
  const RunResult with = RunScenario(s);
  REQUIRE(alone.relay.disconnects.size() == 1);
  CHECK(with.relay.disconnects.size() > alone.relay.disconnects.size());
  const PeerMessages* monitor = with.Messages("capture");
  REQUIRE(monitor != nullptr);
  CHECK(monitor->received > with.relay.disconnects[0].messages);  // a copy of everything
}

TEST_CASE("a monitor has no match rules of its own", "[model][broker]") {
  nlohmann::json doc = {{"subscribers", {{{"name", "capture"}, {"monitor", true}, {"match_rules", {"type='signal'"}}}}}};
  CHECK_THROWS_AS(ParseScenario(doc, "monitor"), InputError);
}
