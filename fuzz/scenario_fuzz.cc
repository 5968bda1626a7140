// Fuzz target: a scenario file, read and checked as `mountstorm validate` does (ScenarioDocument,
// the strict JSON check, every key, type and range of the scenario reader).
#include "fuzz/fuzz_target.h"
#include "mountstorm/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return mountstorm::fuzz::Accept(data, size, [](const std::string& text) {
    mountstorm::ScenarioDocument::FromText(text, "fuzz.json").Parse();
  });
}
