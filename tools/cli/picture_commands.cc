// mountstorm plot and report: pictures of a run or a sweep directory (docs/PLOTS.md).
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "io/output_dir.h"
#include "io/result_dir.h"
#include "mountstorm/error.h"
#include "render/report.h"
#include "render/run_plot.h"
#include "render/sweep_plot.h"

namespace mountstorm {

namespace {

const char kPlotUsage[] =
      "usage: mountstorm plot RUN_DIR -o FILE.svg [--panels NAME,NAME,...] [--from S] [--to S]\n"
      "       mountstorm plot SWEEP_DIR -o FILE.svg [--y OUTCOME] [--x PATH] [--series PATH]\n"
      "                       [--fix PATH=VALUE ...] [--log-y] [--log-x]\n"
      "       mountstorm plot SWEEP_DIR -o FILE.svg --heatmap [--x PATH] [--y-axis PATH] [--value OUTCOME]\n"
      "                       [--fix PATH=VALUE ...] [--log-y]\n"
      "\n"
      "Draws a self-contained SVG (no fonts, scripts or links; the same inputs give the same bytes).\n"
      "A run directory: first a one-sentence verdict on the whole pipeline, then one panel per\n"
      "bounded queue that held something (a footnote names those left out), its depth over time (the\n"
      "maximum per sample interval), its limit and its first refusal (ENOBUFS), above a rug of\n"
      "mounts, scans and logins; --from/--to show only that stretch of simulated time. A sweep directory: an outcome's mean and 95 % interval against an\n"
      "axis, a line per value of a second axis; or, with --heatmap, over two axes. docs/PLOTS.md.\n";

const char kReportUsage[] =
      "usage: mountstorm report RUN_DIR -o report.html [--panels NAME,NAME,...] [--from S] [--to S]\n"
      "       mountstorm report SWEEP_DIR -o report.html [--y OUTCOME ...] [--x PATH] [--series PATH]\n"
      "                         [--fix PATH=VALUE ...]\n"
      "\n"
      "Writes one self-contained HTML page (inline SVG and CSS; no scripts, fonts or links): first\n"
      "a one-sentence verdict (a run: what happened to the whole pipeline; a sweep: which points\n"
      "failed and the first of them), then the summary tables, the plots of mountstorm plot, the scenario and the version of the tool.\n"
      "docs/PLOTS.md.\n";

// The options of plot and report that only one kind of directory takes.
// `dir` is a directory of the other kind (`is`: "run" or "sweep").
void RefuseOptions(const CommandLine& cl, const char* command, std::initializer_list<const char*> flags,
                   const std::string& dir, const std::string& is) {
  const std::string other = is == "run" ? "sweep" : "run";
  for (const char* flag : flags) {
    if (cl.Given(flag)) {
      throw InputError(std::string(command) + ": --" + flag + " is for a " + other + " directory; " + dir + " is a " +
                       is + " directory");
    }
  }
}

// --y and --value of a sweep plot name the same outcome.
void TakeValue(const std::optional<std::string>& value, SweepPlotOptions* so) {
  if (!value) return;
  if (!so->outcome.empty() && so->outcome != *value) throw InputError("plot: --y and --value name the same thing; give one");
  so->outcome = *value;
}

// The options of a run's plot that plot and report share: --panels (comma-separated queue names),
// --from and --to (seconds of simulated time). Throws InputError for a bad value.
void TakeRunOptions(const std::optional<std::string>& panels, const std::optional<std::string>& from,
                    const std::optional<std::string>& to, RunPlotOptions* ro) {
  if (panels) {
    std::size_t i = 0;
    while (i <= panels->size()) {
      std::size_t end = panels->find(',', i);
      if (end == std::string::npos) end = panels->size();
      const std::string name = panels->substr(i, end - i);
      if (name.empty()) throw InputError("--panels " + *panels + ": expected queue names separated by commas, found an empty name");
      ro->queues.push_back(name);
      i = end + 1;
    }
  }
  auto seconds = [](const char* flag, const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < 0)
      throw InputError(std::string(flag) + " " + text + ": expected seconds of simulated time (a number >= 0)");
    return v;
  };
  if (from) ro->from = seconds("--from", *from);
  if (to) ro->to = seconds("--to", *to);
  if (ro->from && ro->to && *ro->to <= *ro->from)
    throw InputError("--to " + *to + ": expected a time after --from " + *from);
}

std::string PlotSweepDir(const std::string& dir, const SweepPlotOptions& so, const CommandLine& cl,
                         std::vector<std::string>* notes) {
  RefuseOptions(cl, "plot", {"queue", "panels", "from", "to"}, dir, "sweep");
  if (so.heatmap && cl.Given("series")) throw InputError("plot: --series is for a line plot; a heat map takes --y-axis");
  if (!so.heatmap && cl.Given("y-axis")) throw InputError("plot: --y-axis is for --heatmap; a line plot takes --series");
  if (so.heatmap && so.log_x) throw InputError("plot: --log-x is for a line plot; a heat map has a cell per value");
  SweepPlotChoices choices;
  std::string text = PlotSweep(LoadSweepDir(dir), so, &choices);
  *notes = choices.notes;
  return text;
}

// What `dir` holds, as DetectResultDir() says; a path that is there but is not a directory is
// named as what it is, not as missing.
ResultDirKind DetectDir(const std::string& dir) {
  std::error_code ec;
  const auto status = std::filesystem::status(dir, ec);
  if (std::filesystem::exists(status) && !std::filesystem::is_directory(status)) {
    throw InputError(dir + ": expected a run or sweep directory, found " +
                     (std::filesystem::is_regular_file(status) ? "a regular file" : "something else (a device, a pipe)"));
  }
  return DetectResultDir(dir);
}

}  // namespace

int PlotCommand(const CommandArgs& args) {
  std::string dir, out;
  RunPlotOptions ro;
  std::optional<std::string> panels, from, to;
  SweepPlotOptions so;
  std::optional<std::string> value;
  bool quiet = false;
  CommandLine cl("plot", kPlotUsage);
  cl.Positional("dir", &dir, "a run directory (mountstorm run) or a sweep directory (mountstorm sweep)")
      .Output(&out, "the SVG file to write (- for standard output)")
      .Texts("queue", &ro.queues, "run: plot this queue (repeatable; default: every queue that held something)")
      .Text("panels", &panels, "run: the queues to plot, comma-separated, in this order (the same as --queue)")
      .Text("from", &from, "run: start the time axis at S seconds of simulated time (default 0)")
      .Text("to", &to, "run: end the time axis at S seconds (default: the end of the run)")
      .Text("y", &so.outcome, "sweep: the outcome, a column of results.csv (default messages.systemd.sent)")
      .Text("value", &value, "sweep: the same as --y (the colour of a heat map)")
      .Text("x", &so.x, "sweep: the axis along x (default: the first axis)")
      .Text("series", &so.series, "sweep: one line per value of this axis (default: the next axis; none: one line)")
      .Text("y-axis", &so.y_axis, "sweep, --heatmap: the axis along y (default: the next axis)")
      .Texts("fix", &so.fixed, "sweep: PATH=VALUE for an axis not plotted (default: its first value)")
      .Flag("heatmap", &so.heatmap, "sweep: a heat map over two axes")
      .Flag("log-y", &so.log_y, "sweep: log scale for the outcome")
      .Flag("log-x", &so.log_x, "sweep: log scale for a numeric x axis")
      .Quiet(&quiet);
  if (!cl.Parse(args)) return kExitOk;
  if (out != "-") CheckOutputFile(out, "-o");
  TakeRunOptions(panels, from, to, &ro);
  TakeValue(value, &so);
  std::string text;
  std::vector<std::string> notes;
  if (DetectDir(dir) == ResultDirKind::kRun) {
    RefuseOptions(cl, "plot", {"y", "value", "x", "series", "y-axis", "fix", "heatmap", "log-y", "log-x"}, dir, "run");
    text = PlotRun(LoadRunDir(dir), ro);
  } else {
    text = PlotSweepDir(dir, so, cl, &notes);
  }
  WriteOutputFile(out, text);
  if (!quiet) {
    std::ostream& say = out == "-" ? std::cerr : std::cout;  // the SVG itself is on stdout
    for (const std::string& n : notes) say << n << "\n";
    if (out != "-") say << "wrote " << out << std::endl;
  }
  return kExitOk;
}

int ReportCommand(const CommandArgs& args) {
  std::string dir, out;
  RunPlotOptions ro;
  std::optional<std::string> panels, from, to;
  SweepReportOptions so;
  bool quiet = false;
  CommandLine cl("report", kReportUsage);
  cl.Positional("dir", &dir, "a run directory (mountstorm run) or a sweep directory (mountstorm sweep)")
      .Output(&out, "the HTML file to write (- for standard output)")
      .Texts("queue", &ro.queues, "run: plot this queue (repeatable; default: every queue that held something)")
      .Text("panels", &panels, "run: the queues to plot, comma-separated, in this order (the same as --queue)")
      .Text("from", &from, "run: start the time axis at S seconds of simulated time (default 0)")
      .Text("to", &to, "run: end the time axis at S seconds (default: the end of the run)")
      .Texts("y", &so.outcomes, "sweep: plot this outcome (repeatable; default: messages sent and dropped by PID 1, ...)")
      .Text("x", &so.x, "sweep: the axis along x (default: the first axis)")
      .Text("series", &so.series, "sweep: one line per value of this axis (default: the next axis)")
      .Texts("fix", &so.fixed, "sweep: PATH=VALUE for an axis not plotted (default: its first value)")
      .Quiet(&quiet);
  if (!cl.Parse(args)) return kExitOk;
  if (out != "-") CheckOutputFile(out, "-o");
  TakeRunOptions(panels, from, to, &ro);
  std::string html;
  if (DetectDir(dir) == ResultDirKind::kRun) {
    RefuseOptions(cl, "report", {"y", "x", "series", "fix"}, dir, "run");
    html = RunReportHtml(LoadRunDir(dir), ro);
  } else {
    RefuseOptions(cl, "report", {"queue", "panels", "from", "to"}, dir, "sweep");
    html = SweepReportHtml(LoadSweepDir(dir), so);
  }
  WriteOutputFile(out, html);
  if (!quiet && out != "-") std::cout << "wrote " << out << std::endl;
  return kExitOk;
}

}  // namespace mountstorm
