// DbusBroker: the system bus as dbus-broker 33 relays it (docs/research/dbus-broker-model.md,
// read from bus1/dbus-broker at tag v33; docs/MODEL.md "dbus_broker.h").
//
// No back-pressure: the broker reads every readable peer in every round, whatever its receivers'
// queues hold (socket_dispatch_read(), src/dbus/socket.c). What bounds it is accounting: every
// message queued for a receiver is charged, 1,416 bytes plus its data (socket_buffer_new_message()),
// to the receiver's UID in a per-UID pool (src/util/user.c user_charge(); UserAccounting), and
// given back once written to the receiver's socket. A sender is charged only while its own message
// is being received (iqueue_set_target(), src/dbus/queue.c): at most max(16, n - 16) bytes.
// When a charge fails (section 3 of the research note):
//   - a broadcast signal: the receiver is shut down (what is queued still goes out; later
//     messages to it are dropped), the other receivers still get it, the sender is told nothing;
//   - a reply from a peer: the receiver (the caller) is shut down;
//   - a method call: the caller gets org.freedesktop.DBus.Error.LimitsExceeded, charged to the
//     caller itself (if that fails too, the caller is shut down);
//   - a unicast signal: dropped silently;
//   - the sender's own incoming message: the sender is closed at once (not read any more).
// The dispatch loop (dispatch_context_dispatch(), src/util/dispatch.c; peer_dispatch(),
// src/bus/peer.c): each round visits every peer once; a peer is read with one recvmsg() of up
// to 2,048 bytes less what its buffer holds (IQUEUE_RECV_MAX; a message whose rest is larger is
// read whole) and every complete message is routed at once; then up to 16 queued messages are
// written with one sendmmsg() (SOCKET_MMSG_MAX). A peer whose batch left messages behind is
// written again only once its socket became writable after the client read from it.
// Routing costs route_base + route_per_extra_recipient x (recipients - 1) (research/dbus.md 3.3).
//
// Queues (docs/OUTPUTS.md): "dbus.out.<peer>", the bytes charged for what is queued to each
// peer, and "dbus.uid.<uid>", each UID's byte pool in use, whose limit is the pool's size.
#ifndef MOUNTSTORM_MODELS_DBUS_DBUS_BROKER_H_
#define MOUNTSTORM_MODELS_DBUS_DBUS_BROKER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/dbus/broker/user_accounting.h"
#include "models/dbus/bus_topology.h"
#include "models/dbus/object_paths.h"
#include "models/dbus/relay.h"
#include "models/dbus/signal_routes.h"
#include "mountstorm/scenario.h"
#include "sim/bounded_queue.h"
#include "sim/queue_gauge.h"
#include "sim/step_clock.h"

namespace mountstorm {

// The per-UID maxima a broker started by dbus-broker-launch with these limits accounts with
// (broker::UserLimitsFromLauncher()): 512 MiB of bytes per user with Debian 12's configuration.
broker::UserLimits BrokerUserLimits(const DbusBrokerParams& params);

class DbusBroker : public Relay {
 public:
  DbusBroker(Simulator* sim, CpuPool* cpus, const DbusBrokerParams& params, const MessageSizeParams& sizes,
             const BusTopology* topology, const ObjectPaths* paths);

  void AddConnection(std::uint16_t peer, KernelSocket* in, KernelSocket* out) override;
  void BuildRoutes() override;
  std::vector<QueueGauge*> gauges() override;
  void AttachTap(MessageTap* tap) override { tap_ = tap; }
  bool lets_readers_fold() const override { return true; }
  std::vector<RelayCounts> counts() const override;

  // The pools the broker accounts with (UserLimitsFromLauncher() of the scenario's limits).
  const broker::UserLimits& limits() const { return accounting_.limits(); }
  // The uid a peer runs as: 0 for PID 1, logind and the login processes; a subscriber's own.
  std::uint32_t UidOf(std::uint16_t peer) const;

 protected:
  Duration Step(Time now) override;

 private:
  enum class State : std::uint8_t { kOpen, kShutdown, kClosed };
  struct Queued {
    Message message;
    broker::UserCharge charge;
  };
  struct Connection {
    std::uint16_t peer;
    std::string name;
    broker::UserId user;  // index into pools_
    KernelSocket* in;
    KernelSocket* out;
    std::vector<MatchRule> rules;
    BoundedQueue<Queued> outgoing;
    bool monitor = false;  // gets a copy of every message (ClientParams::monitor)
    State state = State::kOpen;
    std::uint32_t read_offset = 0;  // bytes of in->front() already in the broker's buffer
    bool wait_for_read = false;     // a batch left messages: EPOLLOUT cleared until the client reads
    std::uint64_t reads_seen = 0;   // the client's reads when that happened
    std::uint32_t closed_epoch = 0; // the input socket's epoch when it was closed
    std::uint64_t written = 0;      // messages written to the peer on this connection
    RelayCounts counts;
  };
  struct Pool {
    std::uint32_t uid;
    QueueGauge gauge;  // bytes in use
  };

  void ReadFrom(std::uint32_t c, StepClock& step);
  void Dispatch(std::uint32_t from, const Message& m, StepClock& step);
  void Queue(std::uint32_t from, std::uint32_t to, const Message& m, Time t);
  void QueueError(std::uint32_t to, const Message& call, Time t);
  bool Charge(std::uint32_t to, std::uint32_t actor, std::uint32_t bytes, Time t, broker::UserCharge* charge,
              broker::ChargeResult* failure);
  void WriteOut(std::uint32_t c, Time t);
  bool CanWrite(const Connection& c) const;
  void Disconnect(std::uint32_t c, DisconnectCause cause, const broker::ChargeResult& failure, Time t);
  void Close(std::uint32_t c, Time t);
  void Reopen(std::uint32_t c, Time t);
  broker::UserId UserFor(std::uint32_t uid);

  DbusBrokerParams params_;
  const MessageSizeParams* sizes_;
  const BusTopology* topology_;
  const ObjectPaths* paths_;
  broker::UserAccounting accounting_;
  std::vector<std::unique_ptr<Pool>> pools_;  // one per UID seen, in order
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<std::int32_t> connection_of_peer_;  // peer id -> connection index or -1
  std::vector<std::uint32_t> monitors_;           // connections that get a copy of everything
  SignalRoutes routes_;
  std::vector<std::uint32_t> scratch_recipients_;
  MessageTap* tap_ = nullptr;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_DBUS_DBUS_BROKER_H_
