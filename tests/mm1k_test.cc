// An M/M/1/K queue built from the event-queue core, checked against queueing theory.
//
// The system holds at most K customers: the one in service and up to K-1 waiting. The model keeps
// ALL of them in one BoundedQueue<int> with limit K and LimitRule::kRefuseAtLimit: the customer in
// service stays at the front of the queue and leaves it when its service ends, so the queue's level
// is the number in system and an arrival that finds K customers is refused.
//
// Arrivals are Poisson (an EventTarget that schedules itself with exponential gaps from its own
// RandomStream); the server is a Server whose steps are exponential service times from another
// stream. Time is measured in units of the mean service time (1/mu = 1 ms), so lambda = rho.
//
// Exact values: the stationary distribution pi of the birth-death chain on {0..K}, solved
// numerically from its generator with Eigen and in closed form,
//   pi_n = (1 - rho) rho^n / (1 - rho^(K+1))      (rho != 1).
// By PASTA the blocking probability is pi_K; the mean number in system is sum n pi_n.
//
// Statistics: after a warm-up, the run is cut into kBatches batches of equal simulated time. Each
// batch gives one estimate of the blocking probability (refused / arrivals in the batch) and of
// the time-average number in system; their mean is the estimate and their standard deviation over
// sqrt(kBatches) its standard error. Batches are thousands of relaxation times long, so they are
// close to independent. The test requires |simulated - exact| < 4 standard errors (for a t
// distribution with 19 degrees of freedom, two-sided p ~ 8e-4) and an absolute bound as a guard
// against a useless, huge standard error. Seeds are fixed, so the outcome is deterministic.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <catch2/catch.hpp>

#include "sim/bounded_queue.h"
#include "sim/random_stream.h"
#include "sim/server.h"
#include "sim/simulator.h"

using namespace mountstorm;

namespace {

constexpr Duration kMeanService = kMillisecond;  // 1/mu: the unit of time below
constexpr int kBatches = 20;

Duration ExponentialDuration(RandomStream& rng, double mean_ns) {
  return static_cast<Duration>(std::llround(rng.Exponential(mean_ns)));
}

// The number in system integrated over time, in customer-nanoseconds.
class Occupancy {
 public:
  explicit Occupancy(const QueueGauge* gauge) : gauge_(gauge) {}
  // Call just before the level changes at `now`, and at the end of each batch.
  void Note(Time now) {
    area_ += gauge_->level() * (now - last_);
    last_ = now;
  }
  std::int64_t area() const { return area_; }

 private:
  const QueueGauge* gauge_;
  Time last_ = 0;
  std::int64_t area_ = 0;
};

class ServiceDesk : public Server {
 public:
  ServiceDesk(Simulator* sim, CpuPool* cpus, BoundedQueue<int>* system, Occupancy* occupancy,
              std::uint64_t seed)
      : Server(sim, cpus, "desk"), system_(system), occupancy_(occupancy), rng_(seed, "service") {}

 protected:
  // A step is one service. The customer served stays at the front of the queue until the step
  // ends; the next Step() call, at that end time, removes it.
  Duration Step(Time now) override {
    if (serving_) {
      occupancy_->Note(now);
      system_->Pop(now);
      serving_ = false;
    }
    if (system_->empty()) return kNoWork;
    serving_ = true;
    return ExponentialDuration(rng_, static_cast<double>(kMeanService));
  }

 private:
  BoundedQueue<int>* system_;
  Occupancy* occupancy_;
  RandomStream rng_;
  bool serving_ = false;
};

class PoissonArrivals : public EventTarget {
 public:
  PoissonArrivals(Simulator* sim, BoundedQueue<int>* system, Occupancy* occupancy, Server* desk,
                  double rho, std::uint64_t seed)
      : sim_(sim),
        system_(system),
        occupancy_(occupancy),
        desk_(desk),
        mean_gap_(static_cast<double>(kMeanService) / rho),
        rng_(seed, "arrivals") {}

  void Start() { sim_->Schedule(ExponentialDuration(rng_, mean_gap_), this); }

  void OnEvent(Time now, EventTag) override {
    ++arrivals;
    occupancy_->Note(now);
    if (system_->TryPush(now, static_cast<int>(arrivals), 0)) desk_->Wake();
    sim_->Schedule(now + ExponentialDuration(rng_, mean_gap_), this);
  }

  std::uint64_t arrivals = 0;

 private:
  Simulator* sim_;
  BoundedQueue<int>* system_;
  Occupancy* occupancy_;
  Server* desk_;
  double mean_gap_;
  RandomStream rng_;
};

struct Estimate {
  double mean;
  double standard_error;
};

Estimate BatchMeans(const std::vector<double>& batches) {
  const double n = static_cast<double>(batches.size());
  double sum = 0.0;
  for (double b : batches) sum += b;
  const double mean = sum / n;
  double ss = 0.0;
  for (double b : batches) ss += (b - mean) * (b - mean);
  return Estimate{mean, std::sqrt(ss / (n - 1) / n)};
}

struct Simulated {
  Estimate blocking;
  Estimate in_system;
  std::uint64_t arrivals;
  std::uint64_t refused;
  std::int64_t peak;
};

// Runs the M/M/1/K model for a warm-up and kBatches batches of `batch_services` mean service
// times each.
Simulated SimulateMm1k(double rho, int k, std::uint64_t seed, int warmup_services,
                       int batch_services) {
  Simulator sim;
  CpuPool cpus(&sim);  // one server: the pool is not a constraint
  BoundedQueue<int> system("system", QueueUnit::kMessages, k, LimitRule::kRefuseAtLimit);
  Occupancy occupancy(&system.gauge());
  ServiceDesk desk(&sim, &cpus, &system, &occupancy, seed);
  PoissonArrivals arrivals(&sim, &system, &occupancy, &desk, rho, seed);
  arrivals.Start();

  Time t = warmup_services * kMeanService;
  sim.RunUntil(t);
  occupancy.Note(t);

  std::vector<double> blocking;
  std::vector<double> in_system;
  const Duration batch = batch_services * kMeanService;
  const std::uint64_t arrivals_before = arrivals.arrivals;
  const std::uint64_t refused_before = system.gauge().refused();
  for (int b = 0; b < kBatches; ++b) {
    const std::uint64_t a0 = arrivals.arrivals;
    const std::uint64_t r0 = system.gauge().refused();
    const std::int64_t area0 = occupancy.area();
    t += batch;
    sim.RunUntil(t);
    occupancy.Note(t);
    const std::uint64_t a = arrivals.arrivals - a0;
    const std::uint64_t r = system.gauge().refused() - r0;
    blocking.push_back(static_cast<double>(r) / static_cast<double>(a));
    in_system.push_back(static_cast<double>(occupancy.area() - area0) / static_cast<double>(batch));
  }
  return Simulated{BatchMeans(blocking), BatchMeans(in_system),
                   arrivals.arrivals - arrivals_before, system.gauge().refused() - refused_before,
                   system.gauge().peak()};
}

// Stationary distribution of the M/M/1/K chain with lambda = rho, mu = 1, from its generator:
// solves pi Q = 0 with the last equation replaced by sum(pi) = 1.
Eigen::VectorXd StationaryFromGenerator(double rho, int k) {
  const int n = k + 1;
  Eigen::MatrixXd q = Eigen::MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i) {
    if (i < k) q(i, i + 1) = rho;  // an arrival
    if (i > 0) q(i, i - 1) = 1.0;  // a departure
    q(i, i) = -q.row(i).sum();
  }
  Eigen::MatrixXd a = q.transpose();  // pi Q = 0  <=>  Q^T pi^T = 0
  a.row(k).setOnes();
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(n);
  rhs(k) = 1.0;
  Eigen::VectorXd pi = a.fullPivLu().solve(rhs);
  // The solution satisfies every balance equation, including the one replaced.
  REQUIRE((pi.transpose() * q).norm() < 1e-12);
  return pi;
}

double ClosedFormPi(double rho, int k, int n) {
  return (1.0 - rho) * std::pow(rho, n) / (1.0 - std::pow(rho, k + 1));
}

}  // namespace

TEST_CASE("the M/M/1/K closed form equals the stationary distribution of its Markov chain",
          "[sim][mm1k]") {
  const auto [rho, k] = GENERATE(table<double, int>({{0.8, 5}, {1.2, 10}, {0.5, 1}, {3.0, 4}}));
  INFO("rho " << rho << ", K " << k);
  const Eigen::VectorXd pi = StationaryFromGenerator(rho, k);
  CHECK(std::abs(pi.sum() - 1.0) < 1e-12);
  for (int n = 0; n <= k; ++n) {
    INFO("n " << n);
    CHECK(pi(n) > 0.0);
    CHECK(std::abs(pi(n) - ClosedFormPi(rho, k, n)) < 1e-9);
  }
}

TEST_CASE("a simulated M/M/1/K queue blocks as often as theory says", "[sim][mm1k]") {
  struct Case {
    double rho;
    int k;
    std::uint64_t seed;
  };
  const Case c = GENERATE(Case{0.8, 5, 11}, Case{1.2, 10, 12});
  // 20 batches of 100,000 mean service times: about 100,000 * rho arrivals per batch, and about
  // 0.1 s of run time per case in a Release build.
  constexpr int kWarmupServices = 1000;
  constexpr int kBatchServices = 100000;

  const Eigen::VectorXd pi = StationaryFromGenerator(c.rho, c.k);
  const double exact_blocking = pi(c.k);  // PASTA: arrivals see the time-stationary distribution
  double exact_in_system = 0.0;
  for (int n = 0; n <= c.k; ++n) exact_in_system += n * pi(n);
  REQUIRE(std::abs(exact_blocking - ClosedFormPi(c.rho, c.k, c.k)) < 1e-9);

  const Simulated sim = SimulateMm1k(c.rho, c.k, c.seed, kWarmupServices, kBatchServices);
  INFO("rho " << c.rho << ", K " << c.k << ", seed " << c.seed);
  INFO("arrivals " << sim.arrivals << ", refused " << sim.refused);
  INFO("blocking: simulated " << sim.blocking.mean << " +- " << sim.blocking.standard_error
                              << " (1 s.e.), exact " << exact_blocking);
  INFO("number in system: simulated " << sim.in_system.mean << " +- "
                                      << sim.in_system.standard_error << " (1 s.e.), exact "
                                      << exact_in_system);

  // The queue holds at most K customers and, in a run this long, reaches K.
  CHECK(sim.peak == c.k);
  // Enough arrivals that the estimate means something.
  CHECK(sim.arrivals > static_cast<std::uint64_t>(0.9 * c.rho * kBatches * kBatchServices));
  CHECK(sim.blocking.standard_error > 0.0);

  CHECK(std::abs(sim.blocking.mean - exact_blocking) < 4 * sim.blocking.standard_error);
  CHECK(std::abs(sim.blocking.mean - exact_blocking) < 0.01);
  CHECK(std::abs(sim.in_system.mean - exact_in_system) < 4 * sim.in_system.standard_error);
  CHECK(std::abs(sim.in_system.mean - exact_in_system) < 0.1);
}
