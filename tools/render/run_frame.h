// What the parts of a run's plot (render/run_plot.h) share: the colours of what it shows, the
// horizontal layout and the time scale of its panels and rug, and the markers of the login
// outcomes. Internal to tools/render/: run_plot.cc, run_panel.cc and run_rug.cc.
#ifndef MOUNTSTORM_TOOLS_RENDER_RUN_FRAME_H_
#define MOUNTSTORM_TOOLS_RENDER_RUN_FRAME_H_

#include <string>
#include <vector>

#include "mountstorm/result.h"
#include "render/svg.h"

namespace mountstorm::run_plot {

// Colours of what a run's plot shows. The limit and the first-refusal marker have colours nothing
// else uses, so that they stand out on paper and tests/render/render_test.sh finds them.
inline constexpr const char* kCurveFill = "#c6dbef";
inline constexpr const char* kCurveStroke = "#08519c";
inline constexpr const char* kLimit = "#e31a1c";
inline constexpr const char* kOnset = "#6a3d9a";
inline constexpr const char* kMount = "#3d3d3d";
inline constexpr const char* kOtherOp = "#8c8c8c";
inline constexpr const char* kScan = "#0072b2";
inline constexpr const char* kLoginLine = "#b0b0b0";

// How each login outcome is drawn and named, in the legend's order: Okabe-Ito colours, which stay
// apart for colour-blind readers, each with its own shape for black-and-white prints. The outcome
// is matched by its name in summary.json (LoginOutcomeName, mountstorm/result.h).
enum class Shape { kDisc, kCross, kSquare, kDiamond, kRing };
struct LoginStyle {
  LoginOutcome outcome;
  const char* label;
  Shape shape;
  const char* colour;
};
inline constexpr LoginStyle kLoginStyles[] = {
    {LoginOutcome::kSucceeded, "login succeeded", Shape::kDisc, "#009e73"},
    {LoginOutcome::kNoBufs, "failed: ENOBUFS", Shape::kCross, "#d55e00"},
    {LoginOutcome::kTimedOut, "failed: timeout", Shape::kSquare, "#e69f00"},
    {LoginOutcome::kLimitsExceeded, "failed: LimitsExceeded", Shape::kDiamond, "#cc79a7"},
    {LoginOutcome::kPending, "pending at the end", Shape::kRing, "#7f7f7f"},
};

// The shape of a login outcome (its name in summary.json) centred at (x, y); an unknown name is
// drawn as pending.
void LoginMarker(svg::Document& doc, const std::string& outcome, double x, double y);

// The horizontal layout of the plot, in pixels.
struct Layout {
  double width = 1000;
  double left = 112;  // y tick labels and lane names
  double right = 24;
  double plot_width() const { return width - left - right; }
};

// The frame the panels and the rug share: the layout, the time axis (x_min to x_max seconds
// across the plot width, with its ticks) and the prefix of element ids.
struct RunFrame {
  Layout layout;
  double x_min = 0;
  double x_max = 1;
  std::vector<double> ticks;
  int decimals = 0;  // of the tick labels
  std::string id;
  // The x of `t` seconds.
  double X(double t) const { return layout.left + (t - x_min) / (x_max - x_min) * layout.plot_width(); }
  // Whether `t` seconds lies on the time axis.
  bool Shows(double t) const { return t >= x_min && t <= x_max; }
};
// The frame of a plot from `x_min` to `x_max` seconds (x_min < x_max): about twelve round ticks.
RunFrame MakeRunFrame(double x_min, double x_max, const std::string& id_prefix);

// The vertical grid lines of the time ticks from `top` to `bottom`, and their labels under
// `bottom` when `labels` is set.
void TimeGrid(svg::Document& doc, const RunFrame& frame, double top, double bottom, bool labels);

// `s` as part of an element id: characters other than letters, digits, '-', '_' and '.' become '_'.
std::string IdSafe(const std::string& s);

}  // namespace mountstorm::run_plot

#endif  // MOUNTSTORM_TOOLS_RENDER_RUN_FRAME_H_
