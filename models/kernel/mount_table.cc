#include "models/kernel/mount_table.h"

#include <array>
#include <string>

#include "sim/server.h"

namespace mountstorm {

bool IsNetworkMount(std::string_view fstype, std::string_view options) {
  // mount_test_option(options, "_netdev"): "_netdev" as one comma-separated option.
  std::size_t start = 0;
  while (start <= options.size()) {
    std::size_t end = options.find(',', start);
    if (end == std::string_view::npos) end = options.size();
    if (options.substr(start, end - start) == "_netdev") return true;
    start = end + 1;
  }
  if (fstype.substr(0, 5) == "fuse.") fstype.remove_prefix(5);
  static constexpr std::array<std::string_view, 10> kNetworkTypes = {
      "cifs", "smbfs", "sshfs", "ncpfs", "ncp", "nfs", "nfs4", "gfs", "gfs2", "glusterfs"};
  for (std::string_view t : kNetworkTypes) {
    if (fstype == t) return true;
  }
  return false;
}

bool IsDevBacked(std::string_view source) { return source.substr(0, 5) == "/dev/"; }

MountinfoWatcher::MountinfoWatcher(const MountTable* table, Server* owner)
    : table_(table), owner_(owner), seen_(table->event_counter()) {}

bool MountinfoWatcher::ready() const { return seen_ != table_->event_counter(); }
void MountinfoWatcher::Consume() { seen_ = table_->event_counter(); }
std::uint64_t MountinfoWatcher::pending_changes() const { return table_->event_counter() - seen_; }

MountinfoWatcher* MountTable::Watch(Server* owner) {
  watchers_.push_back(std::unique_ptr<MountinfoWatcher>(new MountinfoWatcher(this, owner)));
  return watchers_.back().get();
}

void MountTable::Changed(Time t) {
  ++event_;
  for (auto& w : watchers_) {
    // Only the change that makes the file ready wakes its owner; later ones coalesce into it.
    if (w->seen_ == event_ - 1) {
      w->ready_since_ = t;
      if (w->owner_ != nullptr) w->owner_->Wake();
    }
  }
}

int MountTable::FindLast(std::uint32_t path) const {
  for (int i = static_cast<int>(entries_.size()) - 1; i >= 0; --i) {
    if (entries_[i].path == path) return i;
  }
  return -1;
}

void MountTable::Mount(Time t, const MountSpec& spec) {
  MountEntry e;
  e.mounted_at = t;
  e.path = strings_->Intern(spec.path);
  e.source = strings_->Intern(spec.source);
  e.fstype = strings_->Intern(spec.fstype);
  e.options = strings_->Intern(spec.options);
  e.network = IsNetworkMount(spec.fstype, spec.options);
  e.dev_backed = IsDevBacked(spec.source);
  e.autofs = spec.fstype == "autofs";
  entries_.push_back(e);
  if (e.dev_backed) ++dev_lines_;
  ++mounts_;
  log_.push_back(Operation{t, MountOp::kMount, e.path, true});
  Changed(t);
}

bool MountTable::Umount(Time t, std::string_view path) {
  std::uint32_t id = strings_->Intern(path);
  int i = FindLast(id);
  log_.push_back(Operation{t, MountOp::kUmount, id, i >= 0});
  if (i < 0) {
    ++failed_ops_;
    return false;
  }
  if (entries_[i].dev_backed) --dev_lines_;
  entries_.erase(entries_.begin() + i);
  ++umounts_;
  Changed(t);
  return true;
}

bool MountTable::Remount(Time t, std::string_view path, std::string_view options) {
  std::uint32_t id = strings_->Intern(path);
  int i = FindLast(id);
  log_.push_back(Operation{t, MountOp::kRemount, id, i >= 0});
  if (i < 0) {
    ++failed_ops_;
    return false;
  }
  MountEntry& e = entries_[i];
  e.options = strings_->Intern(options);
  e.network = IsNetworkMount(strings_->Get(e.fstype), options);
  ++remounts_;
  Changed(t);
  return true;
}

}  // namespace mountstorm
