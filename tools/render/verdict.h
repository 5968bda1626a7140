// The one sentence a reader of a run's plot or report wants first: what happened to the whole
// pipeline (planner::JudgeSystem, tools/planner/planner.h), every number taken from the run.
// Internal to tools/render/: run_plot.cc, report.cc and sweep_report.cc.
#ifndef MOUNTSTORM_TOOLS_RENDER_VERDICT_H_
#define MOUNTSTORM_TOOLS_RENDER_VERDICT_H_

#include <string>
#include <vector>

#include "mountstorm/csv.h"
#include "mountstorm/result.h"

namespace mountstorm {

// "PID 1's sd-bus write queue (API bus) filled first, at 28.9 s: systemd.wqueue refused 319,071
// messages; 1 of 13 logins failed (1 ENOBUFS)", or for a healthy run "Healthy: nothing refused or
// lost anywhere and every login succeeded; the fullest queue, NAME, reached 6.7 % of its limit".
std::string RunVerdict(const RunResult& r);

// The verdict on a sweep (its aggregate.csv `t`, `axis_columns` its axis paths): how many points
// failed (a mean above zero of any queue's refusals, any peer's drops or any failed logins), the
// first failing point in the sweep's order with what failed there, or that every point was
// healthy.
std::string SweepVerdict(const CsvTable& t, const std::vector<std::string>& axis_columns);
// Whether a point of a sweep (a row of `t`) failed, and the phrases saying how.
std::vector<std::string> PointProblems(const CsvTable& t, const std::vector<std::string>& row);

// `text` cut at spaces into lines no wider than `width` pixels at `font_size` (svg::TextWidth).
std::vector<std::string> WrapText(const std::string& text, double font_size, double width);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_RENDER_VERDICT_H_
