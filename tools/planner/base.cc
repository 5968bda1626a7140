// The scenario a planner command starts from, its current values, and the runs made from it
// (tools/planner/planner.h: Base, Apply, CurrentValue, Runner).
#include "planner/planner.h"

#include <algorithm>

#include "mountstorm/run.h"
#include "io/parallel_for.h"
#include "io/text_io.h"
#include "planner/planner_internal.h"

namespace mountstorm {
namespace planner {

namespace {

std::string Assignment(const std::string& path, const nlohmann::json& value) { return path + "=" + value.dump(); }

ScenarioDocument AppliedDocument(const Base& base, const Assignments& a) {
  ScenarioDocument doc = base.doc;
  for (const auto& [path, value] : a) {
    const std::string text = Assignment(path, value);
    doc.Override(text, base.origin + " with " + text);
  }
  return doc;
}

}  // namespace

Base LoadBase(const std::string& path, const std::vector<std::string>& sets) {
  // Read, overridden and parsed as `mountstorm run` reads a scenario (LoadScenarioFile), so that
  // every input error is reported as a run would report it.
  // "-" reads standard input.
  return BaseFromDocument(ScenarioDocument::FromText(ReadInputOrStdin(path, "scenario file"), path), sets);
}

Base BaseFromDocument(ScenarioDocument doc, const std::vector<std::string>& sets) {
  for (const std::string& o : sets) doc.Override(o, "--set " + o);
  Scenario scenario = doc.Parse();
  return Base{doc.origin(), std::move(doc), std::move(scenario)};
}

Scenario Apply(const Base& base, const Assignments& a) { return AppliedDocument(base, a).Parse(); }

Assignments With(Assignments a, const std::string& path, std::int64_t value) {
  for (auto& [p, v] : a) {
    if (p == path) {
      v = value;
      return a;
    }
  }
  a.emplace_back(path, value);
  return a;
}

bool MatchesPattern(const std::string& path, const std::string& pattern) {
  std::size_t i = 0, j = 0;
  while (i < path.size() && j < pattern.size()) {
    if (pattern[j] == '*') {
      std::size_t end = path.find('/', i);
      if (end == std::string::npos) end = path.size();
      if (end == i || path.find_first_not_of("0123456789", i) < end) return false;
      i = end;
      ++j;
    } else if (path[i++] != pattern[j++]) {
      return false;
    }
  }
  return i == path.size() && j == pattern.size();
}

std::optional<nlohmann::json> CurrentValue(const Base& base, const std::string& path) {
  // Not a JSON pointer: nothing here; setting the axis reports it.
  if (std::optional<std::string> set = base.doc.Get(path)) return nlohmann::json::parse(*set);
  for (const ParameterInfo& p : ListParameters(base.scenario.profile)) {
    if (MatchesPattern(path, p.path)) return nlohmann::json::parse(p.default_value);
  }
  return std::nullopt;
}

Runner::Runner(Base base, int jobs, Engine engine, Progress* progress)
    : base_(std::move(base)), jobs_(std::max(1, jobs)), engine_(engine), progress_(progress) {}

RunResult Runner::Summary(const Assignments& a) {
  const ScenarioDocument doc = AppliedDocument(base_, a);
  // The whole document is the key: two assignment lists that make the same scenario share a run.
  const std::string key = doc.Text();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return *it->second;
  }
  // The curves and events of the searches' runs are not kept: only their summaries are read.
  RunResult result = RunScenario(doc.Parse(), RunOptions{engine_, nullptr, {}});
  result.curves = Curves{};
  result.event_log.clear();
  auto summary = std::make_shared<RunResult>(std::move(result));
  std::size_t made = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cache_.emplace(key, summary);
    made = cache_.size();
  }
  if (progress_ != nullptr) progress_->Update(std::to_string(made) + (made == 1 ? " run" : " runs"));
  return *summary;
}

std::vector<RunResult> Runner::Summaries(const std::vector<Assignments>& runs) {
  std::vector<RunResult> out(runs.size());
  ParallelFor(static_cast<int>(runs.size()), jobs_,
              [&](int i) { out[static_cast<std::size_t>(i)] = Summary(runs[static_cast<std::size_t>(i)]); });
  return out;
}

int Runner::runs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(cache_.size());
}

}  // namespace planner
}  // namespace mountstorm
