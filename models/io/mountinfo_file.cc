#include "models/io/mountinfo_file.h"

#include "mountstorm/error.h"
#include "mountstorm/input.h"

namespace mountstorm {

namespace {

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

}  // namespace

std::string UnescapeMountinfo(std::string_view field) {
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
  std::vector<MountSpec> mounts;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    std::vector<std::string_view> f = Fields(line);
    // 6 fixed fields, optional fields, "-", then 3 more.
    std::size_t dash = 6;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (dash + 4 != f.size()) {
      throw InputError(origin + ":" + std::to_string(line_no) +
                       ": expected a mountinfo line: ID PARENT MAJOR:MINOR ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - "
                       "FSTYPE SOURCE SUPER_OPTIONS");
    }
    MountSpec m;
    m.path = UnescapeMountinfo(f[4]);
    m.fstype = UnescapeMountinfo(f[dash + 1]);
    m.source = UnescapeMountinfo(f[dash + 2]);
    m.options = std::string(f[5]) + "," + std::string(f[dash + 3]);
    if (m.path.empty() || m.path[0] != '/') {
      throw InputError(origin + ":" + std::to_string(line_no) + ": the mount point is not an absolute path");
    }
    mounts.push_back(std::move(m));
  }
  return mounts;
}

std::vector<MountSpec> ReadMountinfoFile(const std::string& path) {
  return ParseMountinfo(ReadInputFile(path, "mountinfo file"), path);
}

}  // namespace mountstorm
