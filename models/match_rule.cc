#include "models/match_rule.h"

#include "models/unit_name.h"
#include "mountstorm/error.h"

namespace mountstorm {

namespace {

[[noreturn]] void Fail(const std::string& where, std::string_view text, const std::string& what) {
  throw InputError(where + ": match rule \"" + std::string(text) + "\": " + what);
}

}  // namespace

MatchRule ParseMatchRule(std::string_view text, const std::string& where) {
  MatchRule rule;
  rule.text = std::string(text);
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t eq = text.find('=', i);
    if (eq == std::string_view::npos) Fail(where, text, "expected key='value' at offset " + std::to_string(i));
    std::string key(text.substr(i, eq - i));
    i = eq + 1;
    if (i >= text.size() || text[i] != '\'') Fail(where, text, "expected a quoted value for key '" + key + "'");
    ++i;
    std::string value;
    // Inside quotes everything is literal; a quote is written '\'' (close, escaped quote, reopen).
    for (;;) {
      if (i >= text.size()) Fail(where, text, "unterminated value for key '" + key + "'");
      char c = text[i++];
      if (c != '\'') {
        value += c;
        continue;
      }
      if (text.substr(i, 3) == "\\''") {
        value += '\'';
        i += 3;
        continue;
      }
      break;
    }
    if (key == "type") {
      if (value == "signal") rule.type = MessageType::kSignal;
      else if (value == "method_call") rule.type = MessageType::kMethodCall;
      else if (value == "method_return") rule.type = MessageType::kMethodReturn;
      else if (value == "error") rule.type = MessageType::kError;
      else Fail(where, text, "unknown type '" + value + "' (expected signal, method_call, method_return or error)");
    } else if (key == "sender") {
      rule.sender = value;
    } else if (key == "interface") {
      rule.interface = value;
    } else if (key == "member") {
      rule.member = value;
    } else if (key == "path") {
      rule.path = value;
    } else if (key == "path_namespace") {
      rule.path_namespace = value;
    } else {
      Fail(where, text, "unsupported key '" + key +
                            "' (supported: type, sender, interface, member, path, path_namespace)");
    }
    if (i < text.size()) {
      if (text[i] != ',') Fail(where, text, "expected ',' after the value of '" + key + "'");
      ++i;
    }
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
