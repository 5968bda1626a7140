// Simulation: the pipeline of one scenario, wired together and run.
//
// The wiring (models/run/wiring.cc) follows the message path and is the one place that says who
// is connected to whom: the mount table (with its initial entries) and the workload that changes
// it; PID 1 watching it; PID 1's sd-bus connections and sockets; the bus topology (Boost.Graph)
// and dbus-daemon routing by it; logind, the other subscribers and the login processes. It names
// the reader and the writer of every socket, and records the depth of every bounded queue the
// queue plan (models/run/queue_plan.h) lists, in the plan's order, into one DepthRecorder.
#ifndef MOUNTSTORM_MODELS_RUN_SIMULATION_H_
#define MOUNTSTORM_MODELS_RUN_SIMULATION_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/clients/login_client.h"
#include "models/clients/logind.h"
#include "models/clients/subscriber.h"
#include "models/dbus/bus_topology.h"
#include "models/dbus/dbus_broker.h"
#include "models/dbus/dbus_daemon.h"
#include "models/kernel/kernel_socket.h"
#include "models/kernel/mount_table.h"
#include "models/kernel/string_table.h"
#include "models/kernel/workload.h"
#include "models/systemd/sdbus_connection.h"
#include "models/systemd/systemd_manager.h"
#include "mountstorm/queues.h"
#include "mountstorm/run.h"
#include "mountstorm/scenario.h"
#include "mountstorm/trace.h"
#include "sim/delay_probe.h"
#include "sim/depth_recorder.h"
#include "sim/level_integral.h"
#include "sim/server.h"
#include "sim/simulator.h"

namespace mountstorm {

class Simulation {
 public:
  // `engine`: kTrains lets the processes run their own next events in place (sim/server.h).
  // `measures`: the station measures are kept (sim/level_integral.h, sim/delay_probe.h).
  explicit Simulation(const Scenario& scenario, Engine engine = Engine::kTrains, bool measures = false);
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Hands every message dbus-daemon routes to `tap`, with names and paths resolved. Call before
  // Run(); `tap` must outlive the run.
  void AttachTap(MessageTap* tap) { relay_->AttachTap(tap); }

  // Runs to quiescence or to the scenario's stop time. InputError if the run would take more
  // events or simulated time than `budget` allows (mountstorm/run.h).
  void Run(const RunBudget& budget = {});

  // The scenario as run: with the limits its patches set.
  const Scenario& scenario() const { return scenario_; }
  const Simulator& simulator() const { return sim_; }
  Engine engine() const { return engine_; }
  Time end_time() const { return end_time_; }
  bool stopped_at_limit() const { return stopped_at_limit_; }
  const MountTable& mount_table() const { return table_; }
  std::size_t initial_lines() const { return initial_lines_; }
  std::size_t initial_operations() const { return initial_operations_; }  // entries of the table's log made before the run
  const Workload& workload() const { return *workload_; }
  const std::vector<std::unique_ptr<MountingProcess>>& mounters() const { return mounters_; }
  // Time of the last operation of the workload, timed or made by a process.
  Time last_operation_time() const;
  const SystemdManager& systemd() const { return *systemd_; }
  const Relay& relay() const { return *relay_; }
  const std::vector<std::unique_ptr<Subscriber>>& clients() const { return clients_; }
  // logind, or null when the scenario disables it.
  const Logind* logind() const { return logind_; }
  const std::vector<std::unique_ptr<LoginClient>>& login_clients() const { return login_clients_; }
  const BusTopology& topology() const { return topology_; }
  // Every bounded queue, in the plan's (pipeline) order.
  const std::vector<const QueueGauge*>& gauges() const { return gauges_; }
  const DepthRecorder& recorder() const { return recorder_; }
  DepthRecorder& recorder() { return recorder_; }
  // Whether the station measures are kept; their window, and the delay of PID 1's signals to logind.
  bool measures() const { return measures_; }
  const StormWindow& storm_window() const { return window_; }
  const DelayProbe& pid1_to_logind() const { return pid1_to_logind_; }

 private:
  // wiring.cc: one function per stretch of the pipeline.
  void WireMountTable();
  void WirePid1();
  void WireClient(std::size_t i);
  void WireLogin(std::size_t i);
  void WireWorkload();
  void TrackPlannedQueues();
  void WireMeasures();
  KernelSocket* NewSocket(const QueueId& id, std::int64_t sndbuf, Server* writer, Server* reader);
  KernelSocket* NewRelaySocket(const std::string& peer, Server* writer, Server* reader);
  void PeerClosed(std::uint16_t peer, Time at);
  SdBusConnection* NewConnection(const QueueId& write_queue, std::int64_t wqueue_max, std::int64_t rqueue_max,
                                 KernelSocket* out, KernelSocket* in, const SdBusCosts& costs);
  void Register(QueueGauge* g);

  Scenario scenario_;
  Engine engine_;
  std::vector<std::unique_ptr<Pid1Policy>> patches_;
  Simulator sim_;
  StormWindow window_;
  DelayProbe pid1_to_logind_;
  CpuPool cpus_;
  DepthRecorder recorder_;
  StringTable strings_;
  MountTable table_;
  std::size_t initial_lines_ = 0;
  std::size_t initial_operations_ = 0;
  BusTopology topology_;
  std::vector<std::unique_ptr<KernelSocket>> sockets_;
  std::vector<std::unique_ptr<SdBusConnection>> connections_;
  std::unique_ptr<SystemdManager> systemd_;
  std::unique_ptr<Relay> relay_;
  std::vector<std::unique_ptr<Subscriber>> clients_;
  Logind* logind_ = nullptr;
  std::vector<std::unique_ptr<LoginClient>> login_clients_;
  std::unique_ptr<Workload> workload_;
  std::vector<std::unique_ptr<MountingProcess>> mounters_;
  std::map<std::string, QueueGauge*> built_;  // every gauge the wiring made, by name
  std::vector<QueueGauge*> tracked_;
  std::vector<const QueueGauge*> gauges_;
  Time end_time_ = 0;
  bool stopped_at_limit_ = false;
  bool measures_ = false;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_RUN_SIMULATION_H_
