#include "models/simulation.h"

#include "models/csv_text.h"
#include "models/policies/patch_registry.h"
#include "models/unit_name.h"
#include "mountstorm/error.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <tuple>

namespace mountstorm {

Simulation::Simulation(const Scenario& scenario)
    : scenario_(scenario),
      cpus_(&sim_, scenario.cpus, scenario.timeslice),
      recorder_(scenario.sample_interval),
      table_(&strings_),
      topology_(BuildTopology(scenario)) {
  // The scenario's patches of PID 1; they may change its queue limits before anything is built.
  std::vector<Pid1Policy*> patches;
  for (const PatchSpec& spec : scenario_.patches) {
    patches_.push_back(MakePatch(spec, scenario_.file));
    patches.push_back(patches_.back().get());
  }
  QueueLimits limits{scenario_.systemd.wqueue_max, scenario_.systemd.rqueue_max,
                     scenario_.systemd.socket_sndbuf_bytes};
  for (Pid1Policy* p : patches) p->AdjustLimits(&limits);
  scenario_.systemd.wqueue_max = limits.wqueue_max;
  scenario_.systemd.rqueue_max = limits.rqueue_max;
  scenario_.systemd.socket_sndbuf_bytes = limits.socket_sndbuf_bytes;
  const Scenario& s = scenario_;

  // The kernel mount table as it is when the run starts.
  for (const MountSpec& m : s.initial_mounts) table_.Mount(0, m);
  initial_lines_ = table_.lines();
  initial_operations_ = table_.log().size();

  // PID 1, which already knows every unit of that table.
  systemd_ = std::make_unique<SystemdManager>(&sim_, &cpus_, s.systemd, s.message_sizes, &table_,
                                              topology_.systemd, patches);
  systemd_->AdoptInitialTable();
  const SdBusCosts systemd_costs{s.systemd.sendmsg_cost, s.systemd.sendmsg_cost,
                                 s.systemd.wqueue_memmove_ns_per_entry};

  daemon_ = std::make_unique<DbusDaemon>(&sim_, &cpus_, s.dbus, s.message_sizes, &topology_,
                                         [this](std::uint32_t unit) { return UnitPath(unit); });

  // PID 1 <-> dbus-daemon: the API bus.
  KernelSocket* systemd_out = NewSocket("systemd.socket", s.systemd.socket_sndbuf_bytes);
  KernelSocket* to_systemd = NewSocket("dbus.socket.systemd", s.dbus.socket_sndbuf_bytes);
  SdBusConnection* api = NewConnection("systemd", s.systemd.wqueue_max, s.systemd.rqueue_max,
                                       systemd_out, to_systemd, systemd_costs);
  systemd_->AttachApiBus(api, topology_.api_bus_subscribed);
  daemon_->AddConnection(topology_.systemd, systemd_out, to_systemd);

  // The clients, each on the bus or on a private connection to PID 1.
  struct ClientWiring {
    SdBusConnection* bus;         // the client's end
    SdBusConnection* pid1_side;   // PID 1's end of a private connection, else null
    KernelSocket* in;             // towards the client
    KernelSocket* out;            // from the client
  };
  std::vector<ClientWiring> wiring;
  for (std::size_t i = 0; i < topology_.clients.size(); ++i) {
    const ClientParams& c = topology_.clients[i];
    const SdBusCosts client_costs{c.recvmsg_cost, c.recvmsg_cost, s.systemd.wqueue_memmove_ns_per_entry};
    ClientWiring w{nullptr, nullptr, nullptr, NewSocket(c.name + ".socket", c.socket_sndbuf_bytes)};
    if (c.private_connection) {
      w.in = NewSocket("systemd.private." + c.name + ".socket", s.systemd.socket_sndbuf_bytes);
      w.pid1_side = NewConnection("systemd.private." + c.name, s.systemd.wqueue_max,
                                  s.systemd.rqueue_max, w.in, w.out, systemd_costs);
      systemd_->AttachPrivateBus(w.pid1_side);
    } else {
      w.in = NewSocket("dbus.socket." + c.name, s.dbus.socket_sndbuf_bytes);
      daemon_->AddConnection(topology_.client_peers[i], w.out, w.in);
    }
    // The client's own sd-bus limits are those of the same systemd version.
    w.bus = NewConnection(c.name, c.rqueue_max, c.rqueue_max, w.out, w.in, client_costs);
    if (static_cast<int>(i) == topology_.logind_client) {
      auto logind = std::make_unique<Logind>(&sim_, &cpus_, c, w.bus, s.message_sizes,
                                             topology_.client_peers[i], topology_.systemd);
      logind_ = logind.get();
      clients_.push_back(std::move(logind));
    } else {
      clients_.push_back(std::make_unique<Subscriber>(&sim_, &cpus_, c, w.bus));
    }
    wiring.push_back(w);
  }
  // The processes that log users in, each on its own bus connection.
  std::vector<SdBusConnection*> login_buses;
  for (std::size_t i = 0; i < s.logins.size(); ++i) {
    const LoginGenerator& g = s.logins[i];
    const std::uint16_t peer = topology_.login_peers[i];
    KernelSocket* out = NewSocket(g.name + ".socket", s.logind.socket_sndbuf_bytes);
    KernelSocket* in = NewSocket("dbus.socket." + g.name, s.dbus.socket_sndbuf_bytes);
    daemon_->AddConnection(peer, out, in);
    SdBusConnection* bus = NewConnection(g.name, s.logind.rqueue_max, s.logind.rqueue_max, out, in,
                                         SdBusCosts{0, 0, 0});
    login_clients_.push_back(std::make_unique<LoginClient>(&sim_, &cpus_, g, bus, s.message_sizes, peer,
                                                           topology_.client_peers[topology_.logind_client]));
    login_buses.push_back(bus);
  }
  daemon_->BuildRoutes();

  // Every bounded queue, in the order a message meets them.
  DbusDaemon::Connection* pid1_at_daemon = daemon_->connection(topology_.systemd);
  Track(&api->wqueue().gauge());
  Track(&systemd_out->gauge());
  Track(&pid1_at_daemon->incoming);
  for (std::size_t i = 0; i < wiring.size(); ++i) {
    const ClientWiring& w = wiring[i];
    if (w.pid1_side != nullptr) {
      Track(&w.pid1_side->wqueue().gauge());
    } else {
      Track(&daemon_->connection(topology_.client_peers[i])->outgoing.gauge());
    }
    Track(&w.in->gauge());
    Track(&w.bus->rqueue().gauge());
  }
  // The way back towards PID 1.
  for (std::size_t i = 0; i < wiring.size(); ++i) {
    const ClientWiring& w = wiring[i];
    Track(&w.bus->wqueue().gauge());
    Track(&w.out->gauge());
    if (w.pid1_side != nullptr) {
      Track(&w.pid1_side->rqueue().gauge());
    } else {
      Track(&daemon_->connection(topology_.client_peers[i])->incoming);
    }
  }
  Track(&pid1_at_daemon->outgoing.gauge());
  Track(&to_systemd->gauge());
  Track(&api->rqueue().gauge());
  for (std::size_t i = 0; i < login_buses.size(); ++i) {
    Track(&login_buses[i]->out()->gauge());
    Track(&daemon_->connection(topology_.login_peers[i])->outgoing.gauge());
    Track(&login_buses[i]->in()->gauge());
  }

  workload_ = std::make_unique<Workload>(&sim_, &table_, ExpandWorkload(s.workload, s.seed));
  for (const WorkloadGenerator& g : s.workload) {
    if (g.kind == WorkloadGenerator::Kind::kSequence) {
      mounters_.push_back(std::make_unique<MountingProcess>(&sim_, &cpus_, &table_, g, s.seed));
    }
  }
}

KernelSocket* Simulation::NewSocket(const std::string& name, std::int64_t sndbuf) {
  sockets_.push_back(std::make_unique<KernelSocket>(name, sndbuf, scenario_.message_sizes));
  return sockets_.back().get();
}

SdBusConnection* Simulation::NewConnection(const std::string& prefix, std::int64_t wqueue_max,
                                           std::int64_t rqueue_max, KernelSocket* out,
                                           KernelSocket* in, const SdBusCosts& costs) {
  connections_.push_back(std::make_unique<SdBusConnection>(prefix, wqueue_max, rqueue_max, out, in, costs));
  return connections_.back().get();
}

void Simulation::Track(QueueGauge* g) {
  g->RecordInto(&recorder_);
  tracked_.push_back(g);
  gauges_.push_back(g);
}

std::string Simulation::UnitPath(std::uint32_t unit) const {
  const SystemdManager::Unit& u = systemd_->units()[unit];
  if (u.kind == SystemdManager::UnitKind::kScope) {
    return UnitObjectPath("session-" + std::to_string(u.key) + ".scope");
  }
  const std::string& key = table_.strings().Get(u.key);
  bool mount = u.kind == SystemdManager::UnitKind::kMount;
  return UnitObjectPath(UnitNameFromPath(key, mount ? ".mount" : ".device"));
}

Time Simulation::last_operation_time() const {
  Time t = workload_->last_operation_time();
  for (const auto& m : mounters_) t = std::max(t, m->last_operation_time());
  return t;
}

void Simulation::Run() {
  workload_->Start();
  for (auto& m : mounters_) m->Start();
  for (auto& c : clients_) c->Start();
  for (auto& l : login_clients_) l->Start();
  sim_.RunUntil(scenario_.stop_at);
  stopped_at_limit_ = sim_.pending() > 0;
  end_time_ = stopped_at_limit_ ? scenario_.stop_at : sim_.now();
  for (QueueGauge* g : tracked_) g->Finish(end_time_);
  recorder_.Finish(end_time_);
}

std::string Simulation::PeerName(std::uint16_t peer, bool well_known) const {
  const PeerNode& p = topology_.graph[peer];
  if (p.role == PeerRole::kBusDaemon) return "org.freedesktop.DBus";
  if (well_known && !p.well_known_name.empty()) return p.well_known_name;
  return p.unique_name;
}

TracedMessage Simulation::Resolve(Time t, const Message& m, int recipients) const {
  TracedMessage out;
  out.time = t;
  out.bytes = m.bytes;
  out.recipients = recipients;
  out.sender = PeerName(m.sender, false);
  out.type = MessageTypeName(m.type);
  const bool reply = m.type == MessageType::kMethodReturn || m.type == MessageType::kError;
  if (m.destination != kBroadcast) out.destination = PeerName(m.destination, !reply);
  if (reply) {
    // A reply carries the call's cookie; its own is not modelled: number replies apart from calls.
    out.reply_serial = m.serial;
    out.serial = 0x40000000u | m.serial;
    if (m.type == MessageType::kError) {
      out.error_name = ErrorNameText(m.error);
      out.signature = "s";
    } else {
      out.signature = "o";
    }
    return out;
  }
  out.serial = m.serial;
  out.member = MemberName(m.member);
  out.interface = InterfaceName(InterfaceOf(m.member));
  switch (m.member) {
    case Member::kPropertiesChanged:
      out.path = UnitPath(m.object);
      out.signature = "sa{sv}as";
      break;
    case Member::kCreateSession:
      out.path = "/org/freedesktop/login1";
      out.signature = "uusssssussbssa(sv)";
      break;
    case Member::kNameOwnerChanged:
      out.path = "/org/freedesktop/DBus";
      out.signature = "sss";
      break;
    default:
      out.path = "/org/freedesktop/systemd1";
      out.signature = m.member == Member::kUnitNew || m.member == Member::kUnitRemoved ? "so"
                      : m.member == Member::kJobNew                                      ? "uos"
                      : m.member == Member::kJobRemoved                                  ? "uoss"
                      : m.member == Member::kStartTransientUnit                          ? "ssa(sv)a(sa(sv))"
                                                                                         : "";
      break;
  }
  return out;
}

void Simulation::AttachTap(MessageTap* tap) {
  daemon_->set_observer([this, tap](Time t, const Message& m, int recipients) {
    if (tap->Wants(t)) tap->Routed(Resolve(t, m, recipients));
  });
}

std::string Simulation::EventsCsv() const {
  // (time, order within the time, text): mounts, scans and login outcomes, sorted by time.
  std::vector<std::tuple<Time, int, std::string>> rows;
  const auto& log = table_.log();
  for (std::size_t i = initial_operations_; i < log.size(); ++i) {
    const MountTable::Operation& op = log[i];
    const char* kind = op.op == MountOp::kMount ? "mount" : op.op == MountOp::kUmount ? "umount" : "remount";
    rows.emplace_back(op.at, 0, std::string(kind) + (op.applied ? "" : "_failed") + "," + CsvField(table_.strings().Get(op.path)));
  }
  for (const SystemdManager::ScanRecord& scan : systemd_->scan_log()) {
    rows.emplace_back(scan.start, 1, "scan," + std::to_string(scan.lines) + " lines");
  }
  for (const auto& client : login_clients_) {
    for (const LoginClient::Attempt& a : client->attempts()) {
      rows.emplace_back(a.start, 2, "login_start," + CsvField(client->name()));
      if (a.end != kNever) rows.emplace_back(a.end, 3, std::string("login_") + OutcomeName(a.outcome) + "," + CsvField(client->name()));
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
    return std::get<0>(x) != std::get<0>(y) ? std::get<0>(x) < std::get<0>(y) : std::get<1>(x) < std::get<1>(y);
  });
  std::string out = "time_s,event,detail\n";
  for (const auto& [time, order, text] : rows) {
    out += FormatTime(time, 9);
    out += ',';
    out += text;
    out += '\n';
  }
  return out;
}

}  // namespace mountstorm
