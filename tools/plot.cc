#include "tools/plot.h"

#include <boost/program_options.hpp>
#include <iostream>

#include "mountstorm/error.h"
#include "tools/atomic_file.h"
#include "tools/cli_util.h"
#include "tools/result_dir.h"
#include "tools/run_plot.h"
#include "tools/sweep_plot.h"

namespace po = boost::program_options;

namespace mountstorm {

int PlotCommand(const std::vector<std::string>& args) {
  po::options_description options("plot options");
  std::string dir, out;
  std::vector<std::string> queue_names, fixed;
  SweepPlotOptions so;
  std::string value;
  // clang-format off
  options.add_options()
      ("help,h", "show this help")
      ("dir", po::value(&dir)->required(), "a run directory (mountstorm run) or a sweep directory (mountstorm sweep)")
      ("output,o", po::value(&out)->required(), "the SVG file to write")
      ("queue", po::value(&queue_names)->composing(), "run: plot this queue (repeatable; default: every queue that held something)")
      ("y", po::value(&so.outcome), "sweep: the outcome, a column of results.csv (default messages.systemd.sent)")
      ("value", po::value(&value), "sweep: the same as --y (the colour of a heat map)")
      ("x", po::value(&so.x), "sweep: the axis along x (default: the first axis)")
      ("series", po::value(&so.series), "sweep: one line per value of this axis (default: the next axis; none: one line)")
      ("y-axis", po::value(&so.y_axis), "sweep, --heatmap: the axis along y (default: the next axis)")
      ("fix", po::value(&fixed)->composing(), "sweep: PATH=VALUE for an axis not plotted (default: its first value)")
      ("heatmap", "sweep: a heat map over two axes")
      ("log-y", "sweep: log scale for the outcome")
      ("log-x", "sweep: log scale for a numeric x axis")
      ("quiet,q", "print nothing on success");
  // clang-format on
  po::positional_options_description positional;
  positional.add("dir", 1);
  po::variables_map vm;
  const char* usage =
      "usage: mountstorm plot RUN_DIR -o FILE.svg [--queue NAME ...]\n"
      "       mountstorm plot SWEEP_DIR -o FILE.svg [--y OUTCOME] [--x PATH] [--series PATH]\n"
      "                       [--fix PATH=VALUE ...] [--log-y] [--log-x]\n"
      "       mountstorm plot SWEEP_DIR -o FILE.svg --heatmap [--x PATH] [--y-axis PATH] [--value OUTCOME]\n"
      "                       [--fix PATH=VALUE ...] [--log-y]\n"
      "\n"
      "Draws a self-contained SVG (no fonts, scripts or links; the same inputs give the same bytes).\n"
      "A run directory: one panel per bounded queue that held something, its depth over time (the\n"
      "maximum per sample interval), its limit and its first refusal (ENOBUFS), above a rug of\n"
      "mounts, scans and logins. A sweep directory: an outcome's mean and 95 % interval against an\n"
      "axis, a line per value of a second axis; or, with --heatmap, over two axes. docs/PLOTS.md.\n";
  if (!ParseCommand("plot", args, options, positional, usage, &vm)) return kExitOk;
  if (!value.empty()) {
    if (!so.outcome.empty() && so.outcome != value)
      throw InputError("plot: --y and --value name the same thing; give one");
    so.outcome = value;
  }
  so.fixed = fixed;
  so.heatmap = vm.count("heatmap") > 0;
  so.log_y = vm.count("log-y") > 0;
  so.log_x = vm.count("log-x") > 0;
  const bool quiet = vm.count("quiet") > 0;

  std::string text;
  std::vector<std::string> notes;
  if (DetectResultDir(dir) == ResultDirKind::kRun) {
    for (const char* flag : {"y", "value", "x", "series", "y-axis", "fix", "heatmap", "log-y", "log-x"}) {
      if (vm.count(flag))
        throw InputError(std::string("plot: --") + flag + " is for a sweep directory; " + dir + " is a run directory");
    }
    RunPlotOptions ro;
    ro.queues = queue_names;
    text = PlotRun(LoadRunDir(dir), ro);
  } else {
    if (!queue_names.empty())
      throw InputError("plot: --queue is for a run directory; " + dir + " is a sweep directory");
    if (so.heatmap && vm.count("series"))
      throw InputError("plot: --series is for a line plot; a heat map takes --y-axis");
    if (!so.heatmap && vm.count("y-axis"))
      throw InputError("plot: --y-axis is for --heatmap; a line plot takes --series");
    if (so.heatmap && so.log_x) throw InputError("plot: --log-x is for a line plot; a heat map has a cell per value");
    SweepPlotChoices choices;
    text = PlotSweep(LoadSweepDir(dir), so, &choices);
    notes = choices.notes;
  }
  std::string error;
  if (!WriteFileAtomically(out, text, &error)) throw InputError(error);
  if (!quiet) {
    for (const std::string& n : notes) std::cout << n << "\n";
    std::cout << "wrote " << out << std::endl;
  }
  return kExitOk;
}


}  // namespace mountstorm
