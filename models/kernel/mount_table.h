// MountTable: the kernel's mount table of one namespace, as /proc/self/mountinfo shows it.
//
// Every mount, unmount or remount bumps the namespace's event counter (Linux ns->event). Each
// open mountinfo file remembers the counter it last reported (its poll_event); the file polls
// ready (EPOLLPRI) while the two differ, and polling copies the counter. Any number of changes
// between two polls is therefore ONE readiness event (fs/proc_namespace.c mounts_poll()). A
// MountinfoWatcher is such an open file: its owner is woken when it becomes ready, and Consume()
// is the poll that clears it.
//
// Entries keep mount order, as mountinfo lists them. "Network" and "/dev-backed" are derived from
// each entry as systemd derives them (see IsNetworkMount and IsDevBacked).
#ifndef MOUNTSTORM_MODELS_KERNEL_MOUNT_TABLE_H_
#define MOUNTSTORM_MODELS_KERNEL_MOUNT_TABLE_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "models/kernel/string_table.h"
#include "mountstorm/scenario.h"
#include "mountstorm/time.h"

namespace mountstorm {

class Server;

struct MountEntry {
  std::uint32_t path;     // StringTable ids
  std::uint32_t source;
  std::uint32_t fstype;
  std::uint32_t options;
  Time mounted_at;        // when the mount was made
  bool network;
  bool dev_backed;
  bool autofs;
};

// mount_needs_network() in systemd 219 src/core/mount.c: the "_netdev" option, or a network
// filesystem type (cifs smbfs sshfs ncpfs ncp nfs nfs4 gfs gfs2 glusterfs, also after "fuse.").
bool IsNetworkMount(std::string_view fstype, std::string_view options);
// device_found_node() is called for sources under /dev (mount.c, v220+ and RHEL 7.7).
bool IsDevBacked(std::string_view source);

class MountTable;

class MountinfoWatcher {
 public:
  bool ready() const;
  // The poll that reports readiness: later changes make the watcher ready again.
  void Consume();
  // Number of table changes since the last Consume() (all of them coalesced into one readiness).
  std::uint64_t pending_changes() const;
  // When the first of them happened. REQUIRES: ready().
  Time ready_since() const { return ready_since_; }

 private:
  friend class MountTable;
  MountinfoWatcher(const MountTable* table, Server* owner);
  const MountTable* table_;
  Server* owner_;
  std::uint64_t seen_;
  Time ready_since_ = 0;
};

class MountTable {
 public:
  explicit MountTable(StringTable* strings) : strings_(strings) {}

  // Opens mountinfo for `owner`, which is woken when the table changes.
  MountinfoWatcher* Watch(Server* owner);

  // The operations. Umount and Remount of a path that is not mounted change nothing and return
  // false. Umount removes the most recent mount on the path.
  void Mount(Time t, const MountSpec& spec);
  bool Umount(Time t, std::string_view path);
  bool Remount(Time t, std::string_view path, std::string_view options);

  const std::vector<MountEntry>& entries() const { return entries_; }
  std::size_t lines() const { return entries_.size(); }
  std::size_t dev_lines() const { return dev_lines_; }
  std::uint64_t event_counter() const { return event_; }
  const StringTable& strings() const { return *strings_; }
  // The id of `s` in the table's strings (paths, sources, unit names), added if new.
  std::uint32_t Intern(std::string_view s) { return strings_->Intern(s); }

  // Every operation applied, in order: when, which, and on which path (for events.csv).
  struct Operation {
    Time at;
    MountOp op;
    std::uint32_t path;
    bool applied;  // false: an umount or remount of a path not mounted
  };
  const std::vector<Operation>& log() const { return log_; }

  std::uint64_t mounts() const { return mounts_; }
  std::uint64_t umounts() const { return umounts_; }
  std::uint64_t remounts() const { return remounts_; }
  std::uint64_t failed_ops() const { return failed_ops_; }

 private:
  void Changed(Time t);
  int FindLast(std::uint32_t path) const;

  StringTable* strings_;
  std::vector<MountEntry> entries_;
  std::size_t dev_lines_ = 0;
  std::uint64_t event_ = 0;
  std::vector<std::unique_ptr<MountinfoWatcher>> watchers_;
  std::vector<Operation> log_;
  std::uint64_t mounts_ = 0, umounts_ = 0, remounts_ = 0, failed_ops_ = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_KERNEL_MOUNT_TABLE_H_
