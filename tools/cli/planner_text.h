// What the planner's commands print: numbers, titles and the tables of trials they share
// (tools/cli/headroom_command.cc, critical_command.cc, size_command.cc, scaling_command.cc).
#ifndef MOUNTSTORM_TOOLS_CLI_PLANNER_TEXT_H_
#define MOUNTSTORM_TOOLS_CLI_PLANNER_TEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "planner/planner.h"

namespace mountstorm {

// Integers with thousands separators ("-" first if negative).
std::string Num(std::int64_t v);
// "[1, 4,000]": a closed range of an axis.
std::string Interval(std::int64_t from, std::int64_t to);
// 1.5 KiB, 936.4 MiB, 2.1 GiB
std::string Memory(double bytes);
// Simulated seconds with 3 decimals, as `mountstorm run` prints them.
std::string Seconds(double s);
// "WHAT NAME (profile P, seed S)".
std::string Title(const std::string& what, const planner::Base& b);
nlohmann::json OptionalSeconds(const std::optional<double>& t);
// What overflow means for `queue`: refusals, or time at the limit for a queue that blocks.
std::string OverflowMeaning(const std::string& queue);
nlohmann::json TrialsJson(const std::vector<planner::Trial>& tried);
const char* OutcomeName(planner::CriticalResult::Outcome o);
void PrintTrials(const std::vector<planner::Trial>& tried, const std::string& value_title);
// The scenario's integer value at `axis` (or its default), for a search without --to.
std::int64_t IntegerAxisValue(const planner::Base& b, const std::string& axis, const std::string& flag);
// Refuses an --axis that is not a JSON path ("/..."), before the scenario is read.
void CheckAxisFlag(const std::string& axis);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_CLI_PLANNER_TEXT_H_
