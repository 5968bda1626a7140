// Reading the testbed's storms (validation/testbed_storms.h).
#include "validation/testbed_storms.h"

#include <charconv>
#include <cmath>
#include <filesystem>

#include "io/text_io.h"
#include "mountstorm/csv.h"
#include "mountstorm/error.h"

namespace mountstorm {

namespace {

// One row of the CSV, read field by field; errors name the file, the line and the column.
class StormRow {
 public:
  StormRow(const CsvTable& t, std::size_t row, const std::string& file) : t_(t), row_(row), file_(file) {}

  const std::string& Text(const std::string& column) const {
    const int c = t_.Column(column);
    if (c < 0) throw InputError(file_ + ": no column \"" + column + "\" (write the file with tools/testbed/storms-csv.py)");
    return t_.rows[row_][static_cast<std::size_t>(c)];
  }
  bool Empty(const std::string& column) const { return Text(column).empty(); }
  bool Has(const std::string& column) const { return t_.Column(column) >= 0; }

  std::int64_t Integer(const std::string& column, std::int64_t lo, std::int64_t hi) const {
    const std::string& s = Text(column);
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) {
      Fail(column, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi), s);
    }
    return v;
  }

  double Number(const std::string& column, double lo, double hi) const {
    const std::string& s = Text(column);
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v) || v < lo || v > hi) {
      Fail(column, "a number from " + FormatFixed(lo, 0) + " to " + FormatFixed(hi, 0), s);
    }
    return v;
  }

  [[noreturn]] void Fail(const std::string& column, const std::string& expected, const std::string& found) const {
    throw InputError(file_ + ": line " + std::to_string(row_ + 2) + ", column " + column + ": expected " + expected +
                     ", found \"" + found + "\"");
  }

 private:
  const CsvTable& t_;
  std::size_t row_;
  std::string file_;
};

constexpr std::int64_t kMaxCount = 1000000000;
constexpr double kMaxSeconds = 1e6;

PhaseFigures ReadFigures(const StormRow& r, const std::string& p) {
  PhaseFigures f;
  f.signals = static_cast<std::uint64_t>(r.Integer(p + "signals", 0, kMaxCount));
  f.unit_new = static_cast<std::uint64_t>(r.Integer(p + "UnitNew", 0, kMaxCount));
  f.unit_removed = static_cast<std::uint64_t>(r.Integer(p + "UnitRemoved", 0, kMaxCount));
  f.properties_changed = static_cast<std::uint64_t>(r.Integer(p + "PropertiesChanged", 0, kMaxCount));
  f.other = static_cast<std::uint64_t>(r.Integer(p + "JobNew", 0, kMaxCount) + r.Integer(p + "JobRemoved", 0, kMaxCount) +
                                       r.Integer(p + "other", 0, kMaxCount));
  if (f.unit_new + f.unit_removed + f.properties_changed + f.other != f.signals) {
    r.Fail(p + "signals", "the sum of the members", r.Text(p + "signals"));
  }
  f.rescans = static_cast<std::uint64_t>(r.Integer(p + "rescans", 0, kMaxCount));
  f.active_s = r.Number(p + "active_s", 0, kMaxSeconds);
  f.pid1_cpu_s = r.Number(p + "pid1_cpu_s", 0, kMaxSeconds);
  return f;
}

StormPhase ReadPhase(const StormRow& r, StormPhaseKind kind) {
  const std::string p = kind == StormPhaseKind::kMount ? "m_" : "u_";
  StormPhase phase;
  phase.kind = kind;
  phase.loop_s = r.Number(p + "loop_s", 0, kMaxSeconds);
  phase.op_mean_s = r.Number(p + "op_mean_s", 0, kMaxSeconds);
  if (phase.op_mean_s > phase.loop_s) r.Fail(p + "op_mean_s", "at most " + p + "loop_s", r.Text(p + "op_mean_s"));
  phase.captured = ReadFigures(r, p);
  return phase;
}

// The runs_* columns, when the storm ran more than once (older files have none).
RunsSpread ReadSpread(const StormRow& r) {
  RunsSpread s;
  if (!r.Has("runs")) return s;
  s.runs = static_cast<int>(r.Integer("runs", 1, 1000));
  if (s.runs == 1) return s;
  s.signals_min = static_cast<std::uint64_t>(r.Integer("runs_signals_min", 0, kMaxCount));
  s.signals_max = static_cast<std::uint64_t>(r.Integer("runs_signals_max", 0, kMaxCount));
  s.rescans_min = static_cast<std::uint64_t>(r.Integer("runs_rescans_min", 0, kMaxCount));
  s.rescans_max = static_cast<std::uint64_t>(r.Integer("runs_rescans_max", 0, kMaxCount));
  s.cpu_min_s = r.Number("runs_pid1_cpu_s_min", 0, kMaxSeconds);
  s.cpu_max_s = r.Number("runs_pid1_cpu_s_max", 0, kMaxSeconds);
  if (s.signals_min > s.signals_max) r.Fail("runs_signals_max", "at least runs_signals_min", r.Text("runs_signals_max"));
  if (s.rescans_min > s.rescans_max) r.Fail("runs_rescans_max", "at least runs_rescans_min", r.Text("runs_rescans_max"));
  if (s.cpu_min_s > s.cpu_max_s) r.Fail("runs_pid1_cpu_s_max", "at least runs_pid1_cpu_s_min", r.Text("runs_pid1_cpu_s_max"));
  if (r.Has("runs_active_s_min")) {  // files written before 2026-12-06 have no duration range
    s.active_min_s = r.Number("runs_active_s_min", 0, kMaxSeconds);
    s.active_max_s = r.Number("runs_active_s_max", 0, kMaxSeconds);
    if (s.active_min_s > s.active_max_s) r.Fail("runs_active_s_max", "at least runs_active_s_min", r.Text("runs_active_s_max"));
  }
  return s;
}

TestbedStorm ReadStorm(const StormRow& r, const std::filesystem::path& dir) {
  TestbedStorm s;
  s.name = r.Text("storm");
  if (s.name.empty()) r.Fail("storm", "a name", "");
  s.systemd = r.Text("systemd");
  std::filesystem::path scenario = r.Text("scenario");
  if (scenario.empty()) r.Fail("scenario", "the base scenario's path", "");
  s.scenario = (scenario.is_relative() ? dir / scenario : scenario).lexically_normal().string();
  s.mounts = static_cast<int>(r.Integer("mounts", 1, 1000000));
  s.pause_ms = static_cast<int>(r.Integer("pause_ms", 0, 3600000));
  s.depth = static_cast<int>(r.Integer("depth", 1, 1000));
  s.storm_dir = r.Text("storm_dir");
  if (s.storm_dir.empty() || s.storm_dir[0] != '/') r.Fail("storm_dir", "an absolute path", s.storm_dir);
  s.preexisting = static_cast<int>(r.Integer("preexisting", 0, 1000000));
  s.pre_base = r.Text("pre_base");
  if (s.preexisting > 0 && (s.pre_base.empty() || s.pre_base[0] != '/')) r.Fail("pre_base", "an absolute path", s.pre_base);
  s.fstype = r.Text("fstype");
  if (s.fstype.empty()) r.Fail("fstype", "a file system type", "");
  const std::string& burst = r.Text("burst");
  if (burst == "unlimited") {
    s.unlimited = true;
  } else if (burst != "default") {
    s.burst = static_cast<int>(r.Integer("burst", 1, 1 << 30));
  }
  const std::string& sub = r.Text("subscriber");
  if (sub != "logind" && sub != "none") r.Fail("subscriber", "logind or none", sub);
  s.subscriber = sub == "logind";
  s.phases.push_back(ReadPhase(r, StormPhaseKind::kMount));
  if (!r.Empty("u_loop_s")) s.phases.push_back(ReadPhase(r, StormPhaseKind::kUmount));
  s.spread = ReadSpread(r);
  return s;
}

}  // namespace

const char* StormPhaseName(StormPhaseKind k) { return k == StormPhaseKind::kMount ? "mount" : "umount"; }

std::vector<TestbedStorm> ReadTestbedStorms(const std::string& path) {
  const CsvTable t = ParseCsv(ReadInputOrStdin(path, "file"), path);  // "-": standard input
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  std::vector<TestbedStorm> storms;
  for (std::size_t i = 0; i < t.rows.size(); ++i) storms.push_back(ReadStorm(StormRow(t, i, path), dir));
  if (storms.empty()) throw InputError(path + ": no storms (expected a header and one row per storm)");
  return storms;
}

}  // namespace mountstorm
