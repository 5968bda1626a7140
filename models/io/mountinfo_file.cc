#include "models/io/mountinfo_file.h"

#include <algorithm>

#include "mountstorm/error.h"
#include "mountstorm/input.h"

namespace mountstorm {

namespace {

// The fields of `line` into *fields (reused from line to line: no allocation per line).
void Fields(std::string_view line, std::vector<std::string_view>* out) {
  std::vector<std::string_view>& fields = *out;
  fields.clear();
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
}

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

bool IsNumber(std::string_view f) { return !f.empty() && f.find_first_not_of("0123456789") == std::string_view::npos; }

// A line in a message: quoted, and shortened if long.
std::string Quoted(std::string_view line) {
  return "\"" + std::string(line.substr(0, 80)) + (line.size() > 80 ? "...\"" : "\"");
}

// Line `line_no` of the table in `origin` (named in messages as ORIGIN:LINE).
MountSpec ParseLine(std::string_view line, const std::string& origin, std::size_t line_no,
                    std::vector<std::string_view>* fields) {
  Fields(line, fields);
  const std::vector<std::string_view>& f = *fields;
  // 6 fixed fields, optional fields, "-", then 3 more.
  std::size_t dash = 6;
  while (dash < f.size() && f[dash] != "-") ++dash;
  if (dash + 4 != f.size()) {
    throw InputError(origin + ":" + std::to_string(line_no) +
                     ": expected a mountinfo line: ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - "
                     "FSTYPE SOURCE SUPER_OPTIONS, found " + Quoted(line));
  }
  const std::size_t colon = f[2].find(':');
  if (!IsNumber(f[0]) || !IsNumber(f[1]) || colon == std::string_view::npos || !IsNumber(f[2].substr(0, colon)) ||
      !IsNumber(f[2].substr(colon + 1))) {
    throw InputError(origin + ":" + std::to_string(line_no) + ": expected a mount ID, a parent ID and MAJOR:MINOR in numbers, found " +
                     Quoted(line.substr(0, f[3].data() - line.data())));
  }
  MountSpec m;
  m.path = UnescapeMountinfo(f[4]);
  m.fstype = UnescapeMountinfo(f[dash + 1]);
  m.source = UnescapeMountinfo(f[dash + 2]);
  m.options = std::string(f[5]) + "," + std::string(f[dash + 3]);
  if (m.path.empty() || m.path[0] != '/') {
    throw InputError(origin + ":" + std::to_string(line_no) + ": expected the mount point as an absolute path, found " + Quoted(f[4]));
  }
  return m;
}

}  // namespace

std::string UnescapeMountinfo(std::string_view field) {
  if (field.find('\\') == std::string_view::npos) return std::string(field);  // the common case
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) &&
        IsOctal(field[i + 3])) {
      out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

std::vector<MountSpec> ParseMountinfo(std::string_view text, const std::string& origin) {
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    throw InputError(origin + ": expected the text of a mount table, found a NUL byte (at byte " + std::to_string(nul) +
                     "; is the file cut short or not text?)");
  }
  std::vector<MountSpec> mounts;
  mounts.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  std::vector<std::string_view> fields;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty()) mounts.push_back(ParseLine(line, origin, line_no, &fields));
  }
  if (mounts.empty()) {
    throw InputError(origin + ": expected a mount table of at least one line (the root file system), found none");
  }
  return mounts;
}

std::vector<MountSpec> ReadMountinfoFile(const std::string& path) {
  return ParseMountinfo(ReadInputFile(path, "mountinfo file"), path);
}

}  // namespace mountstorm
