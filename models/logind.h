// systemd-logind as a subscriber of PID 1's signals (src/login/logind.c).
//
// At startup logind adds four match rules on systemd's signals, JobRemoved, UnitRemoved and
// Reloading on /org/freedesktop/systemd1, and PropertiesChanged with NO path filter, so it
// receives every unit's PropertiesChanged, mount and device units included; and it calls
// Subscribe(), which is what makes PID 1 emit on the API bus at all. match_properties_changed()
// only looks up the unit name in two hashmaps: for mount and device units the handler is cheap,
// and the cost per message is dominated by sd-bus receiving and dispatching it.
#ifndef MOUNTSTORM_MODELS_LOGIND_H_
#define MOUNTSTORM_MODELS_LOGIND_H_

#include <vector>

#include "mountstorm/scenario.h"

namespace mountstorm {

// The match rules of manager_connect_bus() (v219 ... main, without v219's NameOwnerChanged rule).
std::vector<MatchRuleText> LogindMatchRules();

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_LOGIND_H_
