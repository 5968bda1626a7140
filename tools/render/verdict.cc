#include "render/verdict.h"

#include <algorithm>
#include <cstdlib>

#include "io/text_io.h"
#include "mountstorm/queues.h"
#include "planner/planner.h"
#include "render/plot_scale.h"
#include "render/svg.h"

namespace mountstorm {

namespace {

// The queue whose peak came closest to its limit (nullptr if no queue has a limit).
const QueueResult* Fullest(const RunResult& r) {
  const QueueResult* best = nullptr;
  for (const QueueResult& q : r.queues) {
    if (q.limit <= 0) continue;
    if (best == nullptr || static_cast<double>(q.peak) / static_cast<double>(q.limit) >
                               static_cast<double>(best->peak) / static_cast<double>(best->limit))
      best = &q;
  }
  return best;
}

// What a queue is for people, with its name: "PID 1's ... (systemd.wqueue)".
std::string Named(const std::string& name) {
  const std::optional<QueueId> id = ParseQueueName(name);
  return id ? QueueTitle(*id) + " (" + name + ")" : name;
}

}  // namespace

std::string RunVerdict(const RunResult& r) {
  const planner::SystemVerdict v = planner::JudgeSystem(r);
  if (v.healthy) {
    std::string s = "Healthy: " + planner::DescribeVerdict(v);
    if (const QueueResult* q = Fullest(r)) {
      const double pct = 100.0 * static_cast<double>(q->peak) / static_cast<double>(q->limit);
      s += "; the fullest queue, " + Named(q->name) + ", reached " + FormatFixed(pct, 1) + " % of its limit";
    }
    return s;
  }
  std::string s;
  if (v.first_refusing_queue && v.first_refusal_s) {
    s = Named(*v.first_refusing_queue) + " filled first, at " + FormatFixed(*v.first_refusal_s, 1) + " s: ";
  }
  return s + planner::DescribeVerdict(v);
}

// What an outcome column of aggregate.csv counts when its mean is above zero, or "" for a column
// that is not a loss.
std::string LossOf(const std::string& column) {
  const std::string mean = ".mean";
  if (column.size() <= mean.size() || column.compare(column.size() - mean.size(), mean.size(), mean) != 0) return "";
  const std::string o = column.substr(0, column.size() - mean.size());
  auto ends = [&](const std::string& tail) {
    return o.size() > tail.size() && o.compare(o.size() - tail.size(), tail.size(), tail) == 0;
  };
  if (o.rfind("queues.", 0) == 0 && ends(".refused")) return o.substr(7, o.size() - 7 - 8) + " refused";
  if (o.rfind("logins.failed.", 0) == 0) return "logins failed " + o.substr(14);
  if (o.rfind("messages.", 0) == 0 && ends(".dropped")) return o.substr(9, o.size() - 9 - 8) + " dropped";
  return "";
}

std::vector<std::string> PointProblems(const CsvTable& t, const std::vector<std::string>& row) {
  std::vector<std::string> problems;
  for (std::size_t c = 0; c < t.header.size() && c < row.size(); ++c) {
    const std::string loss = LossOf(t.header[c]);
    if (loss.empty() || row[c].empty()) continue;
    const double mean = std::strtod(row[c].c_str(), nullptr);
    if (mean > 0) problems.push_back(loss + " " + plot::Trimmed(mean, 2) + " (mean)");
  }
  return problems;
}

std::string SweepVerdict(const CsvTable& t, const std::vector<std::string>& axis_columns) {
  std::size_t failed = 0;
  const std::vector<std::string>* first = nullptr;
  for (const auto& row : t.rows) {
    if (PointProblems(t, row).empty()) continue;
    ++failed;
    if (first == nullptr) first = &row;
  }
  const std::string points = std::to_string(t.rows.size()) + (t.rows.size() == 1 ? " point" : " points");
  if (first == nullptr) return "Healthy at every point: nothing refused or dropped and every login succeeded at all " + points;
  std::string where;
  for (const std::string& a : axis_columns) {
    const int c = t.Column(a);
    if (c >= 0) where += (where.empty() ? "" : ", ") + a + " = " + (*first)[static_cast<std::size_t>(c)];
  }
  const std::vector<std::string> problems = PointProblems(t, *first);
  const std::size_t shown = std::min<std::size_t>(problems.size(), 3);
  std::string what;
  for (std::size_t i = 0; i < shown; ++i) what += (what.empty() ? "" : "; ") + problems[i];
  if (problems.size() > shown) what += "; and " + std::to_string(problems.size() - shown) + " more";
  return std::to_string(failed) + " of " + points + " failed; the first, at " + where + ": " + what;
}

std::vector<std::string> WrapText(const std::string& text, double font_size, double width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(i, end - i);
    const std::string longer = line.empty() ? word : line + " " + word;
    if (!line.empty() && svg::TextWidth(longer, font_size) > width) {
      lines.push_back(line);
      line = word;
    } else {
      line = longer;
    }
    i = end + 1;
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

}  // namespace mountstorm
