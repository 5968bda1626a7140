// What a plot of a sweep (render/sweep_plot.h) shows: the outcome, the axis along x, the axis of
// the series or of the heat map's y, and the rows of aggregate.csv in the slice plotted (every
// other axis at one value), taken from the options or chosen by default, each choice with a note
// for the user. Internal to tools/render/.
#ifndef MOUNTSTORM_TOOLS_RENDER_SWEEP_CHOICE_H_
#define MOUNTSTORM_TOOLS_RENDER_SWEEP_CHOICE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "io/result_dir.h"
#include "mountstorm/csv.h"
#include "render/sweep_plot.h"

namespace mountstorm::sweep_plot {

// The choice, as columns of aggregate.csv (-1: none).
struct Choice {
  std::string outcome;  // without the .mean suffix
  int mean = -1, ci = -1;
  int x = -1, series = -1, y_axis = -1;
  std::vector<std::size_t> rows;  // the rows plotted
};

// The choice for the options `o`; `out` receives the names chosen and a note per choice. Throws
// InputError, naming what the sweep has, for an outcome, axis or value it does not have.
Choice Choose(const SweepData& sweep, const SweepPlotOptions& o, SweepPlotChoices* out);

// Distinct values of a column over some rows, in order of appearance (the order of the sweep).
std::vector<std::string> Distinct(const CsvTable& t, int column, const std::vector<std::size_t>& rows);

}  // namespace mountstorm::sweep_plot

#endif  // MOUNTSTORM_TOOLS_RENDER_SWEEP_CHOICE_H_
