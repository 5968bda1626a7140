// Pieces every command of the mountstorm program uses: option parsing with the project's error
// style, reading a whole file, and number formatting for tables.
#ifndef MOUNTSTORM_TOOLS_CLI_UTIL_H_
#define MOUNTSTORM_TOOLS_CLI_UTIL_H_

#include <cstdint>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "mountstorm/scenario.h"

namespace mountstorm {

constexpr int kExitOk = 0;
constexpr int kExitInternal = 1;
constexpr int kExitInput = 2;

// Parses the options of `command`; returns false (after printing usage) when --help was asked.
// A parse error is an InputError naming the command.
bool ParseCommand(const std::string& command, const std::vector<std::string>& args,
                  const boost::program_options::options_description& options,
                  const boost::program_options::positional_options_description& positional, const char* usage,
                  boost::program_options::variables_map* vm);

// The whole file at `path`; an InputError naming it when it cannot be read.
std::string ReadFileText(const std::string& path);
// (A JSON file is read with ReadJsonFile(), mountstorm/scenario.h: strictly, as scenarios are.)

// The threads of --jobs: the value given (an InputError unless positive), else one per CPU.
int JobsOption(const boost::program_options::variables_map& vm, int jobs);

// --profile NAME as the first override (/profile=NAME), so that --set may still change anything.
void AddProfileOverride(const boost::program_options::variables_map& vm, std::vector<std::string>* sets);

// Parses a seed given on the command line (not by program_options, which wraps "-1").
std::uint64_t ParseSeed(const std::string& text);


// 1234567 -> "1,234,567".
std::string WithCommas(std::uint64_t n);
// Seconds with 3 decimals, or "-" for null.
std::string FormatSeconds(const nlohmann::json& v);
// `v` with `decimals` decimals.
std::string FormatFixed(double v, int decimals);
// A fraction as a percentage with one decimal: 0.123 -> "12.3 %".
std::string FormatPercent(double fraction);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_CLI_UTIL_H_
