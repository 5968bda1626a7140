// Profiles: the defaults of a scenario for one systemd version (docs/research/MODEL-SPEC.md section 3).
//
// A profile sets what differs between versions: which unchanged units a scan re-announces, how
// the unit D-Bus queue is dispatched, the sd-bus queue limits, the mountinfo rate limit and the
// size of the PropertiesChanged signals. Everything else keeps the defaults of scenario.h. A
// scenario names its profile and may then override any field.
#ifndef MOUNTSTORM_MODELS_SYSTEMD_PROFILES_H_
#define MOUNTSTORM_MODELS_SYSTEMD_PROFILES_H_

#include <string>
#include <vector>

#include "mountstorm/scenario.h"

namespace mountstorm {

struct ProfileInfo {
  std::string name;
  std::string description;
};

// All profiles, oldest first; rhel7.7 is the default.
const std::vector<ProfileInfo>& Profiles();

// Sets the version-dependent fields of `s` for `profile`. Throws InputError if it is unknown.
void ApplyProfile(const std::string& profile, Scenario* s);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_SYSTEMD_PROFILES_H_
