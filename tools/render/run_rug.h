// The rug under the panels of a run's plot (render/run_plot.h): one lane of ticks per kind of
// mount-table event (mounts, other operations, PID 1's scans of mountinfo), then one lane per
// client that logged in, each login a line from its start to a marker of its outcome. Internal
// to tools/render/.
#ifndef MOUNTSTORM_TOOLS_RENDER_RUN_RUG_H_
#define MOUNTSTORM_TOOLS_RENDER_RUN_RUG_H_

#include <vector>

#include "io/result_dir.h"
#include "render/run_frame.h"
#include "render/svg.h"

namespace mountstorm::run_plot {

// The times (s) of the events of a run's event log drawn in the rug, those from `from` to `to`
// seconds.
struct EventTrack {
  std::vector<double> mounts;     // mounts that succeeded
  std::vector<double> other_ops;  // failed mounts, umounts and remounts
  std::vector<double> scans;      // of mountinfo by PID 1
};
EventTrack TrackOf(const std::vector<RunEvent>& log, double from, double to);

// Draws the rug of `run` (its events in `events`) with its title at `y`; returns the y of its
// bottom edge (the time labels and the axis title are under it).
double DrawRug(svg::Document& doc, const RunFrame& frame, const RunData& run, const EventTrack& events, double y);

}  // namespace mountstorm::run_plot

#endif  // MOUNTSTORM_TOOLS_RENDER_RUN_RUG_H_
