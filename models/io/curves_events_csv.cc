// curves.csv and events.csv: a RunResult's curves and event log as CSV, and read back
// (mountstorm/result_files.h; the columns are described in docs/OUTPUTS.md).
#include <algorithm>
#include <charconv>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "mountstorm/csv.h"
#include "mountstorm/error.h"
#include "mountstorm/result_files.h"

namespace mountstorm {

namespace {

// Seconds as printed in the time columns, back to nanoseconds exactly: "12.345" -> 12345000000.
// None if `text` is not such a time.
std::optional<Time> TimeOf(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  std::int64_t s = 0, f = 0;
  auto digits = [](std::string_view d, std::int64_t* out) {
    if (d.empty() || d.size() > 12 || d.find_first_not_of("0123456789") != std::string_view::npos) return false;
    return std::from_chars(d.data(), d.data() + d.size(), *out).ec == std::errc();
  };
  static_assert(kMaxResultFileSeconds < (std::numeric_limits<Time>::max() - kSecond) / kSecond);
  if (!digits(whole, &s) || s > kMaxResultFileSeconds || frac.size() > 9 || (!frac.empty() && !digits(frac, &f))) {
    return std::nullopt;
  }
  for (std::size_t k = frac.size(); k < 9; ++k) f *= 10;
  return s * kSecond + f;
}

std::string BadTime(const std::string& where, std::string_view text) {
  return where + ": expected a time in seconds such as 1.250 (at most " + std::to_string(kMaxResultFileSeconds) +
         " s), found \"" + std::string(text) + "\"";
}

Time ParseTime(const std::string& text, const std::string& where) {
  const std::optional<Time> t = TimeOf(text);
  if (!t) throw InputError(BadTime(where, text));
  return *t;
}

// A queue level: a non-negative integer. None if `text` is not one.
std::optional<std::int64_t> LevelOf(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

// Row `row` of curves.csv (1: the first after the header) into `c`; the error, if a field is not a
// time or a level, as ParseCurvesCsv() throws it (and then `c` is left part way).
std::optional<std::string> AppendCurvesRow(std::span<const std::string> fields, std::size_t row,
                                           const std::string& origin, Curves* c) {
  auto where = [&] { return origin + ": line " + std::to_string(row + 1); };
  const std::optional<Time> t = TimeOf(fields[0]);
  if (!t) return BadTime(where(), fields[0]);
  c->times.push_back(*t);
  for (std::size_t col = 0; col + 1 < fields.size(); ++col) {
    const std::optional<std::int64_t> level = LevelOf(fields[col + 1]);
    if (!level) {
      return where() + ": expected a queue level (a non-negative integer), found \"" + fields[col + 1] + "\"";
    }
    c->values[col].push_back(*level);
  }
  return std::nullopt;
}

const char* EventName(const RunEvent& e) {
  switch (e.kind) {
    case RunEvent::Kind::kMount: return e.failed ? "mount_failed" : "mount";
    case RunEvent::Kind::kUmount: return e.failed ? "umount_failed" : "umount";
    case RunEvent::Kind::kRemount: return e.failed ? "remount_failed" : "remount";
    case RunEvent::Kind::kScan: return "scan";
    case RunEvent::Kind::kLoginStart: return "login_start";
    case RunEvent::Kind::kLoginEnd: return nullptr;  // login_<outcome>
  }
  return "?";
}

// The event a row of events.csv names, with what its detail says.
RunEvent ParseEvent(Time t, const std::string& name, const std::string& detail, const std::string& where) {
  RunEvent e;
  e.time = t;
  e.detail = detail;
  for (RunEvent::Kind k : {RunEvent::Kind::kMount, RunEvent::Kind::kUmount, RunEvent::Kind::kRemount}) {
    for (bool failed : {false, true}) {
      e.kind = k;
      e.failed = failed;
      if (name == EventName(e)) return e;
    }
  }
  e.failed = false;
  if (name == "scan") {
    e.kind = RunEvent::Kind::kScan;
    e.detail.clear();
    const std::size_t space = detail.find(' ');
    if (space == std::string::npos || detail.substr(space) != " lines" ||
        std::from_chars(detail.data(), detail.data() + space, e.lines).ec != std::errc()) {
      throw InputError(where + ": expected \"N lines\" for a scan, found \"" + detail + "\"");
    }
    return e;
  }
  if (name == "login_start") {
    e.kind = RunEvent::Kind::kLoginStart;
    return e;
  }
  for (LoginOutcome o : {LoginOutcome::kSucceeded, LoginOutcome::kNoBufs, LoginOutcome::kTimedOut,
                         LoginOutcome::kLimitsExceeded, LoginOutcome::kPending}) {
    if (name == std::string("login_") + LoginOutcomeName(o)) {
      e.kind = RunEvent::Kind::kLoginEnd;
      e.outcome = o;
      return e;
    }
  }
  throw InputError(where + ": unknown event \"" + name + "\" (expected mount, umount, remount, scan, login_...)");
}

}  // namespace

std::string CurvesCsvText(const Curves& c) {
  int decimals = 9;
  for (Duration step = c.interval; decimals > 0 && step > 0 && step % 10 == 0; step /= 10) --decimals;
  std::string out = "time_s";
  for (const std::string& name : c.columns) out += "," + name;
  out += '\n';
  for (std::size_t k = 0; k < c.times.size(); ++k) {
    out += FormatTime(c.times[k], decimals);
    char field[24] = {','};
    for (const auto& column : c.values) {
      out.append(field, std::to_chars(field + 1, field + sizeof field, column[k]).ptr);
    }
    out += '\n';
  }
  return out;
}

Curves ParseCurvesCsv(const std::string& text, const std::string& origin) {
  // Read row by row (a run of 900 s sampled every 10 ms is 90,000 rows), with the errors in the
  // order reading the whole table first gives them: the file's shape, then the header, then the
  // first field that is not a time or a level.
  Curves c;
  bool header_ok = false;
  std::optional<std::string> bad_field;
  ForEachCsvRow(text, origin, [&](std::span<const std::string> fields, std::size_t row) {
    if (row == 0) {
      header_ok = fields[0] == "time_s";
      if (header_ok) c.columns.assign(fields.begin() + 1, fields.end());
      c.values.resize(c.columns.size());
      // A row per line: the columns grow once, not by doubling; never more rows than the text
      // could hold (a row of k fields takes 2k bytes at least), so at most 4 bytes per byte read.
      const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
      const std::size_t rows = std::min(lines, text.size() / (2 * fields.size()));
      c.times.reserve(rows);
      for (std::vector<std::int64_t>& column : c.values) column.reserve(rows);
    } else if (header_ok && !bad_field) {
      bad_field = AppendCurvesRow(fields, row, origin, &c);
    }
  });
  if (!header_ok) {
    throw InputError(origin + ": expected a first column \"time_s\" (the curves.csv of mountstorm run)");
  }
  if (bad_field) throw InputError(*bad_field);
  if (c.times.size() >= 2) c.interval = c.times[1] - c.times[0];
  return c;
}

std::string EventsCsvText(const std::vector<RunEvent>& events) {
  std::string out = "time_s,event,detail\n";
  for (const RunEvent& e : events) {
    out += FormatTime(e.time, 9);
    out += ',';
    if (e.kind == RunEvent::Kind::kLoginEnd) {
      out += std::string("login_") + LoginOutcomeName(e.outcome);
    } else {
      out += EventName(e);
    }
    out += ',';
    out += e.kind == RunEvent::Kind::kScan ? std::to_string(e.lines) + " lines" : CsvField(e.detail);
    out += '\n';
  }
  return out;
}

std::vector<RunEvent> ParseEventsCsv(const std::string& text, const std::string& origin) {
  const CsvTable t = ParseCsv(text, origin);
  if (t.header != std::vector<std::string>{"time_s", "event", "detail"}) {
    throw InputError(origin + ": expected the columns time_s,event,detail (the events.csv of mountstorm run)");
  }
  std::vector<RunEvent> out;
  for (std::size_t row = 0; row < t.rows.size(); ++row) {
    const std::string where = origin + ": line " + std::to_string(row + 2);
    out.push_back(ParseEvent(ParseTime(t.rows[row][0], where), t.rows[row][1], t.rows[row][2], where));
  }
  return out;
}

}  // namespace mountstorm
