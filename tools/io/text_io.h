// Text in and out for the tools: a whole file read at once, and the formats of the numbers in
// their tables (thousands separators, seconds, percentages).
#ifndef MOUNTSTORM_TOOLS_IO_TEXT_IO_H_
#define MOUNTSTORM_TOOLS_IO_TEXT_IO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mountstorm/scenario.h"
#include "mountstorm/time.h"

namespace mountstorm {

// The whole file at `path`; an InputError naming it when it cannot be read, is not a regular file
// or is larger than kMaxInputFileBytes (ReadInputFile(), mountstorm/input.h).
std::string ReadFileText(const std::string& path);
// The same, or standard input when `path` is "-" (at most kMaxInputFileBytes of it); `what` names
// the input in messages ("scenario file"). Standard input is read once and kept.
std::string ReadInputOrStdin(const std::string& path, const std::string& what);
// (A JSON file is read with ReadJsonFileText(), mountstorm/scenario.h: strictly, as scenarios are.)

// 1234567 -> "1,234,567".
std::string WithCommas(std::uint64_t n);
// Seconds with 3 decimals ("%.3f"). A Time (integer nanoseconds) goes to FormatTimeSeconds.
std::string FormatSeconds(double seconds);
std::string FormatSeconds(Time t) = delete;
// A simulated time in seconds with 3 decimals, or "-" for none.
std::string FormatTimeSeconds(std::optional<Time> t);
// `v` with `decimals` decimals.
std::string FormatFixed(double v, int decimals);
// A fraction as a percentage with one decimal: 0.123 -> "12.3 %".
std::string FormatPercent(double fraction);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_IO_TEXT_IO_H_
