#include "render/heat_map.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "render/plot_scale.h"
#include "render/svg.h"
#include "render/sweep_figure.h"
#include "render/sweep_scales.h"

namespace mountstorm::sweep_plot {

using namespace plot;  // scales, labels and frame colours (render/plot_scale.h)
using svg::N;

namespace {

// The cells of the map by (index of the x value, index of the y value), and the range of their
// values.
struct Cells {
  std::map<std::pair<std::size_t, std::size_t>, Point> at;
  double mn = std::numeric_limits<double>::infinity(), mx = -mn, min_positive = mn;
};

Cells CellsOf(const CsvTable& t, const Choice& c, const std::vector<std::string>& xs,
              const std::vector<std::string>& ys) {
  Cells cells;
  for (std::size_t r : c.rows) {
    std::optional<Point> p = PointOf(t, c, r);
    if (!p) continue;
    std::size_t i = static_cast<std::size_t>(std::find(xs.begin(), xs.end(), t.rows[r][static_cast<std::size_t>(c.x)]) -
                                             xs.begin());
    std::size_t j = static_cast<std::size_t>(
        std::find(ys.begin(), ys.end(), t.rows[r][static_cast<std::size_t>(c.y_axis)]) - ys.begin());
    cells.at[{i, j}] = *p;
    cells.mn = std::min(cells.mn, p->mean);
    cells.mx = std::max(cells.mx, p->mean);
    if (p->mean > 0) cells.min_positive = std::min(cells.min_positive, p->mean);
  }
  return cells;
}

// The colour scale from lo to hi, linear or log.
struct ColourScale {
  bool log = false;
  double lo = 0, hi = 1;
  // The place of `v` on the scale, in [0, 1] for a value in range (0.5 when lo and hi are one).
  double Frac(double v) const {
    if (hi <= lo) return 0.5;
    if (log) return v <= 0 ? 0.0 : (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
};

// The colour scale: log if asked for and possible. Notes to `ch` that nothing is to be shown, that
// a log scale cannot be drawn or would read better.
ColourScale ChooseColourScale(const Cells& cells, const SweepPlotOptions& o, SweepPlotChoices* ch) {
  double mn = cells.mn, mx = cells.mx;
  const double min_positive = cells.min_positive;
  if (!std::isfinite(min_positive) && !(mn < 0)) {
    ch->nothing_to_show = true;
    ch->notes.push_back("every value plotted is 0 or empty");
  }
  const bool log = o.log_y && std::isfinite(min_positive);
  if (o.log_y && !log) ch->notes.push_back("--log-y: no value above 0; a linear colour scale instead");
  if (!std::isfinite(mn)) {
    mn = 0;
    mx = 1;
  }
  if (!o.log_y && mx > 0 && std::isfinite(min_positive) && mx / min_positive >= 100) {
    ch->suggest_log = true;
    ch->notes.push_back("the values span " + Trimmed(std::log10(mx / min_positive), 1) +
                        " orders of magnitude: --log-y may read better");
  }
  ColourScale s;
  s.log = log;
  s.lo = log ? min_positive : mn;
  s.hi = mx;
  return s;
}

// Where everything of a heat map goes, in pixels; the colour bar is at the right.
struct MapFrame {
  double width = 1000, left = 80, right = 130;
  double grid_width = 0, cell_width = 0, cell_height = 0, grid_height = 0;
  bool rotate = false;  // the x labels, which would not fit under their cells
  double top = 0, bottom = 0, height = 0;
};

MapFrame LayOut(const std::vector<std::string>& xs, const std::vector<std::string>& ys, std::size_t notes) {
  MapFrame f;
  double ylabel_w = 0;
  for (const std::string& v : ys) ylabel_w = std::max(ylabel_w, svg::TextWidth(Shorten(v, 34), 11));
  f.left = std::max(80.0, ylabel_w + 40);
  f.grid_width = f.width - f.left - f.right;
  f.cell_width = f.grid_width / static_cast<double>(xs.size());
  f.cell_height = std::clamp(380.0 / static_cast<double>(ys.size()), 20.0, 56.0);
  f.grid_height = f.cell_height * static_cast<double>(ys.size());
  double max_label = 0;
  for (const std::string& v : xs) max_label = std::max(max_label, svg::TextWidth(Shorten(v, 30), 11));
  f.rotate = max_label + 6 > f.cell_width;
  f.top = TopUnder(notes);
  f.bottom = f.top + f.grid_height;
  f.height = HeightUnder(f.bottom, max_label, f.rotate);
  return f;
}

// The cell with its top left corner at (x0, y0): its colour and its value where the label fits,
// or grey and "none" when the point has no value (`p` null).
void DrawCell(svg::Document& doc, const MapFrame& f, double x0, double y0, const Point* p, const ColourScale& scale) {
  const double cw = f.cell_width, chh = f.cell_height;
  const double frac = p ? scale.Frac(p->mean) : 0;
  doc.Add("rect", {{"x", N(x0)},
                   {"y", N(y0)},
                   {"width", N(cw)},
                   {"height", N(chh)},
                   {"fill", p ? Viridis(frac) : std::string("#f2f2f2")},
                   {"stroke", "#ffffff"},
                   {"stroke-width", "1"}});
  if (!p) {
    if (cw > 40) doc.Text(x0 + cw / 2, y0 + chh / 2 + 4, "none", 10, "middle", {{"fill", kMuted}});
    return;
  }
  const std::string label = FormatShort(p->mean);
  if (svg::TextWidth(label, 11) + 6 < cw && chh >= 15) {
    doc.Text(x0 + cw / 2, y0 + chh / 2 + 4, label, 11, "middle", {{"fill", IsDark(frac) ? "#ffffff" : "#000000"}});
  }
}

// The grid of cells, a row per y value (the first at the bottom) with its label at the left, and
// the x values under it.
void DrawGrid(svg::Document& doc, const MapFrame& f, const std::vector<std::string>& xs,
              const std::vector<std::string>& ys, const Cells& cells, const ColourScale& scale) {
  for (std::size_t j = 0; j < ys.size(); ++j) {
    const double y0 = f.bottom - f.cell_height * static_cast<double>(j + 1);
    doc.Text(f.left - 6, y0 + f.cell_height / 2 + 4, Shorten(ys[j], 34), 11, "end", {{"fill", kInk}});
    for (std::size_t i = 0; i < xs.size(); ++i) {
      auto it = cells.at.find({i, j});
      DrawCell(doc, f, f.left + f.cell_width * static_cast<double>(i), y0, it == cells.at.end() ? nullptr : &it->second,
               scale);
    }
  }
  for (std::size_t i = 0; i < xs.size(); ++i) {
    XLabel(doc, f.left + f.cell_width * (static_cast<double>(i) + 0.5), f.bottom, xs[i], f.rotate);
  }
}

// The values marked on the colour bar: decades on a log scale, else round values.
std::vector<double> ColourBarTicks(const ColourScale& s) {
  std::vector<double> ticks;
  if (s.hi <= s.lo) {
    ticks = {s.lo};
  } else if (s.log) {
    for (double d = std::pow(10.0, std::ceil(std::log10(s.lo) - 1e-9)); d <= s.hi * 1.0001; d *= 10) ticks.push_back(d);
    if (ticks.size() < 2) ticks = {s.lo, s.hi};
  } else {
    ticks = TicksUpTo(s.lo, s.hi, NiceStep(s.hi - s.lo, 5));
  }
  return ticks;
}

// The colour bar at the right of the grid: the scale in 48 slices, its ticks and the unit.
void DrawColourBar(svg::Document& doc, const MapFrame& f, const ColourScale& scale, const std::string& unit,
                   const std::string& id) {
  const double bx = f.width - f.right + 24, bh = std::max(f.grid_height, 150.0), by = f.top;
  const int slices = 48;
  doc.Begin({{"id", id}});
  for (int k = 0; k < slices; ++k) {
    const double frac = (k + 0.5) / slices;
    doc.Add("rect", svg::Rect(bx, by + bh - bh * (k + 1) / slices, 18, bh / slices + 0.4, Viridis(frac)));
  }
  doc.Add("rect", svg::Frame(bx, by, 18, bh, kFrame));
  for (double v : ColourBarTicks(scale)) {
    const double yy = by + bh - (scale.hi <= scale.lo ? 0.5 : scale.Frac(v)) * bh;
    doc.Add("line", svg::Line(bx + 18, yy, bx + 23, yy, kInk, 1));
    doc.Text(bx + 26, yy + 4, FormatShort(v), 11, "start", {{"fill", kInk}});
  }
  if (!unit.empty()) doc.Text(bx, by - 8, unit, 11, "start", {{"fill", kMuted}});
  doc.End();
}

}  // namespace

std::string HeatMap(const SweepData& sweep, const SweepPlotOptions& o, const Choice& c, SweepPlotChoices* ch,
                    bool standalone) {
  const CsvTable& t = sweep.aggregate;
  const std::vector<std::string> xs = Distinct(t, c.x, c.rows);
  const std::vector<std::string> ys = Distinct(t, c.y_axis, c.rows);
  const Cells cells = CellsOf(t, c, xs, ys);
  const ColourScale scale = ChooseColourScale(cells, o, ch);
  const std::vector<std::string> notes = NotesUnder(
      "cell: " + c.outcome + ", " + Replications(t, c, false) + (scale.log ? ", log colour scale" : ""), *ch);
  const MapFrame f = LayOut(xs, ys, notes.size());

  svg::Document doc(f.width, std::ceil(std::max(f.height, f.top + 175)));
  Heading(doc, SweepTitle(sweep) + ": " + c.outcome + " over " + ch->x + " and " + ch->y_axis, notes);
  doc.Begin({{"id", o.id_prefix + "heatmap"}, {"class", "heatmap"}});
  DrawGrid(doc, f, xs, ys, cells, scale);
  doc.End();
  doc.Text(f.left + f.grid_width / 2, f.height - 12, AxisLabel(ch->x), 13, "middle", {{"fill", kInk}});
  const double cy = f.top + f.grid_height / 2;
  doc.Text(16, cy, AxisLabel(ch->y_axis), 12, "middle",
           {{"fill", kInk}, {"transform", "rotate(-90 16 " + N(cy) + ")"}});
  DrawColourBar(doc, f, scale, OutcomeUnit(c.outcome), o.id_prefix + "colour-bar");
  return doc.Finish(standalone);
}

}  // namespace mountstorm::sweep_plot
