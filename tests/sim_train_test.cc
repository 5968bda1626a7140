// Trains (sim/train.h): a QueueGauge and its DepthRecorder column given a train end exactly where
// the same items given one call at a time leave them, for random limits, rules, levels, stamps
// earlier than the gauge's latest, spacings (zero included) and sample intervals.
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/depth_recorder.h"
#include "sim/queue_gauge.h"
#include "sim/train.h"

using namespace mountstorm;

namespace {

// What a Twin's gauges and recorders are made with.
struct TwinShape {
  std::int64_t limit = 0;
  LimitRule rule = LimitRule::kNone;
  Duration interval = 1;
  bool measured = true;  // the gauges keep their area (QueueGauge::MeasureIn)
};

// A gauge with a recorder, twice: one fed item by item, one fed trains.
struct Twin {
  explicit Twin(const TwinShape& s)
      : items_recorder(s.interval), trains_recorder(s.interval),
        items("q", QueueUnit::kBytes, s.limit, s.rule), trains("q", QueueUnit::kBytes, s.limit, s.rule) {
    items.RecordInto(&items_recorder);
    trains.RecordInto(&trains_recorder);
    if (!s.measured) return;
    items.MeasureIn(nullptr);
    trains.MeasureIn(nullptr);
  }
  DepthRecorder items_recorder, trains_recorder;
  QueueGauge items, trains;
};

class Draw {
 public:
  explicit Draw(std::uint64_t seed) : rng_(seed) {}
  std::int64_t Between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(hi - lo + 1));
  }

 private:
  std::mt19937_64 rng_;
};

LimitRule RandomRule(Draw& d) {
  const LimitRule rules[] = {LimitRule::kRefuseAtLimit, LimitRule::kRefuseAboveLimit, LimitRule::kNone};
  return rules[d.Between(0, 2)];
}

// A random shape, drawn one value at a time: drawn as three constructor arguments they came in
// an order C++ leaves to the compiler (GCC's: the interval first, as here).
TwinShape RandomShape(Draw& d) {
  TwinShape s;
  s.interval = d.Between(1, 20);
  s.rule = RandomRule(d);
  s.limit = d.Between(0, 60);
  return s;
}

void CheckSame(const Twin& t) {
  const QueueGauge& a = t.items;
  const QueueGauge& b = t.trains;
  REQUIRE(b.level() == a.level());
  REQUIRE(b.peak() == a.peak());
  REQUIRE(b.peak_time() == a.peak_time());
  REQUIRE(b.first_refusal() == a.first_refusal());
  REQUIRE(b.refused() == a.refused());
  REQUIRE(b.time_at_limit() == a.time_at_limit());
  REQUIRE(b.drained_time() == a.drained_time());
  REQUIRE(b.at_limit() == a.at_limit());
  REQUIRE(b.removed() == a.removed());
  REQUIRE(b.refusal_runs().size() == a.refusal_runs().size());
  for (std::size_t i = 0; i < a.refusal_runs().size(); ++i) {
    const RefusalRun &x = a.refusal_runs()[i], &y = b.refusal_runs()[i];
    REQUIRE(y.first == x.first);
    REQUIRE(y.last == x.last);
    REQUIRE(y.count == x.count);
    REQUIRE(y.accepted == x.accepted);
  }
}

// One random train (or single item) of a random kind, applied to both gauges.
void ApplyRandom(Twin& t, Draw& d, Time* clock) {
  TrainTimes times;
  times.first = std::max<Time>(0, *clock + d.Between(-6, 6));  // sometimes before the latest stamp
  times.spacing = d.Between(0, 7);
  times.count = d.Between(0, 25);
  std::int64_t amount = d.Between(0, 6);
  const std::int64_t kind = d.Between(0, 2);
  if (kind == 1 && amount > 0) times.count = std::min(times.count, t.items.level() / amount);
  for (std::int64_t i = 0; i < times.count; ++i) {
    if (kind == 0) t.items.Add(times.at(i), amount);
    if (kind == 1) t.items.Remove(times.at(i), amount);
    if (kind == 2) t.items.Refuse(times.at(i));
  }
  if (kind == 0) t.trains.AddTrain(times, amount);
  if (kind == 1) t.trains.RemoveTrain(times, amount);
  if (kind == 2) t.trains.RefuseTrain(times);
  if (times.count > 0) *clock = std::max(*clock, times.last());
}

// Ends both gauges and recorders at `end`; then the curves and areas must be the same too.
void FinishAndCheckSame(Twin& t, Time end) {
  t.items.Finish(end);
  t.trains.Finish(end);
  t.items_recorder.Finish(end);
  t.trains_recorder.Finish(end);
  CheckSame(t);
  REQUIRE(t.trains_recorder.maxima(0) == t.items_recorder.maxima(0));
  REQUIRE(t.trains.area().run() == t.items.area().run());
}

// 4,000 twins of random shapes, each given 1 to `max_steps` random steps (`step`, which feeds
// both gauges and moves the clock), compared after every step and once finished.
void RunTwins(std::uint64_t seed, std::int64_t max_steps, const std::function<void(Twin&, Draw&, Time*)>& step) {
  Draw d(seed);
  for (int run = 0; run < 4000; ++run) {
    Twin t(RandomShape(d));
    Time clock = 0;
    const std::int64_t steps = d.Between(1, max_steps);
    for (std::int64_t k = 0; k < steps; ++k) {
      step(t, d, &clock);
      CheckSame(t);
    }
    FinishAndCheckSame(t, clock + d.Between(0, 30));
  }
}

}  // namespace

TEST_CASE("a train leaves a gauge and its curve and area and refusal runs as the same items one by one do", "[sim][train]") {
  RunTwins(14, 8, [](Twin& t, Draw& d, Time* clock) { ApplyRandom(t, d, clock); });
}

TEST_CASE("an item that passes leaves a gauge and its curve and area as an add and a remove at one time do", "[sim][train]") {
  RunTwins(16, 12, [](Twin& t, Draw& d, Time* clock) {
    if (d.Between(0, 1) == 0) {
      ApplyRandom(t, d, clock);
      return;
    }
    const Time at = std::max<Time>(0, *clock + d.Between(-6, 6));  // sometimes before the latest stamp
    const std::int64_t amount = d.Between(0, 30);
    t.items.Add(at, amount);
    t.items.Remove(at, amount);
    t.trains.Pass(at, amount);
    *clock = std::max(*clock, at);
  });
}

TEST_CASE("Accepts counts the items back-to-back TryPush calls would take", "[sim][train]") {
  Draw d(15);
  for (int run = 0; run < 4000; ++run) {
    QueueGauge g("q", QueueUnit::kBytes, d.Between(0, 60), RandomRule(d));
    g.Add(0, d.Between(0, 70));
    const std::int64_t count = d.Between(0, 40);
    const std::int64_t amount = d.Between(0, 9);
    const std::int64_t accepts = g.Accepts(count, amount);
    std::int64_t taken = 0;
    for (std::int64_t i = 0; i < count; ++i) {
      if (g.at_limit()) continue;
      g.Add(1, amount);
      ++taken;
    }
    REQUIRE(accepts == taken);
  }
}

namespace {

// One random run (sim/queue_gauge.h: RemoveRun or RemoveFoldedSum, PulseRun or PassRun) of items
// with their own times and amounts, or a random train between them; applied to both gauges.
void ApplyRandomRun(Twin& t, Draw& d, Time* clock) {
  const std::int64_t kind = d.Between(0, 3);
  if (kind == 3) {
    ApplyRandom(t, d, clock);
    return;
  }
  const std::int64_t count = d.Between(0, 9);
  std::vector<Time> times;
  std::vector<std::int64_t> amounts;
  Time at = std::max<Time>(0, *clock + d.Between(-6, 6));  // sometimes before the latest stamp
  std::int64_t sum = 0;
  for (std::int64_t i = 0; i <= count; ++i) {
    times.push_back(at);
    at += d.Between(0, 3);
    if (i == count) break;
    amounts.push_back(d.Between(1, 9));
    sum += amounts.back();
  }
  // The amounts' RunAmounts, of the first n.
  const auto summed = [&](std::size_t n) {
    RunAmounts r;
    for (std::size_t i = 0; i < n; ++i) r.Add(amounts[i]);
    return r;
  };
  if (kind == 0) {
    while (sum > t.items.level()) {
      sum -= amounts.back();
      amounts.pop_back();
    }
    times.resize(amounts.size());
    for (std::size_t i = 0; i < amounts.size(); ++i) t.items.Remove(times[i], amounts[i]);
    // Where the removals fold, sometimes only their sum (a caller without the arrays).
    if (!times.empty() && times.back() < t.trains.removals_fold_before() && d.Between(0, 1) == 0) {
      t.trains.RemoveFoldedSum(times.back(), sum);
    } else {
      t.trains.RemoveRun(times, amounts, summed(amounts.size()));
    }
  } else if (kind == 1) {
    // Each item leaves at or before the next one comes (sometimes at once, sometimes in between).
    std::vector<Time> leave;
    for (std::size_t i = 0; i < amounts.size(); ++i) {
      leave.push_back(times[i] + d.Between(0, times[i + 1] - times[i]));
      t.items.Add(times[i], amounts[i]);
      t.items.Remove(leave[i], amounts[i]);
    }
    times.pop_back();
    t.trains.PulseRun(times, leave, amounts, summed(amounts.size()));
  } else {
    times.pop_back();
    for (std::size_t i = 0; i < amounts.size(); ++i) t.items.Pass(times[i], amounts[i]);
    t.trains.PassRun(times, amounts, summed(amounts.size()));
  }
  if (!times.empty()) *clock = std::max(*clock, times.back());
}

}  // namespace

TEST_CASE("a run of items with their own times and amounts leaves a gauge as the items one by one do", "[sim][train]") {
  Draw d(17);
  for (int run = 0; run < 4000; ++run) {
    TwinShape shape = RandomShape(d);
    shape.interval = d.Between(1, 200);  // long intervals too: most runs fold
    shape.measured = d.Between(0, 1) == 1;
    Twin t(shape);
    Time clock = 0;
    const std::int64_t steps = d.Between(1, 12);
    for (std::int64_t k = 0; k < steps; ++k) {
      ApplyRandomRun(t, d, &clock);
      CheckSame(t);
    }
    FinishAndCheckSame(t, clock + d.Between(0, 30));
  }
}

TEST_CASE("RunAmounts Of takes an array's amounts as Add does them one by one", "[sim][train]") {
  Draw d(29);
  for (int run = 0; run < 2000; ++run) {
    std::vector<std::int64_t> amounts(static_cast<std::size_t>(d.Between(0, 12)));
    const std::int64_t most = d.Between(1, 9);  // small: ties for the highest and the lowest
    for (std::int64_t& a : amounts) a = d.Between(1, most);
    RunAmounts added;
    for (const std::int64_t a : amounts) added.Add(a);
    const RunAmounts of = RunAmounts::Of(amounts);
    REQUIRE(of.count == added.count);
    REQUIRE(of.sum == added.sum);
    REQUIRE(of.top == added.top);
    REQUIRE(of.first_top == added.first_top);
    REQUIRE(of.bottom == added.bottom);
  }
}
