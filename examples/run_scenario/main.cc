// run_scenario SCENARIO.json [OUT_SUMMARY.json]: a program of another project that runs a
// mountstorm scenario through the installed library and reports what PID 1 sent and which queue
// came closest to its limit. With a second argument it writes the run's summary.json there, the
// same bytes `mountstorm run` writes.
#include <cstdio>
#include <fstream>
#include <iostream>

#include <mountstorm/error.h>
#include <mountstorm/result_files.h>
#include <mountstorm/run.h>
#include <mountstorm/scenario.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: run_scenario SCENARIO.json [OUT_SUMMARY.json]\n";
    return 2;
  }
  try {
    const mountstorm::Scenario scenario = mountstorm::LoadScenarioFile(argv[1]);
    const mountstorm::RunResult result = mountstorm::RunScenario(scenario);
    const mountstorm::PeerMessages* pid1 = result.Messages("systemd");
    std::cout << result.scenario << ": PID 1 sent " << (pid1 ? pid1->sent : 0) << " messages in "
              << mountstorm::ToSeconds(result.end_time) << " simulated seconds\n";
    const mountstorm::QueueResult* closest = nullptr;
    for (const mountstorm::QueueResult& q : result.queues) {
      if (q.limit > 0 && (!closest || q.peak * closest->limit > closest->peak * q.limit)) closest = &q;
    }
    if (closest) std::cout << "closest to its limit: " << closest->name << " (" << closest->peak << " of " << closest->limit << ")\n";
    if (argc > 2) std::ofstream(argv[2], std::ios::binary) << mountstorm::SummaryJsonText(result);
    return 0;
  } catch (const mountstorm::InputError& e) {
    std::cerr << "run_scenario: " << e.what() << "\n";
    return 2;
  }
}
