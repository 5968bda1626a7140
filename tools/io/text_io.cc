#include "io/text_io.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "mountstorm/error.h"
#include "mountstorm/input.h"

namespace mountstorm {

std::string ReadFileText(const std::string& path) { return ReadInputFile(path, "file"); }

std::string WithCommas(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatSeconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", seconds);
  return buf;
}

std::string FormatTimeSeconds(std::optional<Time> t) { return t ? FormatSeconds(ToSeconds(*t)) : "-"; }

std::string FormatFixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string FormatPercent(double fraction) { return FormatFixed(100.0 * fraction, 1) + " %"; }

}  // namespace mountstorm
