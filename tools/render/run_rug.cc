#include "render/run_rug.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "render/plot_scale.h"

namespace mountstorm::run_plot {

using namespace plot;  // scales, labels and frame colours (render/plot_scale.h)
using svg::N;

namespace {

constexpr double kLaneHeight = 18;

// A lane of event ticks.
struct Lane {
  std::string name;
  std::vector<double> times;
  const char* colour;
};

// The lanes of the kinds of events the run has, each named with its count.
std::vector<Lane> EventLanes(const EventTrack& events) {
  std::vector<Lane> lanes;
  if (!events.mounts.empty())
    lanes.push_back({"mounts " + FormatCount(static_cast<double>(events.mounts.size())), events.mounts, kMount});
  if (!events.other_ops.empty())
    lanes.push_back(
        {"other ops " + FormatCount(static_cast<double>(events.other_ops.size())), events.other_ops, kOtherOp});
  if (!events.scans.empty())
    lanes.push_back({"scans " + FormatCount(static_cast<double>(events.scans.size())), events.scans, kScan});
  return lanes;
}

// The clients that tried to log in, in the order of their first attempt.
std::vector<std::string> LoginClients(const std::vector<LoginAttempt>& logins) {
  std::vector<std::string> clients;
  for (const LoginAttempt& l : logins) {
    if (std::find(clients.begin(), clients.end(), l.client) == clients.end()) clients.push_back(l.client);
  }
  return clients;
}

// One lane of event ticks whose top is at `top`, with its name at the left.
void EventLane(svg::Document& doc, const RunFrame& frame, const Lane& lane, double top) {
  // One tick per half pixel at most: a dense stretch is a solid band, and the file stays small.
  std::set<long> seen;
  std::string d;
  for (double t : lane.times) {
    long key = std::lround(frame.X(t) * 2);
    if (!seen.insert(key).second) continue;
    d += "M" + N(key / 2.0) + " " + N(top + 3) + "V" + N(top + kLaneHeight - 3);
  }
  doc.Add("path", {{"d", d}, {"stroke", lane.colour}, {"stroke-width", "1"}, {"fill", "none"}});
  doc.Text(frame.layout.left - 6, top + kLaneHeight / 2 + 4, lane.name, 11, "end", {{"fill", kInk}});
}

// The lane of one client's logins whose top is at `top`: each login a line from its start to the
// marker of its outcome (a pending login runs to the end of the plot), and the client's name.
void LoginLane(svg::Document& doc, const RunFrame& frame, const std::vector<LoginAttempt>& logins,
               const std::string& client, double top) {
  const double cy = top + kLaneHeight / 2;
  for (const LoginAttempt& l : logins) {
    if (l.client != client) continue;
    const double t0 = ToSeconds(l.start);
    const bool pending = !l.end.has_value();
    const double t1 = pending ? frame.x_max : ToSeconds(*l.end);
    if (t1 < frame.x_min || t0 > frame.x_max) continue;  // outside the time axis
    // Cut at the edges of the time axis: the start's bar and the outcome only where they lie on it.
    doc.Add("line", svg::Line(frame.X(std::max(t0, frame.x_min)), cy, frame.X(std::min(t1, frame.x_max)), cy,
                              kLoginLine, 2));
    if (t0 >= frame.x_min) doc.Add("line", svg::Line(frame.X(t0), cy - 4, frame.X(t0), cy + 4, kLoginLine, 1.5));
    if (t1 > frame.x_max) continue;
    LoginMarker(doc, pending ? std::string("pending") : std::string(LoginOutcomeName(l.outcome)), frame.X(t1), cy);
  }
  const std::string name = client.size() > 10 ? client.substr(0, 9) + "~" : client;
  doc.Text(frame.layout.left - 6, cy + 4, "login " + name, 11, "end", {{"fill", kInk}});
}

// The lane of the peers the relay disconnected (dbus-broker), whose top is at `top`: a mark at
// each disconnect, with the peer's name beside it.
void DisconnectLane(svg::Document& doc, const RunFrame& frame, const RelayResult& relay, double top) {
  const double cy = top + kLaneHeight / 2;
  // Peers disconnected within a few pixels of each other share one label: "logind, systemd".
  double label_x = -1;
  std::string label;
  auto flush = [&] {
    if (!label.empty()) doc.Text(label_x + 4, cy + 4, label, 10, "start", {{"fill", kOnset}});
  };
  for (const DisconnectResult& d : relay.disconnects) {
    if (!frame.Shows(ToSeconds(d.at))) continue;
    const double x = std::round(frame.X(ToSeconds(d.at))) + 0.5;
    doc.Add("line", {{"class", "disconnect"}, {"x1", N(x)}, {"y1", N(top + 2)}, {"x2", N(x)},
                     {"y2", N(top + kLaneHeight - 2)}, {"stroke", kOnset}, {"stroke-width", "2.5"}});
    if (label_x >= 0 && x - label_x < 40) {
      label += ", " + d.peer;
      continue;
    }
    flush();
    label_x = x;
    label = d.peer;
  }
  flush();
  doc.Text(frame.layout.left - 6, cy + 4, "disconnected", 11, "end", {{"fill", kInk}});
}

// The time axis under the rug: the tick labels and the axis title.
void TimeAxisLabels(svg::Document& doc, const RunFrame& frame, double bottom) {
  for (double t : frame.ticks)
    doc.Text(std::round(frame.X(t)) + 0.5, bottom + 14, Trimmed(t, frame.decimals), 11, "middle", {{"fill", kInk}});
  doc.Text(frame.layout.left + frame.layout.plot_width() / 2, bottom + 34, "time (s, simulated)", 13, "middle",
           {{"fill", kInk}});
}

}  // namespace

EventTrack TrackOf(const std::vector<RunEvent>& log, double from, double to) {
  EventTrack e;
  for (const RunEvent& ev : log) {
    const double at = ToSeconds(ev.time);
    if (at < from || at > to) continue;
    if (ev.kind == RunEvent::Kind::kMount && !ev.failed) {
      e.mounts.push_back(at);
    } else if (ev.kind == RunEvent::Kind::kScan) {
      e.scans.push_back(at);
    } else if (ev.kind == RunEvent::Kind::kMount || ev.kind == RunEvent::Kind::kUmount ||
               ev.kind == RunEvent::Kind::kRemount) {
      e.other_ops.push_back(at);
    }
  }
  return e;
}

double DrawRug(svg::Document& doc, const RunFrame& frame, const RunData& run, const EventTrack& events, double y) {
  const Layout& L = frame.layout;
  const std::vector<LoginAttempt>& logins = run.result.logins.each;
  const std::vector<Lane> lanes = EventLanes(events);
  const std::vector<std::string> clients = LoginClients(logins);
  const bool disconnects = !run.result.relay.disconnects.empty();
  const std::size_t lane_count = lanes.size() + clients.size() + (disconnects ? 1 : 0);
  const double rug_top = y + 22;
  doc.Begin({{"id", frame.id + "rug"}, {"class", "rug"}});
  doc.Text(L.left, rug_top - 8, "workload and logins", 14, "start", {{"font-weight", "bold"}, {"fill", kInk}});
  if (!run.has_events) {
    doc.Text(L.left + 200, rug_top - 8, "(no events.csv in the run directory: mounts and scans not shown)", 11, "start",
             {{"fill", kMuted}});
  }
  const double rug_bottom = rug_top + kLaneHeight * static_cast<double>(std::max<std::size_t>(lane_count, 1));
  TimeGrid(doc, frame, rug_top, rug_bottom, false);
  double top = rug_top;
  for (const Lane& lane : lanes) {
    EventLane(doc, frame, lane, top);
    top += kLaneHeight;
  }
  for (const std::string& client : clients) {
    LoginLane(doc, frame, logins, client, top);
    top += kLaneHeight;
  }
  if (disconnects) DisconnectLane(doc, frame, run.result.relay, top);
  if (lane_count == 0)
    doc.Text(L.left + 6, rug_top + 13, "no mounts, scans or logins", 11, "start", {{"fill", kMuted}});
  doc.Add("rect", svg::Frame(L.left + 0.5, rug_top + 0.5, L.plot_width() - 1, rug_bottom - rug_top - 1, kFrame));
  TimeAxisLabels(doc, frame, rug_bottom);
  doc.End();
  return rug_bottom;
}

}  // namespace mountstorm::run_plot
