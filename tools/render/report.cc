#include "render/report.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "io/text_io.h"
#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "planner/planner.h"
#include "render/html_page.h"
#include "render/plot_scale.h"
#include "render/run_plot.h"
#include "render/verdict.h"

namespace mountstorm {

using html::Cell;
using html::Code;
using html::Num;
using html::Table;
using html::Txt;

namespace {

std::string Count(double v) { return FormatCount(v); }
std::string Count(std::uint64_t v) { return FormatCount(static_cast<double>(v)); }
// A number with `decimals` decimals, or "-".
std::string Fixed(std::optional<double> v, int decimals = 3) {
  if (!v) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
  return buf;
}
// A simulated time in seconds, or "-".
std::string Secs(std::optional<Time> t, int decimals = 3) {
  return Fixed(t ? std::optional<double>(ToSeconds(*t)) : std::nullopt, decimals);
}

// The queues of a run in the order a message meets them (the columns of curves.csv), then any
// that curves.csv lacks.
std::vector<std::string> QueueOrder(const RunData& run) {
  std::vector<std::string> order;
  for (const std::string& f : run.result.curves.columns) {
    if (run.result.Queue(f) != nullptr) order.push_back(f);
  }
  for (const QueueResult& q : run.result.queues) {
    if (std::find(order.begin(), order.end(), q.name) == order.end()) order.push_back(q.name);
  }
  return order;
}

std::string StoppedBy(const RunResult& s) { return s.stopped_by == StopReason::kStopAt ? "stop_at" : "quiescence"; }

// The summary table: what ran, the scans, how late new mounts became visible, the logins.
std::string SummaryTable(const RunResult& s) {
  std::vector<std::vector<Cell>> rows;
  auto row = [&](const std::string& k, const std::string& v) { rows.push_back({Txt(k), Code(v)}); };
  const WorkloadResult& w = s.workload;
  row("simulated time (s)", Secs(s.end_time) + " (stopped by " + StoppedBy(s) + ")");
  row("events simulated", Count(s.events));
  row("mount operations", Count(w.operations) + " (" + Count(w.mounts) + " mounts, " + Count(w.umounts) + " umounts, " +
                              Count(w.remounts) + " remounts, " + Count(w.failed) + " failed)");
  row("mount table lines", Count(s.mount_table.initial_lines) + " -> " + Count(s.mount_table.final_lines));
  row("scans of mountinfo", Count(s.scans.count) + ", " + Fixed(s.scans.mean_table_lines, 0) + " lines on average, " +
                                Fixed(s.scans.mean_new_mounts_per_scan, 2) + " new mounts per scan");
  const LatencyResult& known = s.visibility.known;
  const LatencyResult& announced = s.visibility.announced;
  row("new mount known to PID 1 after (s)", "mean " + Fixed(known.mean_s, 4) + ", p99 " +
                                                Secs(known.percentiles.p99, 4) + ", max " +
                                                Secs(known.percentiles.max, 4));
  row("new mount announced after (s)", "mean " + Fixed(announced.mean_s, 4) + ", p99 " +
                                           Secs(announced.percentiles.p99, 4) + ", max " +
                                           Secs(announced.percentiles.max, 4));
  row("drain after the last operation (s)", Secs(s.drain));
  const LoginResult& l = s.logins;
  if (l.attempts > 0) {
    row("logins", Count(l.attempts) + ": " + Count(l.succeeded) + " succeeded, failed: " + Count(l.failed_enobufs) +
                      " ENOBUFS, " + Count(l.failed_timeout) + " timeout, " + Count(l.failed_limits_exceeded) +
                      " LimitsExceeded");
  }
  return Table({Txt("what"), Txt("value")}, rows);
}

std::string MessagesTable(const RunResult& s) {
  std::vector<std::vector<Cell>> rows;
  std::vector<bool> alert;
  for (const PeerMessages& m : s.messages) {
    rows.push_back({Code(m.peer), Num(Count(m.sent)), Num(Count(m.received)), Num(Count(m.dropped_enobufs)),
                    Num(Count(m.dropped_full_queue))});
    alert.push_back(m.dropped_enobufs > 0 || m.dropped_full_queue > 0);
  }
  return "<h3>Messages per process</h3>\n" +
         Table({Txt("process"), Num("sent"), Num("received"), Num("dropped: ENOBUFS"), Num("dropped: full queue")},
               rows, alert);
}

std::string QueuesTable(const RunData& run) {
  std::vector<std::vector<Cell>> rows;
  std::vector<bool> alert;
  std::vector<std::string> empty;
  for (const std::string& name : QueueOrder(run)) {
    const QueueResult& q = *run.result.Queue(name);
    if (q.peak <= 0) {
      empty.push_back(name);
      continue;
    }
    rows.push_back({Code(name), Txt(QueueUnitName(q.unit)), Num(Count(static_cast<double>(q.limit))),
                    Num(Count(static_cast<double>(q.peak))), Num(Secs(q.peak_time)), Num(Secs(q.first_refusal)),
                    Num(Count(q.refused)), Num(Secs(q.time_at_limit)), Num(Secs(q.drained)),
                    Num(Count(static_cast<double>(q.level_at_end)))});
    alert.push_back(q.refused > 0);
  }
  std::string b = "<h3>Bounded queues</h3>\n";
  b += Table({Txt("queue"), Txt("unit"), Num("limit"), Num("peak"), Num("peak at (s)"), Num("first refusal (s)"),
              Num("refused"), Num("at limit (s)"), Num("drained (s)"), Num("level at end")},
             rows, alert);
  if (!empty.empty()) {
    std::string list;
    for (const std::string& e : empty) list += (list.empty() ? "" : ", ") + e;
    b += "<p class=\"meta\">Stayed empty: <span class=\"code\">" + html::Escape(list) + "</span>.</p>\n";
  }
  b += "<p class=\"meta\">First refusal: for a write or read queue (messages) the first ENOBUFS; for dbus-daemon's "
       "outgoing queue the first &ldquo;destination has a full message queue&rdquo; rejection. Sockets and "
       "dbus-daemon's incoming counters make the writer wait instead of refusing. Highlighted rows refused "
       "something.</p>\n";
  return b;
}

std::string LoginsTable(const LoginResult& logins) {
  if (logins.each.empty()) return "";
  std::vector<std::vector<Cell>> rows;
  std::vector<bool> alert;
  for (const LoginAttempt& l : logins.each) {
    const std::string outcome = LoginOutcomeName(l.outcome);
    const std::string took = l.end ? Fixed(ToSeconds(*l.end) - ToSeconds(l.start)) : "-";
    rows.push_back({Code(l.client), Num(Secs(l.start)), Num(Secs(l.end)), Num(took), Txt(outcome)});
    alert.push_back(outcome != "succeeded");
  }
  return "<h3>Logins</h3>\n" +
         Table({Txt("client"), Num("start (s)"), Num("end (s)"), Num("took (s)"), Txt("outcome")}, rows, alert) +
         "<p class=\"meta\">Latency of the succeeded logins: p50 " + Secs(logins.latency.p50) + " s, p99 " +
         Secs(logins.latency.p99) + " s, max " + Secs(logins.latency.max) + " s.</p>\n";
}

// The peers dbus-broker disconnected, with the charge that failed (none for dbus-daemon).
std::string DisconnectsTable(const RelayResult& relay) {
  if (relay.disconnects.empty()) return "";
  std::vector<std::vector<Cell>> rows;
  std::vector<bool> alert;
  for (const DisconnectResult& d : relay.disconnects) {
    rows.push_back({Code(d.peer), Num(Secs(d.at)), Txt(d.cause), Num(Count(static_cast<std::uint64_t>(d.uid))),
                    Txt(d.slot), Num(Count(d.amount)), Num(Count(d.remaining)), Num(Count(d.messages))});
    alert.push_back(true);
  }
  return "<h3>Disconnected by " + html::Escape(relay.program) + "</h3>\n" +
         Table({Txt("peer"), Num("at (s)"), Txt("cause"), Num("uid"), Txt("pool"), Num("asked"), Num("left"),
                Num("messages to it")},
               rows, alert);
}

std::string CpuTable(const RunResult& s) {
  std::vector<std::vector<Cell>> rows;
  for (const ProcessResult& p : s.processes) rows.push_back({Code(p.name), Num(Secs(p.busy)), Num(Count(p.steps))});
  return "<h3>CPU time</h3>\n" + Table({Txt("process"), Num("busy (s)"), Num("steps")}, rows);
}

// Where the run came from (its manifest.json) and how to make it again (its scenario.json).
std::string Provenance(const RunData& run) {
  std::string p;
  if (!run.manifest.command.empty()) {
    p += "<p class=\"meta\">Made by <span class=\"code\">" + html::Escape(ShellCommand(run.manifest.command)) +
         "</span> (mountstorm " + html::Escape(run.manifest.version) + ", recorded in manifest.json).</p>\n";
  }
  return p + "<p class=\"meta\">Reproduce with <span class=\"code\">mountstorm run " +
         html::Escape(ShellCommand({run.dir + "/scenario.json"})) +
         " -o NEW_DIR</span>: the same summary.json, curves.csv and events.csv, byte for byte.</p>\n";
}

// The scenario: the copy in the run directory, or what summary.json records of it.
std::string ScenarioSection(const RunData& run) {
  const RunResult& s = run.result;
  std::string b = "<h2>Scenario</h2>\n";
  const std::string copy = run.dir + "/scenario.json";
  std::error_code ec;
  if (std::filesystem::is_regular_file(copy, ec)) {
    return b + Provenance(run) +
           "<p class=\"meta\">As saved in the run directory (<span class=\"code\">scenario.json</span>, the "
           "scenario after every --profile, --set, --seed and --mountinfo):</p>\n<pre>" +
           html::Escape(ReadFileText(copy)) + "</pre>\n";
  }
  nlohmann::json patches = nlohmann::json::array();
  for (const PatchSpec& p : s.patches) patches.push_back(nlohmann::json::parse(p.params_json));
  std::vector<std::vector<Cell>> rows;
  rows.push_back({Txt("name"), Code(s.scenario)});
  rows.push_back({Txt("seed"), Code(std::to_string(s.seed))});
  rows.push_back({Txt("profile"), Code(s.profile)});
  rows.push_back({Txt("patches"), Code(patches.dump())});
  b += Table({Txt("key"), Txt("value (from summary.json)")}, rows);
  return b +
         "<p class=\"meta\">The run directory holds no copy of the scenario file; summary.json records its name, "
         "seed, profile and patches. The same results come from <span class=\"code\">mountstorm run SCENARIO.json "
         "--seed " +
         std::to_string(s.seed) + "</span> with the same file.</p>\n";
}

}  // namespace

std::string RunReportHtml(const RunData& run, const RunPlotOptions& options) {
  const RunResult& s = run.result;
  std::string b = html::Verdict(RunVerdict(s), planner::JudgeSystem(s).healthy);
  b += "<h1>" + html::Escape(s.scenario) + "</h1>\n";
  b += "<p class=\"meta\">mountstorm run report: profile <b>" + html::Escape(s.profile) + "</b>, seed <b>" +
       std::to_string(s.seed) + "</b>, directory <span class=\"code\">" + html::Escape(run.dir) +
       "</span>, mountstorm " + html::Escape(s.version) + "</p>\n";
  b += "<h2>Summary</h2>\n" + SummaryTable(s) + MessagesTable(s) + QueuesTable(run) + LoginsTable(s.logins) +
       DisconnectsTable(s.relay) + CpuTable(s);

  // The plot.
  b += "<h2>Queue depth over time</h2>\n";
  RunPlotOptions po_run = options;
  po_run.id_prefix = "run-";
  b += html::Figure(
      PlotRun(run, po_run, /*standalone=*/false),
      "Each panel: the maximum depth of one bounded queue per sample interval (curves.csv), its limit (red line) and "
      "its first refusal (purple dashed line). Bottom: every mount, every mountinfo scan of PID 1, and each login "
      "from its start to its outcome (events.csv, summary.json).");
  b += ScenarioSection(run);
  b += html::Footer(s.version);
  return html::Page("mountstorm report: " + s.scenario, b);
}

}  // namespace mountstorm
