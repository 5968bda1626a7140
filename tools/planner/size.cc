// The smallest limit of a queue that refuses nothing, and what an entry of it costs in bytes
// (tools/planner/planner.h, "size").
#include "planner/planner.h"

#include <algorithm>

#include "mountstorm/error.h"
#include "mountstorm/queues.h"
#include "planner/planner_internal.h"

namespace mountstorm {
namespace planner {

namespace {

// Marshalled size of a member's messages. PropertiesChanged comes in pairs per announced unit
// (the type interface, then org.freedesktop.systemd1.Unit); in a storm almost every announced
// unit is a mount unit, so the pair's mean is taken.
double MemberBytes(const std::string& member, const MessageSizeParams& m) {
  if (member == "PropertiesChanged") return (m.properties_changed_mount + m.properties_changed_unit) / 2.0;
  if (member == "UnitNew") return m.unit_new;
  if (member == "UnitRemoved") return m.unit_removed;
  if (member == "JobNew") return m.job_new;
  if (member == "JobRemoved") return m.job_removed;
  if (member == "StartTransientUnit") return m.start_transient_unit;
  if (member == "CreateSession") return m.create_session;
  if (member == "MethodReturn") return m.method_return;
  if (member == "Error") return m.error;
  return (m.properties_changed_mount + m.properties_changed_unit) / 2.0;
}

}  // namespace

double MeanMessageBytes(const RunResult& r, const Scenario& s, const std::string& queue) {
  // The process whose sd-bus connection holds the queue, and which of its counts passes through
  // it: what it sent for a write queue, what it received for a read queue.
  const std::optional<QueueId> id = ParseQueueName(queue);
  const bool write = id && id->kind == QueueKind::kSdBusWrite;
  const PeerMessages* peer = id ? r.Messages(id->owner) : nullptr;
  double count = 0, bytes = 0;
  if (peer != nullptr) {
    for (const MemberCount& m : peer->by_member) {
      const double n = static_cast<double>(write ? m.sent : m.received);
      count += n;
      bytes += n * MemberBytes(m.member, s.message_sizes);
    }
  }
  return count > 0 ? bytes / count : MemberBytes("PropertiesChanged", s.message_sizes);
}

namespace {

// What the limit found costs in memory, and which queues sharing it still overflow there.
void DescribeLimit(Runner& runner, const std::string& queue, SizeResult* r) {
  const RunResult at_limit = runner.Summary({{r->param.path, r->limit}});
  if (r->unit == "messages") {
    r->mean_message_bytes = MeanMessageBytes(at_limit, runner.base().scenario, queue);
    r->bytes_per_entry = kSdBusMessageStructBytes + r->mean_message_bytes;
  } else {
    r->bytes_per_entry = 1;
  }
  for (const std::string& other : r->param.sharing) {
    if (Overflows(at_limit, other)) r->sharing_refused[other] = QueueOf(at_limit, other).refused;
  }
}

}  // namespace

SizeResult FindSize(Runner& runner, const std::string& queue, std::optional<std::int64_t> max) {
  const std::map<std::string, QueueInfo> inventory = QueueInventory(runner.base().scenario);
  SizeResult r;
  r.param = LimitFor(inventory, queue);
  r.unit = inventory.at(queue).unit;
  r.current = inventory.at(queue).limit;
  const std::int64_t top = max.value_or(r.param.maximum);
  if (top < r.param.minimum || top > r.param.maximum) {
    throw InputError("--max: " + r.param.path + " accepts " + std::to_string(r.param.minimum) + " to " +
                     std::to_string(r.param.maximum) + ", found " + std::to_string(top));
  }
  auto eval = [&](std::int64_t limit) {
    const RunResult summary = runner.Summary({{r.param.path, limit}});
    r.tried.push_back(MakeTrial(limit, summary, queue));
    return r.tried.back();
  };

  // With the limit out of reach the queue shows what it would hold: its unconstrained peak P.
  const Trial unconstrained = eval(top);
  r.unconstrained_peak = unconstrained.peak;
  if (unconstrained.overflowed) {
    r.outcome = SizeResult::Outcome::kRefusesAtMax;
    r.limit = top;
    return r;
  }
  // A limit of P cannot refuse (the run is the unconstrained one), but a queue that counts time
  // at its limit (dbus.in.*) needs more: try P, P + 1, 2P before falling back to `top`.
  std::int64_t hi = top, lo = r.param.minimum - 1;  // lo: overflows, or below every allowed value
  for (std::int64_t c : {unconstrained.peak, unconstrained.peak + 1, 2 * unconstrained.peak}) {
    c = std::max(c, r.param.minimum);
    if (c <= lo || c >= hi) continue;
    if (eval(c).overflowed) {
      lo = c;
    } else {
      hi = c;
      break;
    }
  }
  // For a queue of messages that is usually the answer itself: with one less, the run is the
  // unconstrained one until the push that made the peak, which it refuses. One run then settles
  // what bisection would take log2(P) runs to (20 for 600,000 messages); where it does not
  // overflow, bisection goes on below it. (A queue of bytes refuses by the level before a push,
  // which may lie a whole message below its peak: there bisection alone.)
  if (r.unit == "messages" && hi < top && hi - 1 > lo) {
    if (eval(hi - 1).overflowed) lo = hi - 1; else hi = hi - 1;
  }
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (eval(mid).overflowed) lo = mid; else hi = mid;
  }
  r.limit = hi;
  r.outcome = hi == r.param.minimum ? SizeResult::Outcome::kSafeAtMinimum : SizeResult::Outcome::kFound;
  DescribeLimit(runner, queue, &r);
  return r;
}

}  // namespace planner
}  // namespace mountstorm
