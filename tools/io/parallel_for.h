// Independent runs of the simulator on a few threads: a sweep's runs, the planner's searches and
// compare's two variants.
#ifndef MOUNTSTORM_TOOLS_IO_PARALLEL_FOR_H_
#define MOUNTSTORM_TOOLS_IO_PARALLEL_FOR_H_

#include <functional>

namespace mountstorm {

// Calls fn(0) ... fn(n - 1) on up to `jobs` threads and returns when all are done; then rethrows
// the exception of the lowest index, so that which error is reported does not depend on timing.
// Called from inside fn, it runs inline rather than multiplying the threads.
void ParallelFor(int n, int jobs, const std::function<void(int)>& fn);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_IO_PARALLEL_FOR_H_
