// The line plot of a sweep (`mountstorm plot SWEEP_DIR`, render/sweep_plot.h): an outcome's mean
// and 95 % interval over replications against the axis along x, a line per value of the series
// axis, each with its own colour, marker and dashes. Internal to tools/render/.
#ifndef MOUNTSTORM_TOOLS_RENDER_LINE_PLOT_H_
#define MOUNTSTORM_TOOLS_RENDER_LINE_PLOT_H_

#include <string>

#include "io/result_dir.h"
#include "render/sweep_choice.h"
#include "render/sweep_plot.h"

namespace mountstorm::sweep_plot {

// The SVG of the line plot of the choice `c` (with c.rows not empty); adds its notes to `ch`.
// Throws InputError for --log-x over values a log scale cannot show.
std::string LinePlot(const SweepData& sweep, const SweepPlotOptions& o, const Choice& c, SweepPlotChoices* ch,
                     bool standalone);

}  // namespace mountstorm::sweep_plot

#endif  // MOUNTSTORM_TOOLS_RENDER_LINE_PLOT_H_
