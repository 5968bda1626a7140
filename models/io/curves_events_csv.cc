// curves.csv and events.csv: a RunResult's curves and event log as CSV, and read back
// (mountstorm/result_files.h; the columns are described in docs/OUTPUTS.md).
#include <charconv>
#include <limits>
#include <string>

#include "mountstorm/csv.h"
#include "mountstorm/error.h"
#include "mountstorm/result_files.h"

namespace mountstorm {

namespace {

// Seconds as printed in the time columns, back to nanoseconds exactly: "12.345" -> 12345000000.
Time ParseTime(const std::string& text, const std::string& where) {
  const std::size_t dot = text.find('.');
  const std::string whole = text.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  std::int64_t s = 0, f = 0;
  auto digits = [](const std::string& d, std::int64_t* out) {
    if (d.empty() || d.size() > 12 || d.find_first_not_of("0123456789") != std::string::npos) return false;
    return std::from_chars(d.data(), d.data() + d.size(), *out).ec == std::errc();
  };
  static_assert(kMaxResultFileSeconds < (std::numeric_limits<Time>::max() - kSecond) / kSecond);
  if (!digits(whole, &s) || s > kMaxResultFileSeconds || frac.size() > 9 || (!frac.empty() && !digits(frac, &f))) {
    throw InputError(where + ": expected a time in seconds such as 1.250 (at most " + std::to_string(kMaxResultFileSeconds) +
                     " s), found \"" + text + "\"");
  }
  for (std::size_t k = frac.size(); k < 9; ++k) f *= 10;
  return s * kSecond + f;
}

std::int64_t ParseLevel(const std::string& text, const std::string& where) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) {
    throw InputError(where + ": expected a queue level (a non-negative integer), found \"" + text + "\"");
  }
  return v;
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
    for (const auto& column : c.values) {
      out += ',';
      out += std::to_string(column[k]);
    }
    out += '\n';
  }
  return out;
}

Curves ParseCurvesCsv(const std::string& text, const std::string& origin) {
  const CsvTable t = ParseCsv(text, origin);
  if (t.header.empty() || t.header[0] != "time_s") {
    throw InputError(origin + ": expected a first column \"time_s\" (the curves.csv of mountstorm run)");
  }
  Curves c;
  c.columns.assign(t.header.begin() + 1, t.header.end());
  c.values.resize(c.columns.size());
  for (std::size_t row = 0; row < t.rows.size(); ++row) {
    const std::string where = origin + ": line " + std::to_string(row + 2);
    c.times.push_back(ParseTime(t.rows[row][0], where));
    for (std::size_t col = 0; col < c.columns.size(); ++col) c.values[col].push_back(ParseLevel(t.rows[row][col + 1], where));
  }
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
