// A CSV file read whole (RFC 4180 quoting, as the sweep and run outputs write it): a header and
// rows of fields, every row as wide as the header.
#ifndef MOUNTSTORM_TOOLS_CSV_TABLE_H_
#define MOUNTSTORM_TOOLS_CSV_TABLE_H_

#include <string>
#include <vector>

namespace mountstorm {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // Index of a column, or -1.
  int Column(const std::string& name) const;
};

// The fields of the first line of `text` (the header), without quoting and without a final '\r':
// for a large file whose header alone is wanted, or whose rows are read without ParseCsv.
std::vector<std::string> CsvHeader(const std::string& text);

// Parses `text`; throws InputError naming `origin` and the line for a row of the wrong width, an
// unclosed quote or an empty file.
CsvTable ParseCsv(const std::string& text, const std::string& origin);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_CSV_TABLE_H_
