// Fuzz target: a patch spec, the JSON object of one patch of PID 1 ("patches" in a scenario, or
// compare --a/--b), made once by name from its parameters (ParsePatchSpec).
#include "fuzz/fuzz_target.h"
#include "mountstorm/input.h"
#include "mountstorm/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return mountstorm::fuzz::Accept(data, size, [](const std::string& text) {
    mountstorm::GuardJsonText(text, "fuzz");
    mountstorm::ParsePatchSpec(text, "fuzz.json", "/patches/0");
  });
}
