// Simulation: the pipeline of one scenario, wired together and run.
//
// Construction follows the message path: the mount table (with its initial entries) and the
// workload that changes it; PID 1 watching it; PID 1's sd-bus connections and sockets; the bus
// topology (Boost.Graph) and dbus-daemon routing by it; logind and the other subscribers reading
// their sockets. Every bounded queue records its depth curve into one DepthRecorder.
#ifndef MOUNTSTORM_MODELS_SIMULATION_H_
#define MOUNTSTORM_MODELS_SIMULATION_H_

#include <memory>
#include <string>
#include <vector>

#include "models/bus_topology.h"
#include "models/dbus_daemon.h"
#include "models/kernel_socket.h"
#include "models/login_client.h"
#include "models/logind.h"
#include "models/mount_table.h"
#include "models/sdbus_connection.h"
#include "models/string_table.h"
#include "models/subscriber.h"
#include "models/systemd_manager.h"
#include "models/workload.h"
#include "mountstorm/scenario.h"
#include "mountstorm/trace.h"
#include "sim/depth_recorder.h"
#include "sim/server.h"
#include "sim/simulator.h"

namespace mountstorm {

class Simulation {
 public:
  explicit Simulation(const Scenario& scenario);
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Hands every message dbus-daemon routes to `tap`, with names and paths resolved. Call before
  // Run(); `tap` must outlive the run.
  void AttachTap(MessageTap* tap);

  // Runs to quiescence or to the scenario's stop time.
  void Run();

  // events.csv: every mount operation, scan and login outcome, in time order.
  std::string EventsCsv() const;

  const Scenario& scenario() const { return scenario_; }
  const Simulator& simulator() const { return sim_; }
  Time end_time() const { return end_time_; }
  bool stopped_at_limit() const { return stopped_at_limit_; }
  const MountTable& mount_table() const { return table_; }
  std::size_t initial_lines() const { return initial_lines_; }
  const Workload& workload() const { return *workload_; }
  const std::vector<std::unique_ptr<MountingProcess>>& mounters() const { return mounters_; }
  // Time of the last operation of the workload, timed or made by a process.
  Time last_operation_time() const;
  const SystemdManager& systemd() const { return *systemd_; }
  const DbusDaemon& daemon() const { return *daemon_; }
  const std::vector<std::unique_ptr<Subscriber>>& clients() const { return clients_; }
  // logind, or null when the scenario disables it.
  const Logind* logind() const { return logind_; }
  const std::vector<std::unique_ptr<LoginClient>>& login_clients() const { return login_clients_; }
  const BusTopology& topology() const { return topology_; }
  // Every bounded queue, in pipeline order.
  const std::vector<const QueueGauge*>& gauges() const { return gauges_; }
  const DepthRecorder& recorder() const { return recorder_; }

  // The D-Bus object path of a unit of PID 1.
  std::string UnitPath(std::uint32_t unit) const;

 private:
  KernelSocket* NewSocket(const std::string& name, std::int64_t sndbuf);
  SdBusConnection* NewConnection(const std::string& prefix, std::int64_t wqueue_max,
                                 std::int64_t rqueue_max, KernelSocket* out, KernelSocket* in,
                                 const SdBusCosts& costs);
  void Track(QueueGauge* g);
  TracedMessage Resolve(Time t, const Message& m, int recipients) const;
  std::string PeerName(std::uint16_t peer, bool well_known) const;

  Scenario scenario_;
  std::vector<std::unique_ptr<Pid1Policy>> patches_;
  Simulator sim_;
  CpuPool cpus_;
  DepthRecorder recorder_;
  StringTable strings_;
  MountTable table_;
  std::size_t initial_lines_ = 0;
  std::size_t initial_operations_ = 0;  // entries of the table's log made before the run
  BusTopology topology_;
  std::vector<std::unique_ptr<KernelSocket>> sockets_;
  std::vector<std::unique_ptr<SdBusConnection>> connections_;
  std::unique_ptr<SystemdManager> systemd_;
  std::unique_ptr<DbusDaemon> daemon_;
  std::vector<std::unique_ptr<Subscriber>> clients_;
  Logind* logind_ = nullptr;
  std::vector<std::unique_ptr<LoginClient>> login_clients_;
  std::unique_ptr<Workload> workload_;
  std::vector<std::unique_ptr<MountingProcess>> mounters_;
  std::vector<QueueGauge*> tracked_;
  std::vector<const QueueGauge*> gauges_;
  Time end_time_ = 0;
  bool stopped_at_limit_ = false;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_SIMULATION_H_
