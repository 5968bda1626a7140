// Reading a real mount table: the text of /proc/<pid>/mountinfo (proc(5)).
//
// Each line is: mount ID, parent ID, major:minor, root, mount point, mount options, optional
// fields ending with "-", filesystem type, source, superblock options. Paths and sources escape
// space, tab, newline and backslash as octal (\040, \011, \012, \134), as the kernel's
// show_mountinfo() does; they are unescaped here, as libmount does before systemd sees them. The
// options systemd compares are libmount's merged ones, the mount options then the superblock
// options (mnt_fs_get_options()).
#ifndef MOUNTSTORM_MODELS_IO_MOUNTINFO_FILE_H_
#define MOUNTSTORM_MODELS_IO_MOUNTINFO_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "mountstorm/scenario.h"

namespace mountstorm {

// Undoes the kernel's octal escapes (\NNN) in one field.
std::string UnescapeMountinfo(std::string_view field);

// Parses mountinfo text; `origin` names it in errors ("FILE:LINE: ...").
std::vector<MountSpec> ParseMountinfo(std::string_view text, const std::string& origin);

// Reads and parses a mountinfo file. Throws InputError if it cannot be read or parsed.
std::vector<MountSpec> ReadMountinfoFile(const std::string& path);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_IO_MOUNTINFO_FILE_H_
