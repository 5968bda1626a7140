#include "cli/planner_text.h"

#include <cstdio>

#include "io/text_io.h"
#include "mountstorm/error.h"
#include "mountstorm/queues.h"

namespace mountstorm {

using planner::Base;

std::string Num(std::int64_t v) { return v < 0 ? "-" + WithCommas(static_cast<std::uint64_t>(-v)) : WithCommas(static_cast<std::uint64_t>(v)); }
// "[1, 4,000]": a closed range of an axis.
std::string Interval(std::int64_t from, std::int64_t to) { return '[' + Num(from) + ", " + Num(to) + ']'; }

// 1.5 KiB, 936.4 MiB, 2.1 GiB
std::string Memory(double bytes) {
  if (bytes < 1024.0 * 1024.0) return FormatFixed(bytes / 1024.0, 1) + " KiB";
  if (bytes < 1024.0 * 1024.0 * 1024.0) return FormatFixed(bytes / (1024.0 * 1024.0), 1) + " MiB";
  return FormatFixed(bytes / (1024.0 * 1024.0 * 1024.0), 1) + " GiB";
}

std::string Seconds(double s) { return FormatSeconds(s); }

std::string Title(const std::string& what, const Base& b) {
  return what + " " + b.scenario.name + " (profile " + b.scenario.profile + ", seed " + std::to_string(b.scenario.seed) + ")";
}

nlohmann::json OptionalSeconds(const std::optional<double>& t) { return t ? nlohmann::json(*t) : nlohmann::json(); }

std::string OverflowMeaning(const std::string& queue) {
  if (queue == planner::kSystem) {
    return "overflow: the system is not healthy (a queue refused something, a message was lost, the relay "
           "disconnected a peer, or a login failed)";
  }
  const std::optional<QueueId> id = ParseQueueName(queue);
  return id && BlocksAtLimit(id->kind)
             ? queue + " blocks its sender instead of refusing: overflow here means time at its limit > 0"
             : "overflow: " + queue + " refused something (\"refused\" > 0)";
}

nlohmann::json TrialsJson(const std::vector<planner::Trial>& tried) {
  nlohmann::json out = nlohmann::json::array();
  for (const planner::Trial& t : tried) {
    out.push_back({{"value", t.value}, {"overflowed", t.overflowed}, {"refused", t.refused},
                   {"time_at_limit_s", t.time_at_limit_s}, {"peak", t.peak}});
  }
  return out;
}

const char* OutcomeName(planner::CriticalResult::Outcome o) {
  switch (o) {
    case planner::CriticalResult::Outcome::kFound: return "found";
    case planner::CriticalResult::Outcome::kNoOverflow: return "no_overflow";
    case planner::CriticalResult::Outcome::kOverflowsAtFrom: return "overflows_at_from";
  }
  return "";
}

void PrintTrials(const std::vector<planner::Trial>& tried, const std::string& value_title) {
  std::printf("%14s %9s %12s %10s %14s\n", value_title.c_str(), "overflow", "refused", "at limit", "peak");
  for (const planner::Trial& t : tried) {
    std::printf("%14s %9s %12s %10s %14s\n", Num(t.value).c_str(), t.overflowed ? "yes" : "no", WithCommas(t.refused).c_str(),
                Seconds(t.time_at_limit_s).c_str(), Num(t.peak).c_str());
  }
}

std::int64_t IntegerAxisValue(const Base& b, const std::string& axis, const std::string& flag) {
  std::optional<nlohmann::json> v = planner::CurrentValue(b, axis);
  if (!v) throw InputError(flag + ": " + axis + " has no value in the scenario and no default: give --from and --to");
  if (!v->is_number_integer()) {
    throw InputError(flag + ": " + axis + " holds " + v->dump() + ", not an integer; the search needs an integer axis");
  }
  return v->get<std::int64_t>();
}

void CheckAxisFlag(const std::string& axis) {
  if (axis.empty() || axis[0] != '/') {
    throw InputError("--axis " + axis + ": expected a JSON path into the scenario such as /workload/0/count, found \"" +
                     axis + "\"");
  }
}

}  // namespace mountstorm
