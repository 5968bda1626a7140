// The heat map of a sweep (`mountstorm plot SWEEP_DIR --heatmap`, render/sweep_plot.h): an
// outcome's mean over two axes, a cell per pair of values coloured on a Viridis scale and labelled
// with its value where it fits, and a colour bar. Internal to tools/render/.
#ifndef MOUNTSTORM_TOOLS_RENDER_HEAT_MAP_H_
#define MOUNTSTORM_TOOLS_RENDER_HEAT_MAP_H_

#include <string>

#include "io/result_dir.h"
#include "render/sweep_choice.h"
#include "render/sweep_plot.h"

namespace mountstorm::sweep_plot {

// The SVG of the heat map of the choice `c` (with c.rows not empty and c.y_axis set); adds its
// notes to `ch`.
std::string HeatMap(const SweepData& sweep, const SweepPlotOptions& o, const Choice& c, SweepPlotChoices* ch,
                    bool standalone);

}  // namespace mountstorm::sweep_plot

#endif  // MOUNTSTORM_TOOLS_RENDER_HEAT_MAP_H_
