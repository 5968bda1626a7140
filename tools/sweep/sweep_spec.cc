#include "sweep/sweep_spec.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mountstorm/error.h"
#include "mountstorm/input.h"
#include "mountstorm/seed.h"
#include "io/text_io.h"

namespace mountstorm {

namespace {

[[noreturn]] void Fail(const std::string& file, const std::string& path, const std::string& what) {
  throw InputError(file + ": " + path + ": " + what);
}

// A JSON value in a message: its text, shortened.
std::string Describe(const nlohmann::json& v) {
  std::string text = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

// What a message says was found at a key: the value and its kind, or nothing.
std::string Found(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "nothing";
  const nlohmann::json& v = object.at(key);
  return Describe(v) + " (" + (v.is_object() ? "an object" : v.is_array() ? "an array" : std::string("a ") + v.type_name()) + ")";
}

// Fails at `key` of `object` (at `where`): expected `expected`, found what is there.
[[noreturn]] void FailAt(const std::string& file, const std::string& where, const nlohmann::json& object, const char* key,
                         const std::string& expected) {
  Fail(file, where + "/" + key, "expected " + expected + ", found " + Found(object, key));
}

// The values of one path: an explicit list or a range.
std::vector<nlohmann::json> AxisValues(const nlohmann::json& a, const std::string& file, const std::string& where) {
  if (a.contains("values") == a.contains("range")) {
    Fail(file, where, "expected exactly one of \"values\" (a list) and \"range\" (from, to, steps)");
  }
  if (a.contains("values")) {
    const nlohmann::json& v = a.at("values");
    if (!v.is_array() || v.empty()) FailAt(file, where, a, "values", "a non-empty array of values");
    return std::vector<nlohmann::json>(v.begin(), v.end());
  }
  const nlohmann::json& r = a.at("range");
  const std::string rw = where + "/range";
  if (!r.is_object()) FailAt(file, where, a, "range", "an object {\"from\", \"to\", \"steps\", \"scale\", \"integer\"}");
  for (auto it = r.begin(); it != r.end(); ++it) {
    if (it.key() != "from" && it.key() != "to" && it.key() != "steps" && it.key() != "scale" && it.key() != "integer") {
      Fail(file, rw + "/" + it.key(), "unknown key; expected one of: from, to, steps, scale, integer");
    }
  }
  for (const char* k : {"from", "to"}) {
    if (!r.contains(k) || !r[k].is_number() || !std::isfinite(r[k].get<double>())) {
      FailAt(file, rw, r, k, "a finite number");
    }
  }
  if (!r.contains("steps") || !r.at("steps").is_number_integer() || r.at("steps").get<std::int64_t>() < 2 ||
      r.at("steps").get<std::int64_t>() > 100000) {
    FailAt(file, rw, r, "steps", "an integer from 2 to 100000 (the number of values, both ends included)");
  }
  if (r.contains("scale") && r.at("scale") != "linear" && r.at("scale") != "log") {
    FailAt(file, rw, r, "scale", "\"linear\" or \"log\"");
  }
  std::string scale = r.value("scale", "linear");
  if (r.contains("integer") && !r.at("integer").is_boolean()) FailAt(file, rw, r, "integer", "true or false");
  bool integer = r.value("integer", false);
  double from = r.at("from"), to = r.at("to");
  if (scale == "log" && (from <= 0 || to <= 0)) {
    Fail(file, rw, "expected from and to above 0 for a log range, found " + Describe(from) + " and " + Describe(to));
  }
  int steps = r.at("steps");
  std::vector<nlohmann::json> values;
  for (int k = 0; k < steps; ++k) {
    double f = static_cast<double>(k) / (steps - 1);
    double v = scale == "log" ? from * std::pow(to / from, f) : from + (to - from) * f;
    if (k == steps - 1) v = to;  // exact end
    if (integer) {
      nlohmann::json i = static_cast<std::int64_t>(std::llround(v));
      if (values.empty() || values.back() != i) values.push_back(i);
    } else {
      values.push_back(v);
    }
  }
  return values;
}

std::string CheckPath(const nlohmann::json& a, const std::string& file, const std::string& where) {
  if (!a.contains("path") || !a.at("path").is_string() || a.at("path").get<std::string>().empty() ||
      a.at("path").get<std::string>()[0] != '/') {
    FailAt(file, where, a, "path", "a JSON path into the scenario, such as \"/systemd/wqueue_max\"");
  }
  return a.at("path");
}

// Fails on a key of the sweep object that a sweep does not have.
void CheckSweepKeys(const nlohmann::json& doc, const std::string& file) {
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    static const char* known[] = {"name", "description", "base", "seed", "replications", "axes"};
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) Fail(file, "/" + it.key(), "unknown key; expected one of: name, description, base, seed, replications, axes");
  }
}

// Sets s->base and s->base_origin: the scenario file "base" names (relative to the sweep file),
// or the scenario object it holds.
void ReadBase(const nlohmann::json& doc, const std::string& file, SweepSpec* s) {
  if (!doc.contains("base")) FailAt(file, "", doc, "base", "the base scenario: a path (relative to this file) or an object");
  if (doc.at("base").is_string()) {
    std::filesystem::path p = doc.at("base").get<std::string>();
    if (p.is_relative()) p = std::filesystem::path(file).parent_path() / p;
    s->base_origin = p.lexically_normal().string();
    try {
      s->base = nlohmann::json::parse(ReadJsonFileText(s->base_origin, "base scenario"));
    } catch (const InputError& e) {
      Fail(file, "/base", e.what());
    }
  } else if (doc.at("base").is_object()) {
    s->base = doc.at("base");
    s->base_origin = file + " (/base)";
  } else {
    FailAt(file, "", doc, "base", "a path (relative to this file) or a scenario object");
  }
}

// Sets s->seed and s->replications from the sweep object, when it gives them.
void ReadSeedAndReplications(const nlohmann::json& doc, const std::string& file, SweepSpec* s) {
  if (doc.contains("seed")) {
    if (!doc.at("seed").is_number_unsigned() && !(doc.at("seed").is_number_integer() && doc.at("seed").get<std::int64_t>() >= 0)) {
      FailAt(file, "", doc, "seed", "an integer from 0 to 18446744073709551615");
    }
    s->seed = doc.at("seed").get<std::uint64_t>();
  }
  if (doc.contains("replications")) {
    if (!doc.at("replications").is_number_integer() || doc.at("replications").get<std::int64_t>() < 1 ||
        doc.at("replications").get<std::int64_t>() > 100000) {
      FailAt(file, "", doc, "replications", "an integer from 1 to 100000");
    }
    s->replications = doc.at("replications");
  }
}

// Fails on a key of the axis object `a` other than path, values and range; `expected` ends the
// message.
void CheckAxisKeys(const nlohmann::json& a, const std::string& file, const std::string& where, const char* expected) {
  for (auto it = a.begin(); it != a.end(); ++it) {
    if (it.key() != "path" && it.key() != "values" && it.key() != "range") {
      Fail(file, where + "/" + it.key(), std::string("unknown key; expected ") + expected);
    }
  }
}

// Appends the paths of a zip axis to axis->paths and their values to *columns, one column per path,
// all as long as the first.
void ReadZipAxis(const nlohmann::json& a, const std::string& file, const std::string& where, SweepAxis* axis,
                 std::vector<std::vector<nlohmann::json>>* columns) {
  if (a.size() != 1) Fail(file, where, "a zip axis has only the key \"zip\"");
  if (!a.at("zip").is_array() || a.at("zip").size() < 2) FailAt(file, where, a, "zip", "an array of two or more axes");
  for (std::size_t j = 0; j < a.at("zip").size(); ++j) {
    const std::string w = where + "/zip/" + std::to_string(j);
    const nlohmann::json& z = a.at("zip")[j];
    if (!z.is_object()) Fail(file, w, "expected an axis object, found " + Describe(z));
    CheckAxisKeys(z, file, w, "path with values or range");
    axis->paths.push_back(CheckPath(z, file, w));
    columns->push_back(AxisValues(z, file, w));
    if (columns->back().size() != columns->front().size()) {
      Fail(file, w, "expected as many values as the first zipped axis (" + std::to_string(columns->front().size()) +
                        "), found " + std::to_string(columns->back().size()));
    }
  }
}

// The axis object `a`, a single path or a zip of several: its paths, and its values as tuples.
SweepAxis ReadAxis(const nlohmann::json& a, const std::string& file, const std::string& where) {
  if (!a.is_object()) Fail(file, where, "expected an axis object, found " + Describe(a));
  SweepAxis axis;
  std::vector<std::vector<nlohmann::json>> columns;
  if (a.contains("zip")) {
    ReadZipAxis(a, file, where, &axis, &columns);
  } else {
    CheckAxisKeys(a, file, where, "path with values or range, or zip");
    axis.paths.push_back(CheckPath(a, file, where));
    columns.push_back(AxisValues(a, file, where));
  }
  for (std::size_t k = 0; k < columns.front().size(); ++k) {
    std::vector<nlohmann::json> tuple;
    for (const auto& c : columns) tuple.push_back(c[k]);
    axis.values.push_back(tuple);
  }
  return axis;
}

// Fails if a path is an axis twice, naming the later axis.
void CheckDistinctPaths(const std::vector<SweepAxis>& axes, const std::string& file) {
  for (std::size_t i = 0; i < axes.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      for (const std::string& p : axes[i].paths) {
        for (const std::string& q : axes[j].paths) {
          if (p == q) Fail(file, "/axes/" + std::to_string(i), "the path " + p + " is already an axis");
        }
      }
    }
  }
}

// One axis of a canonical sweep.json: "paths", a non-empty array of JSON paths, and "values", a
// non-empty array of tuples, each with one value per path.
SweepAxis ReadCanonicalAxis(const nlohmann::json& a, const std::string& origin, const std::string& where,
                            const std::string& what) {
  auto fail = [&](const std::string& path, const std::string& expected, const nlohmann::json& found) {
    Fail(origin, path, "expected " + expected + ", found " + Describe(found) + what);
  };
  if (!a.is_object() || !a.contains("paths") || !a.contains("values")) fail(where, "an object with paths and values", a);
  const nlohmann::json& paths = a.at("paths");
  if (!paths.is_array() || paths.empty()) fail(where + "/paths", "a non-empty array of JSON paths", paths);
  SweepAxis axis;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const nlohmann::json& p = paths[i];
    if (!p.is_string() || p.get<std::string>().empty() || p.get<std::string>()[0] != '/') {
      fail(where + "/paths/" + std::to_string(i), "a JSON path such as \"/seed\"", p);
    }
    axis.paths.push_back(p.get<std::string>());
  }
  const nlohmann::json& values = a.at("values");
  if (!values.is_array() || values.empty()) fail(where + "/values", "a non-empty array of tuples", values);
  for (std::size_t k = 0; k < values.size(); ++k) {
    const nlohmann::json& t = values[k];
    if (!t.is_array() || t.size() != paths.size()) {
      fail(where + "/values/" + std::to_string(k), "an array of " + std::to_string(paths.size()) + " value(s), one per path", t);
    }
    axis.values.push_back(std::vector<nlohmann::json>(t.begin(), t.end()));
  }
  return axis;
}

}  // namespace

namespace {

TargetCi ReadCanonicalTargetCi(const nlohmann::json& t, const std::string& origin, const std::string& what) {
  auto fail = [&](const std::string& path, const std::string& expected, const nlohmann::json& found) {
    Fail(origin, "/target_ci" + path, "expected " + expected + ", found " + Describe(found) + what);
  };
  if (!t.is_object() || !t.contains("relative") || !t.contains("max_replications") || !t.contains("outcomes")) {
    fail("", "an object with relative, max_replications and outcomes", t);
  }
  if (!t.at("relative").is_number() || !(t.at("relative").get<double>() > 0)) fail("/relative", "a number above 0", t.at("relative"));
  const nlohmann::json& k = t.at("max_replications");
  if (!k.is_number_unsigned() || k.get<std::uint64_t>() < 2 || k.get<std::uint64_t>() > 100000) {
    fail("/max_replications", "an integer from 2 to 100000", k);
  }
  TargetCi out{t.at("relative").get<double>(), k.get<int>(), {}};
  if (!t.at("outcomes").is_array()) fail("/outcomes", "an array of outcome names", t.at("outcomes"));
  for (const nlohmann::json& o : t.at("outcomes")) {
    if (!o.is_string()) fail("/outcomes", "outcome names (strings)", o);
    out.outcomes.push_back(o.get<std::string>());
  }
  return out;
}

}  // namespace

nlohmann::json SweepSpec::Canonical() const {
  nlohmann::json axes_json = nlohmann::json::array();
  for (const SweepAxis& a : axes) axes_json.push_back({{"paths", a.paths}, {"values", a.values}});
  nlohmann::json c = {{"name", name}, {"base", base}, {"seed", seed}, {"replications", replications}, {"axes", axes_json}};
  // Only a sweep run with --target-ci has the key: every other sweep.json stays as it was.
  if (target_ci) {
    c["target_ci"] = {{"relative", target_ci->relative},
                      {"max_replications", target_ci->max_replications},
                      {"outcomes", target_ci->outcomes}};
  }
  return c;
}

SweepSpec ParseSweep(const nlohmann::json& doc, const std::string& file) {
  if (!doc.is_object()) Fail(file, "/", "expected a sweep object, found " + Describe(doc));
  CheckSweepKeys(doc, file);
  SweepSpec s;
  s.file = file;
  if (doc.contains("name")) {
    if (!doc.at("name").is_string()) FailAt(file, "", doc, "name", "a string");
    s.name = doc.at("name");
  }
  ReadBase(doc, file, &s);
  ReadSeedAndReplications(doc, file, &s);
  if (!doc.contains("axes") || !doc.at("axes").is_array()) FailAt(file, "", doc, "axes", "an array of axes");
  for (std::size_t i = 0; i < doc.at("axes").size(); ++i) {
    s.axes.push_back(ReadAxis(doc.at("axes")[i], file, "/axes/" + std::to_string(i)));
  }
  CheckDistinctPaths(s.axes, file);
  return s;
}

SweepSpec LoadSweepFile(const std::string& path) {
  return ParseSweep(nlohmann::json::parse(ReadJsonFileText(path, "sweep file")), path);
}

SweepSpec ParseCanonicalSweep(const std::string& text, const std::string& origin) {
  GuardJsonText(text, origin);
  CheckJsonText(text, origin);  // strictly, as every JSON file: a key twice, a number out of range
  const nlohmann::json c = nlohmann::json::parse(text);
  const std::string what = " (in the sweep.json mountstorm sweep writes)";
  auto fail = [&](const std::string& path, const std::string& expected, const nlohmann::json& found) {
    Fail(origin, path, "expected " + expected + ", found " + Describe(found) + what);
  };
  if (!c.is_object()) fail("/", "an object", c);
  for (const char* k : {"name", "base", "seed", "replications", "axes"}) {
    if (!c.contains(k)) Fail(origin, std::string("/") + k, "expected a value, found nothing" + what);
  }
  if (!c.at("name").is_string()) fail("/name", "a string", c.at("name"));
  if (!c.at("base").is_object()) fail("/base", "the base scenario as an object", c.at("base"));
  if (!c.at("seed").is_number_unsigned()) fail("/seed", "an integer from 0 to 18446744073709551615", c.at("seed"));
  const nlohmann::json& reps = c.at("replications");
  if (!reps.is_number_unsigned() || reps.get<std::uint64_t>() < 1 || reps.get<std::uint64_t>() > 100000) {
    fail("/replications", "an integer from 1 to 100000", reps);
  }
  if (!c.at("axes").is_array()) fail("/axes", "an array of axes", c.at("axes"));
  SweepSpec spec;
  spec.file = origin;
  spec.name = c.at("name").get<std::string>();
  spec.base = c.at("base");
  spec.base_origin = origin + " (/base)";
  spec.seed = c.at("seed").get<std::uint64_t>();
  spec.replications = reps.get<int>();
  for (std::size_t i = 0; i < c.at("axes").size(); ++i) {
    spec.axes.push_back(ReadCanonicalAxis(c.at("axes")[i], origin, "/axes/" + std::to_string(i), what));
  }
  if (c.contains("target_ci")) spec.target_ci = ReadCanonicalTargetCi(c.at("target_ci"), origin, what);
  return spec;
}

std::uint64_t CountSweepRuns(const SweepSpec& spec) {
  // Saturating at kMaxSweepRuns + 1: the product of a dozen axes would wrap 64 bits.
  std::uint64_t runs = static_cast<std::uint64_t>(spec.MaxReplications());
  for (const SweepAxis& axis : spec.axes) {
    runs = std::min<std::uint64_t>(runs * axis.values.size(), kMaxSweepRuns + 1);
  }
  return runs;
}

std::vector<SweepPoint> ExpandSweep(const SweepSpec& spec) {
  if (CountSweepRuns(spec) > kMaxSweepRuns) {
    throw InputError(spec.file + ": the sweep has more than " + std::to_string(kMaxSweepRuns) +
                     " runs (points times replications), the most a sweep may have; split it into several sweeps");
  }
  std::vector<SweepPoint> points(1);
  for (const SweepAxis& axis : spec.axes) {
    std::vector<SweepPoint> next;
    for (const SweepPoint& p : points) {
      for (const auto& tuple : axis.values) {
        SweepPoint q = p;
        for (std::size_t i = 0; i < axis.paths.size(); ++i) q.assignments.emplace_back(axis.paths[i], tuple[i]);
        next.push_back(std::move(q));
      }
    }
    points = std::move(next);
  }
  for (SweepPoint& p : points) {
    nlohmann::json key = nlohmann::json::object();
    for (const auto& [path, value] : p.assignments) key[path] = value;
    p.key = key.dump();  // sorted by path, so the key does not depend on the order of the axes
  }
  return points;
}

std::uint64_t RunSeed(std::uint64_t sweep_seed, const std::string& key, int replication) {
  return StreamSeed(sweep_seed, key + "#" + std::to_string(replication));
}

Scenario PointScenario(const SweepSpec& spec, const SweepPoint& point, std::uint64_t seed) {
  try {
    ScenarioDocument doc = ScenarioDocument::FromText(spec.base.dump(), spec.base_origin);
    for (const auto& [path, value] : point.assignments) doc.Override(path + "=" + value.dump(), spec.file + ": axis " + path);
    Scenario s = doc.Parse(spec.base_origin + " at point " + point.key);
    s.seed = seed;
    return s;
  } catch (const InputError& e) {
    throw InputError(std::string("sweep ") + e.what());
  }
}

}  // namespace mountstorm
