// CSV as mountstorm writes and reads it (mountstorm/csv.h).
#include "mountstorm/csv.h"

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

CsvTable ParseCsv(const std::string& text, const std::string& origin) {
  CsvTable table;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  int line = 1;
  auto end_row = [&] {
    row.push_back(field);
    field.clear();
    if (table.header.empty()) {
      table.header = std::move(row);
    } else {
      if (row.size() != table.header.size()) {
        throw InputError(origin + ": line " + std::to_string(line) + ": " + std::to_string(row.size()) +
                         " fields, expected " + std::to_string(table.header.size()) + " as in the header");
      }
      table.rows.push_back(std::move(row));
    }
    row.clear();
    field_started = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      field_started = true;
    } else if (c == '\n') {
      end_row();
      ++line;
    } else if (c != '\r') {
      field += c;
      field_started = true;
    }
  }
  if (quoted) throw InputError(origin + ": a quoted field is not closed");
  if (field_started || !row.empty()) end_row();
  if (table.header.empty()) throw InputError(origin + ": empty file (expected a header line)");
  return table;
}

}  // namespace mountstorm
