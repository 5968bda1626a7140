// mountstorm report: one self-contained HTML page about a run directory or a sweep directory
// (docs/PLOTS.md): the summary tables, the plots (inline SVG), the scenario and the version of
// the tool. Inline CSS only: no scripts, fonts, images or links to anything outside the page, so
// that it can be mailed, archived and printed as it is.
//
//   mountstorm report DIR -o report.html [--queue NAME ...]                       (a run)
//   mountstorm report DIR -o report.html [--y OUTCOME ...] [--x PATH] [--series PATH] [--fix PATH=VALUE ...]
#ifndef MOUNTSTORM_TOOLS_RENDER_REPORT_H_
#define MOUNTSTORM_TOOLS_RENDER_REPORT_H_

#include <string>
#include <vector>

#include "io/result_dir.h"
#include "render/run_plot.h"

namespace mountstorm {

// The page of a run directory.
std::string RunReportHtml(const RunData& run, const RunPlotOptions& options);

struct SweepReportOptions {
  std::vector<std::string> outcomes;  // plotted, and first in the table; empty: a default set
  std::string x, series;
  std::vector<std::string> fixed;
};
// The page of a sweep directory.
std::string SweepReportHtml(const SweepData& sweep, const SweepReportOptions& options);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_RENDER_REPORT_H_
