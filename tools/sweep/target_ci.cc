#include "sweep/target_ci.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <boost/math/distributions/students_t.hpp>

#include "mountstorm/error.h"

namespace mountstorm {

namespace {

// Seconds as summary.json writes them, or null.
nlohmann::json Secs(std::optional<Time> t) { return t ? nlohmann::json(ToSeconds(*t)) : nlohmann::json(nullptr); }

// A whole number from `text` (digits only) within [lo, hi], or nullopt.
std::optional<long long> Whole(const std::string& text, long long lo, long long hi) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const long long v = std::stoll(text);
  if (v < lo || v > hi) return std::nullopt;
  return v;
}

// The numeric values of each outcome over the runs, by outcome name.
std::map<std::string, std::vector<double>> NumericOutcomes(const std::vector<const RunResult*>& runs,
                                                           std::set<std::string>* names) {
  std::map<std::string, std::vector<double>> values;
  for (const RunResult* r : runs) {
    for (const auto& [name, v] : RunOutcomes(*r)) {
      names->insert(name);
      if (v.is_number()) values[name].push_back(v.get<double>());
    }
  }
  return values;
}

bool Narrow(const std::vector<double>& xs, double relative) {
  if (xs.empty()) return true;
  if (xs.size() < 2) return false;
  const Interval95 i = MeanInterval95(xs);
  return i.half <= relative * std::fabs(i.mean);
}

// Whether `name` can be a column of results.csv: one of the fixed outcomes, or a peer's or a
// queue's (which peers and queues a run has is known only once it ran).
bool OutcomeShape(const std::string& name) {
  for (const char* fixed : {"end_time_s", "scans.count", "scans.mean_new_mounts_per_scan", "logins.attempts",
                            "logins.succeeded", "logins.failed.enobufs", "logins.failed.timeout",
                            "logins.failed.limits_exceeded"}) {
    if (name == fixed) return true;
  }
  auto ends_with = [&](const char* s) {
    const std::string suffix = s;
    return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (name.rfind("messages.", 0) == 0) return ends_with(".sent") || ends_with(".received") || ends_with(".dropped");
  if (name.rfind("queues.", 0) == 0) return ends_with(".peak") || ends_with(".enobufs_onset_s") || ends_with(".refused");
  return false;
}

}  // namespace

std::vector<std::pair<std::string, nlohmann::json>> RunOutcomes(const RunResult& s) {
  std::vector<std::pair<std::string, nlohmann::json>> o;
  o.emplace_back("end_time_s", ToSeconds(s.end_time));
  o.emplace_back("scans.count", s.scans.count);
  o.emplace_back("scans.mean_new_mounts_per_scan", s.scans.mean_new_mounts_per_scan);
  for (const PeerMessages& m : s.messages) {
    o.emplace_back("messages." + m.peer + ".sent", m.sent);
    o.emplace_back("messages." + m.peer + ".received", m.received);
    o.emplace_back("messages." + m.peer + ".dropped", m.dropped());
  }
  for (const QueueResult& q : s.queues) {
    o.emplace_back("queues." + q.name + ".peak", q.peak);
    o.emplace_back("queues." + q.name + ".enobufs_onset_s", Secs(q.first_refusal));
    o.emplace_back("queues." + q.name + ".refused", q.refused);
  }
  const LoginResult& l = s.logins;
  o.emplace_back("logins.attempts", l.attempts);
  o.emplace_back("logins.succeeded", l.succeeded);
  o.emplace_back("logins.failed.enobufs", l.failed_enobufs);
  o.emplace_back("logins.failed.timeout", l.failed_timeout);
  o.emplace_back("logins.failed.limits_exceeded", l.failed_limits_exceeded);
  return o;
}

double StudentT95(std::size_t df) {
  const boost::math::students_t t(static_cast<double>(df));
  return boost::math::quantile(boost::math::complement(t, 0.025));
}

Interval95 MeanInterval95(const std::vector<double>& xs) {
  Interval95 out;
  for (double x : xs) out.mean += x;
  out.mean /= static_cast<double>(xs.size());
  double ss = 0;
  for (double x : xs) ss += (x - out.mean) * (x - out.mean);
  out.sd = std::sqrt(ss / static_cast<double>(xs.size() - 1));
  out.half = StudentT95(xs.size() - 1) * out.sd / std::sqrt(static_cast<double>(xs.size()));
  return out;
}

void SetTargetCi(SweepSpec* spec, const std::string& relative, const std::string& max_seeds,
                 const std::vector<std::string>& outcomes) {
  char* end = nullptr;
  const double rel = std::strtod(relative.c_str(), &end);
  if (relative.empty() || *end != '\0' || !(rel > 0) || !std::isfinite(rel)) {
    throw InputError("--target-ci: expected a number above 0 (0.05: a half-width of 5 % of the mean), found \"" +
                     relative + "\"");
  }
  const long long lo = std::max(2, spec->replications);
  const std::optional<long long> k = Whole(max_seeds, lo, 100000);
  if (!k) {
    throw InputError("--max-seeds: expected an integer from " + std::to_string(lo) +
                     " (at least 2, and the sweep's replications) to 100000, found \"" + max_seeds + "\"");
  }
  for (const std::string& o : outcomes) {
    if (!OutcomeShape(o)) {
      throw InputError("--ci-outcome: expected a column of results.csv (end_time_s, messages.PEER.sent|received|dropped, "
                       "queues.QUEUE.peak|enobufs_onset_s|refused, scans.count, logins.succeeded, ...), found \"" + o + "\"");
    }
  }
  spec->target_ci = TargetCi{rel, static_cast<int>(*k), outcomes};
}

bool CiMet(const std::vector<const RunResult*>& runs, const TargetCi& target) {
  std::set<std::string> names;
  const std::map<std::string, std::vector<double>> values = NumericOutcomes(runs, &names);
  for (const std::string& o : target.outcomes) {
    if (!names.count(o)) {
      throw InputError("--ci-outcome " + o + ": no run of the sweep has this outcome; expected a column of results.csv, e.g. " +
                       *names.begin() + " or messages.systemd.dropped");
    }
  }
  if (target.outcomes.empty()) {
    for (const auto& [name, xs] : values) {
      if (!Narrow(xs, target.relative)) return false;
    }
    return true;
  }
  for (const std::string& o : target.outcomes) {
    auto it = values.find(o);
    if (it != values.end() && !Narrow(it->second, target.relative)) return false;
  }
  return true;
}

std::optional<int> ReplicationsNeeded(const std::vector<const RunResult*>& runs, int first, const TargetCi& target) {
  const int have = static_cast<int>(runs.size());
  for (int n = std::max(first, 1); n <= have && n <= target.max_replications; ++n) {
    if (CiMet(std::vector<const RunResult*>(runs.begin(), runs.begin() + n), target)) return n;
  }
  if (have >= target.max_replications) return target.max_replications;
  return std::nullopt;
}

}  // namespace mountstorm
