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

// Parses `text`; throws InputError naming `origin` and the line for a row of the wrong width, an
// unclosed quote or an empty file.
CsvTable ParseCsv(const std::string& text, const std::string& origin);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_CSV_TABLE_H_
