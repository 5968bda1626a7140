#include "render/line_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "render/plot_scale.h"
#include "render/svg.h"
#include "render/sweep_figure.h"
#include "render/sweep_scales.h"

namespace mountstorm::sweep_plot {

using namespace plot;  // scales, labels and frame colours (render/plot_scale.h)
using svg::Attributes;
using svg::N;

namespace {

// The colours of the series, in order; after the last, they come round again with dashes.
const std::vector<const char*> kSeriesColours = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                                 "#e69f00", "#56b4e9", "#000000"};

std::string ColourOf(std::size_t k) { return kSeriesColours[k % kSeriesColours.size()]; }

// The marker of series `k` at (x, y): one of six shapes, in turn.
void SeriesMarker(svg::Document& doc, std::size_t k, double x, double y, const std::string& colour) {
  const std::size_t shape = k % 6;
  const std::string fill = colour;
  switch (shape) {
    case 0:
      doc.Add("circle", {{"cx", N(x)}, {"cy", N(y)}, {"r", "4.5"}, {"fill", fill}});
      break;
    case 1:
      doc.Add("rect", {{"x", N(x - 4)}, {"y", N(y - 4)}, {"width", "8"}, {"height", "8"}, {"fill", fill}});
      break;
    case 2:
      doc.Add("path", {{"d", "M" + N(x) + " " + N(y - 5.5) + "L" + N(x + 5) + " " + N(y + 4) + "L" + N(x - 5) + " " +
                                 N(y + 4) + "Z"},
                       {"fill", fill}});
      break;
    case 3:
      doc.Add("path", {{"d", "M" + N(x) + " " + N(y - 5.5) + "L" + N(x + 5.5) + " " + N(y) + "L" + N(x) + " " +
                                 N(y + 5.5) + "L" + N(x - 5.5) + " " + N(y) + "Z"},
                       {"fill", fill}});
      break;
    case 4:
      doc.Add("path", {{"d", "M" + N(x) + " " + N(y + 5.5) + "L" + N(x + 5) + " " + N(y - 4) + "L" + N(x - 5) + " " +
                                 N(y - 4) + "Z"},
                       {"fill", fill}});
      break;
    default:
      doc.Add("circle",
              {{"cx", N(x)}, {"cy", N(y)}, {"r", "4"}, {"fill", "#ffffff"}, {"stroke", fill}, {"stroke-width", "2"}});
  }
}

// The dashes of series `k`: none the first time round the colours, then dashed, then dotted.
std::string Dash(std::size_t k) {
  const std::size_t round = k / kSeriesColours.size();
  if (round == 0) return "";
  if (round == 1) return "6 3";
  return "2 3";
}

// The range of the values plotted, and what a log scale would leave out.
struct ValueRange {
  double mn = 0, mx = 1;  // of mean -+ interval over the points with a value (0 and 1 if none has one)
  double min_positive = std::numeric_limits<double>::infinity(), max_positive = 0;  // of the points above 0
  std::size_t not_shown = 0;                                                        // points at or below 0
  std::size_t empty = 0;                                                            // points without a value
};

ValueRange RangeOf(const CsvTable& t, const Choice& c) {
  ValueRange v;
  double mn = std::numeric_limits<double>::infinity(), mx = -mn;
  for (std::size_t r : c.rows) {
    std::optional<Point> p = PointOf(t, c, r);
    if (!p) {
      ++v.empty;
      continue;
    }
    mn = std::min(mn, p->mean - p->ci);
    mx = std::max(mx, p->mean + p->ci);
    if (p->mean > 0) {
      v.min_positive = std::min(v.min_positive, p->mean - p->ci > 0 ? p->mean - p->ci : p->mean);
      v.max_positive = std::max(v.max_positive, p->mean + p->ci);
    } else {
      ++v.not_shown;
    }
  }
  if (std::isfinite(mn)) {
    v.mn = mn;
    v.mx = mx;
  }
  return v;
}

// The y axis: log if asked for and possible. Notes to `ch` that nothing is to be shown, that a log
// scale cannot be drawn or would read better, and which points are not shown.
YAxis ChooseYAxis(const ValueRange& v, const SweepPlotOptions& o, const Choice& c, SweepPlotChoices* ch) {
  if (v.max_positive <= 0 && v.mn >= 0) {
    ch->nothing_to_show = true;
    ch->notes.push_back("every value plotted is 0 or empty");
  }
  const bool log = o.log_y && v.max_positive > 0;
  if (o.log_y && v.max_positive <= 0) ch->notes.push_back("--log-y: no value above 0; a linear scale instead");
  if (!o.log_y && v.max_positive > 0 && v.min_positive > 0 && v.max_positive / v.min_positive >= 100) {
    ch->suggest_log = true;
    ch->notes.push_back("the values span " + Trimmed(std::log10(v.max_positive / v.min_positive), 1) +
                        " orders of magnitude: --log-y may read better");
  }
  if (log && v.not_shown > 0) {
    ch->notes.push_back(std::to_string(v.not_shown) + " point" + (v.not_shown == 1 ? "" : "s") +
                        " at or below 0 not shown on the log scale");
  }
  if (v.empty > 0) {
    ch->notes.push_back(std::to_string(v.empty) + " point" + (v.empty == 1 ? "" : "s") + " without a value (" +
                        c.outcome + " empty in every run) not shown");
  }
  return log ? MakeYAxis(v.min_positive, v.max_positive, true) : MakeYAxis(v.mn, v.mx, false);
}

// Where everything of a line plot goes, in pixels; the legend of the series is at the right.
struct LineFrame {
  ValueAxis xa;
  YAxis ya;
  std::vector<std::pair<double, std::string>> xticks;
  bool rotate = false;  // the x labels, which would collide
  double width = 1000, left = 92, right = 24, plot_width = 0;
  double top = 0, plot_height = 380, bottom = 0, height = 0;
  double X(double f) const { return left + f * plot_width; }
  double Y(double v) const {
    if (ya.log && v <= 0) return bottom;
    return bottom - std::clamp(ya.Pos(v), 0.0, 1.0) * plot_height;
  }
};

// The width of the legend of the series (`name` the series axis, `series` its values).
double LegendWidth(const std::string& name, const std::vector<std::string>& series) {
  double w = std::max(svg::TextWidth(Shorten(AxisLabel(name), 40), 12), 80.0);
  for (const std::string& s : series) w = std::max(w, 34 + svg::TextWidth(Shorten(s, 28), 12));
  return w + 24;
}

LineFrame LayOut(const ValueAxis& xa, const YAxis& ya, std::size_t notes, double legend_width) {
  LineFrame f;
  f.xa = xa;
  f.ya = ya;
  f.right = 24 + legend_width;
  f.plot_width = f.width - f.left - f.right;
  f.xticks = XTicks(xa, f.plot_width, 11);
  double max_label = 0;
  for (const auto& [pos, label] : f.xticks) max_label = std::max(max_label, svg::TextWidth(Shorten(label, 30), 11));
  if (!xa.numeric && max_label + 6 > f.plot_width / static_cast<double>(std::max<std::size_t>(f.xticks.size(), 1)))
    f.rotate = true;
  f.top = TopUnder(notes);
  f.bottom = f.top + f.plot_height;
  f.height = HeightUnder(f.bottom, max_label, f.rotate);
  return f;
}

// The grid, the ticks and their labels, the frame and the titles of both axes.
void DrawAxes(svg::Document& doc, const LineFrame& f, const std::string& x_path, const std::string& outcome) {
  for (double v : f.ya.ticks) {
    const double yy = std::round(f.Y(v)) + 0.5;
    doc.Add("line", svg::Line(f.left, yy, f.left + f.plot_width, yy, kGrid, 1));
    doc.Text(f.left - 6, yy + 4, FormatShort(v), 11, "end", {{"fill", kInk}});
  }
  for (const auto& [pos, label] : f.xticks) {
    const double xx = std::round(f.X(pos)) + 0.5;
    doc.Add("line", svg::Line(xx, f.top, xx, f.bottom, kGrid, 1));
    XLabel(doc, xx, f.bottom, label, f.rotate);
  }
  doc.Add("rect", svg::Frame(f.left + 0.5, f.top + 0.5, f.plot_width - 1, f.plot_height - 1, kFrame));
  doc.Text(f.left + f.plot_width / 2, f.height - 12, AxisLabel(x_path) + (f.xa.log ? ", log scale" : ""), 13,
           "middle", {{"fill", kInk}});
  const std::string ylabel = OutcomeLabel(outcome) + (f.ya.log ? ", log scale" : "");
  const double cy = f.top + f.plot_height / 2;
  doc.Text(18, cy, ylabel, 12, "middle", {{"fill", kInk}, {"transform", "rotate(-90 18 " + N(cy) + ")"}});
}

// The points of the series whose value is `value` (every row without a series), as (position on
// x, point), in the order of x on a numeric axis; a log scale leaves out the points at or below 0.
std::vector<std::pair<double, Point>> SeriesPoints(const CsvTable& t, const Choice& c, const LineFrame& f,
                                                   const std::string& value) {
  std::vector<std::pair<double, Point>> pts;
  for (std::size_t r : c.rows) {
    if (c.series >= 0 && t.rows[r][static_cast<std::size_t>(c.series)] != value) continue;
    std::optional<Point> p = PointOf(t, c, r);
    if (!p || (f.ya.log && p->mean <= 0)) continue;
    pts.push_back({f.xa.Pos(t.rows[r][static_cast<std::size_t>(c.x)]), *p});
  }
  if (f.xa.numeric)
    std::stable_sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return pts;
}

// Series `k` of the plot, `offset` pixels off its x: the line through its means, then at each
// point its interval as an error bar and its marker.
void DrawSeries(svg::Document& doc, const LineFrame& f, const std::vector<std::pair<double, Point>>& pts, std::size_t k,
                double offset, const std::string& id) {
  const std::string colour = ColourOf(k);
  doc.Begin({{"id", id}, {"class", "series"}});
  std::string d;
  for (const auto& [pos, p] : pts) d += (d.empty() ? "M" : "L") + N(f.X(pos) + offset) + " " + N(f.Y(p.mean));
  if (pts.size() > 1) {
    Attributes a = {
        {"d", d}, {"fill", "none"}, {"stroke", colour}, {"stroke-width", "2"}, {"stroke-linejoin", "round"}};
    if (!Dash(k).empty()) a.emplace_back("stroke-dasharray", Dash(k));
    doc.Add("path", a);
  }
  for (const auto& [pos, p] : pts) {
    const double xx = f.X(pos) + offset;
    if (p.ci > 0) {
      const double y0 = f.Y(p.mean - p.ci), y1 = f.Y(p.mean + p.ci);
      doc.Add("path", {{"d", "M" + N(xx) + " " + N(y0) + "V" + N(y1) + "M" + N(xx - 4) + " " + N(y0) + "H" + N(xx + 4) +
                                 "M" + N(xx - 4) + " " + N(y1) + "H" + N(xx + 4)},
                       {"stroke", colour},
                       {"stroke-width", "1.3"},
                       {"fill", "none"}});
    }
    SeriesMarker(doc, k, xx, f.Y(p.mean), colour);
  }
  doc.End();
}

// The legend at the right of the plot: the series axis `name`, then each value with its line.
void DrawLegend(svg::Document& doc, const LineFrame& f, const std::string& name,
                const std::vector<std::string>& series) {
  const double lx = f.width - f.right + 18;
  double ly = f.top + 10;
  doc.Text(lx, ly, Shorten(AxisLabel(name), 40), 12, "start", {{"font-weight", "bold"}, {"fill", kInk}});
  ly += 20;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const std::string colour = ColourOf(k);
    Attributes a = svg::Line(lx, ly - 4, lx + 24, ly - 4, colour, 2);
    if (!Dash(k).empty()) a.emplace_back("stroke-dasharray", Dash(k));
    doc.Add("line", a);
    SeriesMarker(doc, k, lx + 12, ly - 4, colour);
    doc.Text(lx + 32, ly, Shorten(series[k], 28), 12, "start", {{"fill", kInk}});
    ly += 18;
  }
}

}  // namespace

std::string LinePlot(const SweepData& sweep, const SweepPlotOptions& o, const Choice& c, SweepPlotChoices* ch,
                     bool standalone) {
  const CsvTable& t = sweep.aggregate;
  const std::vector<std::string> xs = Distinct(t, c.x, c.rows);
  const std::vector<std::string> series = c.series >= 0 ? Distinct(t, c.series, c.rows) : std::vector<std::string>{""};
  const ValueAxis xa = MakeValueAxis(xs, o.log_x, ch->x);
  const YAxis ya = ChooseYAxis(RangeOf(t, c), o, c, ch);
  const std::vector<std::string> notes = NotesUnder("y: " + c.outcome + ", " + Replications(t, c), *ch);
  const LineFrame f = LayOut(xa, ya, notes.size(), c.series >= 0 ? LegendWidth(ch->series, series) : 0);

  svg::Document doc(f.width, std::ceil(f.height));
  Heading(doc, SweepTitle(sweep) + ": " + c.outcome + " against " + ch->x, notes);
  DrawAxes(doc, f, ch->x, c.outcome);
  // Points at the same x are spread a little apart.
  const double dodge =
      xa.numeric
          ? 3
          : std::min(6.0, f.plot_width / static_cast<double>(xs.size()) / static_cast<double>(series.size() + 1) / 2);
  for (std::size_t k = 0; k < series.size(); ++k) {
    const double offset = (static_cast<double>(k) - (static_cast<double>(series.size()) - 1) / 2) * dodge;
    DrawSeries(doc, f, SeriesPoints(t, c, f, series[k]), k, offset, o.id_prefix + "series-" + std::to_string(k));
  }
  if (c.series >= 0) DrawLegend(doc, f, ch->series, series);
  return doc.Finish(standalone);
}

}  // namespace mountstorm::sweep_plot
