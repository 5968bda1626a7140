// The table of commands (cli/commands.h).
#include "cli/commands.h"

namespace mountstorm {

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"run", "SCENARIO.json -o DIR", "simulate; write DIR/summary.json, curves.csv and events.csv", RunCommand},
      {"validate", "SCENARIO.json", "check a scenario file and print what it sets up", ValidateCommand},
      {"params", "[--json]", "list every scenario parameter with its default", ParamsCommand},
      {"profiles", "[--json]", "list the systemd versions a scenario can start from", ProfilesCommand},
      {"plot", "DIR -o FILE.svg", "draw a run's queues over time, or a sweep's outcome (SVG)", PlotCommand},
      {"report", "DIR -o FILE.html", "one self-contained page: summary tables, plots, scenario", ReportCommand},
      {"graph", "SCENARIO.json", "print the bus topology as Graphviz DOT", GraphCommand},
      {"patches", "", "list the patches of PID 1 a scenario can apply", PatchesCommand},
      {"compare", "SCENARIO --a X --b Y", "run two variants side by side (profiles, patches)",
       CompareCommand, Runs::kMany},
      {"headroom", "SCENARIO.json", "each queue's peak against its limit, and the bottleneck", HeadroomCommand},
      {"critical", "SCENARIO.json --axis PATH", "the smallest value at which a queue overflows",
       CriticalCommand, Runs::kMany},
      {"size", "SCENARIO.json --queue NAME", "the smallest limit with no refusal, and its memory",
       SizeCommand, Runs::kMany},
      {"scaling", "SCENARIO.json --axis PATH --from A --to B", "message volume and safe storm vs limit",
       ScalingCommand, Runs::kMany},
      {"replay", "CAPTURE [--scenario S]", "count a bus capture (busctl capture); compare with a run", ReplayCommand},
      {"testbed-check", "STORMS.csv", "the model against the storms of a real systemd (tools/testbed/)",
       TestbedCheckCommand, Runs::kMany},
      {"sweep", "SWEEP.json -o DIR", "run a parameter sweep (parallel, resumable, shardable)",
       SweepCommand, Runs::kMany},
      {"merge", "-o OUT DIR...", "combine the directories of a sweep's shards", MergeCommand},
  };
  return commands;
}

}  // namespace mountstorm
