// What `mountstorm replay` counts in a stream of messages, captured or simulated: messages by
// sender, type, member, changed interface (the first argument of PropertiesChanged) and unit, and
// PID 1's signals by member, interface and unit kind, grouped into bursts (its flushes).
#ifndef MOUNTSTORM_TOOLS_REPLAY_TALLY_H_
#define MOUNTSTORM_TOOLS_REPLAY_TALLY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "replay/capture.h"

namespace mountstorm {

// A run of PID 1's signals with no gap longer than the burst gap between two of them.
struct Burst {
  double first_s = 0, last_s = 0;
  std::uint64_t signals = 0;
};

struct Tally {
  std::uint64_t messages = 0;
  std::map<std::string, std::uint64_t> by_sender, by_type, by_member, by_changed_interface, by_unit;
  std::string pid1;  // PID 1's unique name
  std::uint64_t pid1_signals = 0;
  std::map<std::string, std::uint64_t> pid1_by_member, pid1_by_interface, pid1_by_unit_kind;
  std::vector<Burst> bursts;
  double pid1_first_s = 0, pid1_last_s = 0;  // PID 1's first and last signal
};

// PID 1's unique name in `messages`: the sender of the signals of org.freedesktop.systemd1.Manager
// (UnitNew, UnitRemoved, JobNew, ...), or "" if none was captured.
std::string FindPid1(const std::vector<CapturedMessage>& messages);

// The tally of `messages`; PID 1's signals are those `pid1` sent. Two signals more than `gap_s`
// apart belong to different bursts.
Tally TallyMessages(const std::vector<CapturedMessage>& messages, const std::string& pid1, double gap_s);

// "mount", "target", "slice", "socket", ... from a unit's object path (.../unit/local_2dfs_2etarget).
std::string UnitKindOfPath(const std::string& path);

nlohmann::json TallyJson(const Tally& t);

}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_REPLAY_TALLY_H_
