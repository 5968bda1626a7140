// Text of the CSV outputs (curves.csv, events.csv, a sweep's results.csv): times in seconds by
// integer arithmetic, so that they never depend on floating-point printing, and fields quoted as
// RFC 4180 quotes them.
#ifndef MOUNTSTORM_MODELS_CSV_TEXT_H_
#define MOUNTSTORM_MODELS_CSV_TEXT_H_

#include <string>

#include "mountstorm/time.h"

namespace mountstorm {

// `t` in seconds with `decimals` (0 to 9) decimals, truncated: 1500000000 ns, 3 -> "1.500".
std::string FormatTime(Time t, int decimals);

// `s` as it is, or in double quotes (inner quotes doubled) when it holds a comma, quote or newline.
std::string CsvField(const std::string& s);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_CSV_TEXT_H_
