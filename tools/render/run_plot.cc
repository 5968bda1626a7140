#include "tools/run_plot.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "models/login_client.h"
#include "mountstorm/error.h"
#include "tools/csv_table.h"
#include "tools/plot_scale.h"
#include "tools/svg.h"

namespace mountstorm {

using namespace plot;  // scales, labels and frame colours (tools/plot_scale.h)
using svg::Attributes;
using svg::N;

namespace {

// Colours of what a run's plot shows. The limit and the first-refusal marker have colours nothing
// else uses, so that they stand out on paper and tests/render/render_test.sh finds them.
constexpr const char* kCurveFill = "#c6dbef";
constexpr const char* kCurveStroke = "#08519c";
constexpr const char* kLimit = "#e31a1c";
constexpr const char* kOnset = "#6a3d9a";
constexpr const char* kMount = "#3d3d3d";
constexpr const char* kOtherOp = "#8c8c8c";
constexpr const char* kScan = "#0072b2";
constexpr const char* kLoginLine = "#b0b0b0";

// How each login outcome is drawn and named, in the legend's order: Okabe-Ito colours, which stay
// apart for colour-blind readers, each with its own shape for black-and-white prints. The outcome
// is matched by its name in summary.json (OutcomeName, models/login_client.h).
enum class Shape { kDisc, kCross, kSquare, kDiamond, kRing };
struct LoginStyle {
  LoginClient::Outcome outcome;
  const char* label;
  Shape shape;
  const char* colour;
};
constexpr LoginStyle kLoginStyles[] = {
    {LoginClient::Outcome::kSucceeded, "login succeeded", Shape::kDisc, "#009e73"},
    {LoginClient::Outcome::kNoBufs, "failed: ENOBUFS", Shape::kCross, "#d55e00"},
    {LoginClient::Outcome::kTimedOut, "failed: timeout", Shape::kSquare, "#e69f00"},
    {LoginClient::Outcome::kLimitsExceeded, "failed: LimitsExceeded", Shape::kDiamond, "#cc79a7"},
    {LoginClient::Outcome::kPending, "pending at the end", Shape::kRing, "#7f7f7f"},
};

// The style of an outcome named in summary.json; anything unknown is drawn as pending.
const LoginStyle& StyleOf(const std::string& outcome) {
  for (const LoginStyle& s : kLoginStyles) {
    if (outcome == OutcomeName(s.outcome)) return s;
  }
  return kLoginStyles[std::size(kLoginStyles) - 1];
}

struct Layout {
  double width = 1000;
  double left = 112;  // y tick labels and lane names
  double right = 24;
  double plot_width() const { return width - left - right; }
};

// What a queue is, by its name (docs/OUTPUTS.md, "Names").
std::string DescribeQueue(const std::string& q) {
  // The name without `prefix` (or `suffix`), if it has it and something more.
  auto after = [&](std::string_view prefix) -> std::optional<std::string> {
    if (q.size() <= prefix.size() || !q.starts_with(prefix)) return std::nullopt;
    return q.substr(prefix.size());
  };
  auto before = [&](std::string_view suffix) -> std::optional<std::string> {
    if (q.size() <= suffix.size() || !q.ends_with(suffix)) return std::nullopt;
    return q.substr(0, q.size() - suffix.size());
  };
  if (q == "systemd.wqueue") return "PID 1's sd-bus write queue (API bus)";
  if (q == "systemd.rqueue") return "PID 1's sd-bus read queue (API bus)";
  if (q == "systemd.socket") return "socket PID 1 -> dbus-daemon";
  if (const auto rest = after("systemd.private.")) {
    std::size_t dot = rest->rfind('.');
    std::string client = rest->substr(0, dot), kind = dot == std::string::npos ? "" : rest->substr(dot + 1);
    if (kind == "wqueue") return "PID 1's write queue to " + client + " (private connection)";
    if (kind == "rqueue") return "PID 1's read queue from " + client + " (private connection)";
    if (kind == "socket") return "socket PID 1 -> " + client + " (private connection)";
  }
  if (const auto peer = after("dbus.in.")) return "dbus-daemon: bytes from " + *peer + " not yet written to every recipient";
  if (const auto peer = after("dbus.out.")) return "dbus-daemon's outgoing queue for " + *peer;
  if (const auto peer = after("dbus.socket.")) return "socket dbus-daemon -> " + *peer;
  if (const auto owner = before(".rqueue")) return *owner + "'s sd-bus read queue";
  if (const auto owner = before(".wqueue")) return *owner + "'s sd-bus write queue";
  if (const auto owner = before(".socket")) return "socket " + *owner + " -> bus";
  return "";
}

struct Segment {
  double x0, x1, v;  // pixels, pixels, level
};

struct Curves {
  std::vector<double> times;
  std::vector<std::vector<double>> values;  // values[q][row], only for the columns asked for
  double interval = 0;
};

Curves ParseCurves(const std::string& text, const std::string& origin, const std::vector<std::string>& wanted) {
  Curves c;
  std::size_t pos = text.find('\n');
  if (pos == std::string::npos) throw InputError(origin + ": no header line");
  const std::vector<std::string> header = CsvHeader(text);
  if (header.empty() || header[0] != "time_s") throw InputError(origin + ": the first column is not time_s");
  std::vector<int> column_of(header.size(), -1);  // csv column -> index into wanted
  c.values.resize(wanted.size());
  for (std::size_t w = 0; w < wanted.size(); ++w) {
    for (std::size_t h = 1; h < header.size(); ++h) {
      if (header[h] == wanted[w]) column_of[h] = static_cast<int>(w);
    }
  }
  std::size_t line_no = 1;
  for (std::size_t start = pos + 1; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    ++line_no;
    std::size_t field_start = start;
    std::size_t col = 0;
    for (std::size_t i = start; i <= end; ++i) {
      if (i < end && text[i] != ',') continue;
      std::size_t field_end = i;
      if (field_end > field_start && text[field_end - 1] == '\r') --field_end;
      if (col == 0 || (col < column_of.size() && column_of[col] >= 0)) {
        double v = 0;
        auto [stop, ec] = std::from_chars(text.data() + field_start, text.data() + field_end, v);
        if (ec != std::errc() || stop != text.data() + field_end) {
          throw InputError(origin + ": line " + std::to_string(line_no) + ": \"" +
                           text.substr(field_start, field_end - field_start) + "\" is not a number");
        }
        if (col == 0) {
          c.times.push_back(v);
        } else {
          c.values[static_cast<std::size_t>(column_of[col])].push_back(v);
        }
      }
      ++col;
      field_start = i + 1;
    }
    if (col != header.size()) {
      throw InputError(origin + ": line " + std::to_string(line_no) + ": " + std::to_string(col) +
                       " fields, expected " + std::to_string(header.size()));
    }
    start = end + 1;
  }
  if (c.times.size() >= 2) c.interval = c.times[1] - c.times[0];
  return c;
}

// The step curve of one queue, reduced to at most one step per pixel column by taking the maximum
// of the intervals that fall in the column: no peak is lost, however narrow.
std::vector<Segment> Reduce(const std::vector<double>& times, const std::vector<double>& v, double interval,
                            double x_max, double left, double plot_width) {
  std::vector<Segment> raw;
  auto px = [&](double t) { return left + t / x_max * plot_width; };
  const std::size_t n = times.size();
  if (n == 0) return raw;
  if (static_cast<double>(n) <= plot_width) {
    for (std::size_t i = 0; i < n; ++i) {
      double t1 = i + 1 < n ? times[i + 1] : times[i] + interval;
      raw.push_back({px(times[i]), px(std::min(t1, x_max)), v[i]});
    }
  } else {
    const std::size_t columns = static_cast<std::size_t>(plot_width);
    std::vector<double> best(columns, -1);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t col = static_cast<std::size_t>(std::floor(times[i] / x_max * static_cast<double>(columns)));
      col = std::min(col, columns - 1);
      best[col] = std::max(best[col], v[i]);
      // An interval that spans several columns fills them all.
      double t1 = times[i] + interval;
      std::size_t last =
          std::min(columns - 1, static_cast<std::size_t>(std::ceil(t1 / x_max * static_cast<double>(columns))) - 1);
      for (std::size_t k = col + 1; k <= last && k < columns; ++k) best[k] = std::max(best[k], v[i]);
    }
    double carry = 0;
    for (std::size_t k = 0; k < columns; ++k) {
      if (best[k] < 0) best[k] = carry;
      carry = best[k];
      raw.push_back({left + static_cast<double>(k) * plot_width / static_cast<double>(columns),
                     left + static_cast<double>(k + 1) * plot_width / static_cast<double>(columns), best[k]});
    }
  }
  std::vector<Segment> merged;
  for (const Segment& s : raw) {
    if (!merged.empty() && merged.back().v == s.v) {
      merged.back().x1 = s.x1;
    } else {
      merged.push_back(s);
    }
  }
  return merged;
}

struct LegendItem {
  std::string kind;  // area, limit, onset, tick:<colour>, login:<outcome>
  std::string label;
};

// The shape of a login outcome at (x, y).
void LoginMarker(svg::Document& doc, const std::string& outcome, double x, double y) {
  const LoginStyle& style = StyleOf(outcome);
  switch (style.shape) {
    case Shape::kDisc:
      doc.Add("circle", {{"cx", N(x)},
                         {"cy", N(y)},
                         {"r", "4.5"},
                         {"fill", style.colour},
                         {"stroke", "#ffffff"},
                         {"stroke-width", "0.8"}});
      break;
    case Shape::kCross:
      doc.Add("path", {{"d", "M" + N(x - 4.5) + " " + N(y - 4.5) + "L" + N(x + 4.5) + " " + N(y + 4.5) + "M" +
                                 N(x - 4.5) + " " + N(y + 4.5) + "L" + N(x + 4.5) + " " + N(y - 4.5)},
                       {"stroke", style.colour},
                       {"stroke-width", "2.6"},
                       {"fill", "none"}});
      break;
    case Shape::kSquare:
      doc.Add("rect", {{"x", N(x - 4)},
                       {"y", N(y - 4)},
                       {"width", "8"},
                       {"height", "8"},
                       {"fill", style.colour},
                       {"stroke", "#ffffff"},
                       {"stroke-width", "0.8"}});
      break;
    case Shape::kDiamond:
      doc.Add("path", {{"d", "M" + N(x) + " " + N(y - 5.5) + "L" + N(x + 5.5) + " " + N(y) + "L" + N(x) + " " +
                                 N(y + 5.5) + "L" + N(x - 5.5) + " " + N(y) + "Z"},
                       {"fill", style.colour},
                       {"stroke", "#ffffff"},
                       {"stroke-width", "0.8"}});
      break;
    case Shape::kRing:
      doc.Add("circle", {{"cx", N(x)},
                         {"cy", N(y)},
                         {"r", "4"},
                         {"fill", "#ffffff"},
                         {"stroke", style.colour},
                         {"stroke-width", "1.8"}});
      break;
  }
}

// Lays out legend items in rows from (x, y); returns the y below the legend.
double DrawLegend(svg::Document& doc, const std::vector<LegendItem>& items, double x0, double y, double max_x) {
  const double size = 12;
  double x = x0;
  for (const LegendItem& item : items) {
    const double w = 26 + svg::TextWidth(item.label, size) + 18;
    if (x > x0 && x + w > max_x) {
      x = x0;
      y += 20;
    }
    const double cy = y - 4;
    if (item.kind == "area") {
      doc.Add("rect", svg::Rect(x, cy - 6, 20, 11, kCurveFill));
      doc.Add("line", svg::Line(x, cy - 6, x + 20, cy - 6, kCurveStroke, 1.5));
    } else if (item.kind == "limit") {
      doc.Add("line", svg::Line(x, cy, x + 20, cy, kLimit, 2));
    } else if (item.kind == "onset") {
      Attributes a = svg::Line(x + 10, cy - 7, x + 10, cy + 6, kOnset, 2);
      a.emplace_back("stroke-dasharray", "4 2");
      doc.Add("line", a);
    } else if (item.kind.rfind("tick:", 0) == 0) {
      doc.Add("line", svg::Line(x + 10, cy - 7, x + 10, cy + 6, item.kind.substr(5), 2));
    } else if (item.kind.rfind("login:", 0) == 0) {
      LoginMarker(doc, item.kind.substr(6), x + 10, cy);
    }
    doc.Text(x + 26, y, item.label, size, "start", {{"fill", kInk}});
    x += w;
  }
  return y + 10;
}

// Time axis: tick values and their labels.
struct TimeAxis {
  std::vector<double> ticks;
  int decimals = 0;
};

TimeAxis MakeTimeAxis(double x_max) {
  TimeAxis a;
  double step = NiceStep(x_max, 12);
  a.ticks = TicksUpTo(0, x_max, step);
  a.decimals = DecimalsFor(step);
  return a;
}

struct EventTrack {
  std::vector<double> mounts, other_ops, scans;
};

EventTrack ParseEvents(const std::string& text, const std::string& origin) {
  EventTrack e;
  if (text.empty()) return e;
  const CsvTable t = ParseCsv(text, origin);
  const int time = t.Column("time_s"), event = t.Column("event");
  if (time < 0 || event < 0) throw InputError(origin + ": expected the columns time_s,event,detail");
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const std::optional<double> at = ParseNumber(t.rows[r][static_cast<std::size_t>(time)]);
    if (!at) throw InputError(origin + ": line " + std::to_string(r + 2) + ": the time is not a number");
    const std::string& name = t.rows[r][static_cast<std::size_t>(event)];
    if (name == "mount") {
      e.mounts.push_back(*at);
    } else if (name == "scan") {
      e.scans.push_back(*at);
    } else if (name == "umount" || name == "remount" || name == "umount_failed" || name == "remount_failed" ||
               name == "mount_failed") {
      e.other_ops.push_back(*at);
    }
  }
  return e;
}

double JsonNumber(const nlohmann::json& j, const char* key, double fallback = 0) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_number()) return fallback;
  return j[key].get<double>();
}

std::string IdSafe(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out;
}

}  // namespace

std::string PlotRun(const RunData& run, const RunPlotOptions& options, bool standalone) {
  const nlohmann::json& s = run.summary;
  const nlohmann::json& queues = s["queues"];
  const std::string curves_origin = run.dir + "/curves.csv";
  // The panels: the queues asked for, or every queue that held something, in curves.csv order
  // (the order a message meets them).
  std::vector<std::string> header_queues;
  for (const std::string& f : CsvHeader(run.curves_csv)) {
    if (f != "time_s") header_queues.push_back(f);
  }
  std::vector<std::string> panels;
  if (!options.queues.empty()) {
    for (const std::string& q : options.queues) {
      if (std::find(header_queues.begin(), header_queues.end(), q) == header_queues.end() || !queues.contains(q)) {
        std::string known;
        for (const std::string& h : header_queues) known += (known.empty() ? "" : ", ") + h;
        throw InputError("--queue " + q + ": " + run.dir + " has no such queue (it has " + known + ")");
      }
      panels.push_back(q);
    }
  } else {
    for (const std::string& q : header_queues) {
      if (queues.contains(q) && JsonNumber(queues[q], "peak") > 0) panels.push_back(q);
    }
  }
  Curves curves = ParseCurves(run.curves_csv, curves_origin, panels);
  const double end_time = JsonNumber(s, "end_time_s");
  double x_max = end_time;
  if (!curves.times.empty()) x_max = std::max(x_max, curves.times.back() + curves.interval);
  if (!(x_max > 0)) x_max = 1;

  EventTrack events = ParseEvents(run.events_csv, run.dir + "/events.csv");
  const nlohmann::json logins = s.contains("logins") ? s["logins"] : nlohmann::json::object();
  const nlohmann::json each =
      logins.contains("each") && logins["each"].is_array() ? logins["each"] : nlohmann::json::array();
  std::vector<std::string> clients;
  std::map<std::string, int> outcome_count;
  for (const nlohmann::json& l : each) {
    if (!l.is_object()) continue;
    std::string c = l.value("client", "?");
    if (std::find(clients.begin(), clients.end(), c) == clients.end()) clients.push_back(c);
    ++outcome_count[l.value("outcome", "pending")];
  }

  Layout L;
  const double pw = L.plot_width();
  auto px = [&](double t) { return L.left + t / x_max * pw; };
  svg::Document doc(L.width, 100);
  const std::string scenario = s.value("scenario", std::string("?"));
  const std::string profile = s.value("profile", std::string("?"));
  const std::string seed = s.contains("seed") ? s["seed"].dump() : "?";
  doc.SetTitle("mountstorm: " + scenario + ", queue depth over time");
  const std::string id = options.id_prefix;

  // Title and subtitle.
  doc.Text(L.left - 100, 26, scenario + ": queue depth over time", 18, "start",
           {{"font-weight", "bold"}, {"fill", kInk}});
  std::string patches;
  if (s.contains("patches") && s["patches"].is_array()) {
    for (const nlohmann::json& p : s["patches"]) {
      patches += (patches.empty() ? "" : ", ") +
                 (p.is_object() && p.contains("name") ? p["name"].get<std::string>() : p.dump());
    }
  }
  std::string sub = "profile " + profile + ", seed " + seed + (patches.empty() ? "" : ", patches: " + patches) + ", " +
                    Trimmed(end_time, 3) + " s simulated (" + s.value("stopped_by", std::string("?")) +
                    "), mountstorm " + s.value("mountstorm_version", std::string("?"));
  doc.Text(L.left - 100, 46, sub, 12, "start", {{"fill", kMuted}});
  std::size_t held = 0;
  for (auto it = queues.begin(); it != queues.end(); ++it) {
    if (JsonNumber(it.value(), "peak") > 0) ++held;
  }
  std::string sub2 = std::to_string(panels.size()) + " panel" + (panels.size() == 1 ? "" : "s") + ": " +
                     (options.queues.empty() ? "every bounded queue that held something (" + std::to_string(held) +
                                                   " of " + std::to_string(queues.size()) + ")"
                                             : std::string("the queues asked for")) +
                     ", in the order a message meets them";
  doc.Text(L.left - 100, 62, sub2, 12, "start", {{"fill", kMuted}});

  // Legend.
  std::vector<LegendItem> legend;
  const std::string interval_text =
      curves.interval > 0
          ? (curves.interval < 1 ? Trimmed(curves.interval * 1000, 3) + " ms" : Trimmed(curves.interval, 3) + " s")
          : "interval";
  legend.push_back({"area", "maximum depth per " + interval_text});
  legend.push_back({"limit", "limit"});
  legend.push_back({"onset", "first refusal (ENOBUFS in a message queue)"});
  if (!events.mounts.empty()) legend.push_back({std::string("tick:") + kMount, "mount"});
  if (!events.other_ops.empty()) legend.push_back({std::string("tick:") + kOtherOp, "umount/remount"});
  if (!events.scans.empty()) legend.push_back({std::string("tick:") + kScan, "mountinfo scan by PID 1"});
  for (const LoginStyle& style : kLoginStyles) {
    const std::string o = OutcomeName(style.outcome);
    auto it = outcome_count.find(o);
    if (it != outcome_count.end())
      legend.push_back({"login:" + o, std::string(style.label) + " (" + std::to_string(it->second) + ")"});
  }
  doc.Begin({{"id", id + "legend"}});
  double y = DrawLegend(doc, legend, L.left - 100, 86, L.width - L.right) + 8;
  doc.End();

  const TimeAxis taxis = MakeTimeAxis(x_max);
  auto time_ticks = [&](double top, double bottom, bool labels) {
    for (double t : taxis.ticks) {
      double x = std::round(px(t)) + 0.5;
      doc.Add("line", svg::Line(x, top, x, bottom, kGrid, 1));
      if (labels) doc.Text(x, bottom + 13, Trimmed(t, taxis.decimals), 11, "middle", {{"fill", kMuted}});
    }
  };

  for (std::size_t pi = 0; pi < panels.size(); ++pi) {
    const std::string& q = panels[pi];
    const nlohmann::json& qj = queues[q];
    const bool bytes = qj.value("unit", std::string("messages")) == "bytes";
    const double limit = JsonNumber(qj, "limit");
    const double peak = JsonNumber(qj, "peak");
    const double refused = JsonNumber(qj, "refused");
    const double at_limit = JsonNumber(qj, "time_at_limit_s");
    const bool has_onset = qj.contains("enobufs_onset_s") && qj["enobufs_onset_s"].is_number();
    const double onset = has_onset ? qj["enobufs_onset_s"].get<double>() : 0;
    // The limit is drawn when the curve would still be readable under it: when the peak reached
    // at least a tenth of it. Otherwise the panel is scaled to the peak, drawn lower (it is a
    // side show), and its header says how far below the limit the queue stayed.
    const bool limit_shown = limit > 0 && peak >= 0.1 * limit;
    const double y_max = limit_shown ? std::max(peak, limit) * 1.2 : std::max(peak, 1.0) * 1.12;
    const double ph = limit_shown ? 120 : 56;

    const double top = y + 22;
    const double bottom = top + ph;
    auto py = [&](double v) { return bottom - v / y_max * ph; };
    const std::string limit_text =
        bytes ? "limit " + FormatBytes(limit) + " (" + FormatCount(limit) + ")" : "limit " + FormatCount(limit);
    doc.Begin({{"id", id + "panel-" + IdSafe(q)}, {"class", "panel"}});
    doc.Comment("queue " + q + ": " + (bytes ? "bytes" : "messages") + ", limit " + FormatCount(limit) + ", peak " +
                FormatCount(peak));
    // Header: the name, the figures at the right, what the queue is in between (shortened to fit).
    doc.Text(L.left, top - 8, q, 14, "start", {{"font-weight", "bold"}, {"fill", kInk}});
    std::string figures =
        "peak " + (bytes ? FormatBytes(peak) : FormatCount(peak)) + " at " + Seconds1(JsonNumber(qj, "peak_time_s"));
    if (refused > 0) figures += ", refused " + FormatCount(refused);
    if (at_limit > 0) figures += ", " + Seconds1(at_limit) + " at limit";
    double right_x = L.width - L.right;
    if (!limit_shown && limit > 0) {
      const double pct = 100 * peak / limit;
      const std::string note = "; " + (bytes ? FormatBytes(limit) : FormatCount(limit)) +
                               " limit off the scale (peak " +
                               Trimmed(pct, pct < 0.01 ? 4
                                            : pct < 1  ? 3
                                                       : 1) +
                               " % of it)";
      doc.Text(right_x, top - 8, note, 11, "end", {{"fill", kLimit}, {"class", "limit-note"}});
      right_x -= svg::TextWidth(note, 11);
    }
    doc.Text(right_x, top - 8, figures, 11, "end", {{"fill", kInk}});
    {
      const double desc_x = L.left + svg::TextWidth(q, 14) + 10;
      const double room = right_x - svg::TextWidth(figures, 11) - 14 - desc_x;
      std::string desc = DescribeQueue(q);
      const std::size_t fits = room > 0 ? static_cast<std::size_t>(room / (svg::kCharWidth * 11)) : 0;
      if (desc.size() > fits) desc = fits > 8 ? desc.substr(0, fits - 3) + "..." : "";
      if (!desc.empty()) doc.Text(desc_x, top - 8, desc, 11, "start", {{"fill", kMuted}});
    }

    // Grid and y axis.
    const int max_ticks = limit_shown ? 5 : 2;
    double step = bytes ? ByteStep(y_max, max_ticks) : NiceStep(y_max, max_ticks);
    std::vector<double> yticks = TicksUpTo(0, y_max, step);
    for (double v : yticks) {
      double yy = std::round(py(v)) + 0.5;
      if (v > 0) doc.Add("line", svg::Line(L.left, yy, L.left + pw, yy, kGrid, 1));
      doc.Text(L.left - 6, yy + 4, bytes ? (v == 0 ? "0" : FormatBytes(v)) : FormatShort(v), 11, "end",
               {{"fill", kMuted}});
    }
    time_ticks(top, bottom, true);
    {
      const double cy = (top + bottom) / 2;
      doc.Text(16, cy, bytes ? "bytes" : "messages", 11, "middle",
               {{"fill", kMuted}, {"transform", "rotate(-90 16 " + N(cy) + ")"}});
    }

    // The curve: area and outline.
    std::vector<Segment> seg = Reduce(curves.times, curves.values[pi], curves.interval, x_max, L.left, pw);
    if (!seg.empty()) {
      std::string area = "M" + N(seg.front().x0) + " " + N(bottom);
      std::string line = "M" + N(seg.front().x0) + " " + N(py(seg.front().v));
      for (const Segment& sg : seg) {
        area += "V" + N(py(sg.v)) + "H" + N(sg.x1);
        line += "V" + N(py(sg.v)) + "H" + N(sg.x1);
      }
      area += "V" + N(bottom) + "Z";
      doc.Add("path", {{"d", area}, {"fill", kCurveFill}, {"class", "depth"}});
      doc.Add("path", {{"d", line},
                       {"fill", "none"},
                       {"stroke", kCurveStroke},
                       {"stroke-width", "1.2"},
                       {"stroke-linejoin", "round"}});
    }

    // The limit: a horizontal line on whole pixels (2 px wide), labelled above it at the left, or
    // at the right if the first refusal's line would cross the label.
    struct Box {
      double x0, y0, x1, y1;
    };
    std::optional<Box> limit_box;
    const double onset_x = has_onset ? std::round(px(onset)) : -1;
    if (limit_shown) {
      const double ly = std::round(py(limit));
      doc.Add("line", {{"id", id + "limit-" + IdSafe(q)},
                       {"class", "limit"},
                       {"x1", N(L.left)},
                       {"y1", N(ly)},
                       {"x2", N(L.left + pw)},
                       {"y2", N(ly)},
                       {"stroke", kLimit},
                       {"stroke-width", "2"}});
      const double w = svg::TextWidth(limit_text, 12);
      double tx = L.left + 6;
      bool at_right = has_onset && onset_x > tx - 8 && onset_x < tx + w + 8;
      if (at_right) tx = L.left + pw - 6 - w;
      const double ty = ly - 5;
      doc.Text(tx, ty, limit_text, 12, "start",
               {{"fill", kLimit},
                {"font-weight", "bold"},
                {"stroke", "#ffffff"},
                {"stroke-width", "3"},
                {"paint-order", "stroke"}});
      limit_box = Box{tx - 2, ty - 11, tx + w + 2, ty + 3};
    }

    // The first refusal: a dashed vertical line on whole pixels, labelled at the top.
    if (has_onset) {
      const double ox = onset_x;
      Attributes a = {{"id", id + "onset-" + IdSafe(q)},
                      {"class", "onset"},
                      {"x1", N(ox)},
                      {"y1", N(top)},
                      {"x2", N(ox)},
                      {"y2", N(bottom)},
                      {"stroke", kOnset},
                      {"stroke-width", "2"},
                      {"stroke-dasharray", "7 3"}};
      doc.Add("line", a);
      const std::string text = (bytes ? "first refusal " : "ENOBUFS ") + Seconds1(onset);
      const double w = svg::TextWidth(text, 12);
      const bool right_side = ox + 6 + w < L.left + pw;
      double tx = right_side ? ox + 6 : ox - 6;
      double ty = top + 14;
      Box b{right_side ? tx - 2 : tx - w - 2, ty - 11, right_side ? tx + w + 2 : tx + 2, ty + 3};
      if (limit_box && b.x0 < limit_box->x1 && limit_box->x0 < b.x1 && b.y0 < limit_box->y1 && limit_box->y0 < b.y1) {
        ty = limit_box->y1 + 16;  // below the limit's label
      }
      doc.Text(tx, ty, text, 12, right_side ? "start" : "end",
               {{"fill", kOnset},
                {"font-weight", "bold"},
                {"stroke", "#ffffff"},
                {"stroke-width", "3"},
                {"paint-order", "stroke"}});
    }
    // Frame.
    doc.Add("rect", svg::Frame(L.left + 0.5, top + 0.5, pw - 1, ph - 1, kFrame));
    doc.End();
    y = bottom + 26;
  }
  if (panels.empty()) {
    doc.Text(L.left, y + 20, "no bounded queue held anything in this run", 13, "start", {{"fill", kInk}});
    y += 34;
  }

  // The rug: one lane per kind of event, sharing the time axis.
  struct Lane {
    std::string name;
    std::vector<double> times;
    const char* colour;
  };
  std::vector<Lane> lanes;
  if (!events.mounts.empty())
    lanes.push_back({"mounts " + FormatCount(static_cast<double>(events.mounts.size())), events.mounts, kMount});
  if (!events.other_ops.empty())
    lanes.push_back(
        {"other ops " + FormatCount(static_cast<double>(events.other_ops.size())), events.other_ops, kOtherOp});
  if (!events.scans.empty())
    lanes.push_back({"scans " + FormatCount(static_cast<double>(events.scans.size())), events.scans, kScan});
  const double lane_h = 18;
  const std::size_t lane_count = lanes.size() + clients.size();
  const double rug_top = y + 22;
  doc.Begin({{"id", id + "rug"}, {"class", "rug"}});
  doc.Text(L.left, rug_top - 8, "workload and logins", 14, "start", {{"font-weight", "bold"}, {"fill", kInk}});
  if (run.events_csv.empty()) {
    doc.Text(L.left + 200, rug_top - 8, "(no events.csv in the run directory: mounts and scans not shown)", 11, "start",
             {{"fill", kMuted}});
  }
  const double rug_bottom = rug_top + lane_h * static_cast<double>(std::max<std::size_t>(lane_count, 1));
  time_ticks(rug_top, rug_bottom, false);
  double ly = rug_top;
  for (const Lane& lane : lanes) {
    // One tick per half pixel at most: a dense stretch is a solid band, and the file stays small.
    std::set<long> seen;
    std::string d;
    for (double t : lane.times) {
      long key = std::lround(px(t) * 2);
      if (!seen.insert(key).second) continue;
      d += "M" + N(key / 2.0) + " " + N(ly + 3) + "V" + N(ly + lane_h - 3);
    }
    doc.Add("path", {{"d", d}, {"stroke", lane.colour}, {"stroke-width", "1"}, {"fill", "none"}});
    doc.Text(L.left - 6, ly + lane_h / 2 + 4, lane.name, 11, "end", {{"fill", kInk}});
    ly += lane_h;
  }
  for (const std::string& client : clients) {
    const double cy = ly + lane_h / 2;
    for (const nlohmann::json& l : each) {
      if (!l.is_object() || l.value("client", "?") != client) continue;
      const double t0 = JsonNumber(l, "start_s");
      const bool pending = !l.contains("end_s") || !l["end_s"].is_number();
      const double t1 = pending ? x_max : l["end_s"].get<double>();
      doc.Add("line", svg::Line(px(t0), cy, px(t1), cy, kLoginLine, 2));
      doc.Add("line", svg::Line(px(t0), cy - 4, px(t0), cy + 4, kLoginLine, 1.5));
      LoginMarker(doc, pending ? std::string("pending") : l.value("outcome", std::string("pending")), px(t1), cy);
    }
    std::string name = client.size() > 10 ? client.substr(0, 9) + "~" : client;
    doc.Text(L.left - 6, cy + 4, "login " + name, 11, "end", {{"fill", kInk}});
    ly += lane_h;
  }
  if (lane_count == 0)
    doc.Text(L.left + 6, rug_top + 13, "no mounts, scans or logins", 11, "start", {{"fill", kMuted}});
  doc.Add("rect", svg::Frame(L.left + 0.5, rug_top + 0.5, pw - 1, rug_bottom - rug_top - 1, kFrame));
  for (double t : taxis.ticks)
    doc.Text(std::round(px(t)) + 0.5, rug_bottom + 14, Trimmed(t, taxis.decimals), 11, "middle", {{"fill", kInk}});
  doc.Text(L.left + pw / 2, rug_bottom + 34, "time (s, simulated)", 13, "middle", {{"fill", kInk}});
  doc.End();
  doc.set_height(std::ceil(rug_bottom + 48));
  return doc.Finish(standalone);
}

}  // namespace mountstorm
