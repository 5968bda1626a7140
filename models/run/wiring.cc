// The wiring of a Simulation: every component made, connected and watched here, in the order a
// message travels. The one place that names who writes and who reads each socket, and which
// gauges are recorded.
#include <algorithm>

#include "models/run/queue_plan.h"
#include "models/run/simulation.h"
#include "models/systemd/policies/patch_registry.h"
#include "mountstorm/error.h"

namespace mountstorm {

namespace {

// The scenario's patches of PID 1, made from their specs.
std::vector<std::unique_ptr<Pid1Policy>> MakePatches(const Scenario& s) {
  std::vector<std::unique_ptr<Pid1Policy>> patches;
  for (const PatchSpec& spec : s.patches) patches.push_back(MakePatch(spec, s.file));
  return patches;
}

std::vector<Pid1Policy*> Pointers(const std::vector<std::unique_ptr<Pid1Policy>>& patches) {
  std::vector<Pid1Policy*> out;
  for (const auto& p : patches) out.push_back(p.get());
  return out;
}

}  // namespace

Simulation::Simulation(const Scenario& scenario, Engine engine, bool measures)
    : engine_(engine),
      patches_(MakePatches(scenario)),
      window_(&sim_, StormWindowStart(scenario)),
      cpus_(&sim_, scenario.cpus, scenario.timeslice),
      recorder_(scenario.sample_interval),
      table_(&strings_),
      measures_(measures) {
  // The patches may set PID 1's parameters before anything is built.
  scenario_ = WithPatchParams(scenario, patches_);
  sim_.set_run_in_place(engine == Engine::kTrains);
  topology_ = BuildTopology(scenario_);
  WireMountTable();
  WirePid1();
  for (std::size_t i = 0; i < topology_.clients.size(); ++i) WireClient(i);
  for (std::size_t i = 0; i < scenario_.logins.size(); ++i) WireLogin(i);
  relay_->BuildRoutes();
  TrackPlannedQueues();
  WireWorkload();
  if (measures_) WireMeasures();
}

void Simulation::WireMeasures() {
  // The storm window (sim/level_integral.h): every planned queue and every process is measured
  // over it; it ends at the last operation of the workload or the last drain of a queue of
  // messages, whichever is later.
  for (QueueGauge* g : tracked_) g->MeasureIn(&window_);
  systemd_->MeasureIn(&window_);
  relay_->MeasureIn(&window_);
  for (auto& c : clients_) c->MeasureIn(&window_);
  for (auto& m : mounters_) {
    m->MeasureIn(&window_);
    m->ExtendOnOperations(&window_);
  }
  window_.Extend(workload_->last_operation_time());
  // PID 1's signals, from sd-bus taking them on any of its connections to logind reading them.
  if (logind_ == nullptr) return;
  for (SdBusConnection* bus : systemd_->buses()) bus->ProbeSentSignals(&pid1_to_logind_);
  logind_->bus()->ProbeReadSignals(&pid1_to_logind_, topology_.systemd);
}

void Simulation::WireMountTable() {
  // The kernel mount table as it is when the run starts.
  ForEachInitialMount(scenario_, [&](const MountSpec& m) { table_.Mount(0, m); });
  initial_lines_ = table_.lines();
  initial_operations_ = table_.log().size();
}

void Simulation::WirePid1() {
  const Scenario& s = scenario_;
  // PID 1 watches the table and already knows every unit of it.
  systemd_ = std::make_unique<SystemdManager>(&sim_, &cpus_, s.systemd, s.message_sizes, topology_.systemd,
                                              Pointers(patches_));
  systemd_->WatchMountTable(&table_);
  systemd_->AdoptInitialTable();
  if (s.relay == RelayKind::kDbusBroker) {
    relay_ = std::make_unique<DbusBroker>(&sim_, &cpus_, s.dbus_broker, s.message_sizes, &topology_, systemd_.get());
  } else {
    relay_ = std::make_unique<DbusDaemon>(&sim_, &cpus_, s.dbus, s.message_sizes, &topology_, systemd_.get());
  }

  // PID 1 <-> the relay: the API bus.
  KernelSocket* out = NewSocket({QueueKind::kSocket, "systemd", ""}, s.systemd.socket_sndbuf_bytes, systemd_.get(),
                                relay_.get());
  KernelSocket* in = NewRelaySocket("systemd", relay_.get(), systemd_.get());
  const SdBusCosts costs{s.systemd.sendmsg_cost, s.systemd.sendmsg_cost, s.systemd.wqueue_memmove_ns_per_entry};
  SdBusConnection* api = NewConnection({QueueKind::kSdBusWrite, "systemd", ""}, s.systemd.wqueue_max,
                                       s.systemd.rqueue_max, out, in, costs);
  systemd_->AttachApiBus(api, topology_.api_bus_subscribed);
  relay_->AddConnection(topology_.systemd, out, in);
  // A relay that closes a connection (dbus-broker) tells the peer's process, which reads EOF:
  // PID 1 connects again; logind is stopped and started again by PID 1.
  relay_->OnClose([this](std::uint16_t peer, Time at) { PeerClosed(peer, at); });
}

void Simulation::WireClient(std::size_t i) {
  const Scenario& s = scenario_;
  const ClientParams& c = topology_.clients[i];
  // The client's sockets: `out` it writes, `in` it reads, whose other end is PID 1 on a private
  // connection (/run/systemd/private) or else dbus-daemon. Their readers and writers are set
  // once the client exists, below.
  KernelSocket* out = NewSocket({QueueKind::kSocket, c.name, ""}, c.socket_sndbuf_bytes, nullptr, nullptr);
  KernelSocket* in = nullptr;
  Server* far_end = nullptr;
  if (c.private_connection) {
    in = NewSocket({QueueKind::kSocket, "systemd", c.name}, s.systemd.socket_sndbuf_bytes, systemd_.get(), nullptr);
    const SdBusCosts costs{s.systemd.sendmsg_cost, s.systemd.sendmsg_cost, s.systemd.wqueue_memmove_ns_per_entry};
    systemd_->AttachPrivateBus(NewConnection({QueueKind::kSdBusWrite, "systemd", c.name}, s.systemd.wqueue_max,
                                             s.systemd.rqueue_max, in, out, costs));
    far_end = systemd_.get();
  } else {
    in = NewRelaySocket(c.name, relay_.get(), nullptr);
    relay_->AddConnection(topology_.client_peers[i], out, in);
    far_end = relay_.get();
  }
  // The client's own sd-bus limits are those of the same systemd version.
  const SdBusCosts costs{c.recvmsg_cost, c.recvmsg_cost, s.systemd.wqueue_memmove_ns_per_entry};
  SdBusConnection* bus = NewConnection({QueueKind::kSdBusWrite, c.name, ""}, c.rqueue_max, c.rqueue_max, out, in, costs);
  if (static_cast<int>(i) == topology_.logind_client) {
    auto logind = std::make_unique<Logind>(&sim_, &cpus_, c, bus, s.message_sizes, topology_.client_peers[i],
                                           topology_.systemd);
    logind_ = logind.get();
    clients_.push_back(std::move(logind));
  } else {
    clients_.push_back(std::make_unique<Subscriber>(&sim_, &cpus_, c, bus));
  }
  out->set_writer(clients_.back().get());
  out->set_reader(far_end);
  in->set_reader(clients_.back().get());
  if (!c.private_connection && relay_->lets_readers_fold()) in->set_folding_reader(clients_.back().get());
}

void Simulation::WireLogin(std::size_t i) {
  // A process that logs users in (sshd, crond): a bus connection of its own, through dbus-daemon.
  const Scenario& s = scenario_;
  const LoginGenerator& g = s.logins[i];
  const std::uint16_t peer = topology_.login_peers[i];
  KernelSocket* out = NewSocket({QueueKind::kSocket, g.name, ""}, s.logind.socket_sndbuf_bytes, nullptr, relay_.get());
  KernelSocket* in = NewRelaySocket(g.name, relay_.get(), nullptr);
  relay_->AddConnection(peer, out, in);
  SdBusConnection* bus = NewConnection({QueueKind::kSdBusWrite, g.name, ""}, s.logind.rqueue_max, s.logind.rqueue_max,
                                       out, in, SdBusCosts{0, 0, 0});
  login_clients_.push_back(std::make_unique<LoginClient>(&sim_, &cpus_, g, bus, s.message_sizes, peer,
                                                         topology_.client_peers[topology_.logind_client]));
  out->set_writer(login_clients_.back().get());
  in->set_reader(login_clients_.back().get());
}

void Simulation::WireWorkload() {
  const Scenario& s = scenario_;
  workload_ = std::make_unique<Workload>(&sim_, &table_, ExpandWorkload(s.workload, s.seed));
  for (const WorkloadGenerator& g : s.workload) {
    if (g.kind == WorkloadGenerator::Kind::kSequence) {
      mounters_.push_back(std::make_unique<MountingProcess>(&sim_, &cpus_, &table_, g, s.seed));
    }
  }
}

void Simulation::TrackPlannedQueues() {
  // Every queue of the plan, in its order, records its depth; each must have been built above.
  for (QueueGauge* g : relay_->gauges()) Register(g);
  for (const QueueDescription& d : PlanQueues(scenario_, topology_)) {
    auto it = built_.find(d.name);
    Check(it != built_.end(), "a planned queue was not built");
    Check(it->second->limit() == d.limit, "a queue was built with another limit than planned");
    it->second->RecordInto(&recorder_);
    tracked_.push_back(it->second);
    gauges_.push_back(it->second);
  }
}

KernelSocket* Simulation::NewSocket(const QueueId& id, std::int64_t sndbuf, Server* writer, Server* reader) {
  sockets_.push_back(std::make_unique<KernelSocket>(QueueName(id), sndbuf, scenario_.message_sizes));
  KernelSocket* socket = sockets_.back().get();
  socket->set_writer(writer);
  socket->set_reader(reader);
  Register(&socket->gauge());
  return socket;
}

void Simulation::PeerClosed(std::uint16_t peer, Time at) {
  if (peer == topology_.systemd) {
    systemd_->ApiBusClosed(at);
    return;
  }
  if (logind_ == nullptr || topology_.logind_client < 0 ||
      peer != topology_.client_peers[static_cast<std::size_t>(topology_.logind_client)]) {
    return;
  }
  // PID 1 forgets logind's Subscribe() unless another bus client subscribed too.
  int subscribed = 0;
  for (const ClientParams& c : topology_.clients) subscribed += c.subscribe && !c.private_connection ? 1 : 0;
  const bool logind_alone = scenario_.logind.subscribe && subscribed == 1;
  if (logind_alone) systemd_->ApiSubscribers(at, false);
  logind_->Restart(at, [this, logind_alone](Time t) {
    if (logind_alone) systemd_->ApiSubscribers(t, true);
  });
}

KernelSocket* Simulation::NewRelaySocket(const std::string& peer, Server* writer, Server* reader) {
  // The relay's end of a connection: dbus-daemon's queues are "dbus.*", dbus-broker's "broker.*".
  const bool broker = scenario_.relay == RelayKind::kDbusBroker;
  return NewSocket({QueueKind::kSocket, broker ? "broker" : "dbus", peer},
                   broker ? scenario_.dbus_broker.socket_sndbuf_bytes : scenario_.dbus.socket_sndbuf_bytes, writer, reader);
}

SdBusConnection* Simulation::NewConnection(const QueueId& write_queue, std::int64_t wqueue_max,
                                           std::int64_t rqueue_max, KernelSocket* out, KernelSocket* in,
                                           const SdBusCosts& costs) {
  connections_.push_back(std::make_unique<SdBusConnection>(write_queue, wqueue_max, rqueue_max, out, in, costs));
  Register(&connections_.back()->wqueue().gauge());
  Register(&connections_.back()->rqueue().gauge());
  return connections_.back().get();
}

void Simulation::Register(QueueGauge* g) { built_.emplace(g->name(), g); }

}  // namespace mountstorm
