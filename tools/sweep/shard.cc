// How a sweep's shard is chosen (sweep/sweep_runner.h, ChooseShard): --shard I/N, Slurm's array
// variables or a Kubernetes indexed Job's.
#include <cstdlib>
#include <string>

#include "mountstorm/error.h"
#include "sweep/sweep_runner.h"

namespace mountstorm {

namespace {

// A count of a shard flag or variable: decimal digits only (no sign, no space), at most 18 of them,
// so that it cannot wrap.
long long ShardNumber(const std::string& text, const std::string& what) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    throw InputError(what + ": expected a non-negative integer (digits only), found \"" + text + "\"");
  }
  return std::stoll(text);
}

// An optional environment variable's value, or `otherwise`.
long long NumberOr(const char* name, long long otherwise) {
  const char* v = std::getenv(name);
  return v == nullptr ? otherwise : ShardNumber(v, name);
}

}  // namespace

void ChooseShard(const std::string& flag, SweepOptions* o) {
  long long index = 0, count = 1;
  std::string source = "--shard " + flag;
  if (!flag.empty()) {
    std::size_t slash = flag.find('/');
    if (slash == std::string::npos) throw InputError("--shard: expected I/N, e.g. 0/4, found \"" + flag + "\"");
    index = ShardNumber(flag.substr(0, slash), "--shard");
    count = ShardNumber(flag.substr(slash + 1), "--shard");
  } else if (const char* id = std::getenv("SLURM_ARRAY_TASK_ID")) {
    if (std::getenv("SLURM_ARRAY_TASK_COUNT") == nullptr) {
      throw InputError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
    }
    source = "SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT";
    index = ShardNumber(id, "SLURM_ARRAY_TASK_ID");
    count = NumberOr("SLURM_ARRAY_TASK_COUNT", 1);
    // The array must be one range, --array=MIN-MAX[:STEP]: task k of it runs shard k. A list
    // (--array=0,3,5) or a lone resubmitted task would silently run the wrong slices.
    const long long lo = NumberOr("SLURM_ARRAY_TASK_MIN", 0);
    const long long hi = NumberOr("SLURM_ARRAY_TASK_MAX", lo + count - 1);
    const long long st = NumberOr("SLURM_ARRAY_TASK_STEP", 1);
    if (st < 1 || (index - lo) % st != 0 || (hi - lo) / st + 1 != count) {
      throw InputError("the Slurm array is not one range MIN-MAX[:STEP] of SLURM_ARRAY_TASK_COUNT tasks; submit "
                       "the whole array (--array=0-" + std::to_string(count - 1) + "), or give --shard I/N");
    }
    index = (index - lo) / st;
  } else if (const char* k8s = std::getenv("JOB_COMPLETION_INDEX")) {
    if (std::getenv("MOUNTSTORM_SHARDS") == nullptr) {
      throw InputError("JOB_COMPLETION_INDEX is set: set MOUNTSTORM_SHARDS to the Job's completions");
    }
    source = "JOB_COMPLETION_INDEX and MOUNTSTORM_SHARDS";
    index = ShardNumber(k8s, "JOB_COMPLETION_INDEX");
    count = NumberOr("MOUNTSTORM_SHARDS", 1);
  }
  if (count < 1 || count > kMaxShards || index >= count) {
    throw InputError(source + ": shard " + std::to_string(index) + " of " + std::to_string(count) + ": expected 0 <= I < N <= " +
                     std::to_string(kMaxShards));
  }
  o->shard = static_cast<int>(index);
  o->shards = static_cast<int>(count);
}

}  // namespace mountstorm
