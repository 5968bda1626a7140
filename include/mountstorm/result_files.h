// The text of a run's result files, and reading them back: the one place that knows the formats
// of summary.json, curves.csv and events.csv (docs/OUTPUTS.md).
//
// Writing is deterministic: summary.json has sorted keys, two-space indent and a final newline;
// numbers are printed so that reading them back gives the same values. Reading is strict: a file
// that is not what mountstorm writes is an InputError naming `origin` (the file), the JSON path or
// the line, what was expected and what was found.
#ifndef MOUNTSTORM_INCLUDE_RESULT_FILES_H_
#define MOUNTSTORM_INCLUDE_RESULT_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "mountstorm/result.h"

namespace mountstorm {

// The largest time, in whole seconds, a result file may give (summary.json, curves.csv,
// events.csv): well inside the 292 years of nanoseconds a Time holds, so reading one back is
// defined; anything later is refused as bad input.
inline constexpr std::int64_t kMaxResultFileSeconds = 9'000'000'000;

// summary.json: every field of `r` but its curves and events.
std::string SummaryJsonText(const RunResult& r);
// The summary read from `text`; curves and event_log are left empty.
RunResult ParseSummaryJson(const std::string& text, const std::string& origin);

// curves.csv: "time_s" and a column per queue, a row per sample interval.
std::string CurvesCsvText(const Curves& c);
Curves ParseCurvesCsv(const std::string& text, const std::string& origin);

// events.csv: "time_s,event,detail", a row per mount operation, scan and login outcome.
std::string EventsCsvText(const std::vector<RunEvent>& events);
std::vector<RunEvent> ParseEventsCsv(const std::string& text, const std::string& origin);

// measures.json: the station measures (r.measures) with the run's version, scenario and seed.
std::string MeasuresJsonText(const RunResult& r);
// measures.csv: a row per queue and per process.
std::string MeasuresCsvText(const Measures& m);
// drops.csv (run --drops): a row per refusal run.
std::string DropsCsvText(const std::vector<RefusalRunResult>& runs);

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_RESULT_FILES_H_
