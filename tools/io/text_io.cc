#include "io/text_io.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "mountstorm/error.h"
#include "mountstorm/input.h"

namespace mountstorm {

std::string ReadFileText(const std::string& path) { return ReadInputFile(path, "file"); }

std::string ReadInputOrStdin(const std::string& path, const std::string& what) {
  if (path != "-") return ReadInputFile(path, what);
  // Standard input is read once; a command that reads "-" again (compare's two variants) gets
  // the same text.
  static std::optional<std::string> read;
  if (read) return *read;
  std::string text;
  char buffer[65536];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0) {
    text.append(buffer, n);
    if (text.size() > kMaxInputFileBytes) {
      throw InputError("-: the " + what + " on standard input is larger than " +
                       std::to_string(kMaxInputFileBytes >> 20) + " MiB, the largest input mountstorm reads");
    }
  }
  if (std::ferror(stdin)) throw InputError("-: cannot read the " + what + " from standard input");
  read = text;
  return text;
}

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
