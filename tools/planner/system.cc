// The verdict on the whole pipeline of one run (tools/planner/planner.h, "the system").
#include "planner/planner.h"

#include <algorithm>

#include "io/text_io.h"

namespace mountstorm {
namespace planner {

namespace {

std::string Plural(std::uint64_t n, const std::string& one, const std::string& many) {
  return WithCommas(n) + " " + (n == 1 ? one : many);
}

// What a queue's unit counts, for "refused N messages" / "refused N bytes' worth".
std::string QueueLoss(const QueueResult& q) {
  return q.name + " refused " + Plural(q.refused, "message", "messages");
}

void AddLogins(const LoginResult& l, SystemVerdict* v) {
  const std::uint64_t failed = l.failed_enobufs + l.failed_timeout + l.failed_limits_exceeded;
  if (failed == 0 && l.pending_at_end == 0) return;
  std::string what = WithCommas(failed + l.pending_at_end) + " of " + WithCommas(l.attempts) + " logins failed (";
  std::string parts;
  auto part = [&](std::uint64_t n, const char* name) {
    if (n > 0) parts += (parts.empty() ? "" : ", ") + WithCommas(n) + " " + name;
  };
  part(l.failed_enobufs, "ENOBUFS");
  part(l.failed_timeout, "timed out");
  part(l.failed_limits_exceeded, "LimitsExceeded");
  part(l.pending_at_end, "unfinished at the end of the run");
  v->problems.push_back(what + parts + ")");
  v->failed_logins = failed + l.pending_at_end;
}

}  // namespace

SystemVerdict JudgeSystem(const RunResult& r) {
  SystemVerdict v;
  std::vector<const QueueResult*> refusing;
  for (const QueueResult& q : r.queues) {
    if (q.refused > 0) refusing.push_back(&q);
  }
  // In the order they started refusing: the first is where the system broke first.
  std::stable_sort(refusing.begin(), refusing.end(), [](const QueueResult* a, const QueueResult* b) {
    return a->first_refusal.value_or(kNever) < b->first_refusal.value_or(kNever);
  });
  std::uint64_t refused_total = 0;
  for (const QueueResult* q : refusing) {
    v.problems.push_back(QueueLoss(*q));
    refused_total += q->refused;
  }
  if (!refusing.empty()) {
    v.first_refusing_queue = refusing.front()->name;
    if (refusing.front()->first_refusal) v.first_refusal_s = ToSeconds(*refusing.front()->first_refusal);
  }
  // Losses no queue counts (a relay's drop or a disconnect) are still losses.
  // A relay's drop is counted by the relay and by the recipient: count it at the relay only.
  std::uint64_t dropped = 0;
  for (const PeerMessages& p : r.messages) {
    dropped += p.dropped_enobufs;
    if (p.peer == r.relay.program) dropped += p.dropped_full_queue + p.dropped_disconnect;
  }
  if (dropped > refused_total) v.problems.push_back(Plural(dropped - refused_total, "more message", "more messages") + " lost");
  for (const DisconnectResult& d : r.relay.disconnects) {
    v.problems.push_back(r.relay.program + " disconnected " + d.peer + " at " + FormatFixed(ToSeconds(d.at), 3) + " s");
  }
  AddLogins(r.logins, &v);
  v.healthy = v.problems.empty();
  for (const ProcessResult& p : r.processes) {
    if (ToSeconds(p.busy) > v.busiest_cpu_s) {
      v.busiest_process = p.name;
      v.busiest_cpu_s = ToSeconds(p.busy);
    }
  }
  v.end_s = ToSeconds(r.end_time);
  return v;
}

std::string DescribeVerdict(const SystemVerdict& v) {
  if (v.healthy) return "nothing refused or lost anywhere and every login succeeded";
  std::string out;
  for (const std::string& p : v.problems) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace planner
}  // namespace mountstorm
