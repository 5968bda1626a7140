// mountstorm plot: SVG pictures of a run directory or of a sweep directory (docs/PLOTS.md).
//
//   mountstorm plot RUN_DIR -o FILE.svg [--queue NAME ...]
//   mountstorm plot SWEEP_DIR -o FILE.svg [--y OUTCOME] [--x PATH] [--series PATH] [--fix PATH=VALUE ...]
//                   [--log-y] [--log-x]
//   mountstorm plot SWEEP_DIR -o FILE.svg --heatmap [--x PATH] [--y-axis PATH] [--value OUTCOME] [--fix ...]
//                   [--log-y]
//
// A run directory (summary.json, curves.csv, events.csv) gives one panel per bounded queue that
// held something, stacked on a shared time axis: the per-interval maximum depth, the limit, the
// first refusal, and a rug of mounts, scans and logins. A sweep directory (aggregate.csv,
// sweep.json) gives an outcome's mean and 95 % interval against one axis, a line per value of a
// second axis, or a heat map over two axes. The SVG is self-contained and deterministic.
#ifndef MOUNTSTORM_TOOLS_PLOT_H_
#define MOUNTSTORM_TOOLS_PLOT_H_

#include <string>
#include <vector>

namespace mountstorm {

// `mountstorm plot DIR -o FILE.svg [options]`: a run directory through PlotRun
// (tools/run_plot.h), a sweep directory through PlotSweep (tools/sweep_plot.h).
int PlotCommand(const std::vector<std::string>& args);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_PLOT_H_
