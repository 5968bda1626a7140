#include "render/run_plot.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "mountstorm/error.h"
#include "render/plot_scale.h"
#include "render/run_frame.h"
#include "render/run_panel.h"
#include "render/run_rug.h"
#include "render/svg.h"
#include "render/verdict.h"

namespace mountstorm {

using namespace plot;  // scales, labels and frame colours (render/plot_scale.h)
using namespace run_plot;
using svg::Attributes;

namespace {

// The panels: the queues asked for, or every queue that held something, in curves.csv order (the
// order a message meets them). Throws InputError for a queue the run does not have.
std::vector<std::string> ChoosePanels(const RunData& run, const RunPlotOptions& options) {
  const RunResult& s = run.result;
  const std::vector<std::string>& header_queues = s.curves.columns;
  std::vector<std::string> panels;
  if (!options.queues.empty()) {
    for (const std::string& q : options.queues) {
      if (std::find(header_queues.begin(), header_queues.end(), q) == header_queues.end() || s.Queue(q) == nullptr) {
        std::string known;
        for (const std::string& h : header_queues) known += (known.empty() ? "" : ", ") + h;
        throw InputError("--panels/--queue " + q + ": " + run.dir + " has no such queue (it has " + known + ")");
      }
      panels.push_back(q);
    }
  } else {
    for (const std::string& q : header_queues) {
      if (s.Queue(q) != nullptr && s.Queue(q)->peak > 0) panels.push_back(q);
    }
  }
  return panels;
}

// The seconds the time axis spans: the run and its last sample interval (1 for an empty run).
double TimeSpan(const RunResult& s, const PlotCurves& curves) {
  double x_max = ToSeconds(s.end_time);
  if (!curves.times.empty()) x_max = std::max(x_max, curves.times.back() + curves.interval);
  if (!(x_max > 0)) x_max = 1;
  return x_max;
}

// The time axis: --from and --to, or the whole run. Throws InputError for a window that shows
// nothing of the run.
std::pair<double, double> TimeWindow(const RunData& run, const PlotCurves& curves, const RunPlotOptions& options) {
  const double span = TimeSpan(run.result, curves);
  const double lo = options.from.value_or(0);
  const double hi = options.to.value_or(span);
  if (lo >= span)
    throw InputError("--from " + Trimmed(lo, 3) + ": " + run.dir + " ends at " + Trimmed(span, 3) +
                     " s; expected a time before that");
  if (hi <= lo)
    throw InputError("--to " + Trimmed(hi, 3) + ": expected a time after --from (" + Trimmed(lo, 3) + " s)");
  return {lo, hi};
}

// The rows of `c` whose sample interval overlaps the time axis of `frame`.
PlotCurves InWindow(const PlotCurves& c, const RunFrame& frame) {
  PlotCurves w;
  w.interval = c.interval;
  w.values.resize(c.values.size());
  for (std::size_t i = 0; i < c.times.size(); ++i) {
    const double end = i + 1 < c.times.size() ? c.times[i + 1] : c.times[i] + c.interval;
    if (end <= frame.x_min || c.times[i] >= frame.x_max) continue;
    w.times.push_back(c.times[i]);
    for (std::size_t p = 0; p < c.values.size(); ++p) w.values[p].push_back(c.values[p][i]);
  }
  return w;
}

// The footnote on the queues that have no panel, or "" when every queue has one.
std::string LeftOut(const RunResult& s, const std::vector<std::string>& panels, bool asked_for) {
  std::string names;
  std::size_t n = 0;
  for (const QueueResult& q : s.queues) {
    if (std::find(panels.begin(), panels.end(), q.name) != panels.end()) continue;
    names += (names.empty() ? "" : ", ") + q.name;
    ++n;
  }
  if (n == 0) return "";
  return std::string("Not drawn: ") + std::to_string(n) + (n == 1 ? " queue" : " queues") +
         (asked_for ? " not asked for with --panels or --queue: " : " that stayed empty for the whole run: ") + names;
}

// The verdict on the run, first (render/verdict.h), wrapped to the plot's width; returns the y
// below it.
double VerdictLines(svg::Document& doc, const RunFrame& frame, const RunResult& s) {
  const double x = frame.layout.left - 100;
  double y = 24;
  doc.Begin({{"id", frame.id + "verdict"}});
  for (const std::string& line : WrapText(RunVerdict(s), 15, frame.layout.width - 2 * x)) {
    doc.Text(x, y, line, 15, "start", {{"font-weight", "bold"}, {"fill", kInk}});
    y += 20;
  }
  doc.End();
  return y - 24;
}

// The title and the two lines under it, `top` below their usual place: what ran and how, and
// which panels follow.
void RunHeading(svg::Document& doc, const RunFrame& frame, const RunResult& s, std::size_t panels,
                bool queues_asked_for, bool windowed, double top) {
  const double x = frame.layout.left - 100;
  doc.Text(x, top + 26, s.scenario + ": queue depth over time", 18, "start", {{"font-weight", "bold"}, {"fill", kInk}});
  std::string patches;
  for (const PatchSpec& p : s.patches) patches += (patches.empty() ? "" : ", ") + p.name;
  const std::string sub = "profile " + s.profile + ", seed " + std::to_string(s.seed) +
                          (patches.empty() ? "" : ", patches: " + patches) + ", " + Trimmed(ToSeconds(s.end_time), 3) +
                          " s simulated (" + (s.stopped_by == StopReason::kStopAt ? "stop_at" : "quiescence") +
                          "), mountstorm " + s.version;
  doc.Text(x, top + 46, sub, 12, "start", {{"fill", kMuted}});
  std::size_t held = 0;
  for (const QueueResult& q : s.queues) held += q.peak > 0 ? 1 : 0;
  const std::string window = windowed ? "; " + Trimmed(frame.x_min, 3) + " to " + Trimmed(frame.x_max, 3) + " s shown"
                                      : std::string();
  const std::string sub2 = std::to_string(panels) + " panel" + (panels == 1 ? "" : "s") + ": " +
                           (!queues_asked_for ? "every bounded queue that held something (" + std::to_string(held) +
                                                    " of " + std::to_string(s.queues.size()) + ")"
                                              : std::string("the queues asked for")) +
                           ", in the order a message meets them" + window;
  doc.Text(x, top + 62, sub2, 12, "start", {{"fill", kMuted}});
}

struct LegendItem {
  std::string kind;  // area, limit, onset, tick:<colour>, login:<outcome>
  std::string label;
};

// The legend: the curve (with its sample interval), the limit, the first refusal, the kinds of
// events in the rug, and the login outcomes that happened with their counts.
std::vector<LegendItem> LegendOf(double interval, const EventTrack& events, const std::vector<LoginAttempt>& logins) {
  std::map<std::string, int> outcome_count;
  for (const LoginAttempt& l : logins) ++outcome_count[LoginOutcomeName(l.outcome)];
  const std::string interval_text =
      interval > 0 ? (interval < 1 ? Trimmed(interval * 1000, 3) + " ms" : Trimmed(interval, 3) + " s") : "interval";
  std::vector<LegendItem> legend;
  legend.push_back({"area", "maximum depth per " + interval_text});
  legend.push_back({"limit", "limit"});
  legend.push_back({"onset", "first refusal (ENOBUFS in a message queue)"});
  if (!events.mounts.empty()) legend.push_back({std::string("tick:") + kMount, "mount"});
  if (!events.other_ops.empty()) legend.push_back({std::string("tick:") + kOtherOp, "umount/remount"});
  if (!events.scans.empty()) legend.push_back({std::string("tick:") + kScan, "mountinfo scan by PID 1"});
  for (const LoginStyle& style : kLoginStyles) {
    const std::string o = LoginOutcomeName(style.outcome);
    auto it = outcome_count.find(o);
    if (it != outcome_count.end())
      legend.push_back({"login:" + o, std::string(style.label) + " (" + std::to_string(it->second) + ")"});
  }
  return legend;
}

// The symbol of a legend item, in the 20 px before its label; `cy` is the symbol's middle.
void LegendSymbol(svg::Document& doc, const LegendItem& item, double x, double cy) {
  if (item.kind == "area") {
    doc.Add("rect", svg::Rect(x, cy - 6, 20, 11, kCurveFill));
    doc.Add("line", svg::Line(x, cy - 6, x + 20, cy - 6, kCurveStroke, 1.5));
  } else if (item.kind == "limit") {
    doc.Add("line", svg::Line(x, cy, x + 20, cy, kLimit, 2));
  } else if (item.kind == "onset") {
    Attributes a = svg::Line(x + 10, cy - 7, x + 10, cy + 6, kOnset, 2);
    a.emplace_back("stroke-dasharray", "4 2");
    doc.Add("line", a);
  } else if (item.kind.rfind("tick:", 0) == 0) {
    doc.Add("line", svg::Line(x + 10, cy - 7, x + 10, cy + 6, item.kind.substr(5), 2));
  } else if (item.kind.rfind("login:", 0) == 0) {
    LoginMarker(doc, item.kind.substr(6), x + 10, cy);
  }
}

// Lays out legend items in rows from (x0, y), wrapping before max_x; returns the y below the legend.
double DrawLegend(svg::Document& doc, const std::vector<LegendItem>& items, double x0, double y, double max_x) {
  const double size = 12;
  double x = x0;
  for (const LegendItem& item : items) {
    const double w = 26 + svg::TextWidth(item.label, size) + 18;
    if (x > x0 && x + w > max_x) {
      x = x0;
      y += 20;
    }
    LegendSymbol(doc, item, x, y - 4);
    doc.Text(x + 26, y, item.label, size, "start", {{"fill", kInk}});
    x += w;
  }
  return y + 10;
}

}  // namespace

std::string PlotRun(const RunData& run, const RunPlotOptions& options, bool standalone) {
  const RunResult& s = run.result;
  const std::vector<std::string> panels = ChoosePanels(run, options);
  const PlotCurves all_curves = CurvesFor(s.curves, panels);
  const auto [lo, hi] = TimeWindow(run, all_curves, options);
  const RunFrame frame = MakeRunFrame(lo, hi, options.id_prefix);
  const PlotCurves curves = InWindow(all_curves, frame);
  const Layout& L = frame.layout;
  const EventTrack events = TrackOf(s.event_log, lo, hi);

  svg::Document doc(L.width, 100);
  doc.SetTitle("mountstorm: " + s.scenario + ", queue depth over time");
  const double top = VerdictLines(doc, frame, s) + 8;
  RunHeading(doc, frame, s, panels.size(), !options.queues.empty(), options.from || options.to, top);
  doc.Begin({{"id", frame.id + "legend"}});
  double y =
      DrawLegend(doc, LegendOf(curves.interval, events, s.logins.each), L.left - 100, top + 86, L.width - L.right) + 8;
  doc.End();
  for (std::size_t i = 0; i < panels.size(); ++i)
    y = DrawQueuePanel(doc, frame, panels[i], *s.Queue(panels[i]), curves, i, y);
  if (panels.empty()) {
    doc.Text(L.left, y + 20, "no bounded queue held anything in this run", 13, "start", {{"fill", kInk}});
    y += 34;
  }
  double bottom = DrawRug(doc, frame, run, events, y) + 34;
  for (const std::string& line : WrapText(LeftOut(s, panels, !options.queues.empty()), 11, L.width - 24)) {
    if (line.empty()) continue;
    bottom += 16;
    doc.Text(L.left - 100, bottom, line, 11, "start", {{"fill", kMuted}, {"class", "left-out"}});
  }
  if (!standalone) {  // the report cites the run's provenance itself
    doc.set_height(std::ceil(bottom + 14));
    return doc.Finish(standalone);
  }
  // Where the picture came from, and how to make its run again (docs/OUTPUTS.md, "Provenance").
  doc.Text(L.left - 100, bottom + 18,
           "from " + run.dir + " (manifest.json); reproduce the run with: mountstorm run " + run.dir +
               "/scenario.json -o NEW_DIR",
           11, "start", {{"fill", kMuted}});
  doc.set_height(std::ceil(bottom + 30));
  return doc.Finish(standalone);
}

}  // namespace mountstorm
