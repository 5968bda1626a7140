#include "render/sweep_figure.h"

#include <set>

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
  doc.Text(16, 26, Shorten(title, 105), 17, "start", {{"font-weight", "bold"}, {"fill", kInk}});
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
