#include "render/sweep_choice.h"

#include <algorithm>
#include <map>
#include <utility>

#include "mountstorm/error.h"

namespace mountstorm::sweep_plot {

namespace {

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// The axes of a sweep: groups of paths that move together (a zip axis), in the order of the sweep.
struct SweepAxes {
  std::vector<std::vector<std::string>> groups;
  std::vector<std::string> paths;  // every path of every group
  std::string dir;                 // for messages

  // The group of `path`, or -1.
  int GroupOf(const std::string& path) const {
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (std::find(groups[i].begin(), groups[i].end(), path) != groups[i].end()) return static_cast<int>(i);
    }
    return -1;
  }
  // Throws InputError, listing the axes, unless `path` (given with `flag`) is an axis.
  void Require(const std::string& flag, const std::string& path) const {
    if (GroupOf(path) < 0) {
      throw InputError(flag + " " + path + ": not an axis of the sweep in " + dir +
                       " (its axes: " + (paths.empty() ? std::string("none") : Join(paths, ", ")) + ")");
    }
  }
};

SweepAxes AxesOf(const SweepData& sweep) {
  SweepAxes a;
  a.groups = SweepAxisGroups(sweep);
  for (const auto& g : a.groups) a.paths.insert(a.paths.end(), g.begin(), g.end());
  a.dir = sweep.dir;
  return a;
}

// The outcome asked for (messages.systemd.sent by default; a column's .mean, .ci95, .sd or .n
// suffix is dropped) and its columns. Throws InputError, with some of the outcomes the sweep has,
// when aggregate.csv has no mean of it.
void ChooseOutcome(const SweepData& sweep, const SweepPlotOptions& o, Choice& c, SweepPlotChoices& ch) {
  const CsvTable& t = sweep.aggregate;
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
    throw InputError((o.heatmap ? "--value " : "--y ") + outcome + ": " + sweep.dir + "/aggregate.csv" +
                     " has no column " + outcome + ".mean; the outcomes are the columns of results.csv, e.g. " + list +
                     (known.size() > 12 ? " (" + std::to_string(known.size()) + " in all)" : ""));
  }
  ch.outcome = outcome;
  ch.notes.push_back(
      "outcome: " + outcome +
      (default_outcome ? " (the default; --" + std::string(o.heatmap ? "value" : "y") + " to choose)" : ""));
}

// The axis along x: the one asked for, or the first.
std::string ChooseX(const SweepAxes& axes, const SweepPlotOptions& o, SweepPlotChoices& ch) {
  if (o.x.empty()) {
    ch.notes.push_back("x: " + axes.groups[0][0] + " (the first axis; --x to choose)");
    return axes.groups[0][0];
  }
  axes.Require("--x", o.x);
  ch.notes.push_back("x: " + o.x);
  return o.x;
}

// The second axis (the series of a line plot, the y of a heat map) and its group: the one asked
// for, or the first axis other than x's; none ("", -1) for a single line.
std::pair<std::string, int> ChooseSecond(const SweepAxes& axes, const SweepPlotOptions& o, const std::string& x,
                                         SweepPlotChoices& ch) {
  const int gx = axes.GroupOf(x);
  const std::string flag = o.heatmap ? "--y-axis" : "--series";
  const std::string given = o.heatmap ? o.y_axis : o.series;
  const std::string role = o.heatmap ? "y: " : "series: ";
  if (given.empty()) {
    std::string second;
    int gs = -1;
    for (std::size_t i = 0; i < axes.groups.size(); ++i) {
      if (static_cast<int>(i) != gx) {
        second = axes.groups[i][0];
        gs = static_cast<int>(i);
        break;
      }
    }
    if (o.heatmap && second.empty())
      throw InputError("--heatmap: needs two axes; the sweep in " + axes.dir + " has one (" + x + ")");
    if (!second.empty()) {
      ch.notes.push_back(role + second + " (the " + (gx == 0 ? "second" : "first") + " axis other than x; " + flag +
                         " to choose)");
    }
    return {second, gs};
  }
  if (!o.heatmap && given == "none") {
    ch.notes.push_back("series: none (a single line)");
    return {"", -1};
  }
  axes.Require(flag, given);
  const int gs = axes.GroupOf(given);
  if (gs == gx) {
    throw InputError(flag + " " + given + ": moves together with " + x +
                     " (they are one zip axis); choose another axis");
  }
  ch.notes.push_back(role + given);
  return {given, gs};
}

// The values of --fix PATH=VALUE by path. Throws InputError for a malformed one, a path that is not
// an axis, or one of the axes plotted (the groups gx and gs).
std::map<std::string, std::string> FixedValues(const SweepAxes& axes, const SweepPlotOptions& o, int gx, int gs) {
  std::map<std::string, std::string> fixed;
  for (const std::string& f : o.fixed) {
    std::size_t eq = f.find('=');
    if (eq == std::string::npos) throw InputError("--fix " + f + ": expected PATH=VALUE");
    std::string path = f.substr(0, eq);
    axes.Require("--fix", path);
    if (axes.GroupOf(path) == gx || axes.GroupOf(path) == gs) {
      throw InputError("--fix " + path + ": this axis is plotted (x, series or y); fix only the others");
    }
    fixed[path] = f.substr(eq + 1);
  }
  return fixed;
}

// The rows of the slice: every axis not plotted (not in the groups gx and gs) at its fixed value,
// or at its first. Throws InputError for a fixed value the axis does not have.
std::vector<std::size_t> SliceRows(const CsvTable& t, const SweepAxes& axes, std::map<std::string, std::string> fixed,
                                   int gx, int gs, SweepPlotChoices& ch) {
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < t.rows.size(); ++r) rows.push_back(r);
  for (std::size_t g = 0; g < axes.groups.size(); ++g) {
    if (static_cast<int>(g) == gx || static_cast<int>(g) == gs) continue;
    std::string path = axes.groups[g][0], value;
    bool chosen = false;
    for (const std::string& p : axes.groups[g]) {
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
  return rows;
}

}  // namespace

std::vector<std::string> Distinct(const CsvTable& t, int column, const std::vector<std::size_t>& rows) {
  std::vector<std::string> out;
  for (std::size_t r : rows) {
    const std::string& v = t.rows[r][static_cast<std::size_t>(column)];
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

Choice Choose(const SweepData& sweep, const SweepPlotOptions& o, SweepPlotChoices* out) {
  const CsvTable& t = sweep.aggregate;
  const SweepAxes axes = AxesOf(sweep);
  if (axes.groups.empty()) throw InputError(sweep.dir + ": the sweep has no axis to plot against");
  Choice c;
  SweepPlotChoices& ch = *out;
  ChooseOutcome(sweep, o, c, ch);
  const std::string x = ChooseX(axes, o, ch);
  const int gx = axes.GroupOf(x);
  const auto [second, gs] = ChooseSecond(axes, o, x, ch);
  c.x = t.Column(x);
  c.series = o.heatmap ? -1 : (second.empty() ? -1 : t.Column(second));
  c.y_axis = o.heatmap ? t.Column(second) : -1;
  ch.x = x;
  if (o.heatmap) {
    ch.y_axis = second;
  } else {
    ch.series = second;
  }
  c.rows = SliceRows(t, axes, FixedValues(axes, o, gx, gs), gx, gs, ch);
  return c;
}

}  // namespace mountstorm::sweep_plot
