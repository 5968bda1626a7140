// CSV as mountstorm writes and reads it (curves.csv, events.csv, a sweep's results.csv and
// aggregate.csv): times in seconds by integer arithmetic, so that they never depend on
// floating-point printing, and fields quoted as RFC 4180 quotes them.
#ifndef MOUNTSTORM_INCLUDE_CSV_H_
#define MOUNTSTORM_INCLUDE_CSV_H_

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "mountstorm/time.h"

namespace mountstorm {

// `t` in seconds with `decimals` (0 to 9) decimals, truncated: 1500000000 ns, 3 -> "1.500".
std::string FormatTime(Time t, int decimals);

// `s` as it is, or in double quotes (inner quotes doubled) when it holds a comma, quote or newline.
std::string CsvField(const std::string& s);

// A CSV file read whole: a header and rows of fields, every row as wide as the header.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // Index of a column, or -1.
  int Column(const std::string& name) const;
};

// The fields of the first line of `text` (the header), without quoting and without a final '\r':
// for a large file whose header alone is wanted.
std::vector<std::string> CsvHeader(const std::string& text);

// Parses `text`; throws InputError naming `origin` and the line for a row of the wrong width, an
// unclosed quote or an empty file.
CsvTable ParseCsv(const std::string& text, const std::string& origin);

// ParseCsv() without the table: hands `on_row` the header (row 0) and then every row in order,
// with its fields (valid during the call only: their memory is reused, so a file of millions of
// fields is read without an allocation per field), and throws as ParseCsv() does, the error of a
// row only once the rows before it have been handed over.
using CsvRowVisitor = std::function<void(std::span<const std::string> fields, std::size_t row)>;
void ForEachCsvRow(const std::string& text, const std::string& origin, const CsvRowVisitor& on_row);

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_CSV_H_
