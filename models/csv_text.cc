#include "models/csv_text.h"

#include <cstdint>
#include <cstdio>

namespace mountstorm {

std::string FormatTime(Time t, int decimals) {
  std::int64_t whole = t / kSecond;
  std::int64_t frac = t % kSecond;
  for (int d = 9; d > decimals; --d) frac /= 10;
  char buf[64];
  if (decimals == 0) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(whole));
  } else {
    std::snprintf(buf, sizeof buf, "%lld.%0*lld", static_cast<long long>(whole), decimals,
                  static_cast<long long>(frac));
  }
  return buf;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace mountstorm
