#include "models/systemd/profiles.h"

#include "mountstorm/error.h"

namespace mountstorm {

namespace {

// Version-dependent values, with their sources in docs/research/systemd.md and docs/research/dbus.md.
struct Version {
  bool reannounce_network;  // systemd.md 2.4 (A): until v240 (PR #10980)
  bool reannounce_devices;  // systemd.md 2.4 (B), (B'): RHEL 7.7 and v220-v245, until PR #15233
  bool budget;              // systemd.md 2.1: PR #8171, v238+: 100 units, pause over 1024 queued
  std::int64_t wqueue_max;  // systemd.md 4.1: bus-internal.h
  std::int64_t rqueue_max;
  bool ratelimit;           // systemd.md 3.2: v248+, 5 dispatches per 1 s window
  std::uint32_t pc_mount;   // dbus.md 6.3: PropertiesChanged sizes by version
  std::uint32_t pc_unit;
  int pam_timeout_s;        // dbus.md 7.4: pam_systemd's CreateSession, 25 s, 120 s from v243
};

// The mechanisms of a modern PID 1 (docs/research/v252-mechanisms.md) and their CPU costs, measured
// (the signals) or fitted to PID 1's CPU time in the testbed storms (docs/VALIDATION.md, "A real systemd 252 and 257";
// docs/MODEL.md gives each value's source). Absent from the older profiles.
struct Modern {
  bool on;
  bool gc_after_announcement;  // v257: unit_gc_sweep() skips units still in the D-Bus queue
  double scan_fixed_us;        // per scan, and per line of the table
  double scan_per_line_us;
  double unit_load_us;         // per new mount unit, per ancestor stub, per "-" prefix of either
  double stub_load_us;
  double unit_load_per_prefix_us;
  double unit_free_us;         // per unit freed, and per mount unit still loaded at that moment
  double unit_free_per_mount_unit_us;
  double properties_changed_us;  // per PropertiesChanged, and per UnitRemoved, on top of
  double unit_removed_us;        // message_build_us: measured in the testbed (perf)
  // Sizes as PID 1 writes them (the capture's less the 16 bytes of the relay's sender field).
  std::uint32_t unit_new, unit_removed, pc_socket;
};

constexpr Modern kOld = {false, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
constexpr Modern kModern252 = {true, false, 345, 3.94, 15.7, 1, 8.14, 133, 0.321, 32, 8, 212, 220, 381};
// 257: the same mechanisms, and a unit is freed only after its last announcement; costs fitted to
// the 257 storms.
constexpr Modern kModern257 = {true, true, 187, 4.06, 12.4, 1, 11.9, 154, 0.609, 19.5, 35, 212, 220, 381};

// Every profile, oldest first, with what `mountstorm profiles` says of it.
struct Profile {
  const char* name;
  const char* description;
  Version version;
  Modern modern = kOld;
};

const Profile kProfiles[] = {
    {"rhel7.7",
     "systemd 219 as shipped in RHEL/CentOS 7.7 (the incident): network mounts and /dev devices "
     "re-announced every scan, whole D-Bus queue per iteration, queues 192K/192K",
     {true, true, false, 192 * 1024, 192 * 1024, false, 600, 884, 25}},
    {"v219", "upstream systemd 219: network mounts re-announced, whole queue, queues 1024/64K",
     {true, false, false, 1024, 64 * 1024, false, 600, 884, 25}},
    {"v239",
     "systemd 239 (RHEL 8.0/8.1): network mounts and /dev devices re-announced, 100 units per "
     "iteration and none over 1024 queued writes, queues 192K/192K",
     {true, true, true, 192 * 1024, 192 * 1024, false, 636, 972, 25}},
    {"v245", "systemd 245: /dev devices re-announced, 100 units / 1024, queues 384K/384K",
     {false, true, true, 384 * 1024, 384 * 1024, false, 636, 972, 120}},
    {"v248",
     "systemd 248: nothing unchanged re-announced, 100 units / 1024, queues 384K/384K, "
     "mountinfo rate limit of 5 scans per 1 s window",
     {false, false, true, 384 * 1024, 384 * 1024, true, 636, 972, 120}},
    {"v252",
     "systemd 252 (Debian 12): as v248, and a new mount unit's dependencies announce the default "
     "targets, the slice, the journal's socket and the parent mount; ancestor directories are "
     "loaded and freed; unmounts send their last signals; no signal without a subscriber",
     {false, false, true, 384 * 1024, 384 * 1024, true, 428, 1112, 120},
     kModern252},
    {"v257",
     "systemd 257 (Debian 13): the messages of v252; a unit still queued for D-Bus is freed only "
     "once announced; PID 1's costs fitted to Debian 13",
     {false, false, true, 384 * 1024, 384 * 1024, true, 428, 1112, 120},
     kModern257},
    {"main", "upstream main (v261): the mechanisms and costs of v257",
     {false, false, true, 384 * 1024, 384 * 1024, true, 428, 1112, 120},
     kModern257},
};

const Profile& ProfileOf(const std::string& profile) {
  for (const Profile& p : kProfiles) {
    if (profile == p.name) return p;
  }
  std::string known;
  for (const Profile& p : kProfiles) known += (known.empty() ? "" : ", ") + std::string(p.name);
  throw InputError("unknown profile \"" + profile + "\" (known: " + known + ")");
}

Duration Micros(double us) { return static_cast<Duration>(us * 1e3 + 0.5); }

void ApplyModern(const Modern& m, Scenario* s) {
  SystemdParams& p = s->systemd;
  p.announce_dependencies = true;
  p.ancestor_units = true;
  p.flush_before_removal = true;
  p.queue_only_for_listeners = true;
  p.gc_after_announcement = m.gc_after_announcement;
  p.scan_fixed = Micros(m.scan_fixed_us);
  p.scan_per_line = Micros(m.scan_per_line_us);
  p.unit_load_cost = Micros(m.unit_load_us);
  p.stub_load_cost = Micros(m.stub_load_us);
  p.unit_load_per_prefix = Micros(m.unit_load_per_prefix_us);
  p.unit_free_cost = Micros(m.unit_free_us);
  p.unit_free_per_mount_unit = Micros(m.unit_free_per_mount_unit_us);
  p.properties_changed_cost = Micros(m.properties_changed_us);
  p.unit_removed_cost = Micros(m.unit_removed_us);
  s->message_sizes.unit_new = m.unit_new;
  s->message_sizes.unit_removed = m.unit_removed;
  s->message_sizes.properties_changed_socket = m.pc_socket;
}

}  // namespace

const std::vector<ProfileInfo>& Profiles() {
  static const std::vector<ProfileInfo> profiles = [] {
    std::vector<ProfileInfo> v;
    for (const Profile& p : kProfiles) v.push_back({p.name, p.description});
    return v;
  }();
  return profiles;
}

void ApplyProfile(const std::string& profile, Scenario* s) {
  const Profile& known = ProfileOf(profile);
  const Version& v = known.version;
  s->profile = profile;
  SystemdParams& p = s->systemd;
  p.reannounce_network_mounts = v.reannounce_network;
  p.reannounce_dev_devices = v.reannounce_devices;
  p.dbus_queue_budget = v.budget ? 100 : 0;
  p.bus_busy_threshold = v.budget ? 1024 : 0;
  p.wqueue_max = v.wqueue_max;
  p.rqueue_max = v.rqueue_max;
  p.mountinfo_ratelimit_interval = v.ratelimit ? kSecond : 0;
  p.mountinfo_ratelimit_burst = 5;
  s->message_sizes.properties_changed_mount = v.pc_mount;
  s->message_sizes.properties_changed_unit = v.pc_unit;
  // logind and the other clients link the same sd-bus.
  s->logind.rqueue_max = v.rqueue_max;
  s->pam_timeout = v.pam_timeout_s * kSecond;
  if (known.modern.on) ApplyModern(known.modern, s);
}

}  // namespace mountstorm
