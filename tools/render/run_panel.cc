#include "render/run_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "mountstorm/queues.h"
#include "render/plot_scale.h"

namespace mountstorm::run_plot {

using namespace plot;  // scales, labels and frame colours (render/plot_scale.h)
using svg::Attributes;
using svg::N;

namespace {

// The vertical scale of a panel. The limit is drawn when the curve would still be readable under
// it: when the peak reached at least a tenth of it. Otherwise the panel is scaled to the peak,
// drawn lower (it is a side show), and its header says how far below the limit the queue stayed.
struct PanelScale {
  bool bytes = false;  // the queue counts bytes, not messages
  bool limit_shown = false;
  double y_max = 1;
  double top = 0, bottom = 0, height = 0;
  // The y of a depth of `v`.
  double Y(double v) const { return bottom - v / y_max * height; }
};

// The scale of the panel of `q` whose header is at `y`.
PanelScale ScaleOf(const QueueResult& q, double y) {
  PanelScale s;
  const double limit = static_cast<double>(q.limit);
  const double peak = static_cast<double>(q.peak);
  s.bytes = q.unit == QueueUnit::kBytes;
  s.limit_shown = limit > 0 && peak >= 0.1 * limit;
  s.y_max = s.limit_shown ? std::max(peak, limit) * 1.2 : std::max(peak, 1.0) * 1.12;
  s.height = s.limit_shown ? 120 : 56;
  s.top = y + 22;
  s.bottom = s.top + s.height;
  return s;
}

// What a queue is, for people (QueueTitle), or "" for a name no pipeline has.
std::string DescribeQueue(const std::string& q) {
  const std::optional<QueueId> id = ParseQueueName(q);
  return id ? QueueTitle(*id) : "";
}

// The figures of a panel's header: the peak and when, what was refused, how long at the limit.
std::string PanelFigures(const QueueResult& q, bool bytes) {
  const double peak = static_cast<double>(q.peak);
  const double refused = static_cast<double>(q.refused);
  const double at_limit = ToSeconds(q.time_at_limit);
  std::string figures =
      "peak " + (bytes ? FormatBytes(peak) : FormatCount(peak)) + " at " + Seconds1(ToSeconds(q.peak_time));
  if (refused > 0) figures += ", refused " + FormatCount(refused);
  if (at_limit > 0) figures += ", " + Seconds1(at_limit) + " at limit";
  return figures;
}

// The note of a panel scaled to its peak: how far below its limit the queue stayed.
std::string LimitOffScale(const QueueResult& q, bool bytes) {
  const double limit = static_cast<double>(q.limit);
  const double pct = 100 * static_cast<double>(q.peak) / limit;
  return "; " + (bytes ? FormatBytes(limit) : FormatCount(limit)) + " limit off the scale (peak " +
         Trimmed(pct, pct < 0.01 ? 4
                      : pct < 1  ? 3
                                 : 1) +
         " % of it)";
}

// The header above a panel: the name, the figures at the right (after the limit's note when the
// limit is off the scale), and what the queue is in between, shortened to fit.
void PanelHeader(svg::Document& doc, const RunFrame& frame, const std::string& name, const QueueResult& q,
                 const PanelScale& scale) {
  const Layout& L = frame.layout;
  const double ty = scale.top - 8;
  doc.Text(L.left, ty, name, 14, "start", {{"font-weight", "bold"}, {"fill", kInk}});
  const std::string figures = PanelFigures(q, scale.bytes);
  double right_x = L.width - L.right;
  if (!scale.limit_shown && q.limit > 0) {
    const std::string note = LimitOffScale(q, scale.bytes);
    doc.Text(right_x, ty, note, 11, "end", {{"fill", kLimit}, {"class", "limit-note"}});
    right_x -= svg::TextWidth(note, 11);
  }
  doc.Text(right_x, ty, figures, 11, "end", {{"fill", kInk}});
  const double desc_x = L.left + svg::TextWidth(name, 14) + 10;
  const double room = right_x - svg::TextWidth(figures, 11) - 14 - desc_x;
  std::string desc = DescribeQueue(name);
  const std::size_t fits = room > 0 ? static_cast<std::size_t>(room / (svg::kCharWidth * 11)) : 0;
  if (desc.size() > fits) desc = fits > 8 ? desc.substr(0, fits - 3) + "..." : "";
  if (!desc.empty()) doc.Text(desc_x, ty, desc, 11, "start", {{"fill", kMuted}});
}

// The grid of a panel: depth ticks with their labels at the left, the time ticks, the unit.
void PanelGrid(svg::Document& doc, const RunFrame& frame, const PanelScale& scale) {
  const Layout& L = frame.layout;
  const int max_ticks = scale.limit_shown ? 5 : 2;
  const double step = scale.bytes ? ByteStep(scale.y_max, max_ticks) : NiceStep(scale.y_max, max_ticks);
  for (double v : TicksUpTo(0, scale.y_max, step)) {
    const double yy = std::round(scale.Y(v)) + 0.5;
    if (v > 0) doc.Add("line", svg::Line(L.left, yy, L.left + L.plot_width(), yy, kGrid, 1));
    doc.Text(L.left - 6, yy + 4, scale.bytes ? (v == 0 ? "0" : FormatBytes(v)) : FormatShort(v), 11, "end",
             {{"fill", kMuted}});
  }
  TimeGrid(doc, frame, scale.top, scale.bottom, true);
  const double cy = (scale.top + scale.bottom) / 2;
  doc.Text(16, cy, scale.bytes ? "bytes" : "messages", 11, "middle",
           {{"fill", kMuted}, {"transform", "rotate(-90 16 " + N(cy) + ")"}});
}

struct Segment {
  double x0, x1, v;  // pixels, pixels, level
};

// The steps of a curve with at most one sample per pixel column: one per sample.
std::vector<Segment> StepPerSample(const std::vector<double>& times, const std::vector<double>& v, double interval,
                                   double x_max, double left, double plot_width) {
  std::vector<Segment> raw;
  auto px = [&](double t) { return left + t / x_max * plot_width; };
  const std::size_t n = times.size();
  for (std::size_t i = 0; i < n; ++i) {
    double t1 = i + 1 < n ? times[i + 1] : times[i] + interval;
    raw.push_back({px(times[i]), px(std::min(t1, x_max)), v[i]});
  }
  return raw;
}

// The steps of a curve with more samples than pixel columns: one per column, the maximum of the
// intervals that fall in it (an interval that spans several columns fills them all).
std::vector<Segment> StepPerColumn(const std::vector<double>& times, const std::vector<double>& v, double interval,
                                   double x_max, double left, double plot_width) {
  std::vector<Segment> raw;
  const std::size_t n = times.size();
  const std::size_t columns = static_cast<std::size_t>(plot_width);
  std::vector<double> best(columns, -1);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t col = static_cast<std::size_t>(std::floor(times[i] / x_max * static_cast<double>(columns)));
    col = std::min(col, columns - 1);
    best[col] = std::max(best[col], v[i]);
    double t1 = times[i] + interval;
    std::size_t last =
        std::min(columns - 1, static_cast<std::size_t>(std::ceil(t1 / x_max * static_cast<double>(columns))) - 1);
    for (std::size_t k = col + 1; k <= last && k < columns; ++k) best[k] = std::max(best[k], v[i]);
  }
  double carry = 0;
  for (std::size_t k = 0; k < columns; ++k) {
    if (best[k] < 0) best[k] = carry;
    carry = best[k];
    raw.push_back({left + static_cast<double>(k) * plot_width / static_cast<double>(columns),
                   left + static_cast<double>(k + 1) * plot_width / static_cast<double>(columns), best[k]});
  }
  return raw;
}

// The step curve of one queue, reduced to at most one step per pixel column by taking the maximum
// of the intervals that fall in the column: no peak is lost, however narrow. Neighbouring steps
// of the same level are merged.
std::vector<Segment> Reduce(const std::vector<double>& times, const std::vector<double>& v, double interval,
                            double x_max, double left, double plot_width) {
  if (times.empty()) return {};
  const std::vector<Segment> raw = static_cast<double>(times.size()) <= plot_width
                                       ? StepPerSample(times, v, interval, x_max, left, plot_width)
                                       : StepPerColumn(times, v, interval, x_max, left, plot_width);
  std::vector<Segment> merged;
  for (const Segment& s : raw) {
    if (!merged.empty() && merged.back().v == s.v) {
      merged.back().x1 = s.x1;
    } else {
      merged.push_back(s);
    }
  }
  return merged;
}

// The depth of a queue: the area under the step curve and its outline.
void DepthCurve(svg::Document& doc, const RunFrame& frame, const PanelScale& scale, const std::vector<double>& times,
                const std::vector<double>& depth, double interval) {
  // From the left edge of the time axis: a sample interval that began before it starts at it.
  std::vector<double> shifted;
  shifted.reserve(times.size());
  for (double t : times) shifted.push_back(std::max(t - frame.x_min, 0.0));
  const std::vector<Segment> seg =
      Reduce(shifted, depth, interval, frame.x_max - frame.x_min, frame.layout.left, frame.layout.plot_width());
  if (seg.empty()) return;
  std::string area = "M" + N(seg.front().x0) + " " + N(scale.bottom);
  std::string line = "M" + N(seg.front().x0) + " " + N(scale.Y(seg.front().v));
  for (const Segment& sg : seg) {
    area += "V" + N(scale.Y(sg.v)) + "H" + N(sg.x1);
    line += "V" + N(scale.Y(sg.v)) + "H" + N(sg.x1);
  }
  area += "V" + N(scale.bottom) + "Z";
  doc.Add("path", {{"d", area}, {"fill", kCurveFill}, {"class", "depth"}});
  doc.Add(
      "path",
      {{"d", line}, {"fill", "none"}, {"stroke", kCurveStroke}, {"stroke-width", "1.2"}, {"stroke-linejoin", "round"}});
}

// The box around a label, to keep the labels of the limit and of the first refusal apart.
struct Box {
  double x0, y0, x1, y1;
  bool Overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

// Whether the first refusal happened and lies on the time axis.
bool OnsetShown(const RunFrame& frame, const QueueResult& q) {
  return q.first_refusal && frame.Shows(ToSeconds(*q.first_refusal));
}

// The x of the first refusal's line, on a whole pixel; -1 when it is not shown.
double OnsetX(const RunFrame& frame, const QueueResult& q) {
  return OnsetShown(frame, q) ? std::round(frame.X(ToSeconds(*q.first_refusal))) : -1;
}

// The bold label of the limit or of the first refusal, on a white halo.
Attributes LabelStyle(const char* colour) {
  return {{"fill", colour},
          {"font-weight", "bold"},
          {"stroke", "#ffffff"},
          {"stroke-width", "3"},
          {"paint-order", "stroke"}};
}

// The limit, when the panel shows it: a horizontal line on whole pixels (2 px wide), labelled
// above it at the left, or at the right if the first refusal's line would cross the label.
// Returns the label's box.
std::optional<Box> LimitLine(svg::Document& doc, const RunFrame& frame, const std::string& name, const QueueResult& q,
                             const PanelScale& scale) {
  if (!scale.limit_shown) return std::nullopt;
  const Layout& L = frame.layout;
  const double limit = static_cast<double>(q.limit);
  const double ly = std::round(scale.Y(limit));
  doc.Add("line", {{"id", frame.id + "limit-" + IdSafe(name)},
                   {"class", "limit"},
                   {"x1", N(L.left)},
                   {"y1", N(ly)},
                   {"x2", N(L.left + L.plot_width())},
                   {"y2", N(ly)},
                   {"stroke", kLimit},
                   {"stroke-width", "2"}});
  const std::string text =
      scale.bytes ? "limit " + FormatBytes(limit) + " (" + FormatCount(limit) + ")" : "limit " + FormatCount(limit);
  const double w = svg::TextWidth(text, 12);
  const double onset_x = OnsetX(frame, q);
  double tx = L.left + 6;
  const bool at_right = OnsetShown(frame, q) && onset_x > tx - 8 && onset_x < tx + w + 8;
  if (at_right) tx = L.left + L.plot_width() - 6 - w;
  const double ty = ly - 5;
  doc.Text(tx, ty, text, 12, "start", LabelStyle(kLimit));
  return Box{tx - 2, ty - 11, tx + w + 2, ty + 3};
}

// The first refusal, if any: a dashed vertical line on whole pixels, labelled at the top (below
// the limit's label if they would overlap).
void OnsetMarker(svg::Document& doc, const RunFrame& frame, const std::string& name, const QueueResult& q,
                 const PanelScale& scale, const std::optional<Box>& limit_box) {
  if (!OnsetShown(frame, q)) return;
  const double ox = OnsetX(frame, q);
  doc.Add("line", {{"id", frame.id + "onset-" + IdSafe(name)},
                   {"class", "onset"},
                   {"x1", N(ox)},
                   {"y1", N(scale.top)},
                   {"x2", N(ox)},
                   {"y2", N(scale.bottom)},
                   {"stroke", kOnset},
                   {"stroke-width", "2"},
                   {"stroke-dasharray", "7 3"}});
  const std::string text = (scale.bytes ? "first refusal " : "ENOBUFS ") + Seconds1(ToSeconds(*q.first_refusal));
  const double w = svg::TextWidth(text, 12);
  const bool right_side = ox + 6 + w < frame.layout.left + frame.layout.plot_width();
  const double tx = right_side ? ox + 6 : ox - 6;
  double ty = scale.top + 14;
  const Box b{right_side ? tx - 2 : tx - w - 2, ty - 11, right_side ? tx + w + 2 : tx + 2, ty + 3};
  if (limit_box && b.Overlaps(*limit_box)) ty = limit_box->y1 + 16;  // below the limit's label
  doc.Text(tx, ty, text, 12, right_side ? "start" : "end", LabelStyle(kOnset));
}

}  // namespace

PlotCurves CurvesFor(const Curves& curves, const std::vector<std::string>& wanted) {
  PlotCurves c;
  for (Time t : curves.times) c.times.push_back(ToSeconds(t));
  for (const std::string& q : wanted) {
    const std::vector<std::int64_t>& v = curves.values[static_cast<std::size_t>(curves.Column(q))];
    c.values.emplace_back(v.begin(), v.end());
  }
  if (c.times.size() >= 2) c.interval = c.times[1] - c.times[0];
  return c;
}

double DrawQueuePanel(svg::Document& doc, const RunFrame& frame, const std::string& name, const QueueResult& queue,
                      const PlotCurves& curves, std::size_t column, double y) {
  const PanelScale scale = ScaleOf(queue, y);
  const Layout& L = frame.layout;
  doc.Begin({{"id", frame.id + "panel-" + IdSafe(name)}, {"class", "panel"}});
  doc.Comment("queue " + name + ": " + (scale.bytes ? "bytes" : "messages") + ", limit " +
              FormatCount(static_cast<double>(queue.limit)) + ", peak " + FormatCount(static_cast<double>(queue.peak)));
  PanelHeader(doc, frame, name, queue, scale);
  PanelGrid(doc, frame, scale);
  DepthCurve(doc, frame, scale, curves.times, curves.values[column], curves.interval);
  const std::optional<Box> limit_box = LimitLine(doc, frame, name, queue, scale);
  OnsetMarker(doc, frame, name, queue, scale, limit_box);
  doc.Add("rect", svg::Frame(L.left + 0.5, scale.top + 0.5, L.plot_width() - 1, scale.height - 1, kFrame));
  doc.End();
  return scale.bottom + 26;
}

}  // namespace mountstorm::run_plot
