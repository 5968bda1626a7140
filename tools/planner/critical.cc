// The smallest value of an integer axis at which a queue overflows, by bisection
// (tools/planner/planner.h, "critical").
#include "planner/planner.h"

#include "mountstorm/error.h"
#include "planner/planner_internal.h"

namespace mountstorm {
namespace planner {

namespace {

// A bisection over integers: `lo` does not overflow, `hi` does (or is not known yet).
class Search {
 public:
  Search(Runner& runner, const CriticalQuery& q, std::vector<Trial>* tried) : runner_(runner), q_(q), tried_(tried) {}

  Trial Eval(std::int64_t v) { return Record(v, runner_.Summary(With(q_.fixed, q_.axis, v))); }

  // Both values, run at once; recorded in the order given.
  std::pair<Trial, Trial> EvalPair(std::int64_t a, std::int64_t b) {
    std::vector<RunResult> s = runner_.Summaries({With(q_.fixed, q_.axis, a), With(q_.fixed, q_.axis, b)});
    Trial ta = Record(a, s[0]);
    return {ta, Record(b, s[1])};
  }

 private:
  Trial Record(std::int64_t v, const RunResult& summary) {
    tried_->push_back(MakeTrial(v, summary, q_.queue));
    return tried_->back();
  }
  Runner& runner_;
  const CriticalQuery& q_;
  std::vector<Trial>* tried_;
};

// The probes still worth trying above `lo`, ending with `to`.
std::vector<std::int64_t> UpperCandidates(const CriticalQuery& q, std::int64_t lo) {
  std::vector<std::int64_t> c;
  for (std::int64_t p : q.probes) {
    if (p > lo && p < q.to && (c.empty() || p > c.back())) c.push_back(p);
  }
  c.push_back(q.to);
  return c;
}

// What earlier runs already say, assuming monotonicity: *hi, the smallest value of [from, to]
// with an overflow, and *lo, the largest value below it without one (each unset if none is known).
void KnownBounds(const CriticalQuery& q, const std::vector<Trial>& known, std::optional<std::int64_t>* lo,
                 std::optional<std::int64_t>* hi) {
  for (const Trial& t : known) {
    if (t.value < q.from || t.value > q.to) continue;
    if (t.overflowed && (!*hi || t.value < **hi)) *hi = t.value;
  }
  for (const Trial& t : known) {
    if (t.value >= q.from && t.value <= q.to && !t.overflowed && (!*hi || t.value < **hi) && (!*lo || t.value > **lo)) {
      *lo = t.value;
    }
  }
}

}  // namespace

std::vector<std::int64_t> DefaultProbes(std::int64_t from, std::int64_t to, std::int64_t current) {
  std::vector<std::int64_t> probes;
  for (std::int64_t p : {current, 2 * current}) {
    if (p > from && p < to) probes.push_back(p);
  }
  return probes;
}

CriticalResult FindCritical(Runner& runner, const CriticalQuery& q, const std::vector<Trial>& known) {
  if (q.from >= q.to) throw InputError("--from must be below --to");
  CriticalResult r;
  Search search(runner, q, &r.tried);

  std::optional<std::int64_t> lo, hi;
  KnownBounds(q, known, &lo, &hi);
  if (hi && *hi == q.from) {
    r.outcome = CriticalResult::Outcome::kOverflowsAtFrom;
    return r;
  }

  // The lower end must not overflow; the first upper candidate is needed too unless `from`
  // overflows, so both run at once.
  std::vector<std::int64_t> upper = UpperCandidates(q, lo.value_or(q.from));
  std::size_t next_upper = 0;
  if (!lo) {
    Trial at_from;
    if (!hi) {
      auto [a, b] = search.EvalPair(q.from, upper[0]);
      at_from = a;
      if (b.overflowed) hi = b.value; else lo = b.value;
      next_upper = 1;
    } else {
      at_from = search.Eval(q.from);
    }
    if (at_from.overflowed) {
      r.outcome = CriticalResult::Outcome::kOverflowsAtFrom;
      return r;
    }
    if (!lo) lo = q.from;
  }
  // An upper end that overflows: the probes in order, then `to`.
  for (; !hi && next_upper < upper.size(); ++next_upper) {
    if (upper[next_upper] <= *lo) continue;
    Trial t = search.Eval(upper[next_upper]);
    if (t.overflowed) hi = t.value; else lo = t.value;
  }
  if (!hi) {
    r.outcome = CriticalResult::Outcome::kNoOverflow;
    return r;
  }
  while (*hi - *lo > 1) {
    const std::int64_t mid = *lo + (*hi - *lo) / 2;
    if (search.Eval(mid).overflowed) hi = mid; else lo = mid;
  }
  r.critical = *hi;
  r.largest_safe = *lo;
  return r;
}

}  // namespace planner
}  // namespace mountstorm
