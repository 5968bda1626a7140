// A testbed storm's phase as a scenario, and its run (validation/storm_run.h).
#include "validation/storm_run.h"

#include <algorithm>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "mountstorm/run.h"

namespace mountstorm {

namespace {

using nlohmann::json;

// The template of a storm mount (or a pre-existing one): an fstype file system named after it.
json TemplateOf(const std::string& dir, const char* leaf, const std::string& fstype) {
  return json{{"path", dir + "/" + leaf + "{i}"}, {"source", fstype}, {"fstype", fstype}, {"options", "rw,relatime"}};
}

// The (u)mount loop: the first change op_mean_s after the start, then evenly over the loop.
json Workload(const TestbedStorm& storm, const StormPhase& phase) {
  const bool mount = phase.kind == StormPhaseKind::kMount;
  const double first_s = ToSeconds(kPhaseStart) + phase.op_mean_s;
  const double gap_s = storm.mounts > 1 ? (phase.loop_s - phase.op_mean_s) / (storm.mounts - 1) : 0.0;
  json loop = {{"kind", "interval"},
               {"name", mount ? "mount" : "umount"},
               {"op", mount ? "mount" : "umount"},
               {"count", storm.mounts},
               {"start_s", first_s},
               {"interval_ms", gap_s * 1e3},
               {"mount", TemplateOf(storm.storm_dir, "m", storm.fstype)}};
  return json::array({loop});
}

// What is mounted when the phase starts, on top of the base scenario's table.
json Generated(const ScenarioDocument& base, const TestbedStorm& storm, const StormPhase& phase) {
  json generate = json::array();
  if (std::optional<std::string> given = base.Get("/mount_table/generate")) generate = json::parse(*given);
  if (storm.preexisting > 0) {
    json pre = TemplateOf(storm.pre_base, "p", storm.fstype);
    pre.emplace("count", storm.preexisting);
    generate.push_back(pre);
  }
  if (phase.kind == StormPhaseKind::kUmount) {
    json own = TemplateOf(storm.storm_dir, "m", storm.fstype);
    own.emplace("count", storm.mounts);
    generate.push_back(own);
  }
  return generate;
}

void Set(ScenarioDocument* doc, const std::string& pointer, const json& value) {
  doc->Override(pointer + "=" + value.dump(), "the storm's " + pointer);
}

}  // namespace

ScenarioDocument PhaseScenario(const ScenarioDocument& base, const TestbedStorm& storm, const StormPhase& phase) {
  ScenarioDocument doc = base;
  Set(&doc, "/name", storm.name + "-" + StormPhaseName(phase.kind));
  // A table read from a file stays the base's, wherever this scenario is written.
  if (std::optional<std::string> file = base.Get("/mount_table/mountinfo_file")) {
    std::filesystem::path p = json::parse(*file).get<std::string>();
    if (p.is_relative()) p = std::filesystem::path(base.origin()).parent_path() / p;
    Set(&doc, "/mount_table/mountinfo_file", std::filesystem::absolute(p).lexically_normal().string());
  }
  Set(&doc, "/mount_table/generate", Generated(base, storm, phase));
  Set(&doc, "/workload", Workload(storm, phase));
  if (storm.unlimited) Set(&doc, "/systemd/mountinfo_ratelimit/interval_s", 0);
  if (storm.burst) Set(&doc, "/systemd/mountinfo_ratelimit/burst", *storm.burst);
  if (!storm.subscriber) Set(&doc, "/logind/enabled", false);
  return doc;
}

namespace {

// PID 1's signals as the relay routes them: everything sent from systemd's object tree.
class Pid1Signals : public MessageTap {
 public:
  bool Wants(Time) override { return true; }
  void Routed(const TracedMessage& m) override {
    if (m.type != "signal" || m.path.rfind("/org/freedesktop/systemd1", 0) != 0) return;
    ++f.signals;
    if (m.member == "UnitNew") {
      ++f.unit_new;
    } else if (m.member == "UnitRemoved") {
      ++f.unit_removed;
    } else if (m.member == "PropertiesChanged") {
      ++f.properties_changed;
    } else {
      ++f.other;
    }
    last = std::max(last, m.time);
  }
  PhaseFigures f;
  Time last = 0;
};

}  // namespace

PhaseFigures SimulatePhase(const Scenario& scenario) {
  Pid1Signals tap;
  const RunResult r = RunScenario(scenario, &tap);
  PhaseFigures f = tap.f;
  f.rescans = r.scans.count;
  Time last = tap.last;
  for (const RunEvent& e : r.event_log) {
    if (e.kind == RunEvent::Kind::kScan) last = std::max(last, e.time);
  }
  f.active_s = last > kPhaseStart ? ToSeconds(last - kPhaseStart) : 0.0;
  if (const ProcessResult* pid1 = r.Process("systemd")) f.pid1_cpu_s = ToSeconds(pid1->busy);
  return f;
}

}  // namespace mountstorm
