#include "tools/sweep_plot.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "mountstorm/error.h"
#include "tools/csv_table.h"
#include "tools/plot_scale.h"
#include "tools/svg.h"

namespace mountstorm {

using namespace plot;  // scales, labels and frame colours (tools/plot_scale.h)
using svg::Attributes;
using svg::N;

namespace {

struct Choice {
  std::string outcome;
  int mean = -1, ci = -1;
  int x = -1, series = -1, y_axis = -1;
  std::vector<std::size_t> rows;  // the rows plotted
};

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// The unit of an outcome, from its name (docs/SWEEPS.md, results.csv).
std::string OutcomeUnit(const std::string& outcome) {
  if (outcome.ends_with("_s")) return "s";
  if (outcome.starts_with("messages.")) return "messages";
  if (outcome.starts_with("logins.")) return "logins";
  if (outcome == "scans.count") return "scans";
  if (outcome.starts_with("queues.") && outcome.ends_with(".peak")) {
    return (outcome.ends_with("queue.peak") && outcome.find(".socket") == std::string::npos) ? "messages" : "bytes";
  }
  if (outcome.starts_with("queues.") && outcome.ends_with(".refused")) return "refusals";
  return "";
}

const std::vector<const char*> kSeriesColours = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                                 "#e69f00", "#56b4e9", "#000000"};

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

std::string Dash(std::size_t k) {
  const std::size_t round = k / kSeriesColours.size();
  if (round == 0) return "";
  if (round == 1) return "6 3";
  return "2 3";
}

// Viridis, sampled at nine points: dark and light ends that print apart in colour and in grey.
std::string Viridis(double f) {
  static const double stops[9][3] = {{68, 1, 84},    {71, 44, 122}, {59, 81, 139},  {44, 113, 142}, {33, 144, 141},
                                     {39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37}};
  f = std::clamp(f, 0.0, 1.0) * 8;
  int i = std::min(7, static_cast<int>(std::floor(f)));
  double u = f - i;
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x",
                static_cast<int>(std::lround(stops[i][0] + (stops[i + 1][0] - stops[i][0]) * u)),
                static_cast<int>(std::lround(stops[i][1] + (stops[i + 1][1] - stops[i][1]) * u)),
                static_cast<int>(std::lround(stops[i][2] + (stops[i + 1][2] - stops[i][2]) * u)));
  return buf;
}

bool IsDark(double f) { return f < 0.55; }

std::string Shorten(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  return s.substr(0, max - 3) + "...";
}

// Distinct values of a column over some rows, in order of appearance (the order of the sweep).
std::vector<std::string> Distinct(const CsvTable& t, int column, const std::vector<std::size_t>& rows) {
  std::vector<std::string> out;
  for (std::size_t r : rows) {
    const std::string& v = t.rows[r][static_cast<std::size_t>(column)];
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

// An x (or y) axis over the values of a sweep axis: numeric (linear or log) or categorical.
struct ValueAxis {
  bool numeric = false;
  bool log = false;
  std::vector<std::string> categories;
  double lo = 0, hi = 1;
  // Position in [0, 1].
  double Pos(const std::string& value) const {
    if (!numeric) {
      auto it = std::find(categories.begin(), categories.end(), value);
      return (static_cast<double>(it - categories.begin()) + 0.5) / static_cast<double>(categories.size());
    }
    double v = *ParseNumber(value);
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
};

ValueAxis MakeValueAxis(const std::vector<std::string>& values, bool log, const std::string& path) {
  ValueAxis a;
  a.categories = values;
  a.numeric = !values.empty();
  for (const std::string& v : values) {
    if (!ParseNumber(v)) a.numeric = false;
  }
  if (log && !a.numeric) throw InputError("--log-x: the values of " + path + " are not all numbers");
  if (!a.numeric) return a;
  a.log = log;
  double mn = *ParseNumber(values[0]), mx = mn;
  for (const std::string& v : values) {
    mn = std::min(mn, *ParseNumber(v));
    mx = std::max(mx, *ParseNumber(v));
  }
  if (log) {
    if (mn <= 0) throw InputError("--log-x: " + path + " has a value <= 0, which a log scale cannot show");
    double pad = mx > mn ? std::pow(mx / mn, 0.04) : 2.0;
    a.lo = mn / pad;
    a.hi = mx * pad;
  } else {
    double span = mx > mn ? mx - mn : std::max(1.0, std::fabs(mn));
    a.lo = mn - span * 0.04;
    a.hi = mx + span * 0.04;
    if (mn >= 0 && a.lo < 0) a.lo = mn - std::min(mn, span * 0.04);
  }
  return a;
}

// The ticks of a numeric x axis: the swept values themselves if their labels do not collide,
// else nice round values.
std::vector<std::pair<double, std::string>> XTicks(const ValueAxis& a, double width, double font) {
  std::vector<std::pair<double, std::string>> ticks;
  if (!a.numeric) {
    for (const std::string& c : a.categories) ticks.push_back({a.Pos(c), c});
    return ticks;
  }
  std::vector<std::pair<double, std::string>> exact;
  for (const std::string& c : a.categories) exact.push_back({a.Pos(c), c});
  std::sort(exact.begin(), exact.end());
  bool fits = true;
  for (std::size_t i = 1; i < exact.size(); ++i) {
    double gap = (exact[i].first - exact[i - 1].first) * width;
    if (gap < (svg::TextWidth(exact[i].second, font) + svg::TextWidth(exact[i - 1].second, font)) / 2 + 8) fits = false;
  }
  if (fits) return exact;
  if (a.log) {
    for (double d = std::pow(10.0, std::ceil(std::log10(a.lo))); d <= a.hi; d *= 10) {
      ticks.push_back({(std::log10(d) - std::log10(a.lo)) / (std::log10(a.hi) - std::log10(a.lo)), FormatShort(d)});
    }
    return ticks;
  }
  double step = NiceStep(a.hi - a.lo, 8);
  for (double v : TicksUpTo(a.lo, a.hi, step)) ticks.push_back({(v - a.lo) / (a.hi - a.lo), FormatShort(v)});
  return ticks;
}

Choice Choose(const SweepData& sweep, const SweepPlotOptions& o, SweepPlotChoices* out) {
  const CsvTable& t = sweep.aggregate;
  const std::string origin = sweep.dir + "/aggregate.csv";
  const std::vector<std::vector<std::string>> groups = SweepAxisGroups(sweep);
  std::vector<std::string> axis_paths;
  for (const auto& g : groups) axis_paths.insert(axis_paths.end(), g.begin(), g.end());
  auto group_of = [&](const std::string& path) -> int {
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (std::find(groups[i].begin(), groups[i].end(), path) != groups[i].end()) return static_cast<int>(i);
    }
    return -1;
  };
  auto require_axis = [&](const std::string& flag, const std::string& path) {
    if (group_of(path) < 0) {
      throw InputError(flag + " " + path + ": not an axis of the sweep in " + sweep.dir +
                       " (its axes: " + (axis_paths.empty() ? std::string("none") : Join(axis_paths, ", ")) + ")");
    }
  };
  if (groups.empty()) throw InputError(sweep.dir + ": the sweep has no axis to plot against");
  Choice c;
  SweepPlotChoices& ch = *out;

  // The outcome.
  std::string outcome = o.outcome;
  const bool default_outcome = outcome.empty();
  if (default_outcome) outcome = "messages.systemd.sent";
  for (const char* suffix : {".mean", ".ci95", ".sd", ".n"}) {
    const std::string sfx = suffix;
    if (outcome.size() > sfx.size() && outcome.compare(outcome.size() - sfx.size(), sfx.size(), sfx) == 0 &&
        t.Column(outcome) >= 0) {
      outcome.resize(outcome.size() - sfx.size());
    }
  }
  c.outcome = outcome;
  c.mean = t.Column(outcome + ".mean");
  c.ci = t.Column(outcome + ".ci95");
  if (c.mean < 0) {
    std::vector<std::string> known;
    for (const std::string& h : t.header) {
      if (h.size() > 5 && h.compare(h.size() - 5, 5, ".mean") == 0) known.push_back(h.substr(0, h.size() - 5));
    }
    std::string list =
        Join(std::vector<std::string>(known.begin(),
                                      known.begin() + static_cast<long>(std::min<std::size_t>(known.size(), 12))),
             ", ");
    throw InputError((o.heatmap ? "--value " : "--y ") + outcome + ": " + origin + " has no column " + outcome +
                     ".mean; the outcomes are the columns of results.csv, e.g. " + list +
                     (known.size() > 12 ? " (" + std::to_string(known.size()) + " in all)" : ""));
  }
  ch.outcome = outcome;
  ch.notes.push_back(
      "outcome: " + outcome +
      (default_outcome ? " (the default; --" + std::string(o.heatmap ? "value" : "y") + " to choose)" : ""));

  // The axes.
  std::string x = o.x;
  if (x.empty()) {
    x = groups[0][0];
    ch.notes.push_back("x: " + x + " (the first axis; --x to choose)");
  } else {
    require_axis("--x", x);
    ch.notes.push_back("x: " + x);
  }
  const int gx = group_of(x);
  std::string second;  // series, or the heat map's y axis
  const std::string second_flag = o.heatmap ? "--y-axis" : "--series";
  const std::string given = o.heatmap ? o.y_axis : o.series;
  int gs = -1;
  if (given.empty()) {
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (static_cast<int>(i) != gx) {
        second = groups[i][0];
        gs = static_cast<int>(i);
        break;
      }
    }
    if (o.heatmap && second.empty())
      throw InputError("--heatmap: needs two axes; the sweep in " + sweep.dir + " has one (" + x + ")");
    if (!second.empty()) {
      ch.notes.push_back((o.heatmap ? "y: " : "series: ") + second + " (the " + (gx == 0 ? "second" : "first") +
                         " axis other than x; " + second_flag + " to choose)");
    }
  } else if (!o.heatmap && given == "none") {
    ch.notes.push_back("series: none (a single line)");
  } else {
    require_axis(second_flag, given);
    second = given;
    gs = group_of(second);
    if (gs == gx) {
      throw InputError(second_flag + " " + second + ": moves together with " + x +
                       " (they are one zip axis); choose another axis");
    }
    ch.notes.push_back((o.heatmap ? "y: " : "series: ") + second);
  }
  c.x = t.Column(x);
  c.series = o.heatmap ? -1 : (second.empty() ? -1 : t.Column(second));
  c.y_axis = o.heatmap ? t.Column(second) : -1;
  ch.x = x;
  if (o.heatmap) {
    ch.y_axis = second;
  } else {
    ch.series = second;
  }

  // The other axes: a value each.
  std::map<std::string, std::string> fixed;
  for (const std::string& f : o.fixed) {
    std::size_t eq = f.find('=');
    if (eq == std::string::npos) throw InputError("--fix " + f + ": expected PATH=VALUE");
    std::string path = f.substr(0, eq);
    require_axis("--fix", path);
    if (group_of(path) == gx || group_of(path) == gs) {
      throw InputError("--fix " + path + ": this axis is plotted (x, series or y); fix only the others");
    }
    fixed[path] = f.substr(eq + 1);
  }
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < t.rows.size(); ++r) rows.push_back(r);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (static_cast<int>(g) == gx || static_cast<int>(g) == gs) continue;
    std::string path = groups[g][0], value;
    bool chosen = false;
    for (const std::string& p : groups[g]) {
      if (fixed.count(p)) {
        path = p;
        value = fixed[p];
        chosen = true;
      }
    }
    const int col = t.Column(path);
    std::vector<std::string> values = Distinct(t, col, rows);
    if (!chosen) {
      value = values.empty() ? "" : values[0];
    } else if (std::find(values.begin(), values.end(), value) == values.end()) {
      throw InputError("--fix " + path + "=" + value + ": no such value (the values: " + Join(values, ", ") + ")");
    }
    std::vector<std::size_t> kept;
    for (std::size_t r : rows) {
      if (t.rows[r][static_cast<std::size_t>(col)] == value) kept.push_back(r);
    }
    rows = kept;
    ch.notes.push_back("fixed: " + path + " = " + value +
                       (chosen ? "" : " (its first value; --fix PATH=VALUE to choose)"));
  }
  c.rows = rows;
  return c;
}

struct Point {
  double mean;
  double ci;  // 0 when there is none
};

std::optional<Point> PointOf(const CsvTable& t, const Choice& c, std::size_t r) {
  std::optional<double> mean = ParseNumber(t.rows[r][static_cast<std::size_t>(c.mean)]);
  if (!mean) return std::nullopt;
  double ci = 0;
  if (c.ci >= 0) {
    if (std::optional<double> v = ParseNumber(t.rows[r][static_cast<std::size_t>(c.ci)])) ci = *v;
  }
  return Point{*mean, ci};
}

std::string Replications(const CsvTable& t, const Choice& c, bool interval = true) {
  const int runs = t.Column("runs");
  std::set<std::string> counts;
  for (std::size_t r : c.rows) counts.insert(t.rows[r][static_cast<std::size_t>(runs)]);
  if (counts.size() == 1) {
    const std::string n = *counts.begin();
    if (n == "1") return interval ? "1 run per point: no interval" : "1 run per point";
    return "mean of " + n + " runs per point" + (interval ? " with its 95 % interval" : "");
  }
  return std::string("mean over the runs of each point") + (interval ? " with its 95 % interval" : "");
}

// The y axis of an outcome: linear from 0 (or below), or log in decades.
struct YAxis {
  bool log = false;
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  double Pos(double v) const {
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
};

YAxis MakeYAxis(double mn, double mx, bool log) {
  YAxis a;
  a.log = log;
  if (log) {
    a.lo = std::pow(10.0, std::floor(std::log10(mn)));
    a.hi = std::pow(10.0, std::ceil(std::log10(mx)));
    if (a.hi <= a.lo) a.hi = a.lo * 10;
    const double decades = std::log10(a.hi / a.lo);
    for (double d = a.lo; d <= a.hi * 1.0001; d *= 10) {
      a.ticks.push_back(d);
      if (decades <= 2) {
        if (2 * d < a.hi * 1.0001 && decades <= 2) a.ticks.push_back(2 * d);
        if (5 * d < a.hi * 1.0001) a.ticks.push_back(5 * d);
      }
    }
    std::sort(a.ticks.begin(), a.ticks.end());
    return a;
  }
  a.lo = std::min(0.0, mn);
  a.hi = mx > a.lo ? mx : a.lo + 1;
  double step = NiceStep(a.hi - a.lo, 6);
  a.hi = std::ceil(a.hi / step - 1e-9) * step;
  if (a.lo < 0) a.lo = std::floor(a.lo / step + 1e-9) * step;
  a.ticks = TicksUpTo(a.lo, a.hi, step);
  return a;
}

std::string SweepTitle(const SweepData& sweep) {
  std::string name = sweep.sweep.is_object() ? sweep.sweep.value("name", std::string()) : std::string();
  return name.empty() ? "sweep " + sweep.dir : "sweep " + name;
}

double Notes(svg::Document& doc, const std::vector<std::string>& lines, double x, double y) {
  for (const std::string& l : lines) {
    doc.Text(x, y, l, 12, "start", {{"fill", kMuted}});
    y += 16;
  }
  return y;
}

std::string LinePlot(const SweepData& sweep, const SweepPlotOptions& o, const Choice& c, SweepPlotChoices* ch,
                     bool standalone) {
  const CsvTable& t = sweep.aggregate;
  const std::vector<std::string> xs = Distinct(t, c.x, c.rows);
  const std::vector<std::string> series = c.series >= 0 ? Distinct(t, c.series, c.rows) : std::vector<std::string>{""};
  ValueAxis xa = MakeValueAxis(xs, o.log_x, ch->x);

  // The points and the y range.
  double mn = std::numeric_limits<double>::infinity(), mx = -mn;
  double min_positive = std::numeric_limits<double>::infinity(), max_positive = 0;
  std::size_t not_shown = 0, empty = 0;
  for (std::size_t r : c.rows) {
    std::optional<Point> p = PointOf(t, c, r);
    if (!p) {
      ++empty;
      continue;
    }
    mn = std::min(mn, p->mean - p->ci);
    mx = std::max(mx, p->mean + p->ci);
    if (p->mean > 0) {
      min_positive = std::min(min_positive, p->mean - p->ci > 0 ? p->mean - p->ci : p->mean);
      max_positive = std::max(max_positive, p->mean + p->ci);
    } else {
      ++not_shown;
    }
  }
  if (!std::isfinite(mn)) {
    mn = 0;
    mx = 1;
  }
  if (max_positive <= 0 && mn >= 0) {
    ch->nothing_to_show = true;
    ch->notes.push_back("every value plotted is 0 or empty");
  }
  const bool log = o.log_y && max_positive > 0;
  if (o.log_y && max_positive <= 0) ch->notes.push_back("--log-y: no value above 0; a linear scale instead");
  if (!o.log_y && max_positive > 0 && min_positive > 0 && max_positive / min_positive >= 100) {
    ch->suggest_log = true;
    ch->notes.push_back("the values span " + Trimmed(std::log10(max_positive / min_positive), 1) +
                        " orders of magnitude: --log-y may read better");
  }
  if (log && not_shown > 0) {
    ch->notes.push_back(std::to_string(not_shown) + " point" + (not_shown == 1 ? "" : "s") +
                        " at or below 0 not shown on the log scale");
  }
  if (empty > 0) {
    ch->notes.push_back(std::to_string(empty) + " point" + (empty == 1 ? "" : "s") + " without a value (" + c.outcome +
                        " empty in every run) not shown");
  }
  YAxis ya = log ? MakeYAxis(min_positive, max_positive, true) : MakeYAxis(mn, mx, false);

  // Layout.
  const double width = 1000;
  std::vector<std::string> notes = {"y: " + c.outcome + ", " + Replications(t, c)};
  for (const std::string& n : ch->notes) {
    if (n.rfind("outcome:", 0) != 0) notes.push_back(n);
  }
  double legend_w = 0;
  if (c.series >= 0) {
    legend_w = std::max(svg::TextWidth(ch->series, 12), 80.0);
    for (const std::string& s : series) legend_w = std::max(legend_w, 34 + svg::TextWidth(Shorten(s, 28), 12));
    legend_w += 24;
  }
  const double left = 92, right = 24 + legend_w;
  const double pw = width - left - right;
  std::vector<std::pair<double, std::string>> xt = XTicks(xa, pw, 11);
  bool rotate = false;
  double max_label = 0;
  for (const auto& [pos, label] : xt) max_label = std::max(max_label, svg::TextWidth(Shorten(label, 30), 11));
  if (!xa.numeric && max_label + 6 > pw / static_cast<double>(std::max<std::size_t>(xt.size(), 1))) rotate = true;
  const double top = 46 + 16 * static_cast<double>(notes.size()) + 14;
  const double ph = 380;
  const double bottom = top + ph;
  const double height = bottom + (rotate ? max_label * 0.72 + 20 : 22) + 34;

  svg::Document doc(width, std::ceil(height));
  const std::string title = SweepTitle(sweep) + ": " + c.outcome + " against " + ch->x;
  doc.SetTitle("mountstorm: " + title);
  doc.Text(16, 26, Shorten(title, 105), 17, "start", {{"font-weight", "bold"}, {"fill", kInk}});
  Notes(doc, notes, 16, 46);

  auto X = [&](double f) { return left + f * pw; };
  auto Y = [&](double v) {
    if (ya.log && v <= 0) return bottom;
    return bottom - std::clamp(ya.Pos(v), 0.0, 1.0) * ph;
  };
  // Grid and axes.
  for (double v : ya.ticks) {
    const double yy = std::round(Y(v)) + 0.5;
    doc.Add("line", svg::Line(left, yy, left + pw, yy, kGrid, 1));
    doc.Text(left - 6, yy + 4, FormatShort(v), 11, "end", {{"fill", kInk}});
  }
  for (const auto& [pos, label] : xt) {
    const double xx = std::round(X(pos)) + 0.5;
    doc.Add("line", svg::Line(xx, top, xx, bottom, kGrid, 1));
    if (rotate) {
      doc.Text(xx + 4, bottom + 14, Shorten(label, 30), 11, "end",
               {{"fill", kInk}, {"transform", "rotate(-40 " + N(xx + 4) + " " + N(bottom + 14) + ")"}});
    } else {
      doc.Text(xx, bottom + 16, Shorten(label, 30), 11, "middle", {{"fill", kInk}});
    }
  }
  doc.Add("rect", svg::Frame(left + 0.5, top + 0.5, pw - 1, ph - 1, kFrame));
  doc.Text(left + pw / 2, height - 12, ch->x + (xa.log ? " (log scale)" : ""), 13, "middle", {{"fill", kInk}});
  const std::string unit = OutcomeUnit(c.outcome);
  const std::string ylabel = c.outcome + (unit.empty() ? "" : " (" + unit + ")") + (ya.log ? ", log scale" : "");
  doc.Text(18, top + ph / 2, ylabel, 12, "middle",
           {{"fill", kInk}, {"transform", "rotate(-90 18 " + N(top + ph / 2) + ")"}});

  // One line per series, with error bars; points at the same x are spread a little apart.
  const double dodge =
      xa.numeric ? 3 : std::min(6.0, pw / static_cast<double>(xs.size()) / static_cast<double>(series.size() + 1) / 2);
  for (std::size_t k = 0; k < series.size(); ++k) {
    const std::string colour = kSeriesColours[k % kSeriesColours.size()];
    const double off = (static_cast<double>(k) - (static_cast<double>(series.size()) - 1) / 2) * dodge;
    std::vector<std::pair<double, Point>> pts;
    for (std::size_t r : c.rows) {
      if (c.series >= 0 && t.rows[r][static_cast<std::size_t>(c.series)] != series[k]) continue;
      std::optional<Point> p = PointOf(t, c, r);
      if (!p || (ya.log && p->mean <= 0)) continue;
      pts.push_back({xa.Pos(t.rows[r][static_cast<std::size_t>(c.x)]), *p});
    }
    if (xa.numeric)
      std::stable_sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    doc.Begin({{"id", o.id_prefix + "series-" + std::to_string(k)}, {"class", "series"}});
    std::string d;
    for (const auto& [pos, p] : pts) d += (d.empty() ? "M" : "L") + N(X(pos) + off) + " " + N(Y(p.mean));
    if (pts.size() > 1) {
      Attributes a = {
          {"d", d}, {"fill", "none"}, {"stroke", colour}, {"stroke-width", "2"}, {"stroke-linejoin", "round"}};
      if (!Dash(k).empty()) a.emplace_back("stroke-dasharray", Dash(k));
      doc.Add("path", a);
    }
    for (const auto& [pos, p] : pts) {
      const double xx = X(pos) + off;
      if (p.ci > 0) {
        const double y0 = Y(p.mean - p.ci), y1 = Y(p.mean + p.ci);
        doc.Add("path", {{"d", "M" + N(xx) + " " + N(y0) + "V" + N(y1) + "M" + N(xx - 4) + " " + N(y0) + "H" +
                                   N(xx + 4) + "M" + N(xx - 4) + " " + N(y1) + "H" + N(xx + 4)},
                         {"stroke", colour},
                         {"stroke-width", "1.3"},
                         {"fill", "none"}});
      }
      SeriesMarker(doc, k, xx, Y(p.mean), colour);
    }
    doc.End();
  }
  // Legend.
  if (c.series >= 0) {
    const double lx = width - right + 18;
    double ly = top + 10;
    doc.Text(lx, ly, Shorten(ch->series, 40), 12, "start", {{"font-weight", "bold"}, {"fill", kInk}});
    ly += 20;
    for (std::size_t k = 0; k < series.size(); ++k) {
      const std::string colour = kSeriesColours[k % kSeriesColours.size()];
      Attributes a = svg::Line(lx, ly - 4, lx + 24, ly - 4, colour, 2);
      if (!Dash(k).empty()) a.emplace_back("stroke-dasharray", Dash(k));
      doc.Add("line", a);
      SeriesMarker(doc, k, lx + 12, ly - 4, colour);
      doc.Text(lx + 32, ly, Shorten(series[k], 28), 12, "start", {{"fill", kInk}});
      ly += 18;
    }
  }
  return doc.Finish(standalone);
}

std::string HeatMap(const SweepData& sweep, const SweepPlotOptions& o, const Choice& c, SweepPlotChoices* ch,
                    bool standalone) {
  const CsvTable& t = sweep.aggregate;
  const std::vector<std::string> xs = Distinct(t, c.x, c.rows);
  const std::vector<std::string> ys = Distinct(t, c.y_axis, c.rows);
  std::map<std::pair<std::size_t, std::size_t>, Point> cells;
  double mn = std::numeric_limits<double>::infinity(), mx = -mn, min_positive = mn;
  for (std::size_t r : c.rows) {
    std::optional<Point> p = PointOf(t, c, r);
    if (!p) continue;
    std::size_t i = static_cast<std::size_t>(std::find(xs.begin(), xs.end(), t.rows[r][static_cast<std::size_t>(c.x)]) -
                                             xs.begin());
    std::size_t j = static_cast<std::size_t>(
        std::find(ys.begin(), ys.end(), t.rows[r][static_cast<std::size_t>(c.y_axis)]) - ys.begin());
    cells[{i, j}] = *p;
    mn = std::min(mn, p->mean);
    mx = std::max(mx, p->mean);
    if (p->mean > 0) min_positive = std::min(min_positive, p->mean);
  }
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
  const double lo = log ? min_positive : mn, hi = mx;
  auto frac = [&](double v) {
    if (hi <= lo) return 0.5;
    if (log) return v <= 0 ? 0.0 : (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  };

  std::vector<std::string> notes = {"cell: " + c.outcome + ", " + Replications(t, c, false) +
                                    (log ? ", log colour scale" : "")};
  for (const std::string& n : ch->notes) {
    if (n.rfind("outcome:", 0) != 0) notes.push_back(n);
  }
  double ylabel_w = 0;
  for (const std::string& v : ys) ylabel_w = std::max(ylabel_w, svg::TextWidth(Shorten(v, 34), 11));
  const double width = 1000;
  const double left = std::max(80.0, ylabel_w + 40);
  const double right = 130;  // colour bar
  const double gw = width - left - right;
  const double cw = gw / static_cast<double>(xs.size());
  const double chh = std::clamp(380.0 / static_cast<double>(ys.size()), 20.0, 56.0);
  const double gh = chh * static_cast<double>(ys.size());
  double max_label = 0;
  for (const std::string& v : xs) max_label = std::max(max_label, svg::TextWidth(Shorten(v, 30), 11));
  const bool rotate = max_label + 6 > cw;
  const double top = 46 + 16 * static_cast<double>(notes.size()) + 14;
  const double bottom = top + gh;
  const double height = bottom + (rotate ? max_label * 0.72 + 20 : 22) + 34;

  svg::Document doc(width, std::ceil(std::max(height, top + 175)));
  const std::string title = SweepTitle(sweep) + ": " + c.outcome + " over " + ch->x + " and " + ch->y_axis;
  doc.SetTitle("mountstorm: " + title);
  doc.Text(16, 26, Shorten(title, 105), 17, "start", {{"font-weight", "bold"}, {"fill", kInk}});
  Notes(doc, notes, 16, 46);

  doc.Begin({{"id", o.id_prefix + "heatmap"}, {"class", "heatmap"}});
  for (std::size_t j = 0; j < ys.size(); ++j) {
    const double y0 = bottom - chh * static_cast<double>(j + 1);  // first value at the bottom
    doc.Text(left - 6, y0 + chh / 2 + 4, Shorten(ys[j], 34), 11, "end", {{"fill", kInk}});
    for (std::size_t i = 0; i < xs.size(); ++i) {
      const double x0 = left + cw * static_cast<double>(i);
      auto it = cells.find({i, j});
      if (it == cells.end()) {
        doc.Add("rect", {{"x", N(x0)},
                         {"y", N(y0)},
                         {"width", N(cw)},
                         {"height", N(chh)},
                         {"fill", "#f2f2f2"},
                         {"stroke", "#ffffff"},
                         {"stroke-width", "1"}});
        if (cw > 40) doc.Text(x0 + cw / 2, y0 + chh / 2 + 4, "none", 10, "middle", {{"fill", kMuted}});
        continue;
      }
      const double f = frac(it->second.mean);
      doc.Add("rect", {{"x", N(x0)},
                       {"y", N(y0)},
                       {"width", N(cw)},
                       {"height", N(chh)},
                       {"fill", Viridis(f)},
                       {"stroke", "#ffffff"},
                       {"stroke-width", "1"}});
      const std::string label = FormatShort(it->second.mean);
      if (svg::TextWidth(label, 11) + 6 < cw && chh >= 15) {
        doc.Text(x0 + cw / 2, y0 + chh / 2 + 4, label, 11, "middle", {{"fill", IsDark(f) ? "#ffffff" : "#000000"}});
      }
    }
  }
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double xx = left + cw * (static_cast<double>(i) + 0.5);
    if (rotate) {
      doc.Text(xx + 4, bottom + 14, Shorten(xs[i], 30), 11, "end",
               {{"fill", kInk}, {"transform", "rotate(-40 " + N(xx + 4) + " " + N(bottom + 14) + ")"}});
    } else {
      doc.Text(xx, bottom + 16, Shorten(xs[i], 30), 11, "middle", {{"fill", kInk}});
    }
  }
  doc.End();
  doc.Text(left + gw / 2, height - 12, ch->x, 13, "middle", {{"fill", kInk}});
  doc.Text(16, top + gh / 2, ch->y_axis, 12, "middle",
           {{"fill", kInk}, {"transform", "rotate(-90 16 " + N(top + gh / 2) + ")"}});

  // Colour bar.
  const double bx = width - right + 24, bh = std::max(gh, 150.0), by = top;
  const int slices = 48;
  doc.Begin({{"id", o.id_prefix + "colour-bar"}});
  for (int k = 0; k < slices; ++k) {
    const double f = (k + 0.5) / slices;
    doc.Add("rect", svg::Rect(bx, by + bh - bh * (k + 1) / slices, 18, bh / slices + 0.4, Viridis(f)));
  }
  doc.Add("rect", svg::Frame(bx, by, 18, bh, kFrame));
  std::vector<double> ticks;
  if (hi <= lo) {
    ticks = {lo};
  } else if (log) {
    for (double d = std::pow(10.0, std::ceil(std::log10(lo) - 1e-9)); d <= hi * 1.0001; d *= 10) ticks.push_back(d);
    if (ticks.size() < 2) ticks = {lo, hi};
  } else {
    ticks = TicksUpTo(lo, hi, NiceStep(hi - lo, 5));
  }
  for (double v : ticks) {
    const double yy = by + bh - (hi <= lo ? 0.5 : frac(v)) * bh;
    doc.Add("line", svg::Line(bx + 18, yy, bx + 23, yy, kInk, 1));
    doc.Text(bx + 26, yy + 4, FormatShort(v), 11, "start", {{"fill", kInk}});
  }
  const std::string unit = OutcomeUnit(c.outcome);
  if (!unit.empty()) doc.Text(bx, by - 8, unit, 11, "start", {{"fill", kMuted}});
  doc.End();
  return doc.Finish(standalone);
}

}  // namespace

SweepPlotChoices ChooseSweepPlot(const SweepData& sweep, const SweepPlotOptions& options) {
  SweepPlotChoices ch;
  Choose(sweep, options, &ch);
  return ch;
}

std::string PlotSweep(const SweepData& sweep, const SweepPlotOptions& options, SweepPlotChoices* choices,
                      bool standalone) {
  SweepPlotChoices local;
  SweepPlotChoices* ch = choices ? choices : &local;
  *ch = SweepPlotChoices{};
  Choice c = Choose(sweep, options, ch);
  if (c.rows.empty()) throw InputError(sweep.dir + "/aggregate.csv: no rows to plot");
  return options.heatmap ? HeatMap(sweep, options, c, ch, standalone) : LinePlot(sweep, options, c, ch, standalone);
}

}  // namespace mountstorm
