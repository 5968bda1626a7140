#include "render/sweep_figure.h"

#include <set>
#include <utility>

#include "render/plot_scale.h"

namespace mountstorm::sweep_plot {

using namespace plot;  // scales, labels and frame colours (render/plot_scale.h)
using svg::N;

std::optional<Point> PointOf(const CsvTable& t, const Choice& c, std::size_t r) {
  std::optional<double> mean = ParseNumber(t.rows[r][static_cast<std::size_t>(c.mean)]);
  if (!mean) return std::nullopt;
  double ci = 0;
  if (c.ci >= 0) {
    if (std::optional<double> v = ParseNumber(t.rows[r][static_cast<std::size_t>(c.ci)])) ci = *v;
  }
  return Point{*mean, ci};
}

std::string Replications(const CsvTable& t, const Choice& c, bool interval) {
  const int runs = t.Column("runs");
  std::set<std::string> counts;
  for (std::size_t r : c.rows) counts.insert(t.rows[r][static_cast<std::size_t>(runs)]);
  if (counts.size() == 1) {
    const std::string n = *counts.begin();
    if (n == "1") return interval ? "1 run per point: no interval" : "1 run per point";
    return "mean of " + n + " runs per point" + (interval ? " with its 95 % interval" : "");
  }
  return std::string("mean over the runs of each point") + (interval ? " with its 95 % interval" : "");
}

std::string OutcomeUnit(const std::string& outcome) {
  if (outcome.ends_with("_s")) return "s";
  if (outcome.starts_with("messages.")) return "messages";
  if (outcome.starts_with("logins.")) return "logins";
  if (outcome == "scans.count") return "scans";
  if (outcome.starts_with("queues.") && outcome.ends_with(".peak")) {
    return (outcome.ends_with("queue.peak") && outcome.find(".socket") == std::string::npos) ? "messages" : "bytes";
  }
  if (outcome.starts_with("queues.") && outcome.ends_with(".refused")) return "refusals";
  return "";
}

namespace {

// The words of a field's name and its unit, from the suffix: "rate_per_s" -> {"rate", "1/s"}.
std::pair<std::string, std::string> WordsAndUnit(std::string leaf) {
  std::string unit;
  static const std::pair<std::string, std::string> kSuffixes[] = {
      {"_per_s", "1/s"}, {"_ms", "ms"}, {"_s", "s"}, {"_bytes", "bytes"}};
  for (const auto& [suffix, u] : kSuffixes) {
    if (leaf.size() > suffix.size() && leaf.ends_with(suffix)) {
      leaf.resize(leaf.size() - suffix.size());
      unit = u;
      break;
    }
  }
  for (char& ch : leaf) ch = ch == '_' ? ' ' : ch;
  return {leaf, unit};
}

}  // namespace

std::string AxisLabel(const std::string& path) {
  std::vector<std::string> parts;
  for (std::size_t i = 1; i <= path.size();) {
    std::size_t end = path.find('/', i);
    if (end == std::string::npos) end = path.size();
    parts.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  if (path.empty() || path[0] != '/' || parts.empty()) return path;
  auto [words, unit] = WordsAndUnit(parts.back());
  if (parts.size() >= 3 && parts[0] == "workload" && words == "count") words = "operations";
  std::string section;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) section += (section.empty() ? "" : " ") + parts[i];
  return (section.empty() ? "" : section + ": ") + words + (unit.empty() ? "" : " (" + unit + ")");
}

std::string OutcomeLabel(const std::string& outcome) {
  const std::string unit = OutcomeUnit(outcome);
  auto with_unit = [&](const std::string& text) { return unit.empty() ? text : text + " (" + unit + ")"; };
  const std::size_t last = outcome.rfind('.');
  const std::string leaf = last == std::string::npos ? outcome : outcome.substr(last + 1);
  if (outcome.starts_with("messages.") && last > 9) {
    const std::string peer = outcome.substr(9, last - 9);
    if (leaf == "sent") return "messages sent by " + peer;
    if (leaf == "received") return "messages received by " + peer;
    if (leaf == "dropped") return "messages " + peer + " dropped";
  }
  if (outcome.starts_with("queues.") && last > 7) {
    const std::string queue = outcome.substr(7, last - 7);
    if (leaf == "peak") return with_unit("peak of " + queue);
    if (leaf == "refused") return "refused by " + queue;
    if (leaf == "enobufs_onset_s") return "first refusal in " + queue + " (s)";
  }
  if (outcome.starts_with("logins.failed.")) return "logins failed: " + leaf;
  if (outcome == "logins.succeeded") return "logins succeeded";
  if (outcome == "logins.attempts") return "login attempts";
  if (outcome == "scans.count") return "scans of mountinfo by PID 1";
  if (outcome == "end_time_s") return "simulated time at the end (s)";
  return with_unit(outcome);
}

std::string Shorten(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  return s.substr(0, max - 3) + "...";
}

std::string SweepTitle(const SweepData& sweep) {
  std::string name = sweep.sweep.is_object() ? sweep.sweep.value("name", std::string()) : std::string();
  return name.empty() ? "sweep " + sweep.dir : "sweep " + name;
}

std::vector<std::string> NotesUnder(const std::string& first, const SweepPlotChoices& ch) {
  std::vector<std::string> notes = {first};
  for (const std::string& n : ch.notes) {
    if (n.rfind("outcome:", 0) != 0) notes.push_back(n);
  }
  return notes;
}

void Heading(svg::Document& doc, const std::string& title, const std::vector<std::string>& notes) {
  doc.SetTitle("mountstorm: " + title);
  // Smaller type for a long title, down to 12 px, then cut: never wider than the picture.
  const double room = doc.width() - 32;
  double size = 17;
  while (size > 12 && svg::TextWidth(title, size) > room) size -= 1;
  std::string shown = title;
  while (shown.size() > 8 && svg::TextWidth(shown, size) > room) shown = Shorten(shown, shown.size() - 1);
  doc.Text(16, 26, shown, size, "start", {{"font-weight", "bold"}, {"fill", kInk}});
  double y = 46;
  for (const std::string& l : notes) {
    doc.Text(16, y, l, 12, "start", {{"fill", kMuted}});
    y += 16;
  }
}

double TopUnder(std::size_t notes) { return 46 + 16 * static_cast<double>(notes) + 14; }

void XLabel(svg::Document& doc, double x, double bottom, const std::string& label, bool rotate) {
  if (rotate) {
    doc.Text(x + 4, bottom + 14, Shorten(label, 30), 11, "end",
             {{"fill", kInk}, {"transform", "rotate(-40 " + N(x + 4) + " " + N(bottom + 14) + ")"}});
  } else {
    doc.Text(x, bottom + 16, Shorten(label, 30), 11, "middle", {{"fill", kInk}});
  }
}

double HeightUnder(double bottom, double max_label, bool rotate) {
  return bottom + (rotate ? max_label * 0.72 + 20 : 22) + 34;
}

}  // namespace mountstorm::sweep_plot
