// PID 1's units and its scans of /proc/self/mountinfo (models/systemd/systemd_manager.h).
#include <string>
#include <string_view>

#include "models/systemd/systemd_manager.h"

namespace mountstorm {

namespace {

bool HasOption(std::string_view options, std::string_view option) {
  for (std::size_t start = 0; start <= options.size();) {
    std::size_t comma = options.find(',', start);
    if (comma == std::string_view::npos) comma = options.size();
    if (options.substr(start, comma - start) == option) return true;
    start = comma + 1;
  }
  return false;
}

// `path` is `prefix` or below it (path_startswith()).
bool UnderPath(std::string_view path, std::string_view prefix) {
  return path.substr(0, prefix.size()) == prefix && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

// fstab_is_extrinsic() (src/shared/fstab-util.c, v252): the OS itself, the API file systems and
// what the initrd mounted get no default dependencies.
bool Extrinsic(std::string_view path, std::string_view options) {
  for (std::string_view p : {"/", "/usr", "/etc"}) {
    if (path == p) return true;
  }
  for (std::string_view p : {"/run/initramfs", "/proc", "/sys", "/dev"}) {
    if (UnderPath(path, p)) return true;
  }
  return HasOption(options, "x-initrd.mount");
}

// The "-" prefixes of a mount unit's name: "/srv/storm/m1" is srv-storm-m1.mount, whose drop-ins
// are also looked for as srv-storm-.mount.d and srv-.mount.d.
Duration NamePrefixes(std::string_view path) {
  Duration slashes = 0;
  for (char c : path) slashes += c == '/' ? 1 : 0;
  return slashes > 1 ? slashes - 1 : 0;
}

}  // namespace

void SystemdManager::GrowUnitOfPath(std::uint32_t path) { unit_of_path_.resize(path + 1, kNoUnit); }

std::uint32_t& SystemdManager::UnitOfSource(std::uint32_t source) {
  if (source >= unit_of_source_.size()) unit_of_source_.resize(source + 1, kNoUnit);
  return unit_of_source_[source];
}

std::uint32_t SystemdManager::NewUnit(UnitKind kind, std::uint32_t key) {
  Unit u;
  u.kind = kind;
  u.key = key;
  units_.push_back(u);
  graph_.AddUnit();
  return static_cast<std::uint32_t>(units_.size() - 1);
}

std::uint32_t SystemdManager::NamedUnit(UnitKind kind, const char* name) {
  std::uint32_t u = NewUnit(kind, table_->Intern(name));
  units_[u].announced = true;  // loaded at boot, long announced
  return u;
}

void SystemdManager::AdoptSharedUnits() {
  shared_ = SharedUnits{NamedUnit(UnitKind::kTarget, "local-fs.target"),
                        NamedUnit(UnitKind::kTarget, "local-fs-pre.target"),
                        NamedUnit(UnitKind::kTarget, "umount.target"),
                        NamedUnit(UnitKind::kTarget, "swap.target"),
                        NamedUnit(UnitKind::kTarget, "remote-fs.target"),
                        NamedUnit(UnitKind::kTarget, "remote-fs-pre.target"),
                        NamedUnit(UnitKind::kTarget, "network.target"),
                        NamedUnit(UnitKind::kTarget, "network-online.target"),
                        NamedUnit(UnitKind::kSlice, "system.slice"),
                        NamedUnit(UnitKind::kSocket, "systemd-journald.socket")};
}

void SystemdManager::AdoptInitialTable() {
  ++scan_id_;
  if (params_.announce_dependencies || params_.ancestor_units) AdoptSharedUnits();
  for (const MountEntry& e : table_->entries()) {
    if (e.dev_backed && UnitOfSource(e.source) == kNoUnit) {
      std::uint32_t d = NewUnit(UnitKind::kDevice, e.source);
      units_[d].announced = true;
      UnitOfSource(e.source) = d;
    }
    if (e.autofs || UnitOfPath(e.path) != kNoUnit) continue;
    std::uint32_t u = MountUnitOfLine(e);
    units_[u].announced = true;
    UnitOfPath(e.path) = u;
  }
  if (params_.announce_dependencies || params_.ancestor_units) {
    // -.mount is perpetual (mount_enumerate_perpetual()): it exists whether or not "/" is a line.
    std::uint32_t& root = UnitOfPath(table_->Intern("/"));
    if (root == kNoUnit) root = NamedUnit(UnitKind::kMount, "/");
    root_mount_ = root;
  }
  watcher_->Consume();
}

// Inline: once a line of every scan (Scan() below is its one caller).
inline void SystemdManager::ScanMount(const MountEntry& e, StepClock& step) {
  std::uint32_t& slot = UnitOfPath(e.path);
  if (slot == kNoUnit || units_[slot].stub) {
    slot = NewMountUnit(e, step);
    return;
  }
  Unit& unit = units_[slot];
  if (unit.seen_scan == scan_id_) return;  // a second line on the same path
  unit.seen_scan = scan_id_;
  if (unit.source != e.source || unit.fstype != e.fstype || unit.options != e.options) {
    unit.source = e.source;
    unit.fstype = e.fstype;
    unit.options = e.options;
    unit.network = e.network;  // of the fstype and options (IsNetworkMount()): unchanged with them
    Queue(slot, QueueReason::kChanged, step.start());
  } else if (unit.network && params_.reannounce_network_mounts) {
    // mount_setup_unit() on an existing network mount: unit_add_dependency_by_name(
    // remote-fs.target) ends in an unconditional unit_add_to_dbus_queue() (v219 ... v239).
    Queue(slot, QueueReason::kUnchangedNetworkMount, step.start());
  }
}

void SystemdManager::Scan(StepClock& step) {
  // The poll that reported the change cleared it: changes from now on make the source ready again.
  stats_.changes_seen += watcher_->pending_changes();
  watcher_->Consume();
  ++stats_.scans;
  ++scan_id_;
  scan_log_.push_back(ScanRecord{step.start(), static_cast<std::uint32_t>(table_->lines())});
  stats_.lines_scanned += table_->lines();
  step.Spend(params_.scan_fixed + params_.scan_per_line * static_cast<Duration>(table_->lines()) +
             params_.scan_per_device_line * static_cast<Duration>(table_->dev_lines()));
  for (const MountEntry& e : table_->entries()) {
    if (e.dev_backed) ScanDevice(e, step.start());
    if (!e.autofs) ScanMount(e, step);  // autofs mount points are skipped
  }
  // manager_dispatch_load_queue(): the new units load last created first (the load queue is a stack).
  for (auto it = pending_load_.rbegin(); it != pending_load_.rend(); ++it) LoadMountUnit(*it, step);
  pending_load_.clear();
  CollectGoneMounts(step.start());
}

void SystemdManager::ScanDevice(const MountEntry& e, Time now) {
  // device_found_node() -> device_setup_unit(), which ends in an unconditional
  // unit_add_to_dbus_queue() on RHEL 7.7 and v220-v245.
  std::uint32_t& d = UnitOfSource(e.source);
  if (d == kNoUnit) {
    d = NewUnit(UnitKind::kDevice, e.source);
    Queue(d, QueueReason::kNew, now);
  } else if (params_.reannounce_dev_devices) {
    Queue(d, QueueReason::kUnchangedDevice, now);
  }
}

std::uint32_t SystemdManager::MountUnitOfLine(const MountEntry& e) {
  std::uint32_t u = NewUnit(UnitKind::kMount, e.path);
  Unit& unit = units_[u];
  unit.source = e.source;
  unit.fstype = e.fstype;
  unit.options = e.options;
  unit.network = e.network;
  unit.seen_scan = scan_id_;
  active_mounts_.push_back(u);
  return u;
}

std::uint32_t SystemdManager::NewMountUnit(const MountEntry& e, StepClock& step) {
  std::uint32_t u = MountUnitOfLine(e);
  units_[u].mounted_at = e.mounted_at;
  known_latency_.push_back(step.now() - e.mounted_at);  // known once the scan is done
  ++stats_.new_mount_units;
  if (!params_.announce_dependencies && !params_.ancestor_units) {
    Queue(u, QueueReason::kNew, step.start());
    return u;
  }
  // mount_setup_new_unit(): the default dependencies now; the unit loads after the scan's lines.
  if (params_.announce_dependencies) AddDefaultDependencies(u, step.start());
  pending_load_.push_back(u);
  return u;
}

void SystemdManager::Depend(std::uint32_t from, std::uint32_t to, std::uint16_t kinds, Time now) {
  if (!graph_.Add(from, to, kinds)) return;
  // A unit being set up is a stub: queueing it is a no-op until it has loaded (unit.c L497).
  if (!units_[from].freed && units_[from].seen_scan != scan_id_) Queue(from, QueueReason::kChanged, now);
  Queue(to, QueueReason::kChanged, now);
}

void SystemdManager::AddDefaultDependencies(std::uint32_t u, Time now) {
  // mount_add_default_ordering_dependencies() (mount.c v252.39 L477).
  const std::string& path = table_->strings().Get(units_[u].key);
  const std::string& options = table_->strings().Get(units_[u].options);
  if (Extrinsic(path, options)) return;
  const bool nofail = HasOption(options, "nofail");
  const SharedUnits& s = shared_;
  if (units_[u].network) {
    if (!nofail) Depend(u, s.remote_fs, kDependencyBefore | kDependencyReferences, now);
    Depend(u, s.remote_fs_pre, kDependencyAfter | kDependencyReferences, now);
    Depend(u, s.umount, kDependencyBefore | kDependencyConflicts | kDependencyReferences, now);
    Depend(u, s.network, kDependencyAfter | kDependencyReferences, now);
    Depend(u, s.network_online, kDependencyAfter | kDependencyReferences, now);
    return;
  }
  if (!nofail) Depend(u, s.local_fs, kDependencyBefore | kDependencyReferences, now);
  Depend(u, s.local_fs_pre, kDependencyAfter | kDependencyReferences, now);
  Depend(u, s.umount, kDependencyBefore | kDependencyConflicts | kDependencyReferences, now);
  if (table_->strings().Get(units_[u].fstype) == "tmpfs") {
    Depend(u, s.swap, kDependencyAfter | kDependencyReferences, now);  // mount.c L572
  }
}

void SystemdManager::LoadMountUnit(std::uint32_t u, StepClock& step) {
  // mount_load() -> mount_add_extras(): the description queues the unit (now loaded), then its
  // execution context's socket and its slice; unit_load() adds the parent mounts last.
  step.Spend(params_.unit_load_cost +
             params_.unit_load_per_prefix * NamePrefixes(table_->strings().Get(units_[u].key)));
  Queue(u, QueueReason::kNew, step.start());
  if (params_.announce_dependencies) {
    Depend(u, shared_.journald_socket, kDependencyAfter | kDependencyReferences, step.start());
    Depend(u, shared_.system_slice,
           kDependencyInSlice | kDependencyAfter | kDependencyRequires | kDependencyReferences, step.start());
  }
  AddMountDependencies(u, step);
}

void SystemdManager::AddMountDependencies(std::uint32_t u, StepClock& step) {
  // unit_add_mount_dependencies() (unit.c v252.39 L1494): every prefix of the mount point, longest
  // first. A loaded mount unit there gets After= and a reference; a path with no unit gets a unit
  // loaded for it, not found, which the next garbage collection frees again.
  std::vector<std::uint32_t> stubs;
  const std::string path = table_->strings().Get(units_[u].key);
  for (std::size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0;
       slash = path.rfind('/', slash - 1)) {
    std::uint32_t& prefix = UnitOfPath(table_->Intern(path.substr(0, slash)));
    if (prefix != kNoUnit) {
      if (!units_[prefix].stub && params_.announce_dependencies) {
        Depend(u, prefix, kDependencyAfter | kDependencyReferences, step.start());
      }
      continue;
    }
    if (!params_.ancestor_units) continue;
    prefix = NewUnit(UnitKind::kMount, table_->Intern(path.substr(0, slash)));
    units_[prefix].stub = true;
    step.Spend(params_.stub_load_cost + params_.unit_load_per_prefix * NamePrefixes(path.substr(0, slash)));
    stubs.push_back(prefix);
  }
  if (params_.announce_dependencies && root_mount_ != kNoUnit && u != root_mount_) {
    Depend(u, root_mount_, kDependencyAfter | kDependencyReferences, step.start());
  }
  // The stubs load from the stack, the shortest path first, fail (NOT_FOUND) and are queued for
  // D-Bus and for the GC (unit_load(), unit.c L1686-1705).
  for (auto it = stubs.rbegin(); it != stubs.rend(); ++it) {
    Queue(*it, QueueReason::kNew, step.start());
    gc_queue_.push_back(*it);
  }
}

void SystemdManager::CollectGoneMounts(Time now) {
  // Mount units whose line is gone are dead; with nothing referencing them they are freed. A
  // modern PID 1 queues the unit as it goes dead (mount_enter_dead() -> unit_notify()). Only an
  // umount takes a line away: with none since the last pass every active unit's line is still
  // there, and the scan saw it.
  if (table_->umounts() == umounts_collected_) return;
  umounts_collected_ = table_->umounts();
  std::size_t kept = 0;
  for (std::uint32_t u : active_mounts_) {
    if (units_[u].seen_scan == scan_id_) {
      active_mounts_[kept++] = u;
      continue;
    }
    UnitOfPath(units_[u].key) = kNoUnit;
    if (params_.flush_before_removal) Queue(u, QueueReason::kChanged, now);
    graph_.Clear(u);
    gc_queue_.push_back(u);
  }
  active_mounts_.resize(kept);
}

}  // namespace mountstorm
