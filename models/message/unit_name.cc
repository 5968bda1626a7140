#include "models/message/unit_name.h"

#include <vector>

namespace mountstorm {

namespace {

const char kHex[] = "0123456789abcdef";

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// path_simplify(): drops empty and "." components and repeated slashes.
std::vector<std::string_view> PathComponents(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t start = i;
    while (i < path.size() && path[i] != '/') ++i;
    std::string_view part = path.substr(start, i - start);
    if (!part.empty() && part != ".") parts.push_back(part);
  }
  return parts;
}

}  // namespace

std::string UnitNameFromPath(std::string_view path, std::string_view suffix) {
  std::vector<std::string_view> parts = PathComponents(path);
  std::string out;
  if (parts.empty()) {
    out.push_back('-');  // the root directory
  } else {
    for (std::size_t p = 0; p < parts.size(); ++p) {
      if (p > 0) out += '-';
      for (std::size_t i = 0; i < parts[p].size(); ++i) {
        char c = parts[p][i];
        bool leading_dot = (p == 0 && i == 0 && c == '.');
        if (!leading_dot && (IsAlnum(c) || c == ':' || c == '_' || c == '.')) {
          out += c;
        } else {
          unsigned char u = static_cast<unsigned char>(c);
          out += "\\x";
          out += kHex[u >> 4];
          out += kHex[u & 15];
        }
      }
    }
  }
  out += suffix;
  return out;
}

std::string UnitObjectPath(std::string_view unit_name) {
  std::string out = "/org/freedesktop/systemd1/unit/";
  if (unit_name.empty()) {
    out += '_';
    return out;
  }
  for (std::size_t i = 0; i < unit_name.size(); ++i) {
    char c = unit_name[i];
    // A digit is kept except as the first byte: bus_label_escape() escapes a leading digit too, so
    // that the label is a valid D-Bus object path element for every unit name.
    bool leading_digit = i == 0 && c >= '0' && c <= '9';
    if (IsAlnum(c) && !leading_digit) {
      out += c;
    } else {
      unsigned char u = static_cast<unsigned char>(c);
      out += '_';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

}  // namespace mountstorm
