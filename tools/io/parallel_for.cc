#include "io/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace mountstorm {

namespace {

// Set inside the worker threads of ParallelFor, so that a parallel loop started from one of them
// runs inline instead of multiplying the threads (scaling runs critical searches in parallel,
// and each search would otherwise start threads of its own).
thread_local bool t_in_worker = false;

}  // namespace

void ParallelFor(int n, int jobs, const std::function<void(int)>& fn) {
  const int threads = t_in_worker ? 1 : std::max(1, std::min(jobs, n));
  if (threads <= 1) {
    for (int i = 0; i < n; ++i) fn(i);
    return;
  }
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(n));
  std::atomic<int> next{0};
  auto worker = [&] {
    t_in_worker = true;
    for (int i = next++; i < n; i = next++) {
      try {
        fn(i);
      } catch (...) {
        errors[static_cast<std::size_t>(i)] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace mountstorm
