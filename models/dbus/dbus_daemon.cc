#include "models/dbus/dbus_daemon.h"

#include <algorithm>
#include <array>
#include <utility>

#include "models/dbus/traced_message.h"
#include "mountstorm/queues.h"
#include "mountstorm/error.h"

namespace mountstorm {

DbusDaemon::Connection::Connection(std::uint16_t peer_id, const std::string& peer_name,
                                   KernelSocket* in_socket, KernelSocket* out_socket,
                                   const DbusDaemonParams& p)
    : peer(peer_id),
      name(peer_name),
      in(in_socket),
      out(out_socket),
      incoming(QueueName({QueueKind::kRelayIncoming, "dbus", peer_name}), QueueUnit::kBytes, p.max_incoming_bytes,
               LimitRule::kRefuseAtLimit),
      outgoing(QueueName({QueueKind::kRelayOutgoing, "dbus", peer_name}), QueueUnit::kBytes, p.max_outgoing_bytes,
               LimitRule::kRefuseAboveLimit) {}

DbusDaemon::DbusDaemon(Simulator* sim, CpuPool* cpus, const DbusDaemonParams& params,
                       const MessageSizeParams& sizes, const BusTopology* topology, const ObjectPaths* paths)
    : Relay(sim, cpus, "dbus-daemon"),
      params_(params),
      sizes_(&sizes),
      topology_(topology),
      paths_(paths) {}

void DbusDaemon::AddConnection(std::uint16_t peer, KernelSocket* in, KernelSocket* out) {
  const PeerNode& node = topology_->graph[peer];
  connections_.push_back(std::make_unique<Connection>(peer, node.name, in, out, params_));
  if (connection_of_peer_.size() <= peer) connection_of_peer_.resize(peer + 1, -1);
  connection_of_peer_[peer] = static_cast<std::int32_t>(connections_.size() - 1);
  if (topology_->IsMonitor(peer)) monitors_.push_back(static_cast<std::uint32_t>(connections_.size() - 1));
  // The match rules this peer registered are on its edge to the daemon.
  auto [e, found] = boost::edge(peer, topology_->daemon, topology_->graph);
  if (found) connections_.back()->rules = topology_->graph[e].rules;
}

std::vector<QueueGauge*> DbusDaemon::gauges() {
  std::vector<QueueGauge*> out;
  for (const auto& c : connections_) {
    out.push_back(&c->incoming);
    out.push_back(&c->outgoing.gauge());
  }
  return out;
}

std::vector<RelayCounts> DbusDaemon::counts() const {
  std::vector<RelayCounts> out;
  for (const auto& c : connections_) out.push_back({c->peer, c->name, c->received, c->delivered, c->dropped});
  return out;
}

void DbusDaemon::BuildRoutes() {
  std::vector<const std::vector<MatchRule>*> rules;
  for (const auto& c : connections_) rules.push_back(&c->rules);
  routes_.Build(*topology_, rules);
}

std::uint32_t DbusDaemon::AllocLive(std::uint32_t sender, std::uint32_t bytes) {
  // The first reference is the dispatcher's own, dropped when routing is done.
  if (free_live_.empty()) {
    live_.push_back(Live{1, bytes, sender});
    return static_cast<std::uint32_t>(live_.size() - 1);
  }
  std::uint32_t slot = free_live_.back();
  free_live_.pop_back();
  live_[slot] = Live{1, bytes, sender};
  return slot;
}

void DbusDaemon::ReleaseLive(std::uint32_t slot, Time t) {
  Live& l = live_[slot];
  Check(l.refs > 0, "release of a message nobody holds");
  if (--l.refs > 0) return;
  Finalize(l.sender, l.bytes, t);
  free_live_.push_back(slot);
}

void DbusDaemon::Finalize(std::uint32_t sender, std::uint32_t bytes, Time t) {
  // Every recipient has written it: it no longer counts against its sender.
  if (sender != kBusDriver) connections_[sender]->incoming.Remove(t, bytes);
}

Duration DbusDaemon::Step(Time now) {
  Duration cost = Iterate(now);
  // The train engine: the iterations that follow at once run in this call, while they would run
  // in place, with the folded readers settled before each (Server::StepOnInPlace()), or by the
  // relay itself where the window is open (StepOn()).
  while (cost != kNoWork && sim()->run_in_place()) {
    const Time done = step_start() + cost;
    if (!StepOn(cost, done)) break;
    cost = Iterate(done);
  }
  FlushStraight();
  return cost;
}

bool DbusDaemon::StepOn(Duration cost, Time done) {
  KernelSocket* kept = kept_;
  if (kept != nullptr && kept->keeping_up()) {
    if (kept->KeptUpUntil(done) && StepOnInPlaceSettled(cost, done)) {
      kept->SettleKeptUp(sim());
      return true;
    }
    kept->CloseKeepUp();
  }
  return StepOnInPlace(cost, done);
}

void DbusDaemon::OpenKeepUp(KernelSocket& out, const StraightRoute& route) {
  // A folded reader is a dependent of the relay (Subscriber::FoldOn()): the window's reader is
  // then the only one, whom StepOnInPlaceSettled() does not settle.
  if (!has_one_dependent() || out.keeping_up()) return;
  CloseKeepUp();
  if (out.OpenKeepUp(route.member, route.cost)) kept_ = &out;
}

void DbusDaemon::CloseKeepUp() {
  if (kept_ != nullptr && kept_->keeping_up()) kept_->CloseKeepUp();
  kept_ = nullptr;
}

Duration DbusDaemon::Iterate(Time now) {
  StepClock step(now);
  step.Spend(params_.iteration_cost);
  bool worked = false;
  // Read watches: a connection is read only while its sender is under max_incoming_bytes.
  for (std::uint32_t c = 0; c < connections_.size(); ++c) {
    Connection& conn = *connections_[c];
    if (conn.incoming.at_limit() || !conn.in->readable(step.now())) continue;
    worked = true;
    ReadFrom(c, step);
  }
  // Write watches: queued messages go out to every writable client socket (a queued copy holds
  // a message's slot, so none is queued while every slot is free).
  for (std::uint32_t c = 0; c < connections_.size() && CopiesWait(); ++c) {
    Connection& conn = *connections_[c];
    if (conn.outgoing.empty() || !conn.out->writable()) continue;
    worked = true;
    FlushStraight();
    WriteOut(c, step.now());
  }
  if (worked) return step.spent();
  // Idle: wake when the next message in flight towards the daemon lands.
  for (const auto& conn : connections_) {
    if (!conn->incoming.at_limit() && !conn->in->empty()) WakeAt(std::max(now, conn->in->next_ready()));
  }
  return kNoWork;
}

void DbusDaemon::ReadFrom(std::uint32_t c, StepClock& step) {
  Connection& conn = *connections_[c];
  std::int64_t budget = ReadStraight(c, params_.read_bytes_per_iteration, step);
  while (budget > 0 && !conn.incoming.at_limit() && conn.in->readable(step.now())) {
    std::int64_t remaining = static_cast<std::int64_t>(conn.in->front().bytes) - conn.read_offset;
    if (remaining > budget) {
      // Part of the message is in the daemon's buffer; the rest comes next iteration.
      conn.read_offset += static_cast<std::uint32_t>(budget);
      break;
    }
    FlushStraight();
    budget -= remaining;
    conn.read_offset = 0;
    Message m = conn.in->Read(step.now());
    Dispatch(c, m, step);
  }
}

DbusDaemon::Connection* DbusDaemon::StraightTo(const Message& m, std::uint32_t* rules_scanned) const {
  if (m.destination != kBroadcast || !monitors_.empty() || tap_ != nullptr) return nullptr;
  const std::vector<std::uint32_t>* all = routes_.RecipientsOfAll(m.sender, m.member, rules_scanned);
  if (all == nullptr || all->size() != 1) return nullptr;
  Connection* to = connections_[all->front()].get();
  if (!to->outgoing.empty() || to->outgoing.gauge().at_limit() || !to->out->has_room()) return nullptr;
  return to;
}

std::int64_t DbusDaemon::ReadStraight(std::uint32_t c, std::int64_t budget, StepClock& step) {
  // The sender's socket is read without waking it: writable, it stays so (its reads only lower
  // its level); not writable, each read is asked whether it stays so. Its incoming counter is
  // empty between messages.
  Connection& conn = *connections_[c];
  if (!sim()->run_in_place() || conn.incoming.level() != 0 || conn.incoming.at_limit()) return budget;
  StraightRun& run = straight_;
  if (run.from != &conn) FlushStraight();
  run.from = &conn;
  KernelSocket& in = *conn.in;
  const bool quiet = in.reads_quietly(run.reads);
  StraightRoute& route = run.route;
  Time now = step.now();
  bool first = true;  // the first copy of this call: the window opens before it, or not at all
  while (budget > 0 && in.readable(now)) {
    // The window open on the route's socket: the copies in a run, the first one's partial read
    // finished (CopyKeptUp()).
    if (route.charged_as_read && kept_ != nullptr && kept_ == route.to->out) {
      now += route.cost * static_cast<Duration>(CopyKeptUp(conn, *kept_, quiet, &budget, step));
      if (budget <= 0 || !in.readable(now)) break;  // else the next one as below: the run stopped there
    }
    const Message& front = in.front();
    const std::int64_t remaining = static_cast<std::int64_t>(front.bytes) - conn.read_offset;
    if (remaining > budget) break;
    if (!route.Takes(front) && !Reroute(front, step)) break;
    KernelSocket& out = *route.to->out;
    if (!out.has_room()) break;
    if (run.reads.full()) FlushRun();
    if (!quiet && !in.StaysUnwritable(run.reads)) break;  // this read wakes the sender: Read() does it
    budget -= remaining;
    conn.read_offset = 0;
    const std::size_t i = run.reads.n;
    const Message m = in.ReadUncharged(now, &run.reads);
    run.bytes[i] = m.bytes;
    step.SpendCost(route.cost);
    now += route.cost;
    run.routed[i] = now;
    if (first) {
      first = false;
      OpenKeepUp(out, route);
    }
    const std::int64_t charged = route.charged_as_read ? run.reads.charged[i] : out.ChargeOf(m.bytes, &route.charges);
    out.WriteChargedDeferring(now, m, charged);
    ++route.count;
  }
  return budget;
}

std::size_t DbusDaemon::CopyKeptUp(Connection& conn, KernelSocket& out, bool quiet, std::int64_t* budget,
                                   StepClock& step) {
  KernelSocket& in = *conn.in;
  StraightRun& run = straight_;
  StraightRoute& route = run.route;
  if (!out.keeping_up_with(route.member)) return 0;
  const std::size_t most = std::min(in.messages(), UnchargedReads::kMax - run.reads.n);
  const auto from = in.UnreadRun();
  const auto to = out.SpareRun(most);
  const Time start = step.now();
  const Duration cost = route.cost;
  const std::int64_t room = out.room();
  // The window's room for the copies; and, reads of a socket that is not writable, the room
  // for reads that leave it so (both are bounds on the charges so far, this copy's included).
  const std::int64_t window = quiet ? out.kept_up_room() : std::min(out.kept_up_room(), in.unwritable_reads(run.reads));
  if (window >= room) return 0;  // else a copy within the window's room finds room in the socket
  const Member member = route.member;
  const std::uint16_t sender = route.sender;
  const std::size_t j = run.reads.n;
  Time read = start;
  std::int64_t left = *budget;
  std::int64_t charges = 0;
  std::int64_t offset = conn.read_offset;  // of the first copy's message, read in an iteration before
  std::size_t n = 0;
  // Each copy as the loop takes it: readable when its read begins, within the budget, the
  // route's, room in the socket and in the window (the charges before it counted), room in the
  // run, a read that wakes nobody; then made as ReadUncharged() and WriteChargedDeferring() make it.
  auto copy = [&](const KernelSocket::Entry& e, KernelSocket::Entry& written) {
    const Message& m = e.message;
    if (e.ready > read || m.bytes - offset > left || m.member != member || m.sender != sender || m.destination != kBroadcast ||
        charges + e.charged > window) {
      return false;
    }
    left -= m.bytes - offset;
    offset = 0;
    charges += e.charged;
    run.reads.times[j + n] = read;
    run.reads.charged[j + n] = e.charged;
    run.bytes[j + n] = m.bytes;
    read += cost;
    run.routed[j + n] = read;
    written = e;
    written.ready = read;
    return true;
  };
  if (from.split >= most && to.split >= most) {  // neither ring's run goes past its array's end
    while (n < most && left > 0 && copy(from.head[n], to.head[n])) ++n;
  } else {
    while (n < most && left > 0 && copy(from[n], to[n])) ++n;
  }
  if (n == 0) return 0;
  conn.read_offset = 0;
  out.WriteDeferredRun(n, member, charges, start + cost, read);
  run.reads.n += n;
  run.reads.sum += charges;
  in.DropUncharged(n);
  step.SpendCost(static_cast<Duration>(n) * cost);
  route.count += n;
  *budget = left;
  return n;
}

bool DbusDaemon::Reroute(const Message& m, const StepClock& step) {
  StraightRun& run = straight_;
  CountRoute();
  CloseKeepUp();  // its copies were of the route that changes
  std::uint32_t rules_scanned = 0;
  Connection* to = StraightTo(m, &rules_scanned);
  if (to == nullptr) return false;
  if (run.to != to) FlushRun();
  run.to = to;
  StraightRoute& route = run.route;
  route = StraightRoute{};
  route.to = to;
  route.member = m.member;
  route.sender = m.sender;
  route.cost = step.Cost(RouteCost(rules_scanned, 1));
  route.charged_as_read = to->out->charges_as(*run.from->in);
  return true;
}

void DbusDaemon::CountRoute() {
  StraightRoute& route = straight_.route;
  if (route.count == 0) return;
  const int member = static_cast<int>(route.member);
  straight_.from->received[member] += route.count;
  route.to->delivered[member] += route.count;
  routed_ += route.count;
  routed_straight_ += route.count;
  route.count = 0;
}

void DbusDaemon::FlushStraightRun() {
  CloseKeepUp();
  FlushRun();
  CountRoute();
  straight_.route = StraightRoute{};
}

void DbusDaemon::FlushRun() {
  StraightRun& run = straight_;
  const std::size_t n = run.reads.n;
  if (n == 0) return;
  const std::span<const std::int64_t> bytes{run.bytes.data(), n};
  const RunAmounts amounts = RunAmounts::Of(bytes);
  run.from->incoming.PulseRun({run.reads.times.data(), n}, {run.routed.data(), n}, bytes, amounts);
  run.to->outgoing.gauge().PassRun({run.routed.data(), n}, bytes, amounts);
  run.from->in->ChargeReads(&run.reads);  // empties run.reads
}

void DbusDaemon::Dispatch(std::uint32_t from, const Message& m, StepClock& step) {
  Connection& sender = *connections_[from];
  ++sender.received[static_cast<int>(m.member)];
  LiveRef live{from};  // taken only if a copy waits in a queue
  sender.incoming.Add(step.now(), m.bytes);

  scratch_recipients_.clear();
  const std::vector<std::uint32_t>* recipients = &scratch_recipients_;
  std::uint32_t rules_scanned = 0;
  if (m.destination != kBroadcast) {
    if (m.destination < connection_of_peer_.size() && connection_of_peer_[m.destination] >= 0) {
      scratch_recipients_.push_back(static_cast<std::uint32_t>(connection_of_peer_[m.destination]));
    }
  } else if (const std::vector<std::uint32_t>* all =
                 monitors_.empty() ? routes_.RecipientsOfAll(m.sender, m.member, &rules_scanned) : nullptr) {
    recipients = all;  // the route's own list: no copy per message
  } else {
    rules_scanned = routes_.Recipients(m.sender, m.member, m.object, *paths_, &scratch_recipients_);
  }
  // bus_transaction_capture(): every monitor gets a copy too (then `recipients` is the scratch list).
  for (std::uint32_t mon : monitors_) {
    if (mon != from) scratch_recipients_.push_back(mon);
  }
  std::size_t n = recipients->size();
  step.Spend(RouteCost(rules_scanned, n));
  Time t = step.now();
  if (n == 0) ++unrouted_;
  ++routed_;

  int delivered = 0;
  for (std::uint32_t r : *recipients) {
    Connection& to = *connections_[r];
    // bus_context_check_security_policy(): outgoing_size > max_outgoing_bytes rejects.
    if (to.outgoing.gauge().at_limit()) {
      Reject(from, r, m, t);
      continue;
    }
    Deliver(r, m, &live, t);
    ++delivered;
  }
  if (tap_ != nullptr && tap_->Wants(t)) tap_->Routed(DescribeRouted(t, m, delivered, *topology_, *paths_));
  // Routing is done; a message routed nowhere (or dropped everywhere) is freed here.
  Release(live, m.bytes, t);
}

void DbusDaemon::Reject(std::uint32_t from, std::uint32_t to, const Message& m, Time t) {
  Connection& conn = *connections_[to];
  conn.outgoing.gauge().Refuse(t);
  ++conn.dropped[static_cast<int>(m.member)];
  if (m.type != MessageType::kMethodCall) return;
  // bus_dispatch(): the caller gets org.freedesktop.DBus.Error.LimitsExceeded.
  Message error = NewMessage(*sizes_, Member::kError, MessageType::kError, topology_->daemon, m.serial);
  error.error = ErrorName::kLimitsExceeded;
  error.destination = m.sender;
  LiveRef error_live{kBusDriver};
  Deliver(from, error, &error_live, t);
  Release(error_live, error.bytes, t);
}

void DbusDaemon::Release(const LiveRef& live, std::uint32_t bytes, Time t) {
  if (live.slot != kNoSlot) {
    ReleaseLive(live.slot, t);
  } else {
    Finalize(live.sender, bytes, t);  // no copy waits: the dispatcher's was the only reference
  }
}

void DbusDaemon::Enqueue(std::uint32_t to, const Message& m, LiveRef* live, Time t) {
  if (live->slot == kNoSlot) live->slot = AllocLive(live->sender, m.bytes);
  connections_[to]->outgoing.Push(t, Connection::Queued{m, live->slot}, m.bytes);
  ++live_[live->slot].refs;
  WriteOut(to, t);
}

void DbusDaemon::WriteOut(std::uint32_t c, Time t) {
  // do_writing(): whole messages while no more than write_bytes_per_iteration have gone out.
  Connection& conn = *connections_[c];
  std::int64_t total = 0;
  while (!conn.outgoing.empty() && total <= params_.write_bytes_per_iteration && conn.out->has_room()) {
    Connection::Queued q = conn.outgoing.Pop(t);
    conn.out->Write(t, q.message);
    ++conn.delivered[static_cast<int>(q.message.member)];
    total += q.message.bytes;
    ReleaseLive(q.live, t);
  }
}

}  // namespace mountstorm
