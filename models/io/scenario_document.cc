// Scenario documents: JSON text read strictly, "--set" overrides, and ScenarioDocument, the value
// type through which the tools change a scenario before it is read (mountstorm/scenario.h).
#include <utility>

#include "models/io/scenario_json.h"
#include "models/json/json_text.h"
#include "mountstorm/error.h"
#include "mountstorm/input.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

namespace {

nlohmann::json ReadJsonFile(const std::string& path, const std::string& what) {
  return ParseJsonText(ReadInputFile(path, what), path);
}

}  // namespace

std::string ReadJsonFileText(const std::string& path, const std::string& what) {
  return ReadJsonFile(path, what).dump();
}

void CheckJsonText(const std::string& text, const std::string& origin) { ParseJsonText(text, origin); }

// ---- ScenarioDocument ----------------------------------------------------------------------------

struct ScenarioDocument::Impl {
  nlohmann::json doc;
  std::string origin;
};

ScenarioDocument::ScenarioDocument(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScenarioDocument::ScenarioDocument(const ScenarioDocument& other) : impl_(std::make_unique<Impl>(*other.impl_)) {}
ScenarioDocument& ScenarioDocument::operator=(const ScenarioDocument& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
ScenarioDocument::ScenarioDocument(ScenarioDocument&&) noexcept = default;
ScenarioDocument& ScenarioDocument::operator=(ScenarioDocument&&) noexcept = default;
ScenarioDocument::~ScenarioDocument() = default;

ScenarioDocument ScenarioDocument::Read(const std::string& path, const std::string& what) {
  return ScenarioDocument(std::make_unique<Impl>(Impl{ReadJsonFile(path, what), path}));
}

ScenarioDocument ScenarioDocument::FromText(const std::string& text, const std::string& origin) {
  return ScenarioDocument(std::make_unique<Impl>(Impl{ParseJsonText(text, origin), origin}));
}

const std::string& ScenarioDocument::origin() const { return impl_->origin; }

void ScenarioDocument::Override(const std::string& assignment, const std::string& origin) {
  ApplyOverride(impl_->doc, assignment, origin);
}

std::optional<std::string> ScenarioDocument::Get(const std::string& pointer) const {
  try {
    const nlohmann::json::json_pointer p(pointer);
    if (impl_->doc.contains(p)) return impl_->doc.at(p).dump();
  } catch (const nlohmann::json::exception&) {
  }
  return std::nullopt;
}

std::string ScenarioDocument::Text() const { return impl_->doc.dump(); }

Scenario ScenarioDocument::Parse() const { return ParseScenarioJson(impl_->doc, impl_->origin); }
Scenario ScenarioDocument::Parse(const std::string& origin) const { return ParseScenarioJson(impl_->doc, origin); }

Scenario LoadScenarioFile(const std::string& path, const std::vector<std::string>& overrides) {
  ScenarioDocument doc = ScenarioDocument::Read(path);
  for (const std::string& o : overrides) doc.Override(o, "--set " + o);
  return doc.Parse();
}

}  // namespace mountstorm
