// Relay: the system bus between PID 1 and its clients, whichever program runs it: dbus-daemon
// (models/dbus/dbus_daemon.h) or dbus-broker (models/dbus/dbus_broker.h), chosen by the scenario's
// /bus/relay. The wiring (models/run/wiring.cc) sees only this interface: it gives the relay
// both sockets of every bus connection, asks it for its routes and its queues, and the results
// read what each connection received, was given and lost, and who was disconnected.
#ifndef MOUNTSTORM_MODELS_DBUS_RELAY_H_
#define MOUNTSTORM_MODELS_DBUS_RELAY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/kernel/kernel_socket.h"
#include "models/message/message.h"
#include "mountstorm/trace.h"
#include "sim/queue_gauge.h"
#include "sim/server.h"

namespace mountstorm {

// What the relay did for one bus connection: read from the peer, wrote to it, and dropped for
// it (dbus-daemon: its queue was full; dbus-broker: it had been disconnected).
struct RelayCounts {
  std::uint16_t peer = 0;
  std::string name;
  MemberCounts received{};
  MemberCounts delivered{};
  MemberCounts dropped{};
};

// Why a relay disconnected a peer (dbus-broker only; research/dbus-broker-model.md section 3).
enum class DisconnectCause : std::uint8_t {
  kSubscribedSignal,  // a signal it subscribed to could not be charged to its user
  kReply,             // a reply it requested could not be charged
  kDriverUnicast,     // a message of the bus driver to it (NameOwnerChanged, an error) could not
  kSenderInput,       // its own incoming message could not be charged: closed at once
  kMonitorCopy,       // a monitor's copy of a message could not be charged
};
const char* DisconnectCauseName(DisconnectCause c);  // "subscribed-signal", "reply", ...

// One disconnect, with the failed charge as the relay logs it (the DBUS_BROKER_USER_CHARGE_*
// fields of the journal).
struct PeerDisconnect {
  Time at = 0;
  std::uint16_t peer = 0;
  DisconnectCause cause = DisconnectCause::kSubscribedSignal;
  std::uint32_t uid = 0;             // the user charged
  const char* slot = "bytes";        // "bytes", "fds", "matches", "objects"
  std::uint64_t amount = 0;          // what the charge asked for
  std::uint64_t remaining = 0;       // what the user had left
  std::uint64_t consumed = 0;        // what the user had in use
  std::uint32_t n_actors = 0;        // users sharing the pool at that moment
  // The messages the peer gets in all: those written to it before, and those still queued for
  // it then, which go out before the relay shuts its end.
  std::uint64_t delivered_before = 0;
};

class Relay : public Server {
 public:
  Relay(Simulator* sim, CpuPool* cpus, std::string name) : Server(sim, cpus, std::move(name)) {}

  // The relay's side of the connection of `peer`: `in` is written by the peer, `out` by the
  // relay (the wiring makes the relay their reader and writer). Call for every bus connection,
  // then BuildRoutes().
  virtual void AddConnection(std::uint16_t peer, KernelSocket* in, KernelSocket* out) = 0;
  // Precomputes, per (sender, member), the recipients.
  virtual void BuildRoutes() = 0;
  // The relay's own queues, each with its limit, in a fixed order.
  virtual std::vector<QueueGauge*> gauges() = 0;
  // Every message routed is offered to `tap` (a monitor), with its number of recipients.
  virtual void AttachTap(MessageTap* tap) = 0;
  // It writes to its clients, and looks at what they have read, only inside its steps, so a
  // client may fold its reads (models/clients/folded_reads.h).
  virtual bool lets_readers_fold() const = 0;

  // What each connection received, was given and lost, in the order they were added.
  virtual std::vector<RelayCounts> counts() const = 0;
  // Who was disconnected, in order; always empty for dbus-daemon, which never disconnects.
  const std::vector<PeerDisconnect>& disconnects() const { return disconnects_; }
  // Told when the relay closes a peer's connection (the peer reads EOF at once); the wiring
  // passes it on to the peer's process. A peer that reconnects resets its sockets
  // (KernelSocket::Reset), which the relay takes for a new connection.
  void OnClose(std::function<void(std::uint16_t peer, Time at)> f) { on_close_ = std::move(f); }

 protected:
  std::vector<PeerDisconnect> disconnects_;
  std::function<void(std::uint16_t, Time)> on_close_;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_DBUS_RELAY_H_
