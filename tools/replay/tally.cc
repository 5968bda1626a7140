#include "replay/tally.h"

namespace mountstorm {

std::string FindPid1(const std::vector<CapturedMessage>& messages) {
  std::map<std::string, std::uint64_t> senders;
  for (const CapturedMessage& m : messages) {
    if (m.type == "signal" && m.interface == "org.freedesktop.systemd1.Manager" && !m.sender.empty()) ++senders[m.sender];
  }
  std::string best;
  for (const auto& [name, n] : senders) {
    if (best.empty() || n > senders.at(best)) best = name;
  }
  return best;
}

std::string UnitKindOfPath(const std::string& path) {
  // bus_label_escape() writes '.' as "_2e": the suffix after the last one is the unit type.
  const std::size_t dot = path.rfind("_2e");
  if (path.find("/org/freedesktop/systemd1/unit/") != 0 || dot == std::string::npos) return "other";
  return path.substr(dot + 3);
}

namespace {

void AddPid1Signal(const CapturedMessage& m, double gap_s, Tally* t) {
  ++t->pid1_signals;
  ++t->pid1_by_member[m.member];
  if (!m.changed_interface.empty()) ++t->pid1_by_interface[m.changed_interface];
  if (!m.unit.empty()) ++t->pid1_by_unit_kind[UnitKindOfPath(m.unit)];
  if (t->bursts.empty() || m.time_s - t->bursts.back().last_s > gap_s) {
    t->bursts.push_back(Burst{m.time_s, m.time_s, 0});
    if (t->bursts.size() == 1) t->pid1_first_s = m.time_s;
  }
  t->bursts.back().last_s = m.time_s;
  ++t->bursts.back().signals;
  t->pid1_last_s = m.time_s;
}

nlohmann::json Counts(const std::map<std::string, std::uint64_t>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : m) j.emplace(k, v);
  return j;
}

}  // namespace

Tally TallyMessages(const std::vector<CapturedMessage>& messages, const std::string& pid1, double gap_s) {
  Tally t;
  t.pid1 = pid1;
  for (const CapturedMessage& m : messages) {
    ++t.messages;
    ++t.by_sender[m.sender.empty() ? "(none)" : m.sender];
    ++t.by_type[m.type];
    if (!m.member.empty()) ++t.by_member[m.member];
    if (!m.changed_interface.empty()) ++t.by_changed_interface[m.changed_interface];
    if (!m.unit.empty()) ++t.by_unit[m.unit];
    if (!pid1.empty() && m.sender == pid1 && m.type == "signal") AddPid1Signal(m, gap_s, &t);
  }
  return t;
}

nlohmann::json TallyJson(const Tally& t) {
  nlohmann::json bursts = nlohmann::json::array();
  for (const Burst& b : t.bursts) bursts.push_back({{"first_s", b.first_s}, {"last_s", b.last_s}, {"signals", b.signals}});
  return {{"messages", t.messages},
          {"by_sender", Counts(t.by_sender)},
          {"by_type", Counts(t.by_type)},
          {"by_member", Counts(t.by_member)},
          {"by_changed_interface", Counts(t.by_changed_interface)},
          {"units", t.by_unit.size()},
          {"pid1", {{"name", t.pid1},
                    {"signals", t.pid1_signals},
                    {"by_member", Counts(t.pid1_by_member)},
                    {"by_interface", Counts(t.pid1_by_interface)},
                    {"by_unit_kind", Counts(t.pid1_by_unit_kind)},
                    {"first_s", t.pid1_first_s},
                    {"last_s", t.pid1_last_s},
                    {"bursts", bursts}}}};
}

}  // namespace mountstorm
