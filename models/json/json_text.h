// JSON text as every file mountstorm reads is read: strictly. And the "/json/pointer=value"
// overrides of --set, a sweep's axes and the planner.
#ifndef MOUNTSTORM_MODELS_JSON_JSON_TEXT_H_
#define MOUNTSTORM_MODELS_JSON_JSON_TEXT_H_

#include <string>

#include <nlohmann/json.hpp>

namespace mountstorm {

// Parses `text`, refusing a key given twice in one object and a number beyond a double: an
// InputError naming `origin` and the JSON path, or "not valid JSON" with the parser's message.
// Text that GuardJsonText() refuses (mountstorm/input.h: nested deeper than kMaxJsonDepth, or
// holding a NUL byte) is refused before it is parsed.
nlohmann::json ParseJsonText(const std::string& text, const std::string& origin);

// Applies one "/json/pointer=value" override to `doc`: the value is JSON if it parses as JSON,
// else a string. Missing objects on the way are created, array elements never. `origin` names
// the assignment in errors; nothing changes if it throws.
void ApplyOverride(nlohmann::json& doc, const std::string& assignment, const std::string& origin);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_JSON_JSON_TEXT_H_
