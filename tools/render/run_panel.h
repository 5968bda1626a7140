// One queue's panel in the plot of a run (render/run_plot.h): its maximum depth per sample
// interval as a filled step curve, its limit (a red line), its first refusal (a dashed purple
// line), and a header with its name, what it is and its figures. Internal to tools/render/.
#ifndef MOUNTSTORM_TOOLS_RENDER_RUN_PANEL_H_
#define MOUNTSTORM_TOOLS_RENDER_RUN_PANEL_H_

#include <cstddef>
#include <string>
#include <vector>

#include "mountstorm/result.h"
#include "render/run_frame.h"
#include "render/svg.h"

namespace mountstorm::run_plot {

// The curves of the panels, in seconds.
struct PlotCurves {
  std::vector<double> times;
  std::vector<std::vector<double>> values;  // values[panel][row], only for the columns asked for
  double interval = 0;                      // 0 with fewer than two rows
};
// The columns `wanted` of a run's curves (each a column of curves.csv), in that order.
PlotCurves CurvesFor(const Curves& curves, const std::vector<std::string>& wanted);

// Draws the panel of the queue `name` (`queue` its figures, curves.values[column] its depth) with
// its header at `y`; returns the y where the next panel starts.
double DrawQueuePanel(svg::Document& doc, const RunFrame& frame, const std::string& name, const QueueResult& queue,
                      const PlotCurves& curves, std::size_t column, double y);

}  // namespace mountstorm::run_plot

#endif  // MOUNTSTORM_TOOLS_RENDER_RUN_PANEL_H_
