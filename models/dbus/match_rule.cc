#include "models/dbus/match_rule.h"

#include <set>

#include "models/message/unit_name.h"
#include "mountstorm/error.h"

namespace mountstorm {

namespace {

// dbus-daemon refuses longer rules (DBUS_MAXIMUM_MATCH_RULE_LENGTH).
constexpr std::size_t kMaxRuleLength = 1024;
constexpr std::size_t kMaxNameLength = 255;

[[noreturn]] void Fail(const std::string& where, std::string_view text, const std::string& what) {
  throw InputError(where + ": match rule \"" + std::string(text) + "\": " + what);
}

bool IsWhite(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_';
}

// find_key() of dbus bus/signals.c: whitespace, then the key up to '=' or whitespace, then
// whitespace and '='. Returns false when only whitespace is left (an empty rule is valid).
bool ReadKey(std::string_view text, std::size_t* i, std::string* key, const std::string& where) {
  while (*i < text.size() && IsWhite(text[*i])) ++*i;
  std::size_t start = *i;
  while (*i < text.size() && text[*i] != '=' && !IsWhite(text[*i])) ++*i;
  *key = std::string(text.substr(start, *i - start));
  while (*i < text.size() && IsWhite(text[*i])) ++*i;
  if (key->empty() && *i == text.size()) return false;
  if (key->empty()) Fail(where, text, "expected a key at offset " + std::to_string(*i));
  if (*i == text.size() || text[*i] != '=') Fail(where, text, "expected '=' after the key '" + *key + "'");
  ++*i;
  return true;
}

// find_value() of dbus bus/signals.c. Inside single quotes everything is literal; outside them
// \' is a quote, a backslash before any other byte is itself and keeps that byte literal (so \,
// does not end the value), and a comma ends the value. So 'it'\''s' is it's, and an unquoted
// value such as type=signal is valid, as dbus-daemon accepts it.
std::string ReadValue(std::string_view text, std::size_t* i, const std::string& key, const std::string& where) {
  std::string value;
  bool quoted = false;
  for (; *i < text.size(); ++*i) {
    char c = text[*i];
    if (quoted) {
      if (c == '\'') quoted = false;
      else value += c;
    } else if (c == '\'') {
      quoted = true;
    } else if (c == ',') {
      ++*i;
      break;
    } else if (c == '\\') {
      if (*i + 1 < text.size()) {
        ++*i;
        if (text[*i] != '\'') value += '\\';
        value += text[*i];
      } else {
        value += '\\';
      }
    } else {
      value += c;
    }
  }
  if (quoted) Fail(where, text, "unbalanced quotation marks in the value of '" + key + "'");
  return value;
}

// _dbus_validate_path(): "/" or "/" followed by non-empty elements of [A-Za-z0-9_] joined by "/".
// An invalid path would make path_namespace matching (component-wise) wrong, and dbus-daemon
// refuses the rule.
bool IsObjectPath(std::string_view p) {
  if (p.empty() || p[0] != '/') return false;
  if (p.size() == 1) return true;
  if (p.back() == '/') return false;
  for (std::size_t i = 1; i < p.size(); ++i) {
    if (p[i] == '/' ? p[i - 1] == '/' : !IsWordChar(p[i])) return false;
  }
  return true;
}

// Two or more non-empty elements joined by "." (an interface or a bus name). A bus name may have
// '-' in its elements; a unique name (":1.42") may have elements that start with a digit.
bool IsDottedName(std::string_view name, bool hyphen, bool leading_digit) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  int elements = 1;
  bool element_start = true;
  for (char c : name) {
    if (c == '.') {
      if (element_start) return false;
      ++elements;
      element_start = true;
      continue;
    }
    if (!IsWordChar(c) && !(hyphen && c == '-')) return false;
    if (element_start && IsDigit(c) && !leading_digit) return false;
    element_start = false;
  }
  return !element_start && elements >= 2;
}

bool IsBusName(std::string_view name) {
  if (!name.empty() && name[0] == ':') return IsDottedName(name.substr(1), true, true);
  return IsDottedName(name, true, false);
}

bool IsMemberName(std::string_view m) {
  if (m.empty() || m.size() > kMaxNameLength || IsDigit(m[0])) return false;
  for (char c : m) {
    if (!IsWordChar(c)) return false;
  }
  return true;
}

// Stores one key's value in the rule, checking it as dbus-daemon's bus_match_rule_parse() does.
// The struct holds "" for an absent key, so an empty value must be refused: kept, it would match
// everything.
void SetKey(MatchRule* rule, const std::string& key, const std::string& value, std::string_view text,
            const std::string& where) {
  auto set = [&](std::string* field, bool valid, const char* what) {
    if (!valid) Fail(where, text, "'" + value + "' is not a valid " + what + " (key '" + key + "')");
    *field = value;
  };
  if (key == "type") {
    if (value == "signal") rule->type = MessageType::kSignal;
    else if (value == "method_call") rule->type = MessageType::kMethodCall;
    else if (value == "method_return") rule->type = MessageType::kMethodReturn;
    else if (value == "error") rule->type = MessageType::kError;
    else Fail(where, text, "unknown type '" + value + "' (expected signal, method_call, method_return or error)");
  } else if (key == "sender") {
    set(&rule->sender, IsBusName(value), "bus name");
  } else if (key == "interface") {
    set(&rule->interface, IsDottedName(value, false, false), "interface name");
  } else if (key == "member") {
    set(&rule->member, IsMemberName(value), "member name");
  } else if (key == "path") {
    set(&rule->path, IsObjectPath(value), "object path");
  } else if (key == "path_namespace") {
    set(&rule->path_namespace, IsObjectPath(value), "object path");
  } else {
    Fail(where, text, "unsupported key '" + key + "' (supported: type, sender, interface, member, path, path_namespace)");
  }
}

}  // namespace

MatchRule ParseMatchRule(std::string_view text, const std::string& where) {
  if (text.size() > kMaxRuleLength) {
    Fail(where, text.substr(0, 60), "longer than " + std::to_string(kMaxRuleLength) + " bytes, which dbus-daemon refuses");
  }
  MatchRule rule;
  rule.text = std::string(text);
  std::set<std::string> seen;
  std::size_t i = 0;
  std::string key;
  while (ReadKey(text, &i, &key, where)) {
    std::string value = ReadValue(text, &i, key, where);
    // dbus-daemon refuses a key given twice; taking either value silently would be a guess.
    if (!seen.insert(key).second) Fail(where, text, "key '" + key + "' given twice");
    SetKey(&rule, key, value, text, where);
  }
  if (!rule.path.empty() && !rule.path_namespace.empty()) {
    Fail(where, text, "path and path_namespace cannot both be given");
  }
  return rule;
}

PathClass PathClassOf(Member m) {
  switch (m) {
    case Member::kPropertiesChanged: return PathClass::kUnit;
    case Member::kUnitNew:
    case Member::kUnitRemoved:
    case Member::kJobNew:
    case Member::kJobRemoved:
    case Member::kReloading:
    case Member::kStartTransientUnit: return PathClass::kManager;
    case Member::kNameOwnerChanged: return PathClass::kBusDriver;
    default: return PathClass::kNone;
  }
}

bool PathInNamespace(std::string_view path, std::string_view ns) {
  if (ns == "/") return true;
  if (path.substr(0, ns.size()) != ns) return false;
  return path.size() == ns.size() || path[ns.size()] == '/';
}

PathMatch RulePathMatch(const MatchRule& rule, PathClass path_class) {
  const std::string_view unit_prefix = "/org/freedesktop/systemd1/unit";
  if (rule.path.empty() && rule.path_namespace.empty()) return PathMatch::kAll;
  switch (path_class) {
    case PathClass::kManager:
      if (!rule.path.empty()) return rule.path == kManagerObjectPath ? PathMatch::kAll : PathMatch::kNone;
      return PathInNamespace(kManagerObjectPath, rule.path_namespace) ? PathMatch::kAll : PathMatch::kNone;
    case PathClass::kBusDriver:
      if (!rule.path.empty()) return rule.path == "/org/freedesktop/DBus" ? PathMatch::kAll : PathMatch::kNone;
      return PathInNamespace("/org/freedesktop/DBus", rule.path_namespace) ? PathMatch::kAll : PathMatch::kNone;
    case PathClass::kUnit:
      if (!rule.path.empty()) {
        return PathInNamespace(rule.path, unit_prefix) && rule.path.size() > unit_prefix.size()
                   ? PathMatch::kSomeUnits
                   : PathMatch::kNone;
      }
      if (PathInNamespace(unit_prefix, rule.path_namespace)) return PathMatch::kAll;
      return PathInNamespace(rule.path_namespace, unit_prefix) ? PathMatch::kSomeUnits : PathMatch::kNone;
    case PathClass::kNone:
      return PathMatch::kNone;
  }
  return PathMatch::kNone;
}

bool RuleScannedFor(const MatchRule& rule, MessageType type, Member m) {
  if (rule.type.has_value() && *rule.type != type) return false;
  return rule.interface.empty() || rule.interface == InterfaceName(InterfaceOf(m));
}

}  // namespace mountstorm
