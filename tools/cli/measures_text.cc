#include "cli/measures_text.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "io/text_io.h"

namespace mountstorm {

namespace {

std::string Decimal(const std::optional<double>& v, const char* format) {
  if (!v) return "-";
  char text[64];
  std::snprintf(text, sizeof text, format, *v);
  return text;
}

// A mean level with one decimal and its thousands grouped, as the other tables print counts.
std::string Level(const std::optional<double>& v) {
  if (!v) return "-";
  const double tenths = std::round(*v * 10);
  const auto whole = static_cast<std::uint64_t>(tenths / 10);
  return WithCommas(whole) + "." + std::to_string(static_cast<int>(tenths - static_cast<double>(whole) * 10));
}

std::string Share(Duration busy, const StationWindow& w) {
  if (w.length() <= 0) return "-";
  return FormatPercent(static_cast<double>(busy) / static_cast<double>(w.length()));
}

void PrintQueues(const Measures& m, std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "%-24s %-8s %16s %16s %14s %12s\n", "queue", "unit", "mean in storm", "mean in run",
                "let out", "sojourn s");
  out << line;
  for (const QueueMeasures& q : m.queues) {
    if (q.removed == 0) continue;
    std::snprintf(line, sizeof line, "%-24s %-8s %16s %16s %14s %12s\n", q.name.c_str(), QueueUnitName(q.unit),
                  Level(q.mean_level_storm).c_str(), Level(q.mean_level_run).c_str(),
                  WithCommas(static_cast<std::uint64_t>(q.removed)).c_str(), Decimal(q.mean_sojourn_s, "%.6f").c_str());
    out << line;
  }
}

void PrintProcesses(const Measures& m, std::ostream& out) {
  char line[256];
  std::snprintf(line, sizeof line, "%-24s %14s %14s %14s\n", "process", "busy in storm", "of the storm", "of the run");
  out << line;
  for (const ProcessMeasures& p : m.processes) {
    std::snprintf(line, sizeof line, "%-24s %14s %14s %14s\n", p.name.c_str(), FormatTimeSeconds(p.busy_storm).c_str(),
                  Share(p.busy_storm, m.storm).c_str(), Share(p.busy_run, m.run).c_str());
    out << line;
  }
}

void PrintDelay(const Measures& m, std::ostream& out) {
  if (!m.pid1_to_logind) return;
  const DelayMeasures& d = *m.pid1_to_logind;
  out << "delay     PID 1 -> logind: " << WithCommas(d.count) << " signals";
  if (d.count > 0) {
    out << ", mean " << Decimal(d.mean_s, "%.6f") << " s, p50 " << FormatTimeSeconds(d.percentiles.p50) << " s, p90 "
        << FormatTimeSeconds(d.percentiles.p90) << " s, p99 " << FormatTimeSeconds(d.percentiles.p99) << " s, max "
        << FormatTimeSeconds(d.percentiles.max) << " s";
  }
  if (d.unmatched > 0) out << " (" << WithCommas(d.unmatched) << " unmatched)";
  out << "\n";
}

}  // namespace

void PrintMeasures(const RunResult& r, std::ostream& out) {
  const Measures& m = r.measures;
  out << "\nstorm     " << FormatTimeSeconds(m.storm.from) << " to " << FormatTimeSeconds(m.storm.to) << " s ("
      << FormatTimeSeconds(m.storm.length()) << " s); run 0 to " << FormatTimeSeconds(m.run.to) << " s\n";
  PrintDelay(m, out);
  out << "refusals  " << WithCommas(m.refusal_runs.size()) << " runs (--drops FILE lists them)\n\n";
  PrintQueues(m, out);
  out << "(queues that let nothing out are omitted; levels in the queue's unit, time-averaged)\n\n";
  PrintProcesses(m, out);
}

}  // namespace mountstorm
