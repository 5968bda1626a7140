// The pictures of a sweep (`mountstorm plot SWEEP_DIR`, docs/PLOTS.md): an outcome's mean and
// 95 % interval over replications against one axis, a line per value of a second axis; or a heat
// map over two axes. The SVG is self-contained and deterministic.
#ifndef MOUNTSTORM_TOOLS_RENDER_SWEEP_PLOT_H_
#define MOUNTSTORM_TOOLS_RENDER_SWEEP_PLOT_H_

#include <string>
#include <vector>

#include "io/result_dir.h"

namespace mountstorm {

struct SweepPlotOptions {
  std::string outcome;             // a column of results.csv (aggregate.csv has OUTCOME.mean ...)
  std::string x;                   // an axis path
  std::string series;              // an axis path: one line per value ("none" for a single line)
  std::string y_axis;              // heat map: the axis on the vertical
  std::vector<std::string> fixed;  // PATH=VALUE for axes not plotted
  bool heatmap = false;
  bool log_y = false;  // log scale of the outcome (line plot: y; heat map: colour)
  bool log_x = false;
  std::string id_prefix;
};
// What PlotSweep chose, for the user: one sentence per choice.
struct SweepPlotChoices {
  std::string outcome, x, series, y_axis;
  std::vector<std::string> notes;
  bool suggest_log = false;      // the values span two orders of magnitude or more and log_y was off
  bool nothing_to_show = false;  // every value plotted is 0 or empty
};
// The axes and outcome PlotSweep would choose for `options`, without drawing (notes and
// suggest_log are filled in only by drawing).
SweepPlotChoices ChooseSweepPlot(const SweepData& sweep, const SweepPlotOptions& options);

std::string PlotSweep(const SweepData& sweep, const SweepPlotOptions& options, SweepPlotChoices* choices,
                      bool standalone = true);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_RENDER_SWEEP_PLOT_H_
