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

// Every profile, oldest first, with what `mountstorm profiles` says of it.
struct Profile {
  const char* name;
  const char* description;
  Version version;
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
    {"main", "upstream main (v261): as v248, with the larger Unit-interface signal of current versions",
     {false, false, true, 384 * 1024, 384 * 1024, true, 636, 1104, 120}},
};

Version VersionOf(const std::string& profile) {
  for (const Profile& p : kProfiles) {
    if (profile == p.name) return p.version;
  }
  std::string known;
  for (const Profile& p : kProfiles) known += (known.empty() ? "" : ", ") + std::string(p.name);
  throw InputError("unknown profile \"" + profile + "\" (known: " + known + ")");
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
  Version v = VersionOf(profile);
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
}

}  // namespace mountstorm
