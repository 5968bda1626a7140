// The commands of the mountstorm program, in one table: name, synopsis, one line of help and the
// function that runs it. mountstorm.cc dispatches from the table and makes `mountstorm --help`
// from it. Each function takes the arguments after the command's name and returns the exit
// status; bad input is thrown as InputError (exit 2).
#ifndef MOUNTSTORM_TOOLS_CLI_COMMANDS_H_
#define MOUNTSTORM_TOOLS_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace mountstorm {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitInput = 2;

using CommandArgs = std::vector<std::string>;

// How many simulations a command runs in one process. A command that runs many keeps the memory
// each run frees for the next (KeepFreedMemory() in mountstorm.cc).
enum class Runs { kOne, kMany };

struct Command {
  const char* name;
  const char* synopsis;  // the arguments, as `mountstorm --help` shows them
  const char* summary;   // one line
  int (*run)(const CommandArgs& args);
  Runs runs = Runs::kOne;
};

// Every command, in the order `mountstorm --help` lists them.
const std::vector<Command>& Commands();

// run_command.cc
int RunCommand(const CommandArgs& args);
// scenario_commands.cc
int ValidateCommand(const CommandArgs& args);
int ParamsCommand(const CommandArgs& args);
int ProfilesCommand(const CommandArgs& args);
int PatchesCommand(const CommandArgs& args);
int GraphCommand(const CommandArgs& args);
// picture_commands.cc
int PlotCommand(const CommandArgs& args);
int ReportCommand(const CommandArgs& args);
// compare_command.cc
int CompareCommand(const CommandArgs& args);
// headroom_command.cc, critical_command.cc, size_command.cc, scaling_command.cc
int HeadroomCommand(const CommandArgs& args);
int CriticalCommand(const CommandArgs& args);
int SizeCommand(const CommandArgs& args);
int ScalingCommand(const CommandArgs& args);
// replay_command.cc
int ReplayCommand(const CommandArgs& args);
// testbed_command.cc
int TestbedCheckCommand(const CommandArgs& args);
// sweep_commands.cc
int SweepCommand(const CommandArgs& args);
int MergeCommand(const CommandArgs& args);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_CLI_COMMANDS_H_
