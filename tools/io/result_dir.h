// The directories `mountstorm plot` and `mountstorm report` read: a run's (summary.json,
// curves.csv, events.csv, written by `mountstorm run`) and a sweep's (aggregate.csv, results.csv,
// sweep.json, written by `mountstorm sweep` or `merge`), loaded and checked with errors that name
// the file. Each must have its manifest.json, and its files must match it (io/manifest.h): a
// directory whose command did not finish is refused.
#ifndef MOUNTSTORM_TOOLS_IO_RESULT_DIR_H_
#define MOUNTSTORM_TOOLS_IO_RESULT_DIR_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/manifest.h"
#include "mountstorm/csv.h"
#include "mountstorm/result.h"

namespace mountstorm {

enum class ResultDirKind { kRun, kSweep };
// What `dir` holds: a run (summary.json) or a sweep (results.csv and aggregate.csv). Throws
// InputError for anything else.
ResultDirKind DetectResultDir(const std::string& dir);

// The files of a run directory, read back into the run's result. has_events is false when the
// run predates events.csv.
struct RunData {
  RunResult result;
  bool has_events = false;
  std::string dir;  // for messages
  Manifest manifest;
};
RunData LoadRunDir(const std::string& dir);

// The files of a sweep directory. `sweep` is null when there is no sweep.json.
struct SweepData {
  nlohmann::json sweep;
  CsvTable aggregate;
  std::string dir;
  Manifest manifest;
};

// The command line a manifest records, quoted for a POSIX shell where a word needs it.
std::string ShellCommand(const std::vector<std::string>& words);
SweepData LoadSweepDir(const std::string& dir);

// The axis paths of a sweep directory, in the order of the sweep (each zip axis a group of paths).
std::vector<std::vector<std::string>> SweepAxisGroups(const SweepData& sweep);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_IO_RESULT_DIR_H_
