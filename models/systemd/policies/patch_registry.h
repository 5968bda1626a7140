// The registry of patches, and making the patches a scenario lists.
//
// The shipped patches (models/policies/) are registered on first use; a program or a test adds
// its own with RegisterPatch() (mountstorm/policy.h). A patch's parameters are read strictly:
// an unknown key, a value of the wrong type or out of range is an InputError naming the file and
// the JSON path, e.g. "s.json: /patches/0/burst: expected an integer from 1 to ...".
#ifndef MOUNTSTORM_MODELS_SYSTEMD_POLICIES_PATCH_REGISTRY_H_
#define MOUNTSTORM_MODELS_SYSTEMD_POLICIES_PATCH_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mountstorm/policy.h"
#include "mountstorm/scenario.h"

namespace mountstorm {

// The factory registered under `name`, or an empty function.
PatchFactory FindPatch(const std::string& name);

// The patch that JSON object `p` (at `where` in `file`) describes, its name and parameters checked
// by making it once. Throws InputError naming file and path for anything but an object with a
// "name", an unknown name or bad parameters.
PatchSpec ReadPatchSpec(const nlohmann::json& p, const std::string& file, const std::string& where);

// Makes the patch `spec` describes. Throws InputError for an unknown name or bad parameters.
std::unique_ptr<Pid1Policy> MakePatch(const PatchSpec& spec, const std::string& file);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_SYSTEMD_POLICIES_PATCH_REGISTRY_H_
