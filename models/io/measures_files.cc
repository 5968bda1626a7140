// measures.json, measures.csv and drops.csv: the station measures of a run (mountstorm/result.h,
// Measures), written as text (mountstorm/result_files.h). docs/OUTPUTS.md describes every key and
// column.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "mountstorm/csv.h"
#include "mountstorm/result_files.h"

namespace mountstorm {

namespace {

using Json = nlohmann::json;

Json OrNull(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }
Json SecondsOrNull(const std::optional<Time>& t) { return t ? Json(ToSeconds(*t)) : Json(nullptr); }

std::optional<double> Utilisation(Duration busy, const StationWindow& w) {
  if (w.length() <= 0) return std::nullopt;
  return static_cast<double>(busy) / static_cast<double>(w.length());
}

Json WindowJson(const StationWindow& w) {
  return {{"from_s", ToSeconds(w.from)}, {"to_s", ToSeconds(w.to)}, {"length_s", ToSeconds(w.length())}};
}

Json DelayJson(const DelayMeasures& d) {
  return {{"count", d.count},
          {"unmatched", d.unmatched},
          {"mean_s", OrNull(d.mean_s)},
          {"p50_s", SecondsOrNull(d.percentiles.p50)},
          {"p90_s", SecondsOrNull(d.percentiles.p90)},
          {"p99_s", SecondsOrNull(d.percentiles.p99)},
          {"max_s", SecondsOrNull(d.percentiles.max)}};
}

Json MeasuresJson(const RunResult& r) {
  const Measures& m = r.measures;
  Json queues = Json::object(), processes = Json::object();
  for (const QueueMeasures& q : m.queues) {
    queues[q.name] = {{"unit", QueueUnitName(q.unit)},           {"mean_level_storm", OrNull(q.mean_level_storm)},
                      {"mean_level_run", OrNull(q.mean_level_run)}, {"removed", q.removed},
                      {"mean_sojourn_s", OrNull(q.mean_sojourn_s)}};
  }
  for (const ProcessMeasures& p : m.processes) {
    processes[p.name] = {{"busy_storm_s", ToSeconds(p.busy_storm)},
                         {"busy_run_s", ToSeconds(p.busy_run)},
                         {"utilisation_storm", OrNull(Utilisation(p.busy_storm, m.storm))},
                         {"utilisation_run", OrNull(Utilisation(p.busy_run, m.run))}};
  }
  return {{"mountstorm_version", r.version},
          {"scenario", r.scenario},
          {"seed", r.seed},
          {"windows", {{"storm", WindowJson(m.storm)}, {"run", WindowJson(m.run)}}},
          {"queues", queues},
          {"processes", processes},
          {"delay", {{"systemd_to_logind", m.pid1_to_logind ? DelayJson(*m.pid1_to_logind) : Json(nullptr)}}},
          {"refusal_runs", m.refusal_runs.size()}};
}

std::string Fixed(const std::optional<double>& v, int decimals) {
  if (!v) return "";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, *v);
  return text;
}

}  // namespace

std::string MeasuresJsonText(const RunResult& r) { return MeasuresJson(r).dump(2) + "\n"; }

std::string MeasuresCsvText(const Measures& m) {
  std::string out =
      "station,kind,unit,mean_level_storm,mean_level_run,removed,mean_sojourn_s,busy_storm_s,busy_run_s,"
      "utilisation_storm,utilisation_run\n";
  for (const QueueMeasures& q : m.queues) {
    out += CsvField(q.name) + ",queue," + QueueUnitName(q.unit) + "," + Fixed(q.mean_level_storm, 6) + "," +
           Fixed(q.mean_level_run, 6) + "," + std::to_string(q.removed) + "," + Fixed(q.mean_sojourn_s, 9) + ",,,,\n";
  }
  for (const ProcessMeasures& p : m.processes) {
    out += CsvField(p.name) + ",process,,,,,," + FormatTime(p.busy_storm, 9) + "," + FormatTime(p.busy_run, 9) + "," +
           Fixed(Utilisation(p.busy_storm, m.storm), 6) + "," + Fixed(Utilisation(p.busy_run, m.run), 6) + "\n";
  }
  return out;
}

std::string DropsCsvText(const std::vector<RefusalRunResult>& runs) {
  std::string out = "queue,reason,first_s,last_s,count,accepted\n";
  for (const RefusalRunResult& r : runs) {
    out += CsvField(r.queue) + "," + r.reason + "," + FormatTime(r.first, 9) + "," + FormatTime(r.last, 9) + "," +
           std::to_string(r.count) + "," + std::to_string(r.accepted) + "\n";
  }
  return out;
}

}  // namespace mountstorm
