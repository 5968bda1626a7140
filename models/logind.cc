#include "models/logind.h"

namespace mountstorm {

std::vector<MatchRuleText> LogindMatchRules() {
  const std::string manager =
      "type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop.systemd1.Manager',"
      "path='/org/freedesktop/systemd1',member=";
  return {
      manager + "'JobRemoved'",
      manager + "'UnitRemoved'",
      "type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop.DBus.Properties',"
      "member='PropertiesChanged'",
      manager + "'Reloading'",
  };
}

}  // namespace mountstorm
