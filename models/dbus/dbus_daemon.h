// DbusDaemon: the system bus (dbus-daemon 1.10-1.14), relaying PID 1's signals to subscribers.
//
// One iteration of its main loop (dbus/dbus-mainloop.c _dbus_loop_iterate) handles every ready
// connection: it reads up to read_bytes_per_iteration bytes from each readable client socket
// (do_reading: 2,048 bytes per read, stopping once past 2,048), routes each complete message, and
// writes queued messages to each writable client socket until more than write_bytes_per_iteration
// bytes have gone out (do_writing). Routing a message costs
//   route_base + route_per_extra_recipient x (recipients - 1) + route_per_rule x rules scanned,
// where the rules scanned are those filed under the message's type and interface (bus/signals.c).
// Each routed copy is queued on the recipient and written at once if its socket has room
// (connection_execute_transaction).
//
// Limits, both 127 MiB by default (bus/config-parser.c):
//   - max_incoming_bytes: a message stays charged to its SENDER's incoming counter until every
//     recipient has written it out; while the counter is at the limit the daemon stops reading
//     that sender (back-pressure into its socket and its sd-bus write queue). Queue
//     "dbus.in.<sender>".
//   - max_outgoing_bytes: a recipient whose queued bytes are ABOVE the limit gets nothing more:
//     a broadcast signal is dropped for it alone ("Rejected: destination has a full message
//     queue"), the sender is not told; a method call gets the error LimitsExceeded back from the
//     bus; a reply is dropped. Queue "dbus.out.<recipient>".
#ifndef MOUNTSTORM_MODELS_DBUS_DBUS_DAEMON_H_
#define MOUNTSTORM_MODELS_DBUS_DBUS_DAEMON_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/dbus/bus_topology.h"
#include "models/kernel/kernel_socket.h"
#include "models/message/message.h"
#include "models/dbus/object_paths.h"
#include "models/dbus/relay.h"
#include "models/dbus/signal_routes.h"
#include "mountstorm/scenario.h"
#include "mountstorm/trace.h"
#include "sim/bounded_queue.h"
#include "sim/queue_gauge.h"
#include "sim/server.h"
#include "sim/step_clock.h"

namespace mountstorm {

class DbusDaemon : public Relay {
 public:
  // `paths` gives the object path of a unit, for rules that name one unit's path.
  DbusDaemon(Simulator* sim, CpuPool* cpus, const DbusDaemonParams& params,
             const MessageSizeParams& sizes, const BusTopology* topology, const ObjectPaths* paths);

  // Relay: the daemon's side of each connection; the routes also count the rules scanned.
  void AddConnection(std::uint16_t peer, KernelSocket* in, KernelSocket* out) override;
  void BuildRoutes() override;

  struct Connection {
    Connection(std::uint16_t peer, const std::string& name, KernelSocket* in, KernelSocket* out,
               const DbusDaemonParams& p);
    std::uint16_t peer;
    std::string name;
    KernelSocket* in;
    KernelSocket* out;
    std::vector<MatchRule> rules;
    QueueGauge incoming;  // live bytes received from this peer and not yet written everywhere
    struct Queued {
      Message message;
      std::uint32_t live;  // slot of the received message this is a copy of
    };
    BoundedQueue<Queued> outgoing;
    std::uint32_t read_offset = 0;  // bytes of in->front() already read into the daemon's buffer
    MemberCounts received{};        // read from this peer
    MemberCounts delivered{};       // written to this peer
    MemberCounts dropped{};         // rejected for this peer: its queue was full
  };
  const std::vector<std::unique_ptr<Connection>>& connections() const { return connections_; }
  // The relay's own bounded queues: each connection's incoming bytes and outgoing queue.
  std::vector<QueueGauge*> gauges() override;
  std::vector<RelayCounts> counts() const override;
  // The connection of `peer`, or null if it has none to the bus.
  Connection* connection(std::uint16_t peer) {
    if (peer >= connection_of_peer_.size() || connection_of_peer_[peer] < 0) return nullptr;
    return connections_[static_cast<std::size_t>(connection_of_peer_[peer])].get();
  }

  // Every message routed is offered to `tap` (a monitor), with the number of recipients it was
  // given to; its names are resolved only if the tap wants it.
  void AttachTap(MessageTap* tap) override { tap_ = tap; }
  bool lets_readers_fold() const override { return true; }

  std::uint64_t routed() const { return routed_; }
  std::uint64_t unrouted() const { return unrouted_; }  // messages nobody matched
  // Of routed(), those the train engine routed straight through in runs (ReadStraight()).
  std::uint64_t routed_straight() const { return routed_straight_; }

 protected:
  Duration Step(Time now) override;

 private:
  struct Live {
    std::uint32_t refs;
    std::uint32_t bytes;
    std::uint32_t sender;  // connection index, or kBusDriver
  };
  static constexpr std::uint32_t kBusDriver = 0xffffffffu;  // messages the bus itself sends
  static constexpr std::uint32_t kNoSlot = 0xffffffffu;
  // A message being routed: its sender (connection index or kBusDriver) and its slot in live_,
  // taken only once a copy has to wait in an outgoing queue (kNoSlot until then).
  struct LiveRef {
    std::uint32_t sender;
    std::uint32_t slot = kNoSlot;
  };

  // One iteration of the main loop at `now`: its cost, or kNoWork (then its wake is armed).
  Duration Iterate(Time now);
  // The train engine: the next iteration at once, in place, after one that cost `cost` and ends
  // at `done` (Server::StepOnInPlace()); where the window is open (kept_) and the iteration kept
  // it, the relay settles the reader itself (Server::StepOnInPlaceSettled(),
  // KernelSocket::SettleKeptUp()). False if the next iteration cannot run in place.
  bool StepOn(Duration cost, Time done);
  void ReadFrom(std::uint32_t c, StepClock& step);
  // The train engine: ReadFrom()'s messages while each goes straight through to one connection
  // (StraightTo()) and wakes nobody, handled as Dispatch() would, but for the gauge changes
  // (dbus.in, dbus.out and the sender's socket), which wait in straight_ until FlushStraight().
  // Returns the read budget left; ReadFrom() does the rest of the iteration from the first
  // message that does not go so.
  std::int64_t ReadStraight(std::uint32_t c, std::int64_t budget, StepClock& step);
  // The route of ReadStraight()'s messages: a message of the sender and member it was asked for
  // goes the same way for as long as its socket has room, until FlushStraight() (a route changes
  // only on the general paths of a read or a write-out, which flush first). It keeps what routing
  // one costs on the step's clock, the charges of the sizes written, and how many went: their
  // counts wait until the route changes or the run is flushed.
  struct StraightRoute {
    Connection* to = nullptr;
    Member member = Member::kError;
    std::uint16_t sender = 0;
    Duration cost = 0;
    ChargeCache charges;  // of the sizes written to the connection's socket
    bool charged_as_read = false;  // that socket charges as the sender's (KernelSocket::charges_as())
    std::uint64_t count = 0;
    bool Takes(const Message& m) const {
      return to != nullptr && m.member == member && m.sender == sender && m.destination == kBroadcast;
    }
  };
  // Asks the route of `m` (StraightTo()), the counts of the last one added: false if it does not
  // go straight.
  bool Reroute(const Message& m, const StepClock& step);
  // The received, delivered and routed counts of the messages that went by the route.
  void CountRoute();
  // Hands the gauges the changes waiting in straight_ (QueueGauge::RemoveRun() and the others,
  // FlushRun()) and forgets the route (its counts added): before anything else changes or looks
  // at those gauges or at the route, and before the step returns.
  void FlushStraight() {
    // Inline where there is nothing to flush: the general paths ask before every message.
    if (straight_.reads.n != 0 || straight_.route.to != nullptr || kept_ != nullptr) FlushStraightRun();
  }
  void FlushStraightRun();
  void FlushRun();
  // The window on the socket of the route's connection, for the copies ReadStraight() is about
  // to write (KernelSocket::OpenKeepUp()), if the relay has one dependent.
  void OpenKeepUp(KernelSocket& out, const StraightRoute& route);
  // ReadStraight()'s copies from `conn` into the open window of `out` while each would be taken
  // as its loop takes it (the route's, readable, within `*budget`, the first one's partial read
  // counted, room in the run and in the window, a read that wakes nobody: `quiet`, or the
  // sender's socket staying unwritable), charged alike in both sockets. Returns how many;
  // *budget, the read offset and `step` are moved on as the loop would.
  std::size_t CopyKeptUp(Connection& conn, KernelSocket& out, bool quiet, std::int64_t* budget, StepClock& step);
  // Closes the window, if open (before the step returns, and before anything else is written).
  void CloseKeepUp();
  // The connection a message goes straight to, without waiting in a queue, and the rules scanned
  // for it: a signal to everyone with one recipient, whose outgoing queue is empty and not at its
  // limit, and whose socket has room. Null if it does not (or a monitor or the tap wants it).
  Connection* StraightTo(const Message& m, std::uint32_t* rules_scanned) const;
  // What routing a message to `recipients` costs, `rules_scanned` rules scanned.
  Duration RouteCost(std::uint32_t rules_scanned, std::size_t recipients) const {
    return params_.route_base + params_.route_per_rule * static_cast<Duration>(rules_scanned) +
           (recipients > 1 ? params_.route_per_extra_recipient * static_cast<Duration>(recipients - 1) : 0);
  }
  void Dispatch(std::uint32_t from, const Message& m, StepClock& step);
  // The copy for connection `to` is refused: its outgoing queue is full (a method call's caller
  // gets an error back).
  void Reject(std::uint32_t from, std::uint32_t to, const Message& m, Time t);
  void WriteOut(std::uint32_t c, Time t);
  // The copy of `m` for connection `to`, at t.
  void Deliver(std::uint32_t to, const Message& m, LiveRef* live, Time t) {
    Connection& conn = *connections_[to];
    if (sim()->run_in_place() && conn.outgoing.empty() && conn.out->has_room()) {
      // The train engine: WriteOut() would take the copy straight back out of the empty queue
      // (its first message always goes) and drop the reference it took: the queue's gauge sees
      // it pass at t, and the message goes to the socket.
      conn.outgoing.gauge().Pass(t, m.bytes);
      conn.out->Write(t, m);
      ++conn.delivered[static_cast<int>(m.member)];
      return;
    }
    Enqueue(to, m, live, t);
  }
  // Deliver() through the outgoing queue: the copy holds a reference to the message until written.
  void Enqueue(std::uint32_t to, const Message& m, LiveRef* live, Time t);
  // The dispatcher's own reference is dropped: the message is freed unless a copy still waits.
  void Release(const LiveRef& live, std::uint32_t bytes, Time t);
  std::uint32_t AllocLive(std::uint32_t sender, std::uint32_t bytes);
  // Some message has a slot: a copy waits in an outgoing queue (or a message is being routed).
  bool CopiesWait() const { return live_.size() != free_live_.size(); }
  void ReleaseLive(std::uint32_t slot, Time t);
  // A message's last reference is gone: its bytes leave its sender's incoming counter.
  void Finalize(std::uint32_t sender, std::uint32_t bytes, Time t);

  DbusDaemonParams params_;
  const MessageSizeParams* sizes_;
  const BusTopology* topology_;
  const ObjectPaths* paths_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<std::int32_t> connection_of_peer_;  // peer id -> connection index or -1
  std::vector<std::uint32_t> monitors_;           // connections that get a copy of everything
  SignalRoutes routes_;
  std::vector<Live> live_;
  std::vector<std::uint32_t> free_live_;
  std::vector<std::uint32_t> scratch_recipients_;
  // Messages ReadStraight() has routed whose gauge changes wait (FlushStraight()): all from one
  // connection to one other, the i-th read at reads.times[i] and routed (written) at routed[i].
  struct StraightRun {
    static constexpr std::size_t kMax = UnchargedReads::kMax;
    Connection* from = nullptr;
    Connection* to = nullptr;
    UnchargedReads reads;  // of the sender's socket: reads.n messages in the run
    std::array<Time, kMax> routed;
    std::array<std::int64_t, kMax> bytes;
    StraightRoute route;
  };
  StraightRun straight_;
  KernelSocket* kept_ = nullptr;  // the socket whose window the relay opened (OpenKeepUp())
  std::uint64_t routed_ = 0;
  std::uint64_t unrouted_ = 0;
  std::uint64_t routed_straight_ = 0;
  MessageTap* tap_ = nullptr;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_DBUS_DBUS_DAEMON_H_
