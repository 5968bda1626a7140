// Plots and reports that tell the story (issue 15): the verdict on the whole pipeline first, in the
// SVG of a run, in its report and in a sweep's report; panels chosen by what happened, with a
// footnote on those left out and --panels to choose; a --from/--to time window; labels for people.
// tests/render/render_test.sh checks in headless Chromium that the verdict shows at the top.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "io/manifest.h"
#include "io/result_dir.h"
#include "io/text_io.h"
#include "mountstorm/error.h"
#include "mountstorm/result_files.h"
#include "mountstorm/run.h"
#include "render/report.h"
#include "render/run_plot.h"
#include "render/sweep_figure.h"
#include "render/verdict.h"
#include "tests/test_support.h"

using namespace mountstorm;
using mountstorm::test::LoadShipped;
using mountstorm::test::ReadFile;
using mountstorm::test::TempDir;
using mountstorm::sweep_plot::AxisLabel;
using mountstorm::sweep_plot::OutcomeLabel;

namespace {

RunData RunOf(const std::string& shipped) {
  RunData d;
  d.result = RunScenario(LoadShipped(shipped));
  d.has_events = true;
  d.dir = shipped;
  return d;
}

const RunData& Enobufs() {
  static const RunData run = RunOf("incident-enobufs");
  return run;
}

// The texts of the <text> elements of an SVG, in document order.
std::vector<std::string> Texts(const std::string& svg) {
  std::vector<std::string> texts;
  const std::regex text("<text[^>]*>([^<]*)</text>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text); it != std::sregex_iterator(); ++it)
    texts.push_back((*it)[1]);
  return texts;
}

std::string Unescaped(std::string s) {
  static const std::pair<std::string, std::string> kEntities[] = {
      {"&#39;", "'"}, {"&apos;", "'"}, {"&gt;", ">"}, {"&lt;", "<"}, {"&quot;", "\""}, {"&amp;", "&"}};
  for (const auto& [from, to] : kEntities) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
      s.replace(p, from.size(), to);
  }
  return s;
}

// The verdict as the plot draws it: the bold lines before the title, joined.
std::string DrawnVerdict(const std::string& svg) {
  std::string joined;
  for (const std::string& t : Texts(svg)) {
    if (t.find(": queue depth over time") != std::string::npos) break;
    joined += (joined.empty() ? "" : " ") + Unescaped(t);
  }
  return joined;
}

// The queue that refused first in a run, as summary.json has it.
const QueueResult& FirstRefusing(const RunResult& r) {
  const QueueResult* first = nullptr;
  for (const QueueResult& q : r.queues) {
    if (q.first_refusal && (first == nullptr || *q.first_refusal < *first->first_refusal)) first = &q;
  }
  REQUIRE(first != nullptr);
  return *first;
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

}  // namespace

TEST_CASE("the plot of a failing run says first where it broke and what was lost", "[plot][verdict]") {
  const RunResult& r = Enobufs().result;
  const std::string svg = PlotRun(Enobufs(), {});
  const std::string verdict = DrawnVerdict(svg);
  CHECK(verdict == RunVerdict(r));
  const QueueResult& first = FirstRefusing(r);
  const std::uint64_t failed = r.logins.failed_enobufs + r.logins.failed_timeout + r.logins.failed_limits_exceeded;
  REQUIRE(failed > 0);
  for (const std::string& part :
       {"(" + first.name + ") filled first, at " + FormatFixed(ToSeconds(*first.first_refusal), 1) + " s",
        first.name + " refused " + WithCommas(first.refused) + " messages",
        WithCommas(failed) + " of " + WithCommas(r.logins.attempts) + " logins failed",
        WithCommas(r.logins.failed_enobufs) + " ENOBUFS"}) {
    INFO(part);
    CHECK(verdict.find(part) != std::string::npos);
  }
  // The verdict is the first text of the picture, above the title, and no line is wider than it.
  CHECK(verdict.rfind(Unescaped(Texts(svg).front()), 0) == 0);
  CHECK(svg.find("id=\"verdict\"") < svg.find(": queue depth over time"));
}

TEST_CASE("the report of a run opens with the same verdict as its plot", "[plot][verdict]") {
  const std::string html = RunReportHtml(Enobufs(), {});
  const std::size_t body = html.find("<body>");
  REQUIRE(body != std::string::npos);
  const std::size_t p = html.find("<p class=\"verdict\" id=\"verdict\">", body);
  CHECK(p != std::string::npos);
  CHECK(p < html.find("<h1>"));
  const std::size_t end = html.find("</p>", p);
  const std::string shown = html.substr(p, end - p);
  CHECK(Unescaped(shown.substr(shown.find('>') + 1)) == RunVerdict(Enobufs().result));
}

TEST_CASE("a healthy run says so and how full its fullest queue got", "[plot][verdict]") {
  const RunData run = RunOf("incident-single-mount");
  const RunResult& r = run.result;
  const std::string verdict = RunVerdict(r);
  INFO(verdict);
  for (const QueueResult& q : r.queues) REQUIRE(q.refused == 0);
  REQUIRE(r.logins.failed_enobufs + r.logins.failed_timeout + r.logins.failed_limits_exceeded == 0);
  CHECK(verdict.rfind("Healthy: ", 0) == 0);
  const QueueResult* fullest = nullptr;
  double fraction = -1;
  for (const QueueResult& q : r.queues) {
    const double f = q.limit > 0 ? static_cast<double>(q.peak) / static_cast<double>(q.limit) : -1;
    if (f > fraction) {
      fraction = f;
      fullest = &q;
    }
  }
  REQUIRE(fullest != nullptr);
  CHECK(verdict.find("(" + fullest->name + "), reached " + FormatFixed(100 * fraction, 1) + " % of its limit") !=
        std::string::npos);
  CHECK(RunReportHtml(run, {}).find("<p class=\"verdict healthy\"") != std::string::npos);
}

TEST_CASE("the queues that stayed empty are named in a footnote instead of drawn", "[plot]") {
  const RunResult& r = Enobufs().result;
  const std::string svg = PlotRun(Enobufs(), {});
  std::size_t empty = 0;
  for (const QueueResult& q : r.queues) {
    if (q.peak > 0) continue;
    ++empty;
    CHECK(svg.find("panel-" + q.name + "\"") == std::string::npos);
  }
  REQUIRE(empty > 0);
  std::string all;
  for (const std::string& t : Texts(svg)) all += t + " ";
  const std::size_t at = all.find("Not drawn: ");
  REQUIRE(at != std::string::npos);
  const std::string footnote = all.substr(at);
  CHECK(footnote.find("Not drawn: " + std::to_string(empty) + " queues that stayed empty") != std::string::npos);
  for (const QueueResult& q : r.queues)
    if (q.peak == 0) CHECK(footnote.find(q.name) != std::string::npos);
}

TEST_CASE("panels are chosen with a comma-separated list and bad values are refused", "[plot]") {
  const std::string dir = TempDir("plot-story");
  const RunData& run = Enobufs();
  std::ofstream(dir + "/summary.json") << SummaryJsonText(run.result);
  std::ofstream(dir + "/curves.csv") << CurvesCsvText(run.result.curves);
  std::ofstream(dir + "/events.csv") << EventsCsvText(run.result.event_log);
  std::vector<ManifestFile> files;
  for (const char* n : {"summary.json", "curves.csv", "events.csv"}) files.push_back(DescribeFile(dir, n));
  std::ofstream(dir + "/manifest.json") << ManifestText({}, files);
  REQUIRE(PlotCommand({dir, "-o", dir + "/p.svg", "--panels", "logind.rqueue,systemd.wqueue", "-q"}) == 0);
  const std::string svg = ReadFile(dir + "/p.svg");
  CHECK(Count(svg, "class=\"panel\"") == 2);
  CHECK(svg.find("panel-logind.rqueue") < svg.find("panel-systemd.wqueue"));
  CHECK(svg.find("not asked for with --panels") != std::string::npos);
  CHECK_THROWS_WITH(PlotCommand({dir, "-o", dir + "/p.svg", "--panels", "systemd.wqueue,,logind.rqueue"}),
                    Catch::Contains("--panels") && Catch::Contains("empty name"));
  CHECK_THROWS_WITH(PlotCommand({dir, "-o", dir + "/p.svg", "--panels", "nosuch"}),
                    Catch::Contains("nosuch") && Catch::Contains("systemd.wqueue"));
  CHECK_THROWS_WITH(ReportCommand({dir, "-o", dir + "/r.html", "--from", "ten"}),
                    Catch::Contains("--from ten") && Catch::Contains("seconds"));
  CHECK_THROWS_WITH(PlotCommand({dir, "-o", dir + "/p.svg", "--from", "-1"}), Catch::Contains("--from -1"));
  CHECK_THROWS_WITH(PlotCommand({dir, "-o", dir + "/p.svg", "--from", "20", "--to", "10"}),
                    Catch::Contains("--to 10") && Catch::Contains("after --from"));
  CHECK_THROWS_WITH(PlotCommand({dir, "-o", dir + "/p.svg", "--from", "100000"}), Catch::Contains("ends at"));
  // The exit status a user sees: 2, and nothing written.
  const std::string cmd = std::string(MOUNTSTORM_BINARY) + " plot " + dir + " -o " + dir + "/bad.svg --to x 2>/dev/null";
  CHECK(WEXITSTATUS(std::system(cmd.c_str())) == 2);
  CHECK_FALSE(std::ifstream(dir + "/bad.svg").good());
}

TEST_CASE("a time window shows only what happened in it", "[plot]") {
  const RunResult& r = Enobufs().result;
  const double onset = ToSeconds(*FirstRefusing(r).first_refusal);
  RunPlotOptions before;
  before.to = onset - 1;  // before the queue filled: no refusal marker
  const std::string early = PlotRun(Enobufs(), before);
  CHECK(early.find("id=\"onset-" + FirstRefusing(r).name + "\"") == std::string::npos);
  CHECK(early.find("; 0 to ") != std::string::npos);
  CHECK(early.find(" s shown") != std::string::npos);
  RunPlotOptions around;
  around.from = onset - 1;
  around.to = onset + 1;
  const std::string near = PlotRun(Enobufs(), around);
  CHECK(near.find("id=\"onset-" + FirstRefusing(r).name + "\"") != std::string::npos);
  // The time axis starts at --from: the marker of the refusal is in the middle of the plot.
  const std::regex x1("id=\"onset-[^\"]*\"[^>]* x1=\"([0-9.]+)\"");
  std::smatch m;
  REQUIRE(std::regex_search(near, m, x1));
  const double mid = 112 + (1000 - 112 - 24) / 2.0;
  CHECK(std::abs(std::stod(m[1]) - mid) <= 1);
  // Fewer mounts in a two-second window than in the whole run.
  CHECK(near.size() < PlotRun(Enobufs(), {}).size());
}

TEST_CASE("a sweep report's verdict names the failing points and the first of them", "[plot][verdict]") {
  CsvTable t = ParseCsv(
      "/n,runs,queues.q.refused.mean,logins.failed.enobufs.mean,messages.p.sent.mean\n"
      "100,2,0,0,5\n200,2,0,0.5,9\n400,2,12,1,12\n",
      "aggregate.csv");
  CHECK(SweepVerdict(t, {"/n"}) ==
        "2 of 3 points failed; the first, at /n = 200: logins failed enobufs 0.5 (mean)");
  t.rows.pop_back();
  t.rows.pop_back();
  CHECK(SweepVerdict(t, {"/n"}).rfind("Healthy at every point", 0) == 0);
}

TEST_CASE("axes and outcomes are labelled for people with their units", "[plot]") {
  CHECK(AxisLabel("/workload/0/count") == "workload 0: operations");
  CHECK(AxisLabel("/workload/0/rate_per_s") == "workload 0: rate (1/s)");
  CHECK(AxisLabel("/systemd/wqueue_max") == "systemd: wqueue max");
  CHECK(AxisLabel("/profile") == "profile");
  CHECK(OutcomeLabel("messages.systemd.sent") == "messages sent by systemd");
  CHECK(OutcomeLabel("queues.systemd.wqueue.peak") == "peak of systemd.wqueue (messages)");
  CHECK(OutcomeLabel("queues.systemd.wqueue.enobufs_onset_s") == "first refusal in systemd.wqueue (s)");
}
