// CSV as mountstorm writes and reads it (mountstorm/csv.h).
#include "mountstorm/csv.h"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <utility>

#include "mountstorm/error.h"

namespace mountstorm {

std::string FormatTime(Time t, int decimals) {
  std::int64_t whole = t / kSecond;
  std::int64_t frac = t % kSecond;
  for (int d = 9; d > decimals; --d) frac /= 10;
  char buf[64];
  if (t >= 0) {
    // What the snprintf below prints, without parsing a format: a curves.csv has a row per sample.
    char* end = std::to_chars(buf, buf + 24, whole).ptr;
    if (decimals > 0) {
      *end++ = '.';
      for (int d = decimals - 1; d >= 0; --d, frac /= 10) end[d] = static_cast<char>('0' + frac % 10);
      end += decimals;
    }
    return std::string(buf, end);
  }
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

int CsvTable::Column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::vector<std::string> CsvHeader(const std::string& text) {
  std::vector<std::string> header;
  std::string line = text.substr(0, text.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::size_t start = 0;
  for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1) {
    header.push_back(line.substr(start, comma - start));
  }
  if (!line.empty()) header.push_back(line.substr(start));
  return header;
}

void ForEachCsvRow(const std::string& text, const std::string& origin, const CsvRowVisitor& on_row) {
  std::vector<std::string> fields(1);
  std::size_t n = 0;  // fields[n] is the field being read; those before it are complete
  std::size_t width = 0, row = 0;
  bool quoted = false, field_started = false;
  int line = 1;
  auto next_field = [&] {
    if (++n == fields.size()) fields.emplace_back();
    fields[n].clear();
  };
  auto end_row = [&] {
    const std::size_t count = n + 1;
    if (row == 0) {
      width = count;
    } else if (count != width) {
      throw InputError(origin + ": line " + std::to_string(line) + ": " + std::to_string(count) +
                       " fields, expected " + std::to_string(width) + " as in the header");
    }
    on_row(std::span<const std::string>(fields.data(), count), row++);
    n = 0;
    fields[0].clear();
    field_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          fields[n] += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        fields[n] += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      next_field();
      field_started = true;
    } else if (c == '\n') {
      end_row();
      ++line;
    } else if (c != '\r') {
      fields[n] += c;
      field_started = true;
    }
  }
  if (quoted) throw InputError(origin + ": a quoted field is not closed");
  if (field_started || n > 0) end_row();
  if (row == 0) throw InputError(origin + ": empty file (expected a header line)");
}

CsvTable ParseCsv(const std::string& text, const std::string& origin) {
  CsvTable table;
  ForEachCsvRow(text, origin, [&](std::span<const std::string> fields, std::size_t row) {
    std::vector<std::string> copy(fields.begin(), fields.end());
    if (row == 0) {
      table.header = std::move(copy);
    } else {
      table.rows.push_back(std::move(copy));
    }
  });
  return table;
}

}  // namespace mountstorm
