// Keeps the documentation in step with the code:
//   - every parameter of the scenario format (ListParameters(), the list `mountstorm params` prints)
//     has a row in the parameter table of docs/MODEL.md with its path and its default;
//   - that table documents no parameter the code does not have, and every profile has a row in the
//     profile table;
//   - every complete example scenario of docs/SCENARIOS.md (a fenced block tagged `json scenario`)
//     parses and runs;
//   - every shipped scenario (scenarios/*.json) is mentioned in README.md;
//   - docs/PATCHES.md shows the compiled example of tests/patch_example_test.cc verbatim, and a row
//     for every shipped patch;
//   - every key a shipped patch reads has a row in docs/MODEL.md's patch parameter table with its
//     default.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/systemd/policies/patch_registry.h"
#include "mountstorm/policy.h"
#include "mountstorm/run.h"
#include "mountstorm/scenario.h"
#include "tests/test_support.h"

using namespace mountstorm;
using mountstorm::test::ReadFile;
using mountstorm::test::SourcePath;

namespace {

std::string Trim(const std::string& s) {
  std::size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  std::size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The cells of a Markdown table row ("| a | b |" -> {"a", "b"}); empty if the line is not a row.
std::vector<std::string> Cells(const std::string& line) {
  std::string row = Trim(line);
  if (row.size() < 2 || row.front() != '|' || row.back() != '|') return {};
  std::vector<std::string> cells;
  std::size_t start = 1;
  for (std::size_t bar = row.find('|', start); bar != std::string::npos; bar = row.find('|', start)) {
    cells.push_back(Trim(row.substr(start, bar - start)));
    start = bar + 1;
  }
  return cells;
}

std::string Code(const std::string& s) { return "`" + s + "`"; }

// Rows of the parameter table: the first cell is a JSON path in backticks.
std::vector<std::vector<std::string>> ParameterRows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : Lines(text)) {
    std::vector<std::string> cells = Cells(line);
    if (cells.size() >= 2 && cells[0].size() > 3 && cells[0].rfind("`/", 0) == 0 && cells[0].back() == '`') {
      rows.push_back(cells);
    }
  }
  return rows;
}

struct FencedBlock {
  int line = 0;  // 1-based line of the opening fence
  std::string info;
  std::string body;
};

std::vector<FencedBlock> FencedBlocks(const std::string& text) {
  std::vector<FencedBlock> blocks;
  std::vector<std::string> lines = Lines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string opening = Trim(lines[i]);
    if (opening.rfind("```", 0) != 0) continue;
    FencedBlock block;
    block.line = static_cast<int>(i) + 1;
    block.info = Trim(opening.substr(3));
    std::size_t j = i + 1;
    for (; j < lines.size() && Trim(lines[j]) != "```"; ++j) block.body += lines[j] + "\n";
    blocks.push_back(block);
    i = j;  // skip past the closing fence
  }
  return blocks;
}

// PatchParams that answers every key with its default and records the key and the default as
// `mountstorm patches` would show it.
class RecordingParams : public PatchParams {
 public:
  std::vector<std::pair<std::string, std::string>> keys;
  double Number(const char* key, double d, double, double) override { return Add(key, d), d; }
  std::int64_t Integer(const char* key, std::int64_t d, std::int64_t, std::int64_t) override {
    return Add(key, static_cast<double>(d)), d;
  }
  bool Bool(const char* key, bool d) override {
    keys.emplace_back(key, d ? "true" : "false");
    return d;
  }
  Duration Seconds(const char* key, double d, double, double) override { return Add(key, d), FromSeconds(d); }
  Duration Millis(const char* key, double d, double, double) override { return Add(key, d), FromMillis(d); }

 private:
  void Add(const char* key, double d) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", d);
    keys.emplace_back(key, text);
  }
};

}  // namespace

TEST_CASE("docs/MODEL.md has a row for every key of every shipped patch, with its default", "[docs]") {
  const std::string model = ReadFile(SourcePath("docs/MODEL.md"));
  // Rows of the patch parameter table: | `patch` | `key` | `default` | ...
  std::set<std::vector<std::string>> rows;
  for (const std::string& line : Lines(model)) {
    std::vector<std::string> cells = Cells(line);
    if (cells.size() == 6 && cells[0].rfind("`", 0) == 0 && cells[1].rfind("`", 0) == 0) {
      rows.insert({cells[0], cells[1], cells[2]});
    }
  }
  int keys = 0;
  for (const auto& [name, description] : ListPatches()) {
    if (name == "reannounce-at-most-every") continue;  // the example of docs/PATCHES.md, not shipped
    RecordingParams params;
    REQUIRE(FindPatch(name));
    FindPatch(name)(params);
    for (const auto& [key, default_value] : params.keys) {
      INFO("patch " << name << ", key " << key << ", default " << default_value << ": add its row to docs/MODEL.md");
      CHECK(rows.count({Code(name), Code(key), Code(default_value)}) == 1);
      ++keys;
    }
  }
  CHECK(keys >= 11);
}

TEST_CASE("docs/MODEL.md has a row for every parameter with its default", "[docs]") {
  const std::string model = ReadFile(SourcePath("docs/MODEL.md"));
  const std::vector<std::vector<std::string>> rows = ParameterRows(model);
  const std::vector<ParameterInfo> params = ListParameters();
  REQUIRE(!params.empty());
  for (const ParameterInfo& p : params) {
    INFO("parameter " << p.path << ", default " << p.default_value
                      << " (as `mountstorm params` prints it): add or fix its row in docs/MODEL.md");
    bool path_found = false;
    bool default_found = false;
    for (const std::vector<std::string>& cells : rows) {
      if (cells[0] != Code(p.path)) continue;
      path_found = true;
      for (std::size_t c = 1; c < cells.size(); ++c) {
        if (cells[c] == Code(p.default_value)) default_found = true;
      }
    }
    CHECK(path_found);
    CHECK(default_found);
  }
}

TEST_CASE("docs/MODEL.md documents no parameter the code does not have", "[docs]") {
  const std::string model = ReadFile(SourcePath("docs/MODEL.md"));
  std::set<std::string> known;
  for (const ParameterInfo& p : ListParameters()) known.insert(Code(p.path));
  std::set<std::string> seen;
  for (const std::vector<std::string>& cells : ParameterRows(model)) {
    INFO("row for " << cells[0] << " in docs/MODEL.md");
    CHECK(known.count(cells[0]) == 1);
    CHECK(seen.insert(cells[0]).second);  // one row per parameter
  }
}

TEST_CASE("docs/MODEL.md describes every profile", "[docs]") {
  const std::string model = ReadFile(SourcePath("docs/MODEL.md"));
  const auto profiles = ListProfiles();
  REQUIRE(!profiles.empty());
  for (const auto& [name, description] : profiles) {
    INFO("profile " << name << ": add a row to the profile table of docs/MODEL.md");
    bool found = false;
    for (const std::string& line : Lines(model)) {
      std::vector<std::string> cells = Cells(line);
      if (!cells.empty() && cells[0].rfind(Code(name), 0) == 0) found = true;
    }
    CHECK(found);
  }
}

TEST_CASE("every example scenario in docs/SCENARIOS.md parses and runs", "[docs]") {
  const std::string path = SourcePath("docs/SCENARIOS.md");
  const std::string text = ReadFile(path);
  int examples = 0;
  for (const FencedBlock& block : FencedBlocks(text)) {
    if (block.info != "json scenario") continue;
    ++examples;
    const std::string origin = "docs/SCENARIOS.md:" + std::to_string(block.line);
    INFO("the `json scenario` block at " << origin);
    try {
      nlohmann::json doc = nlohmann::json::parse(block.body);
      Scenario scenario = ParseScenario(doc, origin);
      RunOutput result = RunTest(scenario);
      CHECK(result.summary["events"].get<std::uint64_t>() > 0);
      CHECK(!result.curves_csv.empty());
    } catch (const std::exception& e) {
      FAIL_CHECK(e.what());
    }
  }
  CHECK(examples > 0);
}

TEST_CASE("README.md lists every shipped scenario", "[docs]") {
  const std::string readme = ReadFile(SourcePath("README.md"));
  int scenarios = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SourcePath("scenarios"))) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    ++scenarios;
    // The file name is enough: README.md may list several files of a family in one row
    // ("`scenarios/v245-linear-100.json`, `v245-linear-500.json`").
    const std::string name = entry.path().filename().string();
    INFO("scenarios/" << name << " is not mentioned in README.md");
    const bool mentioned = readme.find(name) != std::string::npos;
    CHECK(mentioned);
  }
  CHECK(scenarios > 0);
}

TEST_CASE("docs/PATCHES.md shows the worked example the tests compile, and every patch", "[docs]") {
  const std::string example = ReadFile(SourcePath("tests/patch_example_test.cc"));
  const std::string begin = "// BEGIN EXAMPLE\n", end = "// END EXAMPLE";
  std::size_t from = example.find(begin), to = example.find(end);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  const std::string code = example.substr(from + begin.size(), to - from - begin.size());
  const std::string doc = ReadFile(SourcePath("docs/PATCHES.md"));
  CHECK(doc.find("```cpp\n" + code + "```") != std::string::npos);
  CHECK(Lines(code).size() < 50);  // "a new policy in under 50 lines"
  for (const auto& [name, description] : ListPatches()) {
    if (name == "reannounce-at-most-every") continue;  // the example itself, when its test ran first
    INFO(name);
    CHECK(doc.find("| `" + name + "` |") != std::string::npos);
  }
}
