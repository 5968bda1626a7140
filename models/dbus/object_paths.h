// ObjectPaths: the D-Bus object path of an object a message is about (a unit of PID 1, a job).
//
// A queued Message carries only the object's id; its path is made from the id only where it is
// read: by the relay for a match rule that names one unit's path, and by a trace. PID 1, which
// owns the units, answers (SystemdManager); the wiring hands it to whoever asks.
#ifndef MOUNTSTORM_MODELS_DBUS_OBJECT_PATHS_H_
#define MOUNTSTORM_MODELS_DBUS_OBJECT_PATHS_H_

#include <cstdint>
#include <string>

namespace mountstorm {

class ObjectPaths {
 public:
  virtual ~ObjectPaths() = default;
  // The object path of unit `unit`, e.g. /org/freedesktop/systemd1/unit/home_2dmark_2emount.
  virtual std::string UnitPath(std::uint32_t unit) const = 0;
};

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_DBUS_OBJECT_PATHS_H_
