// CommandLine: how every command of the program declares and reads its options.
//
// The options several commands share (the scenario file, --set, --profile, --seed, --mountinfo,
// --jobs, --json, --quiet, -o) are declared by one method each, so that they are spelt, described and checked
// alike everywhere; a command's own options by Flag(), Text(), Texts() and Integer(). Each option
// is bound to a variable of the command, so that nothing is looked up by name afterwards.
// Parse() reads the arguments with Boost.Program_options: an unknown option, a missing required
// one or a malformed value is an InputError naming the command; --help prints the usage and the
// options and makes Parse() return false.
#ifndef MOUNTSTORM_TOOLS_CLI_COMMAND_LINE_H_
#define MOUNTSTORM_TOOLS_CLI_COMMAND_LINE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "mountstorm/run.h"

namespace mountstorm {

class CommandLine {
 public:
  // `usage`: the synopsis and a paragraph about the command, printed first by --help.
  CommandLine(std::string command, std::string usage);

  // The positional SCENARIO.json.
  CommandLine& Scenario(std::string* path);
  // Other positional arguments: `count` of them (-1: any number).
  CommandLine& Positionals(const char* name, std::vector<std::string>* values, int count, const char* help);
  CommandLine& Positional(const char* name, std::string* value, const char* help);
  // -o FILE or -o DIR: `what` says what is written there.
  CommandLine& Output(std::string* path, const char* what, bool required = true);
  // The overrides of a scenario, all given to `sets` as "/json/pointer=value" in the order they
  // apply: --profile NAME (first), --set /json/path=value (repeatable, in order), --seed N and
  // --mountinfo FILE (as /mount_table/mountinfo_file, made absolute).
  CommandLine& Overrides(std::vector<std::string>* sets);
  // --engine trains|messages: how the runs are simulated (mountstorm/run.h); the results are the same.
  CommandLine& EngineOption(Engine* engine);
  // --jobs N: the threads; 0 when not given (one per CPU, see Jobs()).
  CommandLine& Jobs(int* jobs);
  CommandLine& Json(bool* json);
  CommandLine& Quiet(bool* quiet);
  // --max-events N, --max-sim-time-s S and --max-memory-mib M: a run's budget (mountstorm/run.h);
  // what is not given keeps its default.
  CommandLine& Budget(RunBudget* budget);

  CommandLine& Flag(const char* name, bool* value, const char* help);
  CommandLine& Text(const char* name, std::string* value, const char* help);
  CommandLine& Text(const char* name, std::optional<std::string>* value, const char* help);
  CommandLine& Texts(const char* name, std::vector<std::string>* values, const char* help);
  CommandLine& Integer(const char* name, std::optional<std::int64_t>* value, const char* help);
  CommandLine& Integer(const char* name, int* value, const char* help);
  // Options the command cannot do without.
  CommandLine& RequiredText(const char* name, std::string* value, const char* help);
  CommandLine& RequiredInteger(const char* name, std::int64_t* value, const char* help);

  // Reads `args`; false (after printing the help) when --help was given.
  bool Parse(const std::vector<std::string>& args);
  // Whether the option `name` was on the command line.
  bool Given(const char* name) const { return vm_.count(name) > 0 && !vm_.at(name).defaulted(); }

 private:
  std::string command_;
  std::string usage_;
  boost::program_options::options_description options_;
  boost::program_options::positional_options_description positional_;
  boost::program_options::variables_map vm_;
  std::vector<std::string>* sets_ = nullptr;
  std::optional<std::string> profile_;
  std::optional<std::string> seed_text_;
  std::optional<std::string> engine_text_;
  Engine* engine_ = nullptr;
  std::optional<std::string> mountinfo_;
  int* jobs_ = nullptr;
  RunBudget* budget_ = nullptr;
  std::optional<std::string> max_events_, max_sim_time_, max_memory_;
  void ReadBudget();
};

// The threads of --jobs: the value given, else one per CPU.
int Jobs(int jobs);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_CLI_COMMAND_LINE_H_
