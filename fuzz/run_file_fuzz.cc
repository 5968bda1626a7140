// Fuzz target: what mountstorm reads back of its own outputs: a sweep's run file (runs/*.json,
// read by a resumed sweep and by merge), and the summary.json, curves.csv and events.csv of a run
// directory (plot, report), each fed the same bytes.
#include "fuzz/fuzz_target.h"
#include "mountstorm/input.h"
#include "mountstorm/result_files.h"
#include "sweep/sweep_runner.h"

namespace {

template <typename Read>
void Refusable(Read read) {
  try {
    read();
  } catch (const mountstorm::InputError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return mountstorm::fuzz::Accept(data, size, [](const std::string& text) {
    Refusable([&] { mountstorm::ParseCurvesCsv(text, "fuzz/curves.csv"); });
    Refusable([&] { mountstorm::ParseEventsCsv(text, "fuzz/events.csv"); });
    Refusable([&] {
      mountstorm::GuardJsonText(text, "fuzz/summary.json");
      mountstorm::ParseSummaryJson(text, "fuzz/summary.json");
    });
    nlohmann::json record;
    mountstorm::RunResult result;
    std::string damage;
    mountstorm::ParseRunRecord(text, "fuzz/runs/0-r0.json", R"({"/seed":1})", 0, &record, &result, &damage);
  });
}
