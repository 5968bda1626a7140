#include "render/sweep_plot.h"

#include "mountstorm/error.h"
#include "render/heat_map.h"
#include "render/line_plot.h"
#include "render/sweep_choice.h"

namespace mountstorm {

SweepPlotChoices ChooseSweepPlot(const SweepData& sweep, const SweepPlotOptions& options) {
  SweepPlotChoices ch;
  sweep_plot::Choose(sweep, options, &ch);
  return ch;
}

std::string PlotSweep(const SweepData& sweep, const SweepPlotOptions& options, SweepPlotChoices* choices,
                      bool standalone) {
  SweepPlotChoices local;
  SweepPlotChoices* ch = choices ? choices : &local;
  *ch = SweepPlotChoices{};
  const sweep_plot::Choice c = sweep_plot::Choose(sweep, options, ch);
  if (c.rows.empty()) throw InputError(sweep.dir + "/aggregate.csv: no rows to plot");
  return options.heatmap ? sweep_plot::HeatMap(sweep, options, c, ch, standalone)
                         : sweep_plot::LinePlot(sweep, options, c, ch, standalone);
}

}  // namespace mountstorm
