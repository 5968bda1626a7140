// The picture of one run (`mountstorm plot RUN_DIR`, docs/PLOTS.md): one panel per bounded
// queue that held something, stacked on a shared time axis, each with its per-interval maximum
// depth, its limit and its first refusal (ENOBUFS); below them a rug of mounts, scans and logins
// (succeeded or failed, by cause). The SVG is self-contained and deterministic.
#ifndef MOUNTSTORM_TOOLS_RENDER_RUN_PLOT_H_
#define MOUNTSTORM_TOOLS_RENDER_RUN_PLOT_H_

#include <optional>
#include <string>
#include <vector>

#include "io/result_dir.h"

namespace mountstorm {

struct RunPlotOptions {
  std::vector<std::string> queues;  // the panels, in this order; empty: every queue that held something
  std::string id_prefix;            // prefixed to element ids (several plots in one HTML page)
  std::optional<double> from, to;   // the time window (s); default: the whole run
};
// The SVG of a run: the verdict, panels of queue depth over time, the rug of mounts, scans and
// logins, and a footnote naming the queues left out. Throws InputError for a queue the run does
// not have or a time window outside the run.
std::string PlotRun(const RunData& run, const RunPlotOptions& options, bool standalone = true);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_RENDER_RUN_PLOT_H_
