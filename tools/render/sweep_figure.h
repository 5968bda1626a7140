// What the line plot and the heat map of a sweep (render/sweep_plot.h) share: the points read
// from aggregate.csv, the words of their titles and notes, the heading and the labels of the x
// axis. Internal to tools/render/.
#ifndef MOUNTSTORM_TOOLS_RENDER_SWEEP_FIGURE_H_
#define MOUNTSTORM_TOOLS_RENDER_SWEEP_FIGURE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "io/result_dir.h"
#include "mountstorm/csv.h"
#include "render/svg.h"
#include "render/sweep_choice.h"

namespace mountstorm::sweep_plot {

// The outcome at one point of the sweep.
struct Point {
  double mean;
  double ci;  // half-width of the 95 % interval; 0 when there is none
};
// The point of row `r`, or nothing when its mean is empty.
std::optional<Point> PointOf(const CsvTable& t, const Choice& c, std::size_t r);

// How many runs each point plotted is the mean of ("mean of 3 runs per point"), and with
// `interval` that the 95 % interval is drawn.
std::string Replications(const CsvTable& t, const Choice& c, bool interval = true);

// The unit of an outcome, from its name (docs/SWEEPS.md, results.csv), or "".
std::string OutcomeUnit(const std::string& outcome);

// An axis of a sweep (a JSON path of the scenario) for people, with its unit from the name of the
// field: "/workload/0/count" -> "workload 0: operations", "/systemd/wqueue_max" -> "systemd:
// wqueue max", "/workload/0/rate_per_s" -> "workload 0: rate (1/s)".
std::string AxisLabel(const std::string& path);
// An outcome (a column of results.csv) for people, with its unit: "messages.systemd.sent" ->
// "messages sent by systemd", "queues.systemd.wqueue.peak" -> "peak of systemd.wqueue (messages)".
std::string OutcomeLabel(const std::string& outcome);

// `s`, cut to `max` characters with "..." at the end if it is longer.
std::string Shorten(const std::string& s, std::size_t max);

// "sweep NAME" (the name in sweep.json), or "sweep DIR".
std::string SweepTitle(const SweepData& sweep);

// The notes under a plot's title: `first`, then the notes of the choices but the outcome's.
std::vector<std::string> NotesUnder(const std::string& first, const SweepPlotChoices& ch);
// The title of the document and the heading at its top: the title, then a line per note.
void Heading(svg::Document& doc, const std::string& title, const std::vector<std::string>& notes);
// The y of the top of the plot under a heading with `notes` lines of notes.
double TopUnder(std::size_t notes);

// A label of the x axis at `x` under `bottom`: centred, or turned by 40 degrees when `rotate`.
void XLabel(svg::Document& doc, double x, double bottom, const std::string& label, bool rotate);
// The height of the document whose plot ends at `bottom`: the x labels (the widest `max_label`
// pixels wide, turned when `rotate`) and the x axis's title under it.
double HeightUnder(double bottom, double max_label, bool rotate);

}  // namespace mountstorm::sweep_plot

#endif  // MOUNTSTORM_TOOLS_RENDER_SWEEP_FIGURE_H_
