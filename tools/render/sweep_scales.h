// The scales of the plots of a sweep (render/sweep_plot.h): the x axis over the values of a sweep
// axis (numeric, linear or log, or categorical), the y axis of an outcome, and the colour scale of
// a heat map. Internal to tools/render/.
#ifndef MOUNTSTORM_TOOLS_RENDER_SWEEP_SCALES_H_
#define MOUNTSTORM_TOOLS_RENDER_SWEEP_SCALES_H_

#include <string>
#include <utility>
#include <vector>

namespace mountstorm::sweep_plot {

// An x (or y) axis over the values of a sweep axis: numeric (linear or log) or categorical.
struct ValueAxis {
  bool numeric = false;
  bool log = false;
  std::vector<std::string> categories;
  double lo = 0, hi = 1;
  // Position in [0, 1].
  double Pos(const std::string& value) const;
};
// The axis over `values` (those of the sweep axis `path`, for messages), padded a little at both
// ends. Throws InputError for a log scale over values that are not all numbers above 0.
ValueAxis MakeValueAxis(const std::vector<std::string>& values, bool log, const std::string& path);

// The ticks (position in [0, 1], label) of an x axis `width` pixels wide with labels of `font`
// pixels: the swept values themselves if their labels do not collide, else round values.
std::vector<std::pair<double, std::string>> XTicks(const ValueAxis& a, double width, double font);

// The y axis of an outcome: linear from 0 (or below), or log in decades.
struct YAxis {
  bool log = false;
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  // Position in [0, 1] (beyond it for a value outside the axis).
  double Pos(double v) const;
};
// The axis that holds [mn, mx] (with log, both above 0).
YAxis MakeYAxis(double mn, double mx, bool log);

// The colour of a heat map's cell at `f` in [0, 1] (clamped): Viridis, sampled at nine points,
// whose dark and light ends print apart in colour and in grey.
std::string Viridis(double f);
// Whether the colour at `f` is dark, so that a label on it is white.
bool IsDark(double f);

}  // namespace mountstorm::sweep_plot

#endif  // MOUNTSTORM_TOOLS_RENDER_SWEEP_SCALES_H_
