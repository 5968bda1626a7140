#include "cli/scenario_input.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "io/sha256.h"
#include "io/text_io.h"
#include "mountstorm/error.h"
#include "mountstorm/input.h"

namespace mountstorm {
namespace {

const char kMountinfoPointer[] = "/mount_table/mountinfo_file";

// The mount table the document names, resolved as the scenario reader resolves it: relative to
// the scenario file (to the working directory for standard input).
std::optional<std::string> MountinfoPath(const ScenarioDocument& doc) {
  const std::optional<std::string> value = doc.Get(kMountinfoPointer);
  if (!value) return std::nullopt;
  const nlohmann::json v = nlohmann::json::parse(*value);
  if (!v.is_string() || v.get<std::string>().empty()) return std::nullopt;
  std::filesystem::path p = v.get<std::string>();
  if (p.is_relative() && doc.origin() != "-") p = std::filesystem::path(doc.origin()).parent_path() / p;
  return p.lexically_normal().string();
}

}  // namespace

std::string ScenarioInput::EffectiveText() const {
  nlohmann::json j = nlohmann::json::parse(doc.Text());
  if (mountinfo) j["mount_table"]["mountinfo_file"] = kMountinfoCopyName;
  return j.dump(2) + "\n";
}

namespace {

// The document of ReadScenarioInput, and the hash of the scenario's text.
ScenarioDocument ReadDocument(const std::string& path, const std::vector<std::string>& sets, std::string* sha256) {
  const std::string text = ReadInputOrStdin(path, "scenario file");
  *sha256 = Sha256Hex(text);
  ScenarioDocument doc = ScenarioDocument::FromText(text, path);
  for (const std::string& s : sets) doc.Override(s, "--set " + s);
  return doc;
}

}  // namespace

ScenarioInput ReadScenarioInput(const std::string& path, const std::vector<std::string>& sets) {
  std::string sha;
  ScenarioDocument doc = ReadDocument(path, sets, &sha);
  ScenarioInput in{std::move(doc), {{path, sha}}, std::nullopt};
  if (std::optional<std::string> table = MountinfoPath(in.doc)) {
    // Read once more for the copy; a table that cannot be read is reported when it is parsed.
    try {
      in.mountinfo = ReadInputFile(*table, "mount table");
      in.inputs.push_back({*table, Sha256Hex(*in.mountinfo)});
    } catch (const InputError&) {
    }
  }
  return in;
}

Scenario LoadScenarioArg(const std::string& path, const std::vector<std::string>& sets) {
  std::string sha;
  return ReadDocument(path, sets, &sha).Parse();
}

}  // namespace mountstorm
