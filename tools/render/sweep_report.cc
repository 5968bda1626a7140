// SweepReportHtml (render/report.h): the page of a sweep directory. RunReportHtml is in report.cc.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "mountstorm/input.h"

#include "render/html_page.h"
#include "render/plot_scale.h"
#include "render/report.h"
#include "render/sweep_plot.h"
#include "render/verdict.h"

namespace mountstorm {

using html::Cell;
using html::Code;
using html::Num;
using html::Table;
using html::Txt;

namespace {

// The outcome columns a sweep report shows by default, those the sweep has and that are not zero
// or empty everywhere.
const std::vector<std::string> kTableOutcomes = {"messages.systemd.sent",
                                                 "messages.systemd.dropped",
                                                 "messages.logind.dropped",
                                                 "queues.systemd.wqueue.peak",
                                                 "queues.systemd.wqueue.enobufs_onset_s",
                                                 "scans.count",
                                                 "end_time_s",
                                                 "logins.succeeded",
                                                 "logins.failed.enobufs",
                                                 "logins.failed.timeout",
                                                 "logins.failed.limits_exceeded"};
const std::vector<std::string> kPlotOutcomes = {"messages.systemd.sent", "messages.systemd.dropped",
                                                "queues.systemd.wqueue.peak", "logins.succeeded"};

bool HasValues(const CsvTable& t, const std::string& outcome) {
  const int c = t.Column(outcome + ".mean");
  if (c < 0) return false;
  for (const auto& r : t.rows) {
    const std::string& v = r[static_cast<std::size_t>(c)];
    if (!v.empty() && v != "0" && v != "0.0") return true;
  }
  return false;
}

// The distinct values of column `col` of every row, in order of appearance (the order of the sweep).
std::vector<std::string> ColumnValues(const CsvTable& t, int col) {
  std::vector<std::string> values;
  for (const auto& r : t.rows) {
    const std::string& v = r[static_cast<std::size_t>(col)];
    if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
  }
  return values;
}

// `items` joined with `sep`.
std::string Joined(const std::vector<std::string>& items, const std::string& sep) {
  std::string list;
  for (const std::string& x : items) list += (list.empty() ? "" : sep) + x;
  return list;
}

// A word for a POSIX shell: as it is if it is safe, else in single quotes.
std::string ShellWord(const std::string& w) {
  bool safe = !w.empty();
  for (char c : w) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string("/._-=,:+").find(c) != std::string::npos))
      safe = false;
  }
  if (safe) return w;
  std::string q = "'";
  for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The mountstorm plot command that draws a plot of the report on its own.
std::string PlotCommandLine(const std::string& dir, const SweepPlotOptions& so, const SweepPlotChoices& ch) {
  std::string c = "mountstorm plot " + ShellWord(dir) + " -o plot.svg";
  if (so.heatmap) {
    c +=
        " --heatmap --x " + ShellWord(ch.x) + " --y-axis " + ShellWord(ch.y_axis) + " --value " + ShellWord(ch.outcome);
  } else {
    c += " --y " + ShellWord(ch.outcome) + " --x " + ShellWord(ch.x);
    c += " --series " + ShellWord(ch.series.empty() ? "none" : ch.series);
  }
  for (const std::string& f : so.fixed) c += " --fix " + ShellWord(f);
  if (so.log_y) c += " --log-y";
  return c;
}

// Rounded to `digits` significant digits, with thousands separators.
std::string Significant(double v, int digits) {
  if (v == 0 || !std::isfinite(v)) return FormatCount(v);
  const double scale = std::pow(10.0, digits - 1 - static_cast<int>(std::floor(std::log10(std::fabs(v)))));
  const double r = std::round(v * scale) / scale;
  if (std::fabs(r) >= 1000 || r == std::round(r)) return FormatCount(r);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", std::max(0, static_cast<int>(std::ceil(std::log10(scale)))), r);
  return buf;
}

// An outcome's mean at a row of aggregate.csv with the half-width of its 95 % interval ("-" if empty).
std::string MeanCi(const CsvTable& t, const std::vector<std::string>& row, const std::string& outcome) {
  const int m = t.Column(outcome + ".mean"), c = t.Column(outcome + ".ci95");
  const std::string& mean = row[static_cast<std::size_t>(m)];
  if (mean.empty()) return "-";
  auto num = [](const std::string& x) { return std::strtod(x.c_str(), nullptr); };
  std::string out = FormatCount(num(mean));
  if (c >= 0 && !row[static_cast<std::size_t>(c)].empty())
    out += " \u00b1 " + Significant(num(row[static_cast<std::size_t>(c)]), 2);
  return out;
}

// The version of mountstorm that wrote the results (in the first line of results.jsonl), or "?".
std::string ResultsVersion(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir + "/results.jsonl", ec)) return "?";
  std::ifstream in(dir + "/results.jsonl", std::ios::binary);
  std::string first;
  // The first line only, and no more of it than an input file may hold.
  for (char c; first.size() < kMaxInputFileBytes && in.get(c) && c != '\n';) first += c;
  if (!first.empty()) {
    GuardJsonText(first, dir + "/results.jsonl");
    nlohmann::json j = nlohmann::json::parse(first, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.contains("summary") && j.at("summary").is_object()) {
      return j.at("summary").value("mountstorm_version", std::string("?"));
    }
  }
  return "?";
}

// The top of the page: the sweep's name (`name`, or its directory), its size and seed, the
// version that wrote it, and what its base scenario is (its description in sweep.json).
std::string SweepHeading(const SweepData& sweep, const std::string& name, const std::string& version) {
  const nlohmann::json& sj = sweep.sweep;
  std::string b = "<h1>Sweep " + html::Escape(name.empty() ? sweep.dir : name) + "</h1>\n";
  std::string meta = "mountstorm sweep report: directory <span class=\"code\">" + html::Escape(sweep.dir) +
                     "</span>, " + std::to_string(sweep.aggregate.rows.size()) + " points";
  if (sj.is_object()) {
    meta += ", " + (sj.contains("replications") ? sj.at("replications").dump() : std::string("?")) +
            " replication(s) each, sweep seed " + (sj.contains("seed") ? sj.at("seed").dump() : std::string("?"));
  }
  b += "<p class=\"meta\">" + meta + ", mountstorm " + html::Escape(version) + "</p>\n";
  if (sj.is_object() && sj.contains("base") && sj.at("base").is_object() && sj.at("base").contains("description") &&
      sj.at("base").at("description").is_string()) {
    const nlohmann::json& base = sj.at("base");
    b += "<p>Base scenario <span class=\"code\">" + html::Escape(base.value("name", std::string("?"))) +
         "</span>: " + html::Escape(base.at("description").get<std::string>()) + "</p>\n";
  }
  return b;
}

// The axes: each path with its values (a zip axis's paths each on a row).
std::string AxesSection(const CsvTable& t, const std::vector<std::vector<std::string>>& groups) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& g : groups) {
    for (const std::string& path : g) {
      const std::vector<std::string> values = ColumnValues(t, t.Column(path));
      rows.push_back(
          {Code(path), Num(std::to_string(values.size())),
           Code(Joined(values, ", ") + (g.size() > 1 ? "  (zip: moves with the other paths of its axis)" : ""))});
    }
  }
  return "<h2>Axes</h2>\n" + Table({Txt("path"), Num("values"), Txt("")}, rows);
}

// The outcomes plotted: those asked for, else those of kPlotOutcomes the sweep has values of
// (messages.systemd.sent if none has).
std::vector<std::string> PlotOutcomes(const CsvTable& t, const SweepReportOptions& options) {
  std::vector<std::string> outcomes = options.outcomes;
  if (outcomes.empty()) {
    for (const std::string& o : kPlotOutcomes) {
      if (HasValues(t, o)) outcomes.push_back(o);
    }
    if (outcomes.empty() && t.Column("messages.systemd.sent.mean") >= 0) outcomes.push_back("messages.systemd.sent");
  }
  return outcomes;
}

// The slices plotted, each a list of --fix PATH=VALUE: the one of --fix; without --fix, one per
// value of the first axis plotted neither along x nor as series, if it has two to six values.
std::vector<std::vector<std::string>> PlotSlices(const SweepData& sweep, const SweepReportOptions& options,
                                                 const std::vector<std::string>& outcomes,
                                                 const std::vector<std::vector<std::string>>& groups) {
  std::vector<std::vector<std::string>> slices = {options.fixed};
  if (outcomes.empty() || !options.fixed.empty()) return slices;
  // x and series as the plot chooses them; the next axis is sliced.
  SweepPlotOptions probe;
  probe.outcome = outcomes[0];
  probe.x = options.x;
  probe.series = options.series;
  const SweepPlotChoices ch = ChooseSweepPlot(sweep, probe);
  for (const auto& g : groups) {
    if (std::find(g.begin(), g.end(), ch.x) != g.end() || std::find(g.begin(), g.end(), ch.series) != g.end()) continue;
    const std::vector<std::string> values = ColumnValues(sweep.aggregate, sweep.aggregate.Column(g[0]));
    if (values.size() > 1 && values.size() <= 6) {
      slices.clear();
      for (const std::string& v : values) slices.push_back({g[0] + "=" + v});
    }
    break;
  }
  return slices;
}

// A plot of the page; counts spanning orders of magnitude are drawn again on a log scale, which
// reads better (so.log_y then says so for the command line under the plot).
std::string DrawPlot(const SweepData& sweep, SweepPlotOptions& so, SweepPlotChoices* ch) {
  std::string svg = PlotSweep(sweep, so, ch, false);
  if (ch->suggest_log) {
    so.log_y = true;
    svg = PlotSweep(sweep, so, ch, false);
  }
  return svg;
}

// The line plots: each outcome in each slice, with the command that draws it alone, and a note of
// those not drawn as every value is 0 or empty.
std::string LinePlots(const SweepData& sweep, const SweepReportOptions& options,
                      const std::vector<std::string>& outcomes, const std::vector<std::vector<std::string>>& slices) {
  std::string b;
  int k = 0;
  std::vector<std::string> skipped;
  for (const std::string& outcome : outcomes) {
    for (const std::vector<std::string>& fixed : slices) {
      SweepPlotOptions so;
      so.outcome = outcome;
      so.x = options.x;
      so.series = options.series;
      so.fixed = fixed;
      so.id_prefix = "p" + std::to_string(k++) + "-";
      SweepPlotChoices ch;
      const std::string svg = DrawPlot(sweep, so, &ch);
      const std::string where = Joined(fixed, ", ");
      if (ch.nothing_to_show) {
        skipped.push_back(outcome + (where.empty() ? "" : " at " + where));
        continue;
      }
      b += html::Figure(svg, "The same plot alone: " + PlotCommandLine(sweep.dir, so, ch));
    }
  }
  if (!skipped.empty()) {
    b +=
        "<p class=\"meta\">Not drawn, as every value is 0 or empty: " + html::Escape(Joined(skipped, "; ")) + ".</p>\n";
  }
  return b;
}

// The heat map of `outcome` over x and the series axis (or the next ones), unless it would show nothing.
std::string HeatMapFigure(const SweepData& sweep, const SweepReportOptions& options, const std::string& outcome) {
  SweepPlotOptions so;
  so.outcome = outcome;
  so.heatmap = true;
  so.x = options.x;
  so.y_axis = options.series == "none" ? "" : options.series;
  so.fixed = options.fixed;
  so.id_prefix = "hm-";
  SweepPlotChoices ch;
  const std::string svg = DrawPlot(sweep, so, &ch);
  return ch.nothing_to_show ? "" : html::Figure(svg, "The same plot alone: " + PlotCommandLine(sweep.dir, so, ch));
}

// The plots: each outcome against the first axis, a line per value of the second; with a third
// axis, one plot per value of it (up to six), unless --fix chose the slice. Then, with two axes or
// more, the heat map of the first outcome.
std::string PlotsSection(const SweepData& sweep, const SweepReportOptions& options,
                         const std::vector<std::vector<std::string>>& groups) {
  const std::vector<std::string> outcomes = PlotOutcomes(sweep.aggregate, options);
  const std::vector<std::vector<std::string>> slices = PlotSlices(sweep, options, outcomes, groups);
  std::string b = "<h2>Plots</h2>\n" + LinePlots(sweep, options, outcomes, slices);
  if (groups.size() >= 2 && !outcomes.empty()) b += HeatMapFigure(sweep, options, outcomes[0]);
  return b;
}

// The outcomes of the aggregate table: those asked for that the sweep has, then those of
// kTableOutcomes with values, each once.
std::vector<std::string> TableOutcomes(const CsvTable& t, const SweepReportOptions& options) {
  std::vector<std::string> shown;
  for (const std::string& o : options.outcomes) {
    if (t.Column(o + ".mean") >= 0 && std::find(shown.begin(), shown.end(), o) == shown.end()) shown.push_back(o);
  }
  for (const std::string& o : kTableOutcomes) {
    if (HasValues(t, o) && std::find(shown.begin(), shown.end(), o) == shown.end()) shown.push_back(o);
  }
  return shown;
}

// One table of the aggregate: the axes, the runs, then the outcomes `outcomes` of every point.
std::string AggregateTable(const CsvTable& t, const std::vector<std::string>& axis_columns,
                           const std::vector<std::string>& outcomes) {
  const int runs = t.Column("runs");
  std::vector<Cell> head;
  for (const std::string& a : axis_columns) head.push_back(Txt(a));
  head.push_back(Num("runs"));
  for (const std::string& o : outcomes) head.push_back(Num(o));
  std::vector<std::vector<Cell>> rows;
  for (const auto& r : t.rows) {
    std::vector<Cell> cells;
    for (const std::string& a : axis_columns) cells.push_back(Code(r[static_cast<std::size_t>(t.Column(a))]));
    cells.push_back(Num(r[static_cast<std::size_t>(runs)]));
    for (const std::string& o : outcomes) cells.push_back(Num(MeanCi(t, r, o)));
    rows.push_back(cells);
  }
  return Table(head, rows);
}

// The aggregate: the axes, the runs, then mean +- 95 % interval of the main outcomes, four
// outcomes per table so that it fits a printed page.
std::string AggregateSection(const SweepData& sweep, const SweepReportOptions& options,
                             const std::vector<std::vector<std::string>>& groups) {
  const CsvTable& t = sweep.aggregate;
  const std::vector<std::string> shown = TableOutcomes(t, options);
  std::vector<std::string> axis_columns;
  for (const auto& g : groups) axis_columns.insert(axis_columns.end(), g.begin(), g.end());
  std::string b = "<h2>Aggregate</h2>\n";
  const std::size_t per_table = 4;
  for (std::size_t first = 0; first < std::max<std::size_t>(shown.size(), 1); first += per_table) {
    const std::size_t last = std::min(shown.size(), first + per_table);
    b += AggregateTable(
        t, axis_columns,
        std::vector<std::string>(shown.begin() + static_cast<long>(first), shown.begin() + static_cast<long>(last)));
  }
  const int runs = t.Column("runs");
  b += "<p class=\"meta\">Each cell: the mean over the point's runs &plusmn; the half-width of its 95 % confidence "
       "interval "
       "(none with one run). Outcomes that are zero or empty at every point are left out; all " +
       std::to_string((t.header.size() - static_cast<std::size_t>(runs) - 1) / 4) +
       " outcomes are in <span class=\"code\">" + html::Escape(sweep.dir) + "/aggregate.csv</span>.</p>\n";
  return b;
}

// The sweep itself, as sweep.json holds it, and the command that made the directory.
std::string SweepSection(const nlohmann::json& sj, const Manifest& manifest) {
  std::string b = "<h2>Sweep and base scenario</h2>\n";
  if (!manifest.command.empty()) {
    b += "<p class=\"meta\">Made by <span class=\"code\">" + html::Escape(ShellCommand(manifest.command)) +
         "</span> (mountstorm " + html::Escape(manifest.version) + ", recorded in manifest.json).</p>\n";
  }
  if (sj.is_object()) {
    b += "<p class=\"meta\">From <span class=\"code\">sweep.json</span> (the sweep in canonical form, with its base "
         "scenario):</p>\n<pre>" +
         html::Escape(sj.dump(2)) + "</pre>\n";
  } else {
    b += "<p class=\"meta\">The directory holds no sweep.json.</p>\n";
  }
  return b;
}

}  // namespace

std::string SweepReportHtml(const SweepData& sweep, const SweepReportOptions& options) {
  const nlohmann::json& sj = sweep.sweep;
  const std::string name = sj.is_object() ? sj.value("name", std::string()) : std::string();
  const std::string version = ResultsVersion(sweep.dir);
  const std::vector<std::vector<std::string>> groups = SweepAxisGroups(sweep);
  std::vector<std::string> axis_columns;
  for (const auto& g : groups) axis_columns.insert(axis_columns.end(), g.begin(), g.end());
  std::string b = html::Verdict(SweepVerdict(sweep.aggregate, axis_columns),
                                std::none_of(sweep.aggregate.rows.begin(), sweep.aggregate.rows.end(),
                                             [&](const std::vector<std::string>& row) {
                                               return !PointProblems(sweep.aggregate, row).empty();
                                             }));
  b += SweepHeading(sweep, name, version);
  b += AxesSection(sweep.aggregate, groups);
  b += PlotsSection(sweep, options, groups);
  b += AggregateSection(sweep, options, groups);
  b += SweepSection(sj, sweep.manifest);
  b += html::Footer(version);
  return html::Page("mountstorm report: sweep " + (name.empty() ? sweep.dir : name), b);
}

}  // namespace mountstorm
