// D-Bus match rules: parsed as dbus-daemon parses them (bus/signals.c), refused where dbus-daemon
// would refuse them or where the model cannot honour them, and matched against the three kinds of
// object path the pipeline's signals carry.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "models/clients/logind.h"
#include "models/dbus/match_rule.h"
#include "models/message/unit_name.h"
#include "mountstorm/error.h"

using namespace mountstorm;

namespace {

const std::string kWhere = "s.json: /logind/match_rules/0";

std::string ParseError(const std::string& text) {
  try {
    ParseMatchRule(text, kWhere);
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("no InputError for " << text);
  return "";
}

// True if a client with `rules` is sent a signal `m` whose object is of the member's path class,
// in the way dbus_daemon.cc routes: bucket (type x interface), member, then path.
bool Receives(const std::vector<MatchRule>& rules, Member m) {
  for (const MatchRule& r : rules) {
    if (!RuleScannedFor(r, MessageType::kSignal, m)) continue;
    if (!r.member.empty() && r.member != MemberName(m)) continue;
    if (RulePathMatch(r, PathClassOf(m)) != PathMatch::kNone) return true;
  }
  return false;
}

MatchRule Rule(const std::string& text) { return ParseMatchRule(text, kWhere); }

}  // namespace

TEST_CASE("logind's match rules parse", "[match_rule]") {
  std::vector<MatchRule> rules;
  for (const std::string& text : LogindMatchRules()) rules.push_back(Rule(text));
  REQUIRE(rules.size() == 4);
  for (const MatchRule& r : rules) {
    CHECK(r.type == MessageType::kSignal);
    CHECK(r.sender == "org.freedesktop.systemd1");
  }
  CHECK(rules[0].text == LogindMatchRules()[0]);
  CHECK(rules[0].interface == "org.freedesktop.systemd1.Manager");
  CHECK(rules[0].path == "/org/freedesktop/systemd1");
  CHECK(rules[0].member == "JobRemoved");
  CHECK(rules[1].member == "UnitRemoved");
  CHECK(rules[2].interface == "org.freedesktop.DBus.Properties");
  CHECK(rules[2].member == "PropertiesChanged");
  CHECK(rules[2].path.empty());
  CHECK(rules[2].path_namespace.empty());
  CHECK(rules[3].member == "Reloading");

  // The incident: logind is sent every PropertiesChanged but no UnitNew.
  CHECK(Receives(rules, Member::kPropertiesChanged));
  CHECK(Receives(rules, Member::kUnitRemoved));
  CHECK(Receives(rules, Member::kJobRemoved));
  CHECK(Receives(rules, Member::kReloading));
  CHECK_FALSE(Receives(rules, Member::kUnitNew));
  CHECK_FALSE(Receives(rules, Member::kJobNew));
  CHECK_FALSE(Receives(rules, Member::kNameOwnerChanged));
}

TEST_CASE("match rule values are read as dbus-daemon reads them", "[match_rule]") {
  SECTION("unquoted values") {
    MatchRule r = Rule("type=signal,member=UnitNew,path=/org/freedesktop/systemd1");
    CHECK(r.type == MessageType::kSignal);
    CHECK(r.member == "UnitNew");
    CHECK(r.path == "/org/freedesktop/systemd1");
  }
  SECTION("whitespace before a key, around '=' before the value, and a trailing comma") {
    MatchRule r = Rule("  type='signal',\n member ='UnitNew',");
    CHECK(r.type == MessageType::kSignal);
    CHECK(r.member == "UnitNew");
  }
  SECTION("quoted and unquoted parts concatenate") {
    CHECK(Rule("member='Prop'erties'Changed'").member == "PropertiesChanged");
  }
  SECTION("a quote is written '\\'' and a comma inside quotes is literal") {
    CHECK(ParseError("type='it'\\''s'").find("unknown type 'it's'") != std::string::npos);
    CHECK(ParseError("type='a,b'").find("unknown type 'a,b'") != std::string::npos);
    // Outside quotes a backslash before anything else is itself, and keeps a comma literal.
    CHECK(ParseError("type=a\\,b").find("unknown type 'a\\,b'") != std::string::npos);
  }
  SECTION("the empty rule matches everything") {
    for (const char* text : {"", "   "}) {
      MatchRule r = Rule(text);
      CHECK_FALSE(r.type.has_value());
      CHECK(r.sender.empty());
      CHECK(r.interface.empty());
      CHECK(r.member.empty());
      CHECK(RulePathMatch(r, PathClass::kUnit) == PathMatch::kAll);
      CHECK(RuleScannedFor(r, MessageType::kMethodCall, Member::kStartTransientUnit));
    }
  }
  SECTION("every message type") {
    CHECK(Rule("type='method_call'").type == MessageType::kMethodCall);
    CHECK(Rule("type='method_return'").type == MessageType::kMethodReturn);
    CHECK(Rule("type='error'").type == MessageType::kError);
  }
  SECTION("valid names") {
    CHECK(Rule("sender=':1.42'").sender == ":1.42");
    CHECK(Rule("sender='org.freedesktop.login1'").sender == "org.freedesktop.login1");
    CHECK(Rule("sender='com.example-corp.agent'").sender == "com.example-corp.agent");
    CHECK(Rule("path_namespace='/'").path_namespace == "/");
    CHECK(Rule("path='/org/freedesktop/systemd1/unit/home_2emount'").path ==
          "/org/freedesktop/systemd1/unit/home_2emount");
  }
}

TEST_CASE("unsupported keys are refused, naming the key and where the rule came from", "[match_rule]") {
  for (const char* key : {"arg0", "arg0namespace", "arg1path", "destination", "eavesdrop", "Type"}) {
    const std::string text = std::string("type='signal',") + key + "='x'";
    std::string message = ParseError(text);
    INFO(message);
    CHECK(message.rfind(kWhere + ": match rule \"" + text + "\": ", 0) == 0);
    CHECK(message.find(std::string("unsupported key '") + key + "'") != std::string::npos);
  }
}

TEST_CASE("malformed rules are refused", "[match_rule]") {
  struct Case {
    const char* text;
    const char* snippet;
  };
  const std::vector<Case> cases = {
      {"type", "expected '=' after the key 'type'"},
      {"type 'signal'", "expected '=' after the key 'type'"},
      {"='signal'", "expected a key"},
      {"type='signal", "unbalanced quotation marks"},
      {"member='a'b'", "unbalanced quotation marks"},
      {"type='signals'", "unknown type 'signals'"},
      {"type='signal',type='signal'", "key 'type' given twice"},
      {"member='A',member='B'", "key 'member' given twice"},
      {"path='/a',path_namespace='/a'", "path and path_namespace cannot both be given"},
      {"path='a/b'", "not a valid object path"},
      {"path='/a/'", "not a valid object path"},
      {"path='/a//b'", "not a valid object path"},
      {"path='/a-b'", "not a valid object path"},
      {"path=''", "not a valid object path"},
      {"path_namespace='/org/freedesktop/systemd1/'", "not a valid object path"},
      {"member=''", "not a valid member name"},
      {"member='1st'", "not a valid member name"},
      {"member='Unit.New'", "not a valid member name"},
      {"interface=''", "not a valid interface name"},
      {"interface='nodots'", "not a valid interface name"},
      {"interface='org..freedesktop'", "not a valid interface name"},
      {"interface='org.9x'", "not a valid interface name"},
      {"sender=''", "not a valid bus name"},
      {"sender='org'", "not a valid bus name"},
      {"sender='org.freedesktop.'", "not a valid bus name"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    std::string message = ParseError(c.text);
    INFO(message);
    CHECK(message.rfind(kWhere + ": match rule \"", 0) == 0);
    CHECK(message.find(c.snippet) != std::string::npos);
  }
  std::string long_rule = "member='" + std::string(1100, 'a') + "'";
  CHECK(ParseError(long_rule).find("longer than 1024 bytes") != std::string::npos);
}

TEST_CASE("RuleScannedFor: the bucket of (type or any) x (interface or none)", "[match_rule]") {
  MatchRule properties = Rule("type='signal',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged'");
  CHECK(RuleScannedFor(properties, MessageType::kSignal, Member::kPropertiesChanged));
  CHECK_FALSE(RuleScannedFor(properties, MessageType::kSignal, Member::kUnitNew));
  CHECK_FALSE(RuleScannedFor(properties, MessageType::kMethodCall, Member::kPropertiesChanged));

  // Scanned for every Manager signal, whatever its member: dbus-daemon files rules by type and
  // interface only, and compares the member while scanning.
  MatchRule manager = Rule("type='signal',interface='org.freedesktop.systemd1.Manager',member='JobRemoved'");
  CHECK(RuleScannedFor(manager, MessageType::kSignal, Member::kUnitNew));
  CHECK(RuleScannedFor(manager, MessageType::kSignal, Member::kJobRemoved));
  CHECK_FALSE(RuleScannedFor(manager, MessageType::kSignal, Member::kPropertiesChanged));

  MatchRule any = Rule("member='UnitNew'");  // no type, no interface: scanned for everything
  CHECK(RuleScannedFor(any, MessageType::kSignal, Member::kPropertiesChanged));
  CHECK(RuleScannedFor(any, MessageType::kMethodCall, Member::kStartTransientUnit));

  MatchRule calls = Rule("type='method_call'");
  CHECK_FALSE(RuleScannedFor(calls, MessageType::kSignal, Member::kUnitNew));
  CHECK(RuleScannedFor(calls, MessageType::kMethodCall, Member::kStartTransientUnit));
}

TEST_CASE("PathClassOf: the object each signal is emitted on", "[match_rule]") {
  CHECK(PathClassOf(Member::kPropertiesChanged) == PathClass::kUnit);
  CHECK(PathClassOf(Member::kUnitNew) == PathClass::kManager);
  CHECK(PathClassOf(Member::kUnitRemoved) == PathClass::kManager);
  CHECK(PathClassOf(Member::kJobRemoved) == PathClass::kManager);
  CHECK(PathClassOf(Member::kNameOwnerChanged) == PathClass::kBusDriver);
  CHECK(PathClassOf(Member::kMethodReturn) == PathClass::kNone);
}

TEST_CASE("path_namespace covers the manager and every unit, and path covers one object", "[match_rule]") {
  MatchRule ns = Rule("path_namespace='/org/freedesktop/systemd1'");
  CHECK(RulePathMatch(ns, PathClass::kManager) == PathMatch::kAll);
  CHECK(RulePathMatch(ns, PathClass::kUnit) == PathMatch::kAll);
  CHECK(RulePathMatch(ns, PathClass::kBusDriver) == PathMatch::kNone);

  MatchRule manager = Rule("path='/org/freedesktop/systemd1'");
  CHECK(RulePathMatch(manager, PathClass::kManager) == PathMatch::kAll);
  CHECK(RulePathMatch(manager, PathClass::kUnit) == PathMatch::kNone);
  CHECK(RulePathMatch(manager, PathClass::kBusDriver) == PathMatch::kNone);

  MatchRule none = Rule("type='signal'");
  CHECK(RulePathMatch(none, PathClass::kManager) == PathMatch::kAll);
  CHECK(RulePathMatch(none, PathClass::kUnit) == PathMatch::kAll);
  CHECK(RulePathMatch(none, PathClass::kBusDriver) == PathMatch::kAll);

  MatchRule root = Rule("path_namespace='/'");
  CHECK(RulePathMatch(root, PathClass::kManager) == PathMatch::kAll);
  CHECK(RulePathMatch(root, PathClass::kUnit) == PathMatch::kAll);
  CHECK(RulePathMatch(root, PathClass::kBusDriver) == PathMatch::kAll);

  // One unit's object, or a namespace under the unit tree: some units, decided per message.
  const std::string home = UnitObjectPath("home-mark.mount");
  CHECK(RulePathMatch(Rule("path='" + home + "'"), PathClass::kUnit) == PathMatch::kSomeUnits);
  CHECK(RulePathMatch(Rule("path='" + home + "'"), PathClass::kManager) == PathMatch::kNone);
  CHECK(RulePathMatch(Rule("path_namespace='" + home + "'"), PathClass::kUnit) == PathMatch::kSomeUnits);
  CHECK(RulePathMatch(Rule("path_namespace='/org/freedesktop/systemd1/unit'"), PathClass::kUnit) == PathMatch::kAll);
  // The unit tree's root is not itself a unit.
  CHECK(RulePathMatch(Rule("path='/org/freedesktop/systemd1/unit'"), PathClass::kUnit) == PathMatch::kNone);

  // Namespaces are matched component by component, not as string prefixes.
  MatchRule prefix = Rule("path_namespace='/org/freedesktop/systemd'");
  CHECK(RulePathMatch(prefix, PathClass::kManager) == PathMatch::kNone);
  CHECK(RulePathMatch(prefix, PathClass::kUnit) == PathMatch::kNone);

  CHECK(RulePathMatch(Rule("path='/org/freedesktop/DBus'"), PathClass::kBusDriver) == PathMatch::kAll);
  CHECK(RulePathMatch(Rule("path_namespace='/org/freedesktop'"), PathClass::kBusDriver) == PathMatch::kAll);
}

TEST_CASE("PathInNamespace is component-wise", "[match_rule]") {
  const std::string manager(kManagerObjectPath);
  CHECK(PathInNamespace(manager, manager));
  CHECK(PathInNamespace(UnitObjectPath("home-mark.mount"), manager));
  CHECK(PathInNamespace("/anything", "/"));
  CHECK(PathInNamespace("/", "/"));
  CHECK_FALSE(PathInNamespace("/org/freedesktop/systemd10", manager));
  CHECK_FALSE(PathInNamespace("/org/freedesktop", manager));
  CHECK_FALSE(PathInNamespace("/org/freedesktop/systemd", manager));
}
