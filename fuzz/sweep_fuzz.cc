// Fuzz target: a sweep file (mountstorm sweep) and the canonical sweep.json of a sweep directory
// (mountstorm merge): read strictly, counted, and, when small enough to be quick, expanded into its
// points and the scenario of the first one. A base given as a path is read relative to the
// working directory, as for a sweep file there.
#include <nlohmann/json.hpp>

#include "fuzz/fuzz_target.h"
#include "mountstorm/scenario.h"
#include "sweep/sweep_spec.h"

namespace {

void Expand(const mountstorm::SweepSpec& spec) {
  if (mountstorm::CountSweepRuns(spec) > 1000) return;  // the limit itself is checked by the count
  const std::vector<mountstorm::SweepPoint> points = mountstorm::ExpandSweep(spec);
  if (!points.empty()) mountstorm::PointScenario(spec, points.front(), 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return mountstorm::fuzz::Accept(data, size, [](const std::string& text) {
    try {
      Expand(mountstorm::ParseCanonicalSweep(text, "fuzz/sweep.json"));
    } catch (const mountstorm::InputError&) {
    }
    mountstorm::CheckJsonText(text, "fuzz.json");
    Expand(mountstorm::ParseSweep(nlohmann::json::parse(text), "fuzz.json"));
  });
}
