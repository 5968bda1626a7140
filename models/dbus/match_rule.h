// MatchRule: a D-Bus match rule, parsed from its text form, e.g.
//   type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop.DBus.Properties',
//   member='PropertiesChanged'
//
// The text is read as dbus-daemon reads it (bus/signals.c tokenize_rule()): comma-separated
// key=value pairs, whitespace allowed before a key, values quoted or not, '\'' for a quote.
// Supported keys: type, sender, interface, member, path, path_namespace. Any other key (arg0,
// destination, eavesdrop, ...) is an InputError naming the rule, so a rule never silently matches
// more than it says; so is a key given twice and a value dbus-daemon would refuse (an empty or
// malformed name, an invalid object path). Keys that are absent match anything (dbus
// bus/signals.c match_rule_matches()).
//
// What a rule is tested against, and how much routing it costs, follows dbus-daemon:
// bus_matchmaker_get_recipients() scans, linearly, the rules filed under (the message's type or
// any type) x (the message's interface or no interface). RulesScanned() counts exactly those.
#ifndef MOUNTSTORM_MODELS_DBUS_MATCH_RULE_H_
#define MOUNTSTORM_MODELS_DBUS_MATCH_RULE_H_

#include <optional>
#include <string>
#include <string_view>

#include "models/message/message.h"

namespace mountstorm {

struct MatchRule {
  std::string text;
  std::optional<MessageType> type;
  std::string sender;
  std::string interface;
  std::string member;
  std::string path;
  std::string path_namespace;
};

// Parses `text`. `where` names the rule in error messages (file and JSON path).
MatchRule ParseMatchRule(std::string_view text, const std::string& where);

// The object path a message is about: PropertiesChanged is emitted on the unit's object;
// the Manager signals on /org/freedesktop/systemd1; NameOwnerChanged on /org/freedesktop/DBus.
enum class PathClass { kManager, kUnit, kBusDriver, kNone };
PathClass PathClassOf(Member m);

// How a rule's path condition relates to a class of paths.
enum class PathMatch { kAll, kNone, kSomeUnits };
PathMatch RulePathMatch(const MatchRule& rule, PathClass path_class);

// True if `path` lies in `ns` component-wise (the path_namespace rule of dbus).
bool PathInNamespace(std::string_view path, std::string_view ns);

// True if the rule's type and interface put it in a bucket that dbus-daemon scans for `m`.
bool RuleScannedFor(const MatchRule& rule, MessageType type, Member m);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_DBUS_MATCH_RULE_H_
