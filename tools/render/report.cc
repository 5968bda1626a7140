#include "tools/report.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "tools/atomic_file.h"
#include "tools/cli_util.h"
#include "tools/plot_scale.h"
#include "tools/run_plot.h"
#include "tools/svg.h"
#include "tools/sweep_plot.h"

namespace po = boost::program_options;

namespace mountstorm {

namespace {

// Text for HTML content and attribute values: XML's escaping serves HTML as well.
std::string HtmlEscape(const std::string& text) { return svg::Escape(text); }

// Print-friendly and self-contained: generic font families only, no images, no links.
const char kStyle[] = R"(
body { font-family: sans-serif; color: #1a1a1a; max-width: 1040px; margin: 24px auto; padding: 0 16px; line-height: 1.4; background: #ffffff; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; border-bottom: 1px solid #b8b8b8; margin: 1.6em 0 0.5em; padding-bottom: 2px; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.3em; }
p.meta { color: #4a4a4a; margin: 2px 0; }
table { border-collapse: collapse; font-size: 12.5px; margin: 6px 0 10px; }
th, td { border: 1px solid #c8c8c8; padding: 2px 6px; text-align: left; vertical-align: top; }
thead th { background: #eaf0f7; }
td.n, th.n { text-align: right; font-family: monospace; white-space: nowrap; }
td.code, span.code { font-family: monospace; }
tr.alert td { background: #fdecea; }
figure { margin: 12px 0 18px; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid #dddddd; }
figcaption { font-size: 13px; color: #4a4a4a; margin-top: 4px; }
pre { font-family: monospace; font-size: 12px; background: #f6f6f6; border: 1px solid #dddddd; padding: 8px; white-space: pre-wrap; word-break: break-all; }
div.wide { overflow-x: auto; }
footer { margin-top: 2em; font-size: 12px; color: #4a4a4a; border-top: 1px solid #b8b8b8; padding-top: 6px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  div.wide { overflow: visible; }
  figure svg { border: none; }
}
)";

std::string Page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + HtmlEscape(title) +
         "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
}

// A cell: text, right-aligned when numeric.
struct Cell {
  std::string text;
  bool numeric = false;
  bool code = false;
};
Cell Num(const std::string& t) { return {t, true, false}; }
Cell Txt(const std::string& t) { return {t, false, false}; }
Cell Code(const std::string& t) { return {t, false, true}; }

std::string Table(const std::vector<Cell>& head, const std::vector<std::vector<Cell>>& rows,
                  const std::vector<bool>& alert = {}) {
  std::string h = "<div class=\"wide\"><table>\n<thead><tr>";
  for (const Cell& c : head)
    h += std::string("<th") + (c.numeric ? " class=\"n\"" : "") + ">" + HtmlEscape(c.text) + "</th>";
  h += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    h += r < alert.size() && alert[r] ? "<tr class=\"alert\">" : "<tr>";
    for (const Cell& c : rows[r]) {
      h += std::string("<td") +
           (c.numeric ? " class=\"n\""
            : c.code  ? " class=\"code\""
                      : "") +
           ">" + HtmlEscape(c.text) + "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</tbody>\n</table></div>\n";
}

const nlohmann::json& At(const nlohmann::json& j, const std::vector<std::string>& path) {
  static const nlohmann::json null_value = nullptr;
  const nlohmann::json* v = &j;
  for (const std::string& k : path) {
    if (!v->is_object() || !v->contains(k)) return null_value;
    v = &(*v)[k];
  }
  return *v;
}

std::string Count(const nlohmann::json& v) { return v.is_number() ? FormatCount(v.get<double>()) : "-"; }
std::string Secs(const nlohmann::json& v, int decimals = 3) {
  if (!v.is_number()) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v.get<double>());
  return buf;
}

std::string Figure(const std::string& svg, const std::string& caption) {
  return "<figure>\n" + svg + "<figcaption>" + HtmlEscape(caption) + "</figcaption>\n</figure>\n";
}

// The queues of a run in the order a message meets them (the columns of curves.csv), then any
// that curves.csv lacks.
std::vector<std::string> QueueOrder(const RunData& run) {
  std::vector<std::string> order;
  for (const std::string& f : CsvHeader(run.curves_csv)) {
    if (f != "time_s" && run.summary["queues"].contains(f)) order.push_back(f);
  }
  for (auto it = run.summary["queues"].begin(); it != run.summary["queues"].end(); ++it) {
    if (std::find(order.begin(), order.end(), it.key()) == order.end()) order.push_back(it.key());
  }
  return order;
}

std::string FooterText(const std::string& written_by) {
  return "<footer>Results written by mountstorm " + HtmlEscape(written_by) + "; this page made by mountstorm " +
         HtmlEscape(Version()) +
         " (<span class=\"code\">mountstorm report</span>). Self-contained: no scripts, fonts or links. Times are "
         "simulated "
         "seconds.</footer>\n";
}

}  // namespace

std::string RunReportHtml(const RunData& run, const RunPlotOptions& options) {
  const nlohmann::json& s = run.summary;
  const std::string scenario = s.value("scenario", std::string("?"));
  const std::string version = s.value("mountstorm_version", std::string("?"));
  std::string b;
  b += "<h1>" + HtmlEscape(scenario) + "</h1>\n";
  b += "<p class=\"meta\">mountstorm run report: profile <b>" + HtmlEscape(s.value("profile", std::string("?"))) +
       "</b>, seed <b>" + HtmlEscape(s.contains("seed") ? s["seed"].dump() : "?") +
       "</b>, directory <span class=\"code\">" + HtmlEscape(run.dir) + "</span>, mountstorm " + HtmlEscape(version) +
       "</p>\n";

  // Overview.
  b += "<h2>Summary</h2>\n";
  std::vector<std::vector<Cell>> rows;
  auto row = [&](const std::string& k, const std::string& v) { rows.push_back({Txt(k), Code(v)}); };
  row("simulated time (s)",
      Secs(At(s, {"end_time_s"})) + " (stopped by " + s.value("stopped_by", std::string("?")) + ")");
  row("events simulated", Count(At(s, {"events"})));
  row("mount operations", Count(At(s, {"workload", "operations"})) + " (" + Count(At(s, {"workload", "mounts"})) +
                              " mounts, " + Count(At(s, {"workload", "umounts"})) + " umounts, " +
                              Count(At(s, {"workload", "remounts"})) + " remounts, " +
                              Count(At(s, {"workload", "failed"})) + " failed)");
  row("mount table lines",
      Count(At(s, {"mount_table", "initial_lines"})) + " -> " + Count(At(s, {"mount_table", "final_lines"})));
  row("scans of mountinfo", Count(At(s, {"scans", "count"})) + ", " + Secs(At(s, {"scans", "mean_table_lines"}), 0) +
                                " lines on average, " + Secs(At(s, {"scans", "mean_new_mounts_per_scan"}), 2) +
                                " new mounts per scan");
  row("new mount known to PID 1 after (s)", "mean " + Secs(At(s, {"visibility", "known_s", "mean"}), 4) + ", p99 " +
                                                Secs(At(s, {"visibility", "known_s", "p99"}), 4) + ", max " +
                                                Secs(At(s, {"visibility", "known_s", "max"}), 4));
  row("new mount announced after (s)", "mean " + Secs(At(s, {"visibility", "announced_s", "mean"}), 4) + ", p99 " +
                                           Secs(At(s, {"visibility", "announced_s", "p99"}), 4) + ", max " +
                                           Secs(At(s, {"visibility", "announced_s", "max"}), 4));
  row("drain after the last operation (s)", Secs(s.contains("drain_s") ? s["drain_s"] : nlohmann::json(nullptr)));
  const nlohmann::json& logins = s.contains("logins") ? s["logins"] : nlohmann::json::object();
  if (At(logins, {"attempts"}).is_number() && At(logins, {"attempts"}).get<double>() > 0) {
    row("logins", Count(At(logins, {"attempts"})) + ": " + Count(At(logins, {"succeeded"})) +
                      " succeeded, failed: " + Count(At(logins, {"failed", "enobufs"})) + " ENOBUFS, " +
                      Count(At(logins, {"failed", "timeout"})) + " timeout, " +
                      Count(At(logins, {"failed", "limits_exceeded"})) + " LimitsExceeded");
  }
  b += Table({Txt("what"), Txt("value")}, rows);

  // Messages.
  b += "<h3>Messages per process</h3>\n";
  rows.clear();
  std::vector<bool> alert;
  if (s.contains("messages") && s["messages"].is_object()) {
    for (auto it = s["messages"].begin(); it != s["messages"].end(); ++it) {
      const nlohmann::json& m = it.value();
      rows.push_back({Code(it.key()), Num(Count(At(m, {"sent"}))), Num(Count(At(m, {"received"}))),
                      Num(Count(At(m, {"dropped", "enobufs"}))), Num(Count(At(m, {"dropped", "full_queue"})))});
      const nlohmann::json& e = At(m, {"dropped", "enobufs"});
      const nlohmann::json& f = At(m, {"dropped", "full_queue"});
      alert.push_back((e.is_number() && e.get<double>() > 0) || (f.is_number() && f.get<double>() > 0));
    }
  }
  b += Table({Txt("process"), Num("sent"), Num("received"), Num("dropped: ENOBUFS"), Num("dropped: full queue")}, rows,
             alert);

  // Queues.
  b += "<h3>Bounded queues</h3>\n";
  rows.clear();
  alert.clear();
  std::vector<std::string> empty;
  for (const std::string& name : QueueOrder(run)) {
    const nlohmann::json& q = At(s, {"queues", name});
    if (!At(q, {"peak"}).is_number() || At(q, {"peak"}).get<double>() <= 0) {
      empty.push_back(name);
      continue;
    }
    rows.push_back(
        {Code(name), Txt(q.value("unit", std::string("?"))), Num(Count(At(q, {"limit"}))), Num(Count(At(q, {"peak"}))),
         Num(Secs(At(q, {"peak_time_s"}))), Num(Secs(At(q, {"enobufs_onset_s"}))), Num(Count(At(q, {"refused"}))),
         Num(Secs(At(q, {"time_at_limit_s"}))), Num(Secs(At(q, {"drained_s"}))), Num(Count(At(q, {"level_at_end"})))});
    alert.push_back(At(q, {"refused"}).is_number() && At(q, {"refused"}).get<double>() > 0);
  }
  b += Table({Txt("queue"), Txt("unit"), Num("limit"), Num("peak"), Num("peak at (s)"), Num("first refusal (s)"),
              Num("refused"), Num("at limit (s)"), Num("drained (s)"), Num("level at end")},
             rows, alert);
  if (!empty.empty()) {
    std::string list;
    for (const std::string& e : empty) list += (list.empty() ? "" : ", ") + e;
    b += "<p class=\"meta\">Stayed empty: <span class=\"code\">" + HtmlEscape(list) + "</span>.</p>\n";
  }
  b += "<p class=\"meta\">First refusal: for a write or read queue (messages) the first ENOBUFS; for dbus-daemon's "
       "outgoing queue the first &ldquo;destination has a full message queue&rdquo; rejection. Sockets and "
       "dbus-daemon's incoming counters make the writer wait instead of refusing. Highlighted rows refused "
       "something.</p>\n";

  // Logins.
  if (logins.contains("each") && At(logins, {"each"}).is_array() && !At(logins, {"each"}).empty()) {
    b += "<h3>Logins</h3>\n";
    rows.clear();
    alert.clear();
    for (const nlohmann::json& l : At(logins, {"each"})) {
      if (!l.is_object()) continue;
      const std::string outcome = l.value("outcome", std::string("?"));
      double latency = At(l, {"end_s"}).is_number() && At(l, {"start_s"}).is_number()
                           ? At(l, {"end_s"}).get<double>() - At(l, {"start_s"}).get<double>()
                           : NAN;
      rows.push_back({Code(l.value("client", std::string("?"))), Num(Secs(At(l, {"start_s"}))),
                      Num(Secs(At(l, {"end_s"}))), Num(std::isnan(latency) ? "-" : Secs(nlohmann::json(latency))),
                      Txt(outcome)});
      alert.push_back(outcome != "succeeded");
    }
    b += Table({Txt("client"), Num("start (s)"), Num("end (s)"), Num("took (s)"), Txt("outcome")}, rows, alert);
    b += "<p class=\"meta\">Latency of the succeeded logins: p50 " + Secs(At(logins, {"latency_s", "p50"})) +
         " s, p99 " + Secs(At(logins, {"latency_s", "p99"})) + " s, max " + Secs(At(logins, {"latency_s", "max"})) +
         " s.</p>\n";
  }

  // CPU.
  if (s.contains("processes") && s["processes"].is_object()) {
    b += "<h3>CPU time</h3>\n";
    rows.clear();
    for (auto it = s["processes"].begin(); it != s["processes"].end(); ++it) {
      rows.push_back({Code(it.key()), Num(Secs(At(it.value(), {"busy_s"}))), Num(Count(At(it.value(), {"steps"})))});
    }
    b += Table({Txt("process"), Num("busy (s)"), Num("steps")}, rows);
  }

  // The plot.
  b += "<h2>Queue depth over time</h2>\n";
  RunPlotOptions po_run = options;
  po_run.id_prefix = "run-";
  b += Figure(
      PlotRun(run, po_run, /*standalone=*/false),
      "Each panel: the maximum depth of one bounded queue per sample interval (curves.csv), its limit (red line) and "
      "its first refusal (purple dashed line). Bottom: every mount, every mountinfo scan of PID 1, and each login "
      "from its start to its outcome (events.csv, summary.json).");

  // The scenario.
  b += "<h2>Scenario</h2>\n";
  const std::string copy = run.dir + "/scenario.json";
  std::error_code ec;
  if (std::filesystem::is_regular_file(copy, ec)) {
    b += "<p class=\"meta\">As saved in the run directory (<span class=\"code\">scenario.json</span>):</p>\n<pre>" +
         HtmlEscape(ReadFileText(copy)) + "</pre>\n";
  } else {
    rows.clear();
    rows.push_back({Txt("name"), Code(scenario)});
    rows.push_back({Txt("seed"), Code(s.contains("seed") ? s["seed"].dump() : "?")});
    rows.push_back({Txt("profile"), Code(s.value("profile", std::string("?")))});
    rows.push_back({Txt("patches"), Code(s.contains("patches") ? s["patches"].dump() : "[]")});
    b += Table({Txt("key"), Txt("value (from summary.json)")}, rows);
    b += "<p class=\"meta\">The run directory holds no copy of the scenario file; summary.json records its name, seed, "
         "profile and patches. The same results come from <span class=\"code\">mountstorm run SCENARIO.json --seed " +
         HtmlEscape(s.contains("seed") ? s["seed"].dump() : "N") + "</span> with the same file.</p>\n";
  }
  b += FooterText(version);
  return Page("mountstorm report: " + scenario, b);
}

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

}  // namespace

std::string SweepReportHtml(const SweepData& sweep, const SweepReportOptions& options) {
  const CsvTable& t = sweep.aggregate;
  const nlohmann::json& sj = sweep.sweep;
  const std::string name = sj.is_object() ? sj.value("name", std::string()) : std::string();
  std::string version = "?";
  {
    std::ifstream in(sweep.dir + "/results.jsonl", std::ios::binary);
    std::string first;
    if (in && std::getline(in, first)) {
      nlohmann::json j = nlohmann::json::parse(first, nullptr, false);
      if (!j.is_discarded() && j.is_object()) {
        const nlohmann::json& v = At(j, {"summary", "mountstorm_version"});
        if (v.is_string()) version = v.get<std::string>();
      }
    }
  }
  const std::vector<std::vector<std::string>> groups = SweepAxisGroups(sweep);
  std::string b;
  b += "<h1>Sweep " + HtmlEscape(name.empty() ? sweep.dir : name) + "</h1>\n";
  std::string meta = "mountstorm sweep report: directory <span class=\"code\">" + HtmlEscape(sweep.dir) + "</span>, " +
                     std::to_string(t.rows.size()) + " points";
  if (sj.is_object()) {
    meta += ", " + (sj.contains("replications") ? sj["replications"].dump() : std::string("?")) +
            " replication(s) each, sweep seed " + (sj.contains("seed") ? sj["seed"].dump() : std::string("?"));
  }
  b += "<p class=\"meta\">" + meta + ", mountstorm " + HtmlEscape(version) + "</p>\n";
  if (sj.is_object() && sj.contains("base") && sj["base"].is_object() && sj["base"].contains("description") &&
      sj["base"]["description"].is_string()) {
    b += "<p>Base scenario <span class=\"code\">" + HtmlEscape(sj["base"].value("name", std::string("?"))) +
         "</span>: " + HtmlEscape(sj["base"]["description"].get<std::string>()) + "</p>\n";
  }

  // Axes.
  b += "<h2>Axes</h2>\n";
  std::vector<std::vector<Cell>> rows;
  for (const auto& g : groups) {
    for (const std::string& path : g) {
      std::vector<std::string> values;
      const int c = t.Column(path);
      for (const auto& r : t.rows) {
        const std::string& v = r[static_cast<std::size_t>(c)];
        if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
      }
      std::string list;
      for (const std::string& v : values) list += (list.empty() ? "" : ", ") + v;
      rows.push_back({Code(path), Num(std::to_string(values.size())),
                      Code(list + (g.size() > 1 ? "  (zip: moves with the other paths of its axis)" : ""))});
    }
  }
  b += Table({Txt("path"), Num("values"), Txt("")}, rows);

  // Plots: each outcome against the first axis, a line per value of the second; with a third
  // axis, one plot per value of it (up to six), unless --fix chose the slice.
  std::vector<std::string> outcomes = options.outcomes;
  if (outcomes.empty()) {
    for (const std::string& o : kPlotOutcomes) {
      if (HasValues(t, o)) outcomes.push_back(o);
    }
    if (outcomes.empty() && t.Column("messages.systemd.sent.mean") >= 0) outcomes.push_back("messages.systemd.sent");
  }
  std::vector<std::vector<std::string>> slices = {options.fixed};
  if (!outcomes.empty() && options.fixed.empty()) {
    // x and series as the plot chooses them; the next axis is sliced.
    SweepPlotOptions probe;
    probe.outcome = outcomes[0];
    probe.x = options.x;
    probe.series = options.series;
    const SweepPlotChoices ch = ChooseSweepPlot(sweep, probe);
    for (const auto& g : groups) {
      if (std::find(g.begin(), g.end(), ch.x) != g.end() || std::find(g.begin(), g.end(), ch.series) != g.end())
        continue;
      const int col = t.Column(g[0]);
      std::vector<std::string> values;
      for (const auto& r : t.rows) {
        const std::string& v = r[static_cast<std::size_t>(col)];
        if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
      }
      if (values.size() > 1 && values.size() <= 6) {
        slices.clear();
        for (const std::string& v : values) slices.push_back({g[0] + "=" + v});
      }
      break;
    }
  }
  // A plot of the page; counts spanning orders of magnitude are drawn again on a log scale, which
  // reads better (so.log_y then says so for the command line under the plot).
  auto draw = [&](SweepPlotOptions& so, SweepPlotChoices* ch) {
    std::string svg = PlotSweep(sweep, so, ch, false);
    if (ch->suggest_log) {
      so.log_y = true;
      svg = PlotSweep(sweep, so, ch, false);
    }
    return svg;
  };
  b += "<h2>Plots</h2>\n";
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
      const std::string svg = draw(so, &ch);
      std::string where;
      for (const std::string& f : fixed) where += (where.empty() ? "" : ", ") + f;
      if (ch.nothing_to_show) {
        skipped.push_back(outcome + (where.empty() ? "" : " at " + where));
        continue;
      }
      b += Figure(svg, "The same plot alone: " + PlotCommandLine(sweep.dir, so, ch));
    }
  }
  if (!skipped.empty()) {
    std::string list;
    for (const std::string& x : skipped) list += (list.empty() ? "" : "; ") + x;
    b += "<p class=\"meta\">Not drawn, as every value is 0 or empty: " + HtmlEscape(list) + ".</p>\n";
  }
  if (groups.size() >= 2 && !outcomes.empty()) {
    SweepPlotOptions so;
    so.outcome = outcomes[0];
    so.heatmap = true;
    so.x = options.x;
    so.y_axis = options.series == "none" ? "" : options.series;
    so.fixed = options.fixed;
    so.id_prefix = "hm-";
    SweepPlotChoices ch;
    const std::string svg = draw(so, &ch);
    if (!ch.nothing_to_show) b += Figure(svg, "The same plot alone: " + PlotCommandLine(sweep.dir, so, ch));
  }

  // The aggregate table: the axes, the runs, then mean +- 95 % interval of the main outcomes, four
  // outcomes per table so that it fits a printed page.
  b += "<h2>Aggregate</h2>\n";
  std::vector<std::string> shown;
  for (const std::string& o : options.outcomes) {
    if (t.Column(o + ".mean") >= 0 && std::find(shown.begin(), shown.end(), o) == shown.end()) shown.push_back(o);
  }
  for (const std::string& o : kTableOutcomes) {
    if (HasValues(t, o) && std::find(shown.begin(), shown.end(), o) == shown.end()) shown.push_back(o);
  }
  std::vector<std::string> axis_columns;
  for (const auto& g : groups) axis_columns.insert(axis_columns.end(), g.begin(), g.end());
  const int runs = t.Column("runs");
  const std::size_t per_table = 4;
  for (std::size_t first = 0; first < std::max<std::size_t>(shown.size(), 1); first += per_table) {
    std::vector<Cell> head;
    for (const std::string& a : axis_columns) head.push_back(Txt(a));
    head.push_back(Num("runs"));
    const std::size_t last = std::min(shown.size(), first + per_table);
    for (std::size_t i = first; i < last; ++i) head.push_back(Num(shown[i]));
    rows.clear();
    for (const auto& r : t.rows) {
      std::vector<Cell> cells;
      for (const std::string& a : axis_columns) cells.push_back(Code(r[static_cast<std::size_t>(t.Column(a))]));
      cells.push_back(Num(r[static_cast<std::size_t>(runs)]));
      for (std::size_t i = first; i < last; ++i) cells.push_back(Num(MeanCi(t, r, shown[i])));
      rows.push_back(cells);
    }
    b += Table(head, rows);
  }
  b += "<p class=\"meta\">Each cell: the mean over the point's runs &plusmn; the half-width of its 95 % confidence "
       "interval "
       "(none with one run). Outcomes that are zero or empty at every point are left out; all " +
       std::to_string((t.header.size() - static_cast<std::size_t>(runs) - 1) / 4) +
       " outcomes are in <span class=\"code\">" + HtmlEscape(sweep.dir) + "/aggregate.csv</span>.</p>\n";

  // The sweep itself.
  b += "<h2>Sweep and base scenario</h2>\n";
  if (sj.is_object()) {
    b += "<p class=\"meta\">From <span class=\"code\">sweep.json</span> (the sweep in canonical form, with its base "
         "scenario):</p>\n<pre>" +
         HtmlEscape(sj.dump(2)) + "</pre>\n";
  } else {
    b += "<p class=\"meta\">The directory holds no sweep.json.</p>\n";
  }
  b += FooterText(version);
  return Page("mountstorm report: sweep " + (name.empty() ? sweep.dir : name), b);
}

int ReportCommand(const std::vector<std::string>& args) {
  po::options_description options("report options");
  std::string dir, out;
  std::vector<std::string> queues;
  SweepReportOptions so;
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("dir", po::value(&dir)->required(), "a run directory (mountstorm run) or a sweep directory (mountstorm sweep)")
      ("output,o", po::value(&out)->required(), "the HTML file to write")
      ("queue", po::value(&queues)->composing(), "run: plot this queue (repeatable; default: every queue that held something)")
      ("y", po::value(&so.outcomes)->composing(), "sweep: plot this outcome (repeatable; default: messages sent and dropped by PID 1, ...)")
      ("x", po::value(&so.x), "sweep: the axis along x (default: the first axis)")
      ("series", po::value(&so.series), "sweep: one line per value of this axis (default: the next axis)")
      ("fix", po::value(&so.fixed)->composing(), "sweep: PATH=VALUE for an axis not plotted (default: its first value)")
      ("quiet,q", "print nothing on success");
  // clang-format on
  po::positional_options_description positional;
  positional.add("dir", 1);
  po::variables_map vm;
  const char* usage =
      "usage: mountstorm report RUN_DIR -o report.html [--queue NAME ...]\n"
      "       mountstorm report SWEEP_DIR -o report.html [--y OUTCOME ...] [--x PATH] [--series PATH]\n"
      "                         [--fix PATH=VALUE ...]\n"
      "\n"
      "Writes one self-contained HTML page (inline SVG and CSS; no scripts, fonts or links) with the\n"
      "summary tables, the plots of mountstorm plot, the scenario and the version of the tool.\n"
      "docs/PLOTS.md.\n";
  if (!ParseCommand("report", args, options, positional, usage, &vm)) return kExitOk;
  std::string html;
  if (DetectResultDir(dir) == ResultDirKind::kRun) {
    for (const char* flag : {"y", "x", "series", "fix"}) {
      if (vm.count(flag))
        throw InputError(std::string("report: --") + flag + " is for a sweep directory; " + dir +
                         " is a run directory");
    }
    RunPlotOptions ro;
    ro.queues = queues;
    html = RunReportHtml(LoadRunDir(dir), ro);
  } else {
    if (!queues.empty()) throw InputError("report: --queue is for a run directory; " + dir + " is a sweep directory");
    html = SweepReportHtml(LoadSweepDir(dir), so);
  }
  std::string error;
  if (!WriteFileAtomically(out, html, &error)) throw InputError(error);
  if (!vm.count("quiet")) std::cout << "wrote " << out << std::endl;
  return kExitOk;
}

}  // namespace mountstorm
