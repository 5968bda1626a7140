// Reading scenarios in-process: ParseScenario, LoadScenarioFile and ApplyOverride. Absent keys take
// the profile's defaults; everything else that is wrong is an InputError naming the file, the JSON
// path, what was expected and what was found.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "models/json/json_reader.h"
#include "models/json/json_text.h"
#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "mountstorm/scenario.h"
#include "tests/test_support.h"

using namespace mountstorm;
using nlohmann::json;

namespace {

// The message of the InputError that `f` throws. Any other outcome fails the test.
std::string InputErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("no InputError was thrown");
  return "";
}

std::string ParseErrorOf(const json& doc) {
  return InputErrorOf([&] { ParseScenario(doc, "test.json"); });
}

std::string WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return path;
}

void CheckSameClient(const ClientParams& a, const ClientParams& b) {
  CHECK(a.name == b.name);
  CHECK(a.well_known_name == b.well_known_name);
  CHECK(a.private_connection == b.private_connection);
  CHECK(a.subscribe == b.subscribe);
  CHECK(a.match_rules == b.match_rules);
  CHECK(a.per_message_cost == b.per_message_cost);
  CHECK(a.recvmsg_cost == b.recvmsg_cost);
  CHECK(a.loop_iteration_cost == b.loop_iteration_cost);
  CHECK(a.rqueue_max == b.rqueue_max);
  CHECK(a.socket_sndbuf_bytes == b.socket_sndbuf_bytes);
  CHECK(a.busy.size() == b.busy.size());
}

// Every field a scenario can set, compared one by one.
void CheckSameSettings(const Scenario& a, const Scenario& b) {
  CHECK(a.seed == b.seed);
  CHECK(a.profile == b.profile);
  CHECK(a.stop_at == b.stop_at);
  CHECK(a.sample_interval == b.sample_interval);
  CHECK(a.cpus == b.cpus);
  CHECK(InitialMountCount(a) == InitialMountCount(b));
  CHECK(a.workload.size() == b.workload.size());

  const SystemdParams &s = a.systemd, &t = b.systemd;
  CHECK(s.scan_fixed == t.scan_fixed);
  CHECK(s.scan_per_line == t.scan_per_line);
  CHECK(s.scan_per_device_line == t.scan_per_device_line);
  CHECK(s.reannounce_network_mounts == t.reannounce_network_mounts);
  CHECK(s.reannounce_dev_devices == t.reannounce_dev_devices);
  CHECK(s.dbus_queue_budget == t.dbus_queue_budget);
  CHECK(s.bus_busy_threshold == t.bus_busy_threshold);
  CHECK(s.wqueue_max == t.wqueue_max);
  CHECK(s.rqueue_max == t.rqueue_max);
  CHECK(s.socket_sndbuf_bytes == t.socket_sndbuf_bytes);
  CHECK(s.unit_dispatch_cost == t.unit_dispatch_cost);
  CHECK(s.message_build_cost == t.message_build_cost);
  CHECK(s.sendmsg_cost == t.sendmsg_cost);
  CHECK(s.wqueue_memmove_ns_per_entry == t.wqueue_memmove_ns_per_entry);
  CHECK(s.loop_iteration_cost == t.loop_iteration_cost);
  CHECK(s.incoming_message_cost == t.incoming_message_cost);
  CHECK(s.quantum == t.quantum);

  const MessageSizeParams &m = a.message_sizes, &n = b.message_sizes;
  CHECK(m.properties_changed_mount == n.properties_changed_mount);
  CHECK(m.properties_changed_device == n.properties_changed_device);
  CHECK(m.properties_changed_unit == n.properties_changed_unit);
  CHECK(m.unit_new == n.unit_new);
  CHECK(m.unit_removed == n.unit_removed);
  CHECK(m.skb_shared_info == n.skb_shared_info);
  CHECK(m.skb_overhead == n.skb_overhead);

  const DbusDaemonParams &d = a.dbus, &e = b.dbus;
  CHECK(d.max_incoming_bytes == e.max_incoming_bytes);
  CHECK(d.max_outgoing_bytes == e.max_outgoing_bytes);
  CHECK(d.read_bytes_per_iteration == e.read_bytes_per_iteration);
  CHECK(d.write_bytes_per_iteration == e.write_bytes_per_iteration);
  CHECK(d.socket_sndbuf_bytes == e.socket_sndbuf_bytes);
  CHECK(d.route_base == e.route_base);
  CHECK(d.route_per_extra_recipient == e.route_per_extra_recipient);
  CHECK(d.route_per_rule == e.route_per_rule);
  CHECK(d.iteration_cost == e.iteration_cost);

  CHECK(a.logind_enabled == b.logind_enabled);
  CheckSameClient(a.logind, b.logind);
  CHECK(a.subscribers.size() == b.subscribers.size());
}

// A workload generator of the kind that needs the fewest keys.
json Burst(int count) {
  return {{"kind", "burst"}, {"count", count}, {"op", "umount"}, {"mount", {{"path", "/x"}}}};
}

json Named(json generator, const std::string& name) {
  generator["name"] = name;
  return generator;
}

}  // namespace

TEST_CASE("absent keys take the defaults of the profile", "[scenario]") {
  const Scenario defaults = DefaultScenario("rhel7.7");
  CHECK(defaults.logind.name == "logind");
  CHECK(defaults.logind.subscribe);
  CHECK_FALSE(defaults.logind.match_rules.empty());

  Scenario empty = ParseScenario(json::object(), "empty.json");
  CHECK(empty.file == "empty.json");
  CheckSameSettings(empty, defaults);

  // Empty sections are the same as absent ones.
  Scenario sections = ParseScenario(
      {{"run", json::object()}, {"host", json::object()}, {"mount_table", json::object()},
       {"workload", json::array()}, {"systemd", json::object()}, {"message_sizes", json::object()},
       {"dbus", json::object()}, {"logind", json::object()}, {"subscribers", json::array()}},
      "sections.json");
  CheckSameSettings(sections, defaults);

  // Setting one key changes that key only.
  Scenario one = ParseScenario({{"systemd", {{"scan_per_line_us", 1.5}}}}, "one.json");
  CHECK(one.systemd.scan_per_line == 1500);
  one.systemd.scan_per_line = defaults.systemd.scan_per_line;
  CheckSameSettings(one, defaults);
}

TEST_CASE("values are converted from the unit their key names", "[scenario]") {
  Scenario s = ParseScenario({{"seed", 18446744073709551615ull},
                              {"run", {{"stop_at_s", 2.5}, {"sample_interval_ms", 0.5}}},
                              {"systemd", {{"scan_fixed_us", 250}, {"wqueue_max", 4294967296}}},
                              {"workload", {{{"kind", "interval"}, {"count", 3}, {"interval_ms", 15},
                                             {"expire_after_s", 30}, {"mount", {{"path", "/x"}}},
                                             {"op", "umount"}}}}},
                             "units.json");
  CHECK(s.seed == 18446744073709551615ull);
  CHECK(s.stop_at == 2'500'000'000);
  CHECK(s.sample_interval == 500'000);
  CHECK(s.systemd.scan_fixed == 250'000);
  CHECK(s.systemd.wqueue_max == 4294967296);
  REQUIRE(s.workload.size() == 1);
  CHECK(s.workload[0].interval == 15'000'000);
  CHECK(s.workload[0].expire_after == 30 * kSecond);
  CHECK(s.workload[0].name == "0");  // an unnamed generator is named by its index
}

TEST_CASE("each kind of error is an InputError naming the file and the JSON path", "[scenario]") {
  struct Case {
    const char* what;
    json doc;
    std::vector<std::string> snippets;
  };
  const std::vector<Case> cases = {
      {"not an object", json::array(), {"test.json: /: expected a scenario object, found an array"}},
      {"unknown key", {{"systemd", {{"scan_per_lin_us", 3}}}},
       {"test.json: /systemd/scan_per_lin_us: unknown key", "did you mean \"scan_per_line_us\"",
        "expected one of: ", "scan_per_line_us"}},
      {"unknown key, nothing close", {{"systemd", {{"zzzzzzzzzz", 3}}}},
       {"test.json: /systemd/zzzzzzzzzz: unknown key; expected one of: "}},
      {"wrong type", {{"systemd", {{"scan_per_line_us", "8"}}}},
       {"test.json: /systemd/scan_per_line_us: expected a number from 0 to 1000000, found \"8\" (a string)"}},
      {"boolean expected", {{"logind", {{"enabled", 1}}}},
       {"test.json: /logind/enabled: expected true or false, found 1 (a number)"}},
      {"string expected", {{"name", 7}}, {"test.json: /name: expected a string, found 7 (a number)"}},
      {"object expected", {{"systemd", 5}}, {"test.json: /systemd: expected an object, found 5 (a number)"}},
      {"array expected", {{"workload", json::object()}}, {"test.json: /workload: expected an array of objects"}},
      {"array element not an object", {{"workload", {5}}}, {"test.json: /workload/0: expected an object"}},
      {"negative cost", {{"dbus", {{"route_base_us", -1}}}},
       {"test.json: /dbus/route_base_us: expected a number from 0 to 1000000000, found -1 (a number)"}},
      {"above the maximum", {{"host", {{"cpus", 5000}}}},
       {"test.json: /host/cpus: expected an integer from 0 to 4096, found 5000"}},
      {"non-integer", {{"systemd", {{"wqueue_max", 1.5}}}},
       {"test.json: /systemd/wqueue_max: expected an integer from 1 to 4294967296, found 1.5"}},
      {"non-integer int", {{"host", {{"cpus", 2.5}}}}, {"test.json: /host/cpus: expected an integer"}},
      {"byte size out of range", {{"message_sizes", {{"unit_new_bytes", 8}}}},
       {"test.json: /message_sizes/unit_new_bytes: expected an integer from 16 to 134217728, found 8"}},
      {"negative seed", {{"seed", -1}}, {"test.json: /seed: expected an integer from 0 to 18446744073709551615"}},
      {"fractional seed", {{"seed", 1.5}}, {"test.json: /seed: expected an integer"}},
      {"choice", {{"workload", {{{"kind", "bursty"}, {"count", 1}}}}},
       {"test.json: /workload/0/kind: expected one of \"list\", \"interval\", \"poisson\", \"burst\"",
        "found \"bursty\" (a string)"}},
      {"missing count", {{"workload", {Burst(1), {{"kind", "burst"}, {"op", "umount"}, {"mount", {{"path", "/x"}}}}}}},
       {"test.json: /workload/1/count: expected the number of operations, found nothing"}},
      {"missing interval", {{"workload", {{{"kind", "interval"}, {"count", 1}, {"op", "umount"}, {"mount", {{"path", "/x"}}}}}}},
       {"test.json: /workload/0/interval_ms: expected the gap between operations"}},
      {"key of another kind", {{"workload", {{{"kind", "burst"}, {"count", 1}, {"op", "umount"}, {"rate_per_s", 3}, {"mount", {{"path", "/x"}}}}}}},
       {"test.json: /workload/0/rate_per_s: unknown key"}},
      {"missing path", {{"workload", {{{"kind", "burst"}, {"count", 1}, {"op", "umount"}, {"mount", json::object()}}}}},
       {"test.json: /workload/0/mount/path: expected a mount point path"}},
      {"unknown key in a mount", {{"workload", {{{"kind", "burst"}, {"count", 1}, {"op", "umount"}, {"mount", {{"path", "/x"}, {"fs_type", "nfs"}}}}}}},
       {"test.json: /workload/0/mount/fs_type: unknown key", "did you mean \"fstype\""}},
      {"mount without source", {{"workload", {{{"kind", "burst"}, {"count", 1}, {"mount", {{"path", "/x"}, {"fstype", "nfs4"}}}}}}},
       {"test.json: /workload/0/mount/source: expected the mounted source"}},
      {"relative path in a list", {{"workload", {{{"kind", "list"}, {"ops", {{{"at_s", 1}, {"op", "umount"}, {"path", "x"}}}}}}}},
       {"test.json: /workload/0/ops/0/path: expected an absolute path, found \"x\""}},
      {"list without at_s", {{"workload", {{{"kind", "list"}, {"ops", {{{"op", "umount"}, {"path", "/x"}}}}}}}},
       {"test.json: /workload/0/ops/0/at_s: expected the time of the operation"}},
      {"duplicate generator name", {{"workload", {Named(Burst(1), "walk"), Named(Burst(2), "walk")}}},
       {"test.json: /workload/1/name: expected a name no other generator has"}},
      {"generate without count", {{"mount_table", {{"generate", {{{"path", "/u{i}"}, {"source", "s"}, {"fstype", "nfs4"}}}}}}},
       {"test.json: /mount_table/generate/0/count: expected the number of entries"}},
      {"busy period without length", {{"logind", {{"busy", {{{"start_s", 1}}}}}}},
       {"test.json: /logind/busy/0/length_s: expected the length of the busy period"}},
      {"match rule not a string", {{"logind", {{"match_rules", {"type='signal'", 5}}}}},
       {"test.json: /logind/match_rules/1: expected a string, found 5 (a number)"}},
      {"subscriber without a name", {{"subscribers", {json::object()}}},
       {"test.json: /subscribers/0/name: expected a name for the subscriber"}},
      {"logind has no name key", {{"logind", {{"name", "x"}}}}, {"test.json: /logind/name: unknown key"}},
      {"too many samples", {{"run", {{"stop_at_s", 1000000}, {"sample_interval_ms", 0.001}}}},
       {"test.json: /: ", "sample_interval_ms"}},
  };
  for (const Case& c : cases) {
    INFO(c.what << ": " << c.doc.dump());
    std::string message = ParseErrorOf(c.doc);
    INFO("message: " << message);
    for (const std::string& s : c.snippets) CHECK(message.find(s) != std::string::npos);
  }
}

TEST_CASE("non-finite and huge numbers are rejected", "[scenario]") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(ParseErrorOf({{"systemd", {{"scan_fixed_us", inf}}}}) ==
        "test.json: /systemd/scan_fixed_us: expected a finite number, found infinity (a number)");
  CHECK(ParseErrorOf({{"systemd", {{"wqueue_memmove_ns_per_entry", nan}}}}).find(
            "test.json: /systemd/wqueue_memmove_ns_per_entry: expected a finite number") == 0);
  CHECK(ParseErrorOf({{"host", {{"cpus", -inf}}}}).find("test.json: /host/cpus: expected a finite number") == 0);
  CHECK(ParseErrorOf({{"seed", inf}}).find("test.json: /seed: expected an integer") == 0);
  CHECK(ParseErrorOf({{"systemd", {{"scan_fixed_us", 1e308}}}}).find("test.json: /systemd/scan_fixed_us: expected a number from 0 to") == 0);
  // 64-bit integers beyond every range, compared exactly rather than as doubles.
  CHECK(ParseErrorOf({{"systemd", {{"wqueue_max", std::numeric_limits<std::uint64_t>::max()}}}}).find(
            "test.json: /systemd/wqueue_max: expected an integer from 1 to 4294967296, found 18446744073709551615") == 0);
  CHECK(ParseErrorOf({{"systemd", {{"wqueue_max", std::numeric_limits<std::int64_t>::min()}}}}).find(
            "test.json: /systemd/wqueue_max: expected an integer from 1 to 4294967296, found -9223372036854775808") == 0);
  CHECK(ParseErrorOf({{"host", {{"cpus", std::numeric_limits<std::uint64_t>::max()}}}}).find("test.json: /host/cpus") == 0);
  CHECK(ParseErrorOf({{"run", {{"stop_at_s", 1e300}}}}).find("test.json: /run/stop_at_s") == 0);
}

// Regression: the parser's out_of_range error (number overflow) once escaped
// LoadScenarioFile as a nlohmann exception, not an InputError.
TEST_CASE("1e400 in the text of a scenario file is an InputError", "[scenario]") {
  const std::string path = WriteText(test::TempDir("scenario-1e400") + "/s.json", R"({"systemd": {"scan_fixed_us": 1e400}})");
  std::string message = InputErrorOf([&] { LoadScenarioFile(path); });
  CHECK(message.find(path + ": /systemd/scan_fixed_us: ") == 0);
}

TEST_CASE("an unknown profile is rejected with the list of known profiles", "[scenario]") {
  const std::string message = ParseErrorOf({{"profile", "rhel9"}});
  const std::string head = "test.json: /profile: unknown profile \"rhel9\" (known: ";
  REQUIRE(message.rfind(head, 0) == 0);
  REQUIRE(message.back() == ')');
  // Every profile the message lists is one DefaultScenario and ParseScenario accept.
  std::string list = message.substr(head.size(), message.size() - head.size() - 1);
  std::vector<std::string> known;
  for (std::size_t start = 0; start <= list.size();) {
    std::size_t comma = list.find(", ", start);
    known.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 2;
  }
  CHECK(std::find(known.begin(), known.end(), "rhel7.7") != known.end());
  for (const std::string& profile : known) {
    INFO(profile);
    CHECK(DefaultScenario(profile).profile == profile);
    CHECK(ParseScenario({{"profile", profile}}, "p.json").profile == profile);
  }
  const std::string ubuntu = InputErrorOf([] { DefaultScenario("ubuntu"); });
  CHECK(ubuntu.rfind("unknown profile \"ubuntu\" (known: ", 0) == 0);
  CHECK(ubuntu.find("rhel7.7") != std::string::npos);
  CHECK(ParseErrorOf({{"profile", 7}}) == "test.json: /profile: expected a string, found 7 (a number)");
}

TEST_CASE("mount_table.generate expands {i} in every field", "[scenario]") {
  json doc = {{"mount_table",
               {{"generate", {{{"count", 3}, {"first_index", 7}, {"path", "/n/u{i}"}, {"source", "srv:/e/{i}{i}"},
                               {"fstype", "nfs{i}"}, {"options", "rw,id={i}"}},
                              {{"count", 2}, {"path", "/m/{i}"}, {"source", "/dev/sd{i}"}, {"fstype", "xfs"}},
                              {{"count", 0}, {"path", "/never/{i}"}, {"source", "s"}, {"fstype", "xfs"}},
                              {{"count", 1}, {"first_index", -1}, {"path", "/neg{i}"}, {"source", "s"}, {"fstype", "xfs"}}}},
                {"entries", {{{"path", "/"}, {"source", "/dev/sda1"}, {"fstype", "xfs"}}}}}}};
  Scenario s = ParseScenario(doc, "generate.json");
  const std::vector<MountSpec> m = InitialMounts(s);
  REQUIRE(m.size() == 1 + 3 + 2 + 1);
  // "entries" come first, then the generated entries in order.
  CHECK(m[0].path == "/");
  CHECK(m[0].options == "rw,relatime");  // the default options
  CHECK(m[1].path == "/n/u7");
  CHECK(m[1].source == "srv:/e/77");
  CHECK(m[1].fstype == "nfs7");
  CHECK(m[1].options == "rw,id=7");
  CHECK(m[3].path == "/n/u9");
  CHECK(m[4].path == "/m/1");  // first_index defaults to 1
  CHECK(m[5].source == "/dev/sd2");
  CHECK(m[6].path == "/neg-1");
}

TEST_CASE("ApplyOverride sets a JSON value or a plain string", "[scenario][override]") {
  json doc = {{"seed", 1},
              {"run", {{"stop_at_s", 60}}},
              {"workload", {{{"kind", "burst"}, {"count", 1}}}}};
  ApplyOverride(doc, "/seed=5", "--set");
  CHECK(doc["seed"] == 5);
  ApplyOverride(doc, "/name=\"quoted\"", "--set");
  CHECK(doc["name"] == "quoted");
  ApplyOverride(doc, "/description=not json", "--set");
  CHECK(doc["description"] == "not json");
  ApplyOverride(doc, "/profile=", "--set");
  CHECK(doc["profile"] == "");
  ApplyOverride(doc, "/logind={\"enabled\": false}", "--set");
  CHECK(doc["logind"]["enabled"] == false);
  ApplyOverride(doc, "/run/sample_interval_ms=2.5", "--set");  // a key missing from an existing object
  CHECK(doc["run"]["sample_interval_ms"] == 2.5);
  CHECK(doc["run"]["stop_at_s"] == 60);
  ApplyOverride(doc, "/workload/0/count=3000", "--set");  // an existing array element
  CHECK(doc["workload"][0]["count"] == 3000);
  ApplyOverride(doc, "/workload/0={\"kind\": \"list\"}", "--set");
  CHECK(doc["workload"][0] == json{{"kind", "list"}});
  ApplyOverride(doc, "/run/stop_at_s=a=b", "--set");  // the first '=' separates
  CHECK(doc["run"]["stop_at_s"] == "a=b");
}

TEST_CASE("ApplyOverride refuses what it cannot place", "[scenario][override]") {
  const json original = {{"seed", 1}, {"name", "n"}, {"workload", {{{"kind", "burst"}, {"count", 1}}}}};
  struct Case {
    std::string assignment;
    std::vector<std::string> snippets;
  };
  const std::vector<Case> cases = {
      {"/workload/1/count=3", {"origin: /workload/1/count", "/workload/1"}},
      {"/workload/1=3", {"origin: /workload/1: no such array element"}},
      {"/workload/-=3", {"origin: /workload/-: no such array element"}},
      {"/workload/x=3", {"origin: /workload/x: no such array element"}},
      {"/workload/1/mount/path=\"/x\"", {"origin: /workload/1/mount/path", "/workload/1"}},
      {"/workload/0/kind/x=3", {"origin: /workload/0/kind/x"}},
      {"/name/x=3", {"origin: /name/x"}},
      {"/seed", {"origin: \"/seed\": expected /json/path=value"}},
      {"seed=3", {"origin: \"seed=3\": expected /json/path=value"}},
      {"=3", {"origin: \"=3\": expected /json/path=value"}},
      {"/bad~2escape=3", {"origin: /bad~2escape: not a valid JSON pointer"}},
  };
  for (const Case& c : cases) {
    INFO(c.assignment);
    json doc = original;
    std::string message = InputErrorOf([&] { ApplyOverride(doc, c.assignment, "origin"); });
    INFO("message: " << message);
    for (const std::string& s : c.snippets) CHECK(message.find(s) != std::string::npos);
    CHECK(doc == original);  // refused overrides change nothing
  }
}

// Regression: std::stoull once threw std::out_of_range (an internal error, exit 1)
// for an index beyond 64 bits.
TEST_CASE("ApplyOverride refuses an array index beyond 64 bits", "[scenario][override]") {
  json doc = {{"workload", {{{"kind", "burst"}}}}};
  std::string message = InputErrorOf([&] { ApplyOverride(doc, "/workload/99999999999999999999=1", "origin"); });
  CHECK(message.find("origin: /workload/99999999999999999999") == 0);
}

TEST_CASE("LoadScenarioFile applies overrides in order, then reads strictly", "[scenario][override]") {
  const std::string dir = test::TempDir("scenario-load");
  const std::string path = WriteText(dir + "/s.json", R"({"name": "s", "run": {"stop_at_s": 60}})");
  Scenario s = LoadScenarioFile(path, {"/seed=1", "/seed=2", "/run/stop_at_s=30"});
  CHECK(s.seed == 2);
  CHECK(s.stop_at == 30 * kSecond);
  CHECK(s.file == path);

  // A misspelled key set by an override is caught by the strict reader.
  std::string misspelled = InputErrorOf([&] { LoadScenarioFile(path, {"/run/stop_at=5"}); });
  CHECK(misspelled.find(path + ": /run/stop_at: unknown key (did you mean \"stop_at_s\"?)") == 0);
  // So is a bad value.
  std::string bad = InputErrorOf([&] { LoadScenarioFile(path, {"/run/stop_at_s=-1"}); });
  CHECK(bad.find(path + ": /run/stop_at_s: expected a number from 0 to 1000000, found -1") == 0);
  // And a string that is not UTF-8 (an override's plain string is not checked by the JSON parser).
  std::string utf8 = InputErrorOf([&] { LoadScenarioFile(path, {"/name=\xff\xfe"}); });
  CHECK(utf8.find(path + ": /name: expected a string of valid UTF-8") == 0);
  // A section that does not exist is named.
  std::string section = InputErrorOf([&] { LoadScenarioFile(path, {"/systmd/wqueue_max=3"}); });
  CHECK(section.find("/systmd") != std::string::npos);

  CHECK(InputErrorOf([&] { LoadScenarioFile(dir + "/missing.json"); }) ==
        dir + "/missing.json: cannot open the scenario file");
  WriteText(dir + "/broken.json", R"({"name": )");
  CHECK(InputErrorOf([&] { LoadScenarioFile(dir + "/broken.json"); }).find(dir + "/broken.json: not valid JSON") == 0);
}

TEST_CASE("every shipped scenario parses", "[scenario]") {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::SourcePath("scenarios"))) {
    if (entry.path().extension() != ".json") continue;
    ++count;
    INFO(entry.path().string());
    Scenario s = LoadScenarioFile(entry.path().string());
    CHECK(s.name == entry.path().stem().string());
    CHECK_FALSE(s.description.empty());
    CHECK(InitialMountCount(s) > 0);
    CHECK_FALSE(s.workload.empty());
  }
  CHECK(count >= 3);
}

TEST_CASE("ListParameters documents every key with its default and unit", "[scenario]") {
  std::vector<ParameterInfo> params = ListParameters();
  std::set<std::string> paths;
  for (const ParameterInfo& p : params) {
    CHECK(paths.insert(p.path).second);
    CHECK_NOTHROW(json::parse(p.default_value));
  }
  auto find = [&](const std::string& path) {
    for (const ParameterInfo& p : params) {
      if (p.path == path) return p;
    }
    FAIL("no parameter " << path);
    return ParameterInfo{};
  };
  CHECK(find("/systemd/scan_per_line_us").default_value == "8");
  CHECK(find("/systemd/scan_per_line_us").unit == "us");
  CHECK(find("/systemd/wqueue_max").default_value == "196608");
  CHECK(find("/run/stop_at_s").default_value == "3600");
  CHECK(find("/workload/*/count").unit == "operations");
  CHECK(find("/subscribers/*/busy/*/length_s").unit == "s");
  CHECK(find("/mount_table/generate/*/first_index").default_value == "1");
}

TEST_CASE("JsonReader compares 64-bit integers exactly", "[scenario][json_reader]") {
  auto read = [](const json& value, std::int64_t min, std::int64_t max) {
    json doc = {{"k", value}};
    JsonReader r(&doc, "f.json", "", nullptr);
    std::int64_t out = 0;
    r.Int64("k", &out, min, max);
    return out;
  };
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  CHECK(read(big, 0, big) == big);
  CHECK(read(std::uint64_t{9007199254740993}, 0, big) == 9007199254740993);  // 2^53 + 1: not a double
  CHECK(read(-5, -10, 10) == -5);
  CHECK(InputErrorOf([&] { read(std::uint64_t{1} << 63, 0, big); }) ==
        "f.json: /k: expected an integer from 0 to 9223372036854775807, found 9223372036854775808 (a number)");
  CHECK(InputErrorOf([&] { read(9007199254740993, 0, 9007199254740992); }).find("f.json: /k: expected an integer") == 0);
  CHECK(InputErrorOf([&] { read(3, 5, 10); }).find("f.json: /k: expected an integer from 5 to 10, found 3") == 0);
  CHECK(InputErrorOf([&] { read(std::uint64_t{3}, -10, -5); }).find("f.json: /k: expected an integer from -10 to -5") == 0);
  CHECK(read(7.0, 0, 10) == 7);
  CHECK(InputErrorOf([&] { read(7.5, 0, 10); }).find("f.json: /k: expected an integer") == 0);
  CHECK(InputErrorOf([&] { read("7", 0, 10); }).find("f.json: /k: expected an integer from 0 to 10, found \"7\" (a string)") == 0);
}

TEST_CASE("DescribeJson never throws on a string that is not UTF-8", "[scenario][json_reader]") {
  CHECK(DescribeJson(json("ok")) == "\"ok\" (a string)");
  // Each bad byte becomes U+FFFD (EF BF BD), the replacement character.
  CHECK(DescribeJson(json(std::string("\xff\xfe"))) == "\"\xef\xbf\xbd\xef\xbf\xbd\" (a string)");
  CHECK(DescribeJson(json(std::string(100, 'x'))).size() < 80);
  CHECK(DescribeJson(json(nullptr)) == "null");
  CHECK(DescribeJson(json::array()) == "an array");
}

TEST_CASE("a generated table is kept as its templates until the run starts", "[scenario]") {
  json doc = {{"mount_table",
               {{"entries", {{{"path", "/"}, {"source", "/dev/sda1"}, {"fstype", "xfs"}}}},
                {"generate", {{{"count", 10000000}, {"path", "/srv/g{i}"}, {"source", "tmpfs"}, {"fstype", "tmpfs"}}}}}}};
  Scenario s = ParseScenario(doc, "big-table.json");
  CHECK(s.initial_mounts.size() == 1);
  REQUIRE(s.generated_mounts.size() == 1);
  CHECK(InitialMountCount(s) == 10000001);
  // 10^7 lines are over the default budget: refused by the estimate, before one is made.
  CHECK(EstimateRunMemory(s) > RunBudget{}.max_memory_bytes);
}
