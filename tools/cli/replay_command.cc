// mountstorm replay: what a real capture holds, counted as the simulator counts its own messages,
// and, with --scenario, side by side with a run of the scenario.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <set>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "cli/scenario_input.h"
#include "io/text_io.h"
#include "mountstorm/error.h"
#include "mountstorm/run.h"
#include "replay/capture.h"
#include "replay/tally.h"

namespace mountstorm {

namespace {

const char kReplayUsage[] =
    "usage: mountstorm replay CAPTURE [--scenario SCENARIO.json [--profile NAME] [--set ...]]\n"
    "                         [--pid1 NAME] [--burst-gap-ms G] [--json]\n"
    "\n"
    "Reads a capture of the system bus, a pcapng file as `busctl capture` writes it or a pcap file\n"
    "as `mountstorm run --trace` writes it, decodes every record with libdbus, and counts the\n"
    "messages by sender, type, member and changed interface (PropertiesChanged's first argument),\n"
    "and PID 1's signals by member, interface and unit kind, in bursts (its flushes: signals less\n"
    "than G ms apart, default 1). With --scenario it also runs the scenario and prints captured and\n"
    "simulated PID 1 counts side by side with their differences. tools/testbed/ records captures of a\n"
    "real systemd; docs/VALIDATION.md compares them with the model.\n";

// The messages a run of the scenario routes, as a monitor would capture them.
class Recorder : public MessageTap {
 public:
  bool Wants(Time) override { return true; }
  void Routed(const TracedMessage& m) override {
    CapturedMessage c;
    c.time_s = ToSeconds(m.time);
    c.type = m.type;
    c.serial = m.serial;
    c.reply_serial = m.reply_serial;
    c.sender = m.sender;
    c.destination = m.destination;
    c.path = m.path;
    c.interface = m.interface;
    c.member = m.member;
    c.error_name = m.error_name;
    c.changed_interface = m.changed_interface;
    c.unit = m.unit;
    c.bytes = m.bytes;
    messages.push_back(std::move(c));
  }
  std::vector<CapturedMessage> messages;
};

// One line of the side-by-side table.
struct Row {
  std::string what;
  double captured = 0, simulated = 0;
};

std::string Difference(double captured, double simulated) {
  if (captured == 0) return simulated == 0 ? "0" : "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f %%", 100.0 * (simulated / captured - 1.0));
  return buf;
}

void AddMapRows(const std::string& prefix, const std::map<std::string, std::uint64_t>& a,
                const std::map<std::string, std::uint64_t>& b, std::vector<Row>* rows) {
  std::set<std::string> keys;
  for (const auto& [k, v] : a) keys.insert(k);
  for (const auto& [k, v] : b) keys.insert(k);
  for (const std::string& k : keys) {
    rows->push_back({prefix + k, static_cast<double>(a.count(k) ? a.at(k) : 0),
                     static_cast<double>(b.count(k) ? b.at(k) : 0)});
  }
}

std::vector<Row> CompareRows(const Tally& c, const Tally& s) {
  std::vector<Row> rows = {{"PID 1 signals", static_cast<double>(c.pid1_signals), static_cast<double>(s.pid1_signals)}};
  AddMapRows("  member ", c.pid1_by_member, s.pid1_by_member, &rows);
  AddMapRows("  interface ", c.pid1_by_interface, s.pid1_by_interface, &rows);
  AddMapRows("  unit kind ", c.pid1_by_unit_kind, s.pid1_by_unit_kind, &rows);
  rows.push_back({"bursts (flushes)", static_cast<double>(c.bursts.size()), static_cast<double>(s.bursts.size())});
  rows.push_back({"first to last signal (s)", c.pid1_last_s - c.pid1_first_s, s.pid1_last_s - s.pid1_first_s});
  return rows;
}

void PrintCounts(const std::string& title, const std::map<std::string, std::uint64_t>& m) {
  std::printf("%s\n", title.c_str());
  for (const auto& [k, v] : m) std::printf("  %-52s %12s\n", k.c_str(), WithCommas(v).c_str());
}

void PrintTally(const std::string& capture, const Tally& t) {
  std::printf("capture  %s: %s messages; PID 1 (%s) sent %s signals in %zu bursts over %.3f s\n\n", capture.c_str(),
              WithCommas(t.messages).c_str(), t.pid1.empty() ? "not found" : t.pid1.c_str(),
              WithCommas(t.pid1_signals).c_str(), t.bursts.size(), t.pid1_last_s - t.pid1_first_s);
  PrintCounts("by sender", t.by_sender);
  PrintCounts("by type", t.by_type);
  PrintCounts("by member", t.by_member);
  PrintCounts("by changed interface (PropertiesChanged)", t.by_changed_interface);
  PrintCounts("PID 1's signals by unit kind", t.pid1_by_unit_kind);
}

void PrintComparison(const std::vector<Row>& rows) {
  std::printf("\n%-44s %14s %14s %10s\n", "", "captured", "simulated", "difference");
  for (const Row& r : rows) {
    const bool seconds = r.what.find("(s)") != std::string::npos;
    std::printf("%-44s %14s %14s %10s\n", r.what.c_str(),
                seconds ? FormatFixed(r.captured, 3).c_str() : WithCommas(std::llround(r.captured)).c_str(),
                seconds ? FormatFixed(r.simulated, 3).c_str() : WithCommas(std::llround(r.simulated)).c_str(),
                Difference(r.captured, r.simulated).c_str());
  }
}

}  // namespace

int ReplayCommand(const CommandArgs& args) {
  std::string capture, scenario;
  std::vector<std::string> sets;
  std::optional<std::string> pid1;
  std::optional<std::int64_t> gap_ms;
  bool json = false;
  CommandLine cl("replay", kReplayUsage);
  cl.Positional("capture", &capture, "a capture: pcapng (busctl capture) or pcap with link type 231; - for standard input")
      .Text("scenario", &scenario, "also run this scenario and compare")
      .Overrides(&sets)
      .Text("pid1", &pid1, "PID 1's unique name (default: the sender of systemd's Manager signals)")
      .Integer("burst-gap-ms", &gap_ms, "signals further apart start a new burst (default 1)")
      .Json(&json);
  if (!cl.Parse(args)) return kExitOk;
  if (scenario.empty() && (!sets.empty())) throw InputError("replay: --set and --profile need --scenario");
  if (gap_ms && (*gap_ms < 0 || *gap_ms > 3600000)) {
    throw InputError("--burst-gap-ms: expected an integer from 0 to 3600000, found " + std::to_string(*gap_ms));
  }
  const double gap_s = static_cast<double>(gap_ms.value_or(1)) / 1000.0;
  const std::vector<CapturedMessage> messages = ReadCapture(capture);
  const Tally captured = TallyMessages(messages, pid1.value_or(FindPid1(messages)), gap_s);
  std::optional<Tally> simulated;
  if (!scenario.empty()) {
    Recorder recorder;
    RunScenario(LoadScenarioArg(scenario, sets), &recorder);
    simulated = TallyMessages(recorder.messages, FindPid1(recorder.messages), gap_s);
  }
  if (json) {
    nlohmann::json j = {{"capture", capture}, {"captured", TallyJson(captured)}};
    if (simulated) {
      j.emplace("scenario", scenario);
      j.emplace("simulated", TallyJson(*simulated));
    }
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  PrintTally(capture, captured);
  if (simulated) PrintComparison(CompareRows(captured, *simulated));
  return kExitOk;
}

}  // namespace mountstorm
