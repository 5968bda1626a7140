// mountstorm plot and report (tools/render/run_plot.h, sweep_plot.h, report.h): what the SVG of a run shows (a panel
// per queue that held something, the limit, the first refusal where the summary says, peaks kept
// when thousands of samples share a pixel), the choices and errors of the sweep plots, the
// self-contained report, and determinism. tests/render/render_test.sh checks the rendered pictures.
#include "cli/commands.h"
#include "io/manifest.h"
#include "io/result_dir.h"
#include "mountstorm/csv.h"
#include "render/plot_scale.h"
#include "render/run_plot.h"
#include "render/sweep_plot.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "mountstorm/error.h"
#include "mountstorm/result_files.h"
#include "mountstorm/run.h"
#include "tests/test_support.h"
#include "render/report.h"

using namespace mountstorm;
using mountstorm::test::LoadShipped;
using mountstorm::test::ReadFile;
using mountstorm::test::TempDir;

namespace {

// Writes DIR/manifest.json listing `names`, as a command that finished would.
void Seal(const std::string& dir, const std::vector<std::string>& names) {
  std::vector<ManifestFile> files;
  for (const std::string& n : names) files.push_back(DescribeFile(dir, n));
  std::ofstream(dir + "/manifest.json") << ManifestText({}, files);
}

// The incident-enobufs run, once for all the tests (0.2 s).
const RunData& Enobufs() {
  static const RunData run = [] {
    RunData d;
    d.result = RunScenario(LoadShipped("incident-enobufs"));  // with its curves and events
    d.has_events = true;
    d.dir = "incident-enobufs";
    return d;
  }();
  return run;
}

// The value of attribute `name` of the first element whose id is `id`, or "".
std::string Attribute(const std::string& svg, const std::string& id, const std::string& name) {
  std::size_t at = svg.find("id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  std::size_t start = svg.rfind('<', at);
  std::size_t end = svg.find('>', at);
  std::string element = svg.substr(start, end - start);
  std::smatch m;
  if (!std::regex_search(element, m, std::regex(" " + name + "=\"([^\"]*)\""))) return "";
  return m[1];
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

// The y values of the V commands of a path.
std::vector<double> VerticalTargets(const std::string& d) {
  std::vector<double> ys;
  std::regex v("V(-?[0-9.]+)");
  for (auto it = std::sregex_iterator(d.begin(), d.end(), v); it != std::sregex_iterator(); ++it)
    ys.push_back(std::stod((*it)[1]));
  return ys;
}

// The "d" of the area path inside the panel of `queue`.
std::string AreaPath(const std::string& svg, const std::string& queue) {
  std::size_t panel = svg.find("id=\"panel-" + queue + "\"");
  REQUIRE(panel != std::string::npos);
  std::size_t path = svg.find("class=\"depth\"", panel);
  REQUIRE(path != std::string::npos);
  std::size_t start = svg.rfind("<path", path);
  std::smatch m;
  std::string element = svg.substr(start, path - start);
  REQUIRE(std::regex_search(element, m, std::regex("d=\"([^\"]*)\"")));
  return m[1];
}

void RequireSelfContained(const std::string& text) {
  CHECK(text.find("<script") == std::string::npos);
  CHECK(text.find("href") == std::string::npos);
  CHECK(text.find("url(") == std::string::npos);
  CHECK(text.find("@import") == std::string::npos);
  CHECK(text.find("@font-face") == std::string::npos);
  CHECK(text.find("src=") == std::string::npos);
}

// A synthetic sweep: axes /a (1, 2, 3) and /b (x, y, z), outcome m = a * 10 + index of b, with
// an interval; "onset" empty at /a = 1.
SweepData SmallSweep(bool with_third_axis = false) {
  std::string csv = "/a,/b" + std::string(with_third_axis ? ",/c" : "") +
                    ",runs,m.mean,m.sd,m.ci95,m.n,onset.mean,onset.sd,onset.ci95,onset.n\n";
  const char* bs[] = {"x", "y", "z"};
  for (int c = 0; c < (with_third_axis ? 2 : 1); ++c) {
    for (int a = 1; a <= 3; ++a) {
      for (int b = 0; b < 3; ++b) {
        csv += std::to_string(a) + "," + bs[b] +
               (with_third_axis ? "," + std::string(c == 0 ? "\"[1,2]\"" : "[]") : "") + ",3," +
               std::to_string(a * 10 + b + 100 * c) + ".0,1.0,2.5,3," +
               (a == 1 ? std::string(",,,0") : "5.0,0.1,0.2,3") + "\n";
      }
    }
  }
  SweepData s;
  s.aggregate = ParseCsv(csv, "small/aggregate.csv");
  s.dir = "small";
  s.sweep = {{"name", "small"}};
  return s;
}

SweepPlotOptions Outcome(const std::string& outcome) {
  SweepPlotOptions o;
  o.outcome = outcome;
  return o;
}

}  // namespace

TEST_CASE("a run plot has a panel for each queue that held something, in pipeline order", "[plot]") {
  const RunData& run = Enobufs();
  const std::string svg = PlotRun(run, {});
  std::size_t held = 0;
  for (const QueueResult& q : run.result.queues) {
    const bool had = q.peak > 0;
    held += had ? 1 : 0;
    INFO("queue " << q.name);
    CHECK((svg.find("id=\"panel-" + q.name + "\"") != std::string::npos) == had);
  }
  CHECK(held == 16);
  CHECK(Count(svg, "class=\"panel\"") == held);
  // The first panels follow a message: PID 1's write queue, its socket, dbus-daemon.
  CHECK(svg.find("panel-systemd.wqueue") < svg.find("panel-systemd.socket"));
  CHECK(svg.find("panel-systemd.socket") < svg.find("panel-dbus.in.systemd"));
  CHECK(svg.find("panel-dbus.in.systemd") < svg.find("panel-dbus.out.logind"));
  // Title, units, legend.
  CHECK(svg.find("incident-enobufs: queue depth over time") != std::string::npos);
  CHECK(svg.find("profile rhel7.7, seed 1") != std::string::npos);
  CHECK(svg.find(">messages</text>") != std::string::npos);
  CHECK(svg.find(">bytes</text>") != std::string::npos);
  CHECK(svg.find("128 MiB") != std::string::npos);
  CHECK(svg.find("time (s, simulated)") != std::string::npos);
  CHECK(svg.find("maximum depth per 10 ms") != std::string::npos);
  RequireSelfContained(svg);
  CHECK(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0) == 0);
  CHECK(Count(svg, "<g") == Count(svg, "</g>"));
  CHECK(std::regex_search(svg, std::regex("font-family=\"monospace\"")));
}

TEST_CASE("the limit line and the ENOBUFS marker sit where the summary puts them", "[plot]") {
  const RunData& run = Enobufs();
  const std::string svg = PlotRun(run, {});
  const QueueResult* q = run.result.Queue("systemd.wqueue");
  REQUIRE(q != nullptr);
  REQUIRE(q->first_refusal.has_value());
  CHECK(svg.find(">limit 196,608</text>") != std::string::npos);
  CHECK(svg.find(">ENOBUFS 28.9 s</text>") != std::string::npos);
  // The limit line spans the panel: its ends are the time axis' 0 and end.
  const double x0 = std::stod(Attribute(svg, "limit-systemd.wqueue", "x1"));
  const double x1 = std::stod(Attribute(svg, "limit-systemd.wqueue", "x2"));
  const double ly = std::stod(Attribute(svg, "limit-systemd.wqueue", "y1"));
  CHECK(Attribute(svg, "limit-systemd.wqueue", "stroke") == "#e31a1c");
  // The time axis ends with the last sample interval of curves.csv.
  const double x_max = 140.01;
  const double ox = std::stod(Attribute(svg, "onset-systemd.wqueue", "x1"));
  CHECK(ox == Approx(x0 + ToSeconds(*q->first_refusal) / x_max * (x1 - x0)).margin(1.0));
  CHECK(Attribute(svg, "onset-systemd.wqueue", "stroke") == "#6a3d9a");
  // The curve reaches the limit line (the queue was full) and no higher.
  std::vector<double> ys = VerticalTargets(AreaPath(svg, "systemd.wqueue"));
  REQUIRE(!ys.empty());
  CHECK(*std::min_element(ys.begin(), ys.end()) == Approx(ly).margin(1.0));
  // dbus-daemon's queue for logind refused messages (bytes): "first refusal", not ENOBUFS.
  CHECK(svg.find(">first refusal 25.0 s</text>") != std::string::npos);
  CHECK(svg.find("id=\"onset-dbus.out.logind\"") != std::string::npos);
  // Sockets refuse nothing: no marker.
  CHECK(svg.find("id=\"onset-systemd.socket\"") == std::string::npos);
  // A queue far below its limit is scaled to its peak and says so.
  CHECK(svg.find("id=\"limit-crond.socket\"") == std::string::npos);
  CHECK(svg.find("limit off the scale (peak 0.601 % of it)") != std::string::npos);
}

TEST_CASE("the rug shows mounts, scans and each login by outcome", "[plot]") {
  const std::string svg = PlotRun(Enobufs(), {});
  CHECK(svg.find(">mounts 2,148</text>") != std::string::npos);
  CHECK(svg.find(">scans 1,019</text>") != std::string::npos);
  CHECK(svg.find(">login crond</text>") != std::string::npos);
  CHECK(svg.find(">login sshd</text>") != std::string::npos);
  CHECK(svg.find("login succeeded (6)") != std::string::npos);
  CHECK(svg.find("failed: ENOBUFS (1)") != std::string::npos);
  CHECK(svg.find("failed: timeout (3)") != std::string::npos);
  CHECK(svg.find("failed: LimitsExceeded (3)") != std::string::npos);
  // One marker per login (plus one per outcome in the legend): 6 + 1 succeeded circles.
  CHECK(Count(svg, "fill=\"#009e73\"") == 7);
  CHECK(Count(svg, "fill=\"#cc79a7\"") == 4);
}

TEST_CASE("a run plot is deterministic and small", "[plot]") {
  const std::string a = PlotRun(Enobufs(), {});
  const std::string b = PlotRun(Enobufs(), {});
  CHECK(a == b);
  CHECK(a.size() < 150000);
}

TEST_CASE("thousands of samples per pixel keep every peak", "[plot]") {
  // 100,000 samples of 1 ms; one sample, at 61.234 s, holds 500 messages, the rest 0..9.
  std::string curves = "time_s,q.wqueue\n";
  for (int i = 0; i < 100000; ++i) {
    char row[64];
    std::snprintf(row, sizeof row, "%d.%03d,%d\n", i / 1000, i % 1000, i == 61234 ? 500 : i % 10);
    curves += row;
  }
  RunData run;
  run.dir = "synthetic";
  run.has_events = false;
  run.result.curves = ParseCurvesCsv(curves, "synthetic/curves.csv");
  run.result.scenario = "synthetic";
  run.result.seed = 3;
  run.result.profile = "v248";
  run.result.end_time = 100 * kSecond;
  run.result.version = "0.1.0";
  run.result.stopped_by = StopReason::kQuiescence;
  QueueResult q;
  q.name = "q.wqueue";
  q.unit = QueueUnit::kMessages;
  q.limit = 1000;
  q.peak = 500;
  q.peak_time = FromSeconds(61.234);
  q.first_refusal = std::nullopt;
  q.refused = 0;
  q.time_at_limit = 0;
  q.drained = FromSeconds(61.235);
  q.level_at_end = 0;
  run.result.queues = {q};
  const std::string svg = PlotRun(run, {});
  CHECK(svg.size() < 40000);
  const double ly = std::stod(Attribute(svg, "limit-q.wqueue", "y1"));
  std::vector<double> ys = VerticalTargets(AreaPath(svg, "q.wqueue"));
  REQUIRE(!ys.empty());
  const double bottom = *std::max_element(ys.begin(), ys.end());
  const double top = *std::min_element(ys.begin(), ys.end());
  // The spike is half the limit: half as high above the baseline as the limit line.
  CHECK((bottom - top) / (bottom - ly) == Approx(0.5).margin(0.01));
  CHECK(svg.find("onset-") == std::string::npos);
  CHECK(svg.find("no events.csv") != std::string::npos);
}

TEST_CASE("a run plot of chosen queues, and an unknown queue", "[plot]") {
  RunPlotOptions o;
  o.queues = {"logind.rqueue", "systemd.wqueue"};
  const std::string svg = PlotRun(Enobufs(), o);
  CHECK(Count(svg, "class=\"panel\"") == 2);
  CHECK(svg.find("panel-logind.rqueue") < svg.find("panel-systemd.wqueue"));
  CHECK(svg.find("ENOBUFS 20.0 s") != std::string::npos);
  o.queues = {"nosuch.wqueue"};
  CHECK_THROWS_AS(PlotRun(Enobufs(), o), InputError);
  CHECK_THROWS_WITH(PlotRun(Enobufs(), o),
                    Catch::Contains("--queue nosuch.wqueue") && Catch::Contains("systemd.wqueue"));
}

TEST_CASE("a sweep plot picks the first axis as x, the second as series, and says so", "[plot]") {
  SweepPlotChoices ch;
  const std::string svg = PlotSweep(SmallSweep(), Outcome("m"), &ch);
  CHECK(ch.x == "/a");
  CHECK(ch.series == "/b");
  CHECK(ch.outcome == "m");
  CHECK(Count(svg, "class=\"series\"") == 3);
  CHECK(svg.find("x: /a (the first axis; --x to choose)") != std::string::npos);
  CHECK(svg.find("series: /b (the second axis other than x; --series to choose)") != std::string::npos);
  CHECK(svg.find("mean of 3 runs per point with its 95 % interval") != std::string::npos);
  RequireSelfContained(svg);
  CHECK(svg == PlotSweep(SmallSweep(), Outcome("m"), &ch));
  // The default outcome is messages.systemd.sent, which this sweep lacks.
  CHECK_THROWS_WITH(PlotSweep(SmallSweep(), {}, &ch),
                    Catch::Contains("no column messages.systemd.sent.mean") && Catch::Contains("m, onset"));
}

TEST_CASE("a sweep plot: x and series chosen, single line, log scale, empty values", "[plot]") {
  SweepPlotChoices ch;
  SweepPlotOptions o = Outcome("m.mean");
  o.x = "/b";
  o.series = "none";
  o.log_y = true;
  const std::string svg = PlotSweep(SmallSweep(), o, &ch);
  CHECK(ch.x == "/b");
  CHECK(ch.outcome == "m");
  CHECK(Count(svg, "class=\"series\"") == 1);
  CHECK(svg.find("log scale") != std::string::npos);
  // /b is not numeric: a category per value.
  CHECK(svg.find(">x</text>") != std::string::npos);
  PlotSweep(SmallSweep(), Outcome("onset"), &ch);
  bool noted = false;
  for (const std::string& n : ch.notes) noted = noted || n.find("3 points without a value") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("a sweep heat map over two axes", "[plot]") {
  SweepPlotChoices ch;
  SweepPlotOptions o = Outcome("m");
  o.heatmap = true;
  const std::string svg = PlotSweep(SmallSweep(), o, &ch);
  CHECK(ch.x == "/a");
  CHECK(ch.y_axis == "/b");
  CHECK(svg.find("id=\"heatmap\"") != std::string::npos);
  CHECK(svg.find("id=\"colour-bar\"") != std::string::npos);
  // Every cell is labelled with its mean.
  for (const char* v : {">10</text>", ">11</text>", ">32</text>"}) CHECK(svg.find(v) != std::string::npos);
}

TEST_CASE("a sweep with a third axis plots its first value unless fixed", "[plot]") {
  SweepPlotChoices ch;
  SweepPlotOptions o = Outcome("m");
  std::string svg = PlotSweep(SmallSweep(true), o, &ch);
  CHECK(svg.find("fixed: /c = [1,2] (its first value; --fix PATH=VALUE to choose)") != std::string::npos);
  CHECK(svg.find(">110</text>") == std::string::npos);
  o.fixed = {"/c=[]"};
  o.heatmap = true;
  svg = PlotSweep(SmallSweep(true), o, &ch);
  CHECK(svg.find(">132</text>") != std::string::npos);
  o = Outcome("m");
  o.fixed = {"/c=[3]"};
  CHECK_THROWS_WITH(PlotSweep(SmallSweep(true), o, &ch),
                    Catch::Contains("--fix /c=[3]: no such value") && Catch::Contains("[1,2], []"));
  o.fixed = {"/a=1"};
  CHECK_THROWS_WITH(PlotSweep(SmallSweep(true), o, &ch), Catch::Contains("this axis is plotted"));
}

TEST_CASE("sweep plot errors name the flag and what exists", "[plot]") {
  SweepPlotChoices ch;
  SweepPlotOptions o = Outcome("m");
  o.x = "/nope";
  CHECK_THROWS_WITH(PlotSweep(SmallSweep(), o, &ch),
                    Catch::Contains("--x /nope: not an axis") && Catch::Contains("/a, /b"));
  o.x = "/a";
  o.series = "/a";
  CHECK_THROWS_WITH(PlotSweep(SmallSweep(), o, &ch), Catch::Contains("--series /a"));
  o = Outcome("m");
  o.x = "/b";
  o.log_x = true;
  CHECK_THROWS_WITH(PlotSweep(SmallSweep(), o, &ch), Catch::Contains("--log-x"));
  // One axis: no heat map.
  SweepData one;
  one.dir = "one";
  one.aggregate = ParseCsv("/a,runs,m.mean,m.sd,m.ci95,m.n\n1,1,5.0,,,1\n2,1,6.0,,,1\n", "one/aggregate.csv");
  o = Outcome("m");
  o.heatmap = true;
  CHECK_THROWS_WITH(PlotSweep(one, o, &ch), Catch::Contains("needs two axes"));
  const std::string svg = PlotSweep(one, Outcome("m"), &ch);
  CHECK(svg.find("1 run per point: no interval") != std::string::npos);
}

TEST_CASE("a directory that is neither a run nor a sweep is an input error", "[plot]") {
  const std::string dir = TempDir("plot-neither");
  CHECK_THROWS_WITH(DetectResultDir(dir), Catch::Contains("neither a run directory"));
  CHECK_THROWS_WITH(DetectResultDir(dir + "/missing"), Catch::Contains("no such directory"));
  CHECK_THROWS_AS(PlotCommand({dir, "-o", dir + "/x.svg", "-q"}), InputError);
  CHECK_THROWS_AS(ReportCommand({dir, "-o", dir + "/x.html", "-q"}), InputError);
  CHECK(!std::filesystem::exists(dir + "/x.svg"));
  // A run directory whose summary.json is not one mountstorm writes: refused, naming the file.
  std::ofstream(dir + "/summary.json") << "{\"queues\": {}, \"scenario\": \"s\", \"end_time_s\": 1.0}";
  CHECK(DetectResultDir(dir) == ResultDirKind::kRun);
  CHECK_THROWS_WITH(LoadRunDir(dir), Catch::Contains(dir + ": no manifest.json: the run did not finish"));
  Seal(dir, {"summary.json"});
  CHECK_THROWS_WITH(LoadRunDir(dir), Catch::Contains(dir + "/summary.json: "));
  // A run directory without curves.csv.
  std::ofstream(dir + "/summary.json") << SummaryJsonText(Enobufs().result);
  Seal(dir, {"summary.json"});
  CHECK(DetectResultDir(dir) == ResultDirKind::kRun);
  CHECK_THROWS_WITH(LoadRunDir(dir), Catch::Contains("curves.csv: missing"));
}

TEST_CASE("plot and report commands write files from a run directory", "[plot]") {
  const std::string dir = TempDir("plot-run");
  const RunData& run = Enobufs();
  std::ofstream(dir + "/summary.json") << SummaryJsonText(run.result);
  std::ofstream(dir + "/curves.csv") << CurvesCsvText(run.result.curves);
  std::ofstream(dir + "/events.csv") << EventsCsvText(run.result.event_log);
  Seal(dir, {"summary.json", "curves.csv", "events.csv"});
  REQUIRE(PlotCommand({dir, "-o", dir + "/plot.svg", "-q"}) == 0);
  const RunData loaded = LoadRunDir(dir);
  CHECK(ReadFile(dir + "/plot.svg") == PlotRun(loaded, {}));
  // The picture cites where it came from and how to make the run again.
  CHECK(ReadFile(dir + "/plot.svg").find("reproduce the run with: mountstorm run " + dir + "/scenario.json") !=
        std::string::npos);
  CHECK_THROWS_WITH(PlotCommand({dir, "-o", dir + "/p.svg", "--heatmap"}),
                    Catch::Contains("--heatmap is for a sweep directory"));
  REQUIRE(ReportCommand({dir, "-o", dir + "/report.html", "-q"}) == 0);
  const std::string html = ReadFile(dir + "/report.html");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  RequireSelfContained(html);
  CHECK(html.find("<svg xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
  CHECK(html.find("<?xml") == std::string::npos);
  CHECK(html.find("id=\"run-limit-systemd.wqueue\"") != std::string::npos);
  CHECK(html.find("mountstorm " + std::string(Version())) != std::string::npos);
  for (const char* s : {"Messages per process", "Bounded queues", "Logins", "Scenario", "319,071", "196,608", "106,781",
                        "13: 6 succeeded, failed: 1 ENOBUFS, 3 timeout, 3 LimitsExceeded", "no copy of the scenario"}) {
    INFO(s);
    CHECK(html.find(s) != std::string::npos);
  }
  // A copy of the scenario in the directory is shown as it is.
  std::ofstream(dir + "/scenario.json") << "{\"name\": \"copy & <paste>\"}";
  REQUIRE(ReportCommand({dir, "-o", dir + "/report2.html", "-q"}) == 0);
  CHECK(ReadFile(dir + "/report2.html").find("copy &amp; &lt;paste&gt;") != std::string::npos);
  REQUIRE(ReportCommand({dir, "-o", dir + "/report3.html", "-q"}) == 0);
  CHECK(ReadFile(dir + "/report2.html") == ReadFile(dir + "/report3.html"));
}

TEST_CASE("the sweep report has the axes, the plots and the aggregate table", "[plot]") {
  SweepData s = SmallSweep(true);
  SweepReportOptions ro;
  ro.outcomes = {"m"};
  const std::string html = SweepReportHtml(s, ro);
  RequireSelfContained(html);
  // One plot per value of the third axis, and a heat map.
  CHECK(Count(html, "<svg ") == 3);
  CHECK(html.find("--fix &#39;/c=[1,2]&#39;") != std::string::npos);
  CHECK(html.find("10 \u00b1 2.5") != std::string::npos);
  CHECK(html.find("<h2>Aggregate</h2>") != std::string::npos);
  CHECK(html == SweepReportHtml(s, ro));
}

TEST_CASE("CSV fields, numbers and bytes are read and written as people expect", "[plot]") {
  CsvTable t = ParseCsv("a,b\n\"x,1\",\"say \"\"hi\"\"\"\n2,\n", "t.csv");
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0][0] == "x,1");
  CHECK(t.rows[0][1] == "say \"hi\"");
  CHECK(t.rows[1][1].empty());
  CHECK(t.Column("b") == 1);
  CHECK(t.Column("c") == -1);
  CHECK_THROWS_WITH(ParseCsv("a,b\n1\n", "t.csv"), Catch::Contains("t.csv: line 2"));
  // Times: seconds with the decimals asked for, truncated, zeros kept.
  CHECK(FormatTime(1'500'000'000, 3) == "1.500");
  CHECK(FormatTime(0, 2) == "0.00");
  CHECK(FormatTime(123'456'789'012, 9) == "123.456789012");
  CHECK(FormatTime(1'999'999'999, 1) == "1.9");
  CHECK(FormatTime(7'000'000'001, 0) == "7");
  CHECK(FormatTime(10'000'050'000, 6) == "10.000050");
  CHECK(FormatCount(196608) == "196,608");
  CHECK(FormatShort(1.5e6) == "1.5M");
  CHECK(FormatShort(50000) == "50K");
  CHECK(FormatShort(1000) == "1K");
  CHECK(FormatShort(0.25) == "0.25");
  CHECK(FormatBytes(133169152) == "127 MiB");
  CHECK(FormatBytes(212992) == "208 KiB");
  CHECK(FormatBytes(512) == "512 B");
  CHECK(FormatBytes(2304) == "2.25 KiB");
}

TEST_CASE("curves.csv reads back what was written and names the first problem of a bad one", "[plot]") {
  Curves c;
  c.interval = 10'000'000;
  c.columns = {"q1", "q2"};
  c.times = {0, 10'000'000, 20'000'000};
  c.values = {{0, 5, 3}, {1, 2, 7}};
  const Curves back = ParseCurvesCsv(CurvesCsvText(c), "c.csv");
  CHECK(back.columns == c.columns);
  CHECK(back.times == c.times);
  CHECK(back.values == c.values);
  CHECK(back.interval == c.interval);
  auto error = [](const std::string& text) {
    try {
      ParseCurvesCsv(text, "c.csv");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // The file's shape first (a row of the wrong width after a bad field), then the header, then the
  // first field that is not a time or a level, each with its line.
  CHECK_THAT(error("time_s,q\n0.01,x\n0.02,1,2\n"), Catch::Contains("c.csv: line 3: 3 fields, expected 2"));
  CHECK_THAT(error("t,q\n0.01,x\n"), Catch::Contains("c.csv: expected a first column \"time_s\""));
  CHECK_THAT(error("time_s,q\n0.01,1\n0.02,-4\n0.0x,1\n"),
             Catch::Contains("c.csv: line 3: expected a queue level (a non-negative integer), found \"-4\""));
  CHECK_THAT(error("time_s,q\n1e3,1\n"), Catch::Contains("c.csv: line 2: expected a time in seconds"));
  CHECK_THAT(error("time_s,q\n\"0.01,1\n"), Catch::Contains("c.csv: a quoted field is not closed"));
  CHECK_THAT(error(""), Catch::Contains("c.csv: empty file"));
}

TEST_CASE("a run on dbus-broker marks each disconnect on the time axis and lists it in the report", "[plot]") {
  // The hung agent of stalled-subscriber-broker with busctl capture running as root: logind and
  // the agent are cut at the same moment (tests/dbus_broker_rows_test.cc).
  Scenario s = LoadShipped("stalled-subscriber-broker");
  ClientParams capture;
  capture.name = "capture";
  capture.monitor = true;
  s.subscribers.push_back(capture);
  RunData run;
  run.result = RunScenario(s);
  run.has_events = true;
  run.dir = "stalled-subscriber-broker";
  // logind is cut again after each restart while the agent pins root's pool (as in the real runs).
  REQUIRE(run.result.relay.disconnects.size() >= 2);
  REQUIRE(run.result.relay.disconnects[0].at == run.result.relay.disconnects[1].at);
  const std::string svg = PlotRun(run, {});
  std::size_t marks = 0;
  for (std::size_t at = svg.find("class=\"disconnect\""); at != std::string::npos;
       at = svg.find("class=\"disconnect\"", at + 1)) {
    ++marks;
  }
  CHECK(marks == run.result.relay.disconnects.size());
  // Both at the same moment: one label for the two peers.
  const std::string label = ">" + run.result.relay.disconnects[0].peer + ", " + run.result.relay.disconnects[1].peer;
  CHECK(svg.find(label) != std::string::npos);
  const std::string html = RunReportHtml(run, {});
  CHECK(html.find("Disconnected by dbus-broker") != std::string::npos);
  CHECK(html.find("subscribed-signal") != std::string::npos);
  // A dbus-daemon run has neither.
  CHECK(PlotRun(Enobufs(), {}).find("class=\"disconnect\"") == std::string::npos);
}
