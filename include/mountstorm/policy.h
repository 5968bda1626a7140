// Pid1Policy: a patch to PID 1, at the points where real patches change its behaviour.
//
// A scenario lists the patches it applies ("patches": [{"name": "ratelimit", "burst": 5}, ...]);
// each is made by name from its JSON parameters by a factory registered with RegisterPatch().
// Several may apply at once: a source is dispatched only when every patch allows it, a unit is
// queued only if every patch agrees, budgets take the smallest, sends wait for the latest time.
// The default of every hook changes nothing, so a patch overrides only the hooks it needs.
// docs/PATCHES.md shows how to write one; models/policies/ holds the shipped ones.
//
// Times are simulated nanoseconds (mountstorm/time.h). Hooks are called from PID 1's steps, in a
// deterministic order; a patch must not use the wall clock or a random source of its own.
#ifndef MOUNTSTORM_INCLUDE_POLICY_H_
#define MOUNTSTORM_INCLUDE_POLICY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mountstorm/scenario.h"
#include "mountstorm/time.h"

namespace mountstorm {

// Why a scan wants to announce a unit (docs/research/systemd.md section 2.4).
enum class QueueReason {
  kNew,                     // a unit the scan created
  kChanged,                 // what, options or fstype changed
  kUnchangedNetworkMount,   // re-queued by the remote-fs dependency (v219-v239)
  kUnchangedDevice,         // re-queued by device_setup_unit (RHEL 7.7, v220-v245)
};

struct UnitQueueRequest {
  Time now;
  std::uint32_t unit;  // the unit's id, stable for the run
  QueueReason reason;
  bool device;   // a device unit (else a mount unit)
  bool network;  // a network mount
};

// What one call of manager_dispatch_dbus_queue() may do. -1 means no limit.
struct DispatchBudget {
  int max_units = -1;                         // units (and jobs) announced by the call
  std::int64_t pause_above_queued_writes = -1;  // the call sits out above this many queued writes
};

class Pid1Policy {
 public:
  virtual ~Pid1Policy() = default;

  // 1. The mountinfo source has been ready since `ready_since` (the first change not yet
  //    scanned). Returns when it may be dispatched: `now`, or a later time at which the source
  //    comes back online; the changes stay pending and one scan covers them.
  virtual Time MountinfoDispatchTime(Time now, Time /*ready_since*/) const { return now; }
  //    A scan ran from `start` to `end`.
  virtual void MountinfoDispatched(Time /*start*/, Time /*end*/) {}

  // 2. A scan is about to queue a unit for announcement. Return false to leave it out.
  virtual bool AdmitToDbusQueue(const UnitQueueRequest& /*request*/) { return true; }

  // 3. A dispatch call of the unit queue starts with `queued_writes` messages waiting in PID 1's
  //    write queues; the policy may narrow `budget`.
  virtual void LimitDispatch(Time /*now*/, std::int64_t /*queued_writes*/, DispatchBudget* /*budget*/) {}
  //    A unit's signals, `messages` of them, are about to be sent: returns when they may go. A
  //    later time stops the dispatch until then; the unit stays queued.
  virtual Time SendTime(Time now, int /*messages*/) const { return now; }
  //    They were sent at `when`.
  virtual void Sent(Time /*when*/, int /*messages*/) {}

  // 4. Before the run: PID 1's parameters that the patch owns. A patch of a mechanism the profile
  //    already has (the v248 rate limit, the dispatch budget, the queue limits) changes its
  //    parameters here instead of adding a second one beside it: each mechanism has one owner.
  virtual void Configure(SystemdParams* /*params*/) {}
};

// The parameters of one patch in a scenario. Each accessor reads a key (or keeps the default),
// checks it, and marks it known; a key no accessor asks for is an error naming the file and the
// JSON path, as everywhere in a scenario.
class PatchParams {
 public:
  virtual ~PatchParams() = default;
  virtual double Number(const char* key, double default_value, double min, double max) = 0;
  virtual std::int64_t Integer(const char* key, std::int64_t default_value, std::int64_t min, std::int64_t max) = 0;
  virtual bool Bool(const char* key, bool default_value) = 0;
  // A duration given in seconds (key ending in _s) or milliseconds (_ms), returned in ns.
  virtual Duration Seconds(const char* key, double default_seconds, double min, double max) = 0;
  virtual Duration Millis(const char* key, double default_ms, double min, double max) = 0;
};

using PatchFactory = std::function<std::unique_ptr<Pid1Policy>(PatchParams& params)>;

// Makes `name` usable in scenarios. Registering a name twice replaces the first.
void RegisterPatch(const std::string& name, const std::string& description, PatchFactory factory);

// Every registered patch, by name, with its description.
std::vector<std::pair<std::string, std::string>> ListPatches();

}  // namespace mountstorm

#endif  // MOUNTSTORM_INCLUDE_POLICY_H_
