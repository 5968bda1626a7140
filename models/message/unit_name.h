// Names as systemd derives them: unit names from paths and D-Bus object paths from unit names.
//
// UnitNameFromPath follows unit_name_path_escape() (src/basic/unit-name.c): the path is simplified,
// "/" becomes "-", the slashes at both ends are dropped, and every byte other than [A-Za-z0-9:_.]
// (and a leading ".") becomes "\xNN". This is what `systemd-escape --path --suffix=mount` prints.
//   /usr/mount/app/bucket1 -> usr-mount-app-bucket1.mount
//   /dev/mapper/vg01-data  -> dev-mapper-vg01\x2ddata.device
//
// UnitObjectPath follows bus_label_escape() (src/basic/bus-label.c): every byte other than
// [A-Za-z0-9], and a digit in first place, becomes "_NN" (two lower-case hex digits) under
// /org/freedesktop/systemd1/unit/; the empty name becomes "_".
//   usr-mount-app-bucket1.mount -> /org/freedesktop/systemd1/unit/usr_2dmount_2dapp_2dbucket1_2emount
#ifndef MOUNTSTORM_MODELS_MESSAGE_UNIT_NAME_H_
#define MOUNTSTORM_MODELS_MESSAGE_UNIT_NAME_H_

#include <string>
#include <string_view>

namespace mountstorm {

// `suffix` includes the dot, e.g. ".mount".
std::string UnitNameFromPath(std::string_view path, std::string_view suffix);

// The D-Bus object path of the unit named `unit_name`.
std::string UnitObjectPath(std::string_view unit_name);

// The manager object, which carries UnitNew, UnitRemoved, JobNew and JobRemoved.
inline constexpr std::string_view kManagerObjectPath = "/org/freedesktop/systemd1";

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_MESSAGE_UNIT_NAME_H_
