#include "tools/sweep_spec.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mountstorm/error.h"
#include "sim/random_stream.h"
#include "tools/cli_util.h"

namespace mountstorm {

namespace {

[[noreturn]] void Fail(const std::string& file, const std::string& path, const std::string& what) {
  throw InputError(file + ": " + path + ": " + what);
}

// The values of one path: an explicit list or a range.
std::vector<nlohmann::json> AxisValues(const nlohmann::json& a, const std::string& file, const std::string& where) {
  if (a.contains("values") == a.contains("range")) {
    Fail(file, where, "expected exactly one of \"values\" (a list) and \"range\" (from, to, steps)");
  }
  if (a.contains("values")) {
    const nlohmann::json& v = a["values"];
    if (!v.is_array() || v.empty()) Fail(file, where + "/values", "expected a non-empty array of values");
    return std::vector<nlohmann::json>(v.begin(), v.end());
  }
  const nlohmann::json& r = a["range"];
  const std::string rw = where + "/range";
  if (!r.is_object()) Fail(file, rw, "expected an object {\"from\", \"to\", \"steps\", \"scale\", \"integer\"}");
  for (auto it = r.begin(); it != r.end(); ++it) {
    if (it.key() != "from" && it.key() != "to" && it.key() != "steps" && it.key() != "scale" && it.key() != "integer") {
      Fail(file, rw + "/" + it.key(), "unknown key; expected one of: from, to, steps, scale, integer");
    }
  }
  for (const char* k : {"from", "to"}) {
    if (!r.contains(k) || !r[k].is_number() || !std::isfinite(r[k].get<double>())) {
      Fail(file, rw + "/" + k, "expected a finite number");
    }
  }
  if (!r.contains("steps") || !r["steps"].is_number_integer() || r["steps"].get<std::int64_t>() < 2 ||
      r["steps"].get<std::int64_t>() > 100000) {
    Fail(file, rw + "/steps", "expected an integer from 2 to 100000 (the number of values, both ends included)");
  }
  std::string scale = r.value("scale", "linear");
  if (scale != "linear" && scale != "log") Fail(file, rw + "/scale", "expected \"linear\" or \"log\"");
  if (r.contains("integer") && !r["integer"].is_boolean()) Fail(file, rw + "/integer", "expected true or false");
  bool integer = r.value("integer", false);
  double from = r["from"], to = r["to"];
  if (scale == "log" && (from <= 0 || to <= 0)) Fail(file, rw, "a log range needs from and to above 0");
  int steps = r["steps"];
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
  if (!a.contains("path") || !a["path"].is_string() || a["path"].get<std::string>().empty() ||
      a["path"].get<std::string>()[0] != '/') {
    Fail(file, where + "/path", "expected a JSON path into the scenario, such as \"/systemd/wqueue_max\"");
  }
  return a["path"];
}

}  // namespace

nlohmann::json SweepSpec::Canonical() const {
  nlohmann::json axes_json = nlohmann::json::array();
  for (const SweepAxis& a : axes) axes_json.push_back({{"paths", a.paths}, {"values", a.values}});
  return {{"name", name}, {"base", base}, {"seed", seed}, {"replications", replications}, {"axes", axes_json}};
}

SweepSpec ParseSweep(const nlohmann::json& doc, const std::string& file) {
  if (!doc.is_object()) Fail(file, "/", "expected a sweep object");
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    static const char* known[] = {"name", "description", "base", "seed", "replications", "axes"};
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) Fail(file, "/" + it.key(), "unknown key; expected one of: name, description, base, seed, replications, axes");
  }
  SweepSpec s;
  s.file = file;
  if (doc.contains("name")) {
    if (!doc["name"].is_string()) Fail(file, "/name", "expected a string");
    s.name = doc["name"];
  }
  if (!doc.contains("base")) Fail(file, "/base", "expected the base scenario: a path (relative to this file) or an object");
  if (doc["base"].is_string()) {
    std::filesystem::path p = doc["base"].get<std::string>();
    if (p.is_relative()) p = std::filesystem::path(file).parent_path() / p;
    s.base_origin = p.lexically_normal().string();
    s.base = ReadJsonFile(s.base_origin, "base scenario");
  } else if (doc["base"].is_object()) {
    s.base = doc["base"];
    s.base_origin = file + " (/base)";
  } else {
    Fail(file, "/base", "expected a path or a scenario object");
  }
  if (doc.contains("seed")) {
    if (!doc["seed"].is_number_unsigned() && !(doc["seed"].is_number_integer() && doc["seed"].get<std::int64_t>() >= 0)) {
      Fail(file, "/seed", "expected an integer from 0 to 18446744073709551615");
    }
    s.seed = doc["seed"].get<std::uint64_t>();
  }
  if (doc.contains("replications")) {
    if (!doc["replications"].is_number_integer() || doc["replications"].get<std::int64_t>() < 1 ||
        doc["replications"].get<std::int64_t>() > 100000) {
      Fail(file, "/replications", "expected an integer from 1 to 100000");
    }
    s.replications = doc["replications"];
  }
  if (!doc.contains("axes") || !doc["axes"].is_array()) Fail(file, "/axes", "expected an array of axes");
  for (std::size_t i = 0; i < doc["axes"].size(); ++i) {
    const nlohmann::json& a = doc["axes"][i];
    const std::string where = "/axes/" + std::to_string(i);
    if (!a.is_object()) Fail(file, where, "expected an axis object");
    SweepAxis axis;
    std::vector<std::vector<nlohmann::json>> columns;
    if (a.contains("zip")) {
      if (a.size() != 1) Fail(file, where, "a zip axis has only the key \"zip\"");
      if (!a["zip"].is_array() || a["zip"].size() < 2) Fail(file, where + "/zip", "expected an array of two or more axes");
      for (std::size_t j = 0; j < a["zip"].size(); ++j) {
        const std::string w = where + "/zip/" + std::to_string(j);
        const nlohmann::json& z = a["zip"][j];
        if (!z.is_object()) Fail(file, w, "expected an axis object");
        for (auto it = z.begin(); it != z.end(); ++it) {
          if (it.key() != "path" && it.key() != "values" && it.key() != "range") {
            Fail(file, w + "/" + it.key(), "unknown key; expected path with values or range");
          }
        }
        axis.paths.push_back(CheckPath(z, file, w));
        columns.push_back(AxisValues(z, file, w));
        if (columns.back().size() != columns.front().size()) {
          Fail(file, w, "a zipped axis needs as many values as the first (" + std::to_string(columns.front().size()) + ")");
        }
      }
    } else {
      for (auto it = a.begin(); it != a.end(); ++it) {
        if (it.key() != "path" && it.key() != "values" && it.key() != "range") {
          Fail(file, where + "/" + it.key(), "unknown key; expected path with values or range, or zip");
        }
      }
      axis.paths.push_back(CheckPath(a, file, where));
      columns.push_back(AxisValues(a, file, where));
    }
    for (std::size_t k = 0; k < columns.front().size(); ++k) {
      std::vector<nlohmann::json> tuple;
      for (const auto& c : columns) tuple.push_back(c[k]);
      axis.values.push_back(tuple);
    }
    s.axes.push_back(axis);
  }
  for (std::size_t i = 0; i < s.axes.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      for (const std::string& p : s.axes[i].paths) {
        for (const std::string& q : s.axes[j].paths) {
          if (p == q) Fail(file, "/axes/" + std::to_string(i), "the path " + p + " is already an axis");
        }
      }
    }
  }
  return s;
}

SweepSpec LoadSweepFile(const std::string& path) { return ParseSweep(ReadJsonFile(path, "sweep file"), path); }

std::vector<SweepPoint> ExpandSweep(const SweepSpec& spec) {
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
  nlohmann::json doc = spec.base;
  try {
    for (const auto& [path, value] : point.assignments) {
      ApplyOverride(doc, path + "=" + value.dump(), spec.file + ": axis " + path);
    }
    Scenario s = ParseScenario(doc, spec.base_origin + " at point " + point.key);
    s.seed = seed;
    return s;
  } catch (const InputError& e) {
    throw InputError(std::string("sweep ") + e.what());
  }
}

}  // namespace mountstorm
