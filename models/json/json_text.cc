// JSON text read strictly, and "/json/pointer=value" overrides (models/json/json_text.h).
#include "models/json/json_text.h"

#include <set>
#include <vector>

#include "mountstorm/error.h"
#include "mountstorm/input.h"

namespace mountstorm {

namespace {

// Creates the objects missing on the way to `parent`. Every section of a scenario is optional, so
// --set /systemd/wqueue_max=... must work on a file without "systemd". Only object keys are
// created, never array elements; a misspelled section is still refused, by the strict reader
// ("unknown key (did you mean ...)"). Creates nothing if it throws.
void CreateParents(nlohmann::json& doc, const nlohmann::json::json_pointer& parent, const std::string& origin,
                   const std::string& pointer) {
  std::vector<nlohmann::json::json_pointer> chain;  // parent, its parent, ... (root excluded)
  for (nlohmann::json::json_pointer p = parent; !p.empty(); p = p.parent_pointer()) chain.push_back(p);
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (doc.contains(*it)) continue;
    if (!doc.at(it->parent_pointer()).is_object()) {
      throw InputError(origin + ": " + pointer + ": the parent " + it->to_string() + " does not exist");
    }
    doc[*it] = nlohmann::json::object();
  }
}

}  // namespace

void ApplyOverride(nlohmann::json& doc, const std::string& assignment, const std::string& origin) {
  std::size_t eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0 || assignment[0] != '/') {
    throw InputError(origin + ": \"" + assignment + "\": expected /json/path=value");
  }
  std::string pointer = assignment.substr(0, eq);
  std::string text = assignment.substr(eq + 1);
  GuardJsonText(text, origin);
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::out_of_range&) {
    // JSON, but a number no double holds: not a string "1e400".
    throw InputError(origin + ": " + pointer + ": expected a number within the range of a double, found " + text +
                     " (a number out of range)");
  } catch (const nlohmann::json::exception&) {
    value = text;  // not JSON: a plain string
  }
  try {
    nlohmann::json::json_pointer ptr(pointer);
    nlohmann::json::json_pointer parent = ptr.parent_pointer();
    CreateParents(doc, parent, origin, pointer);
    if (!parent.empty() && doc.at(parent).is_array()) {
      const std::string& last = ptr.back();
      // At most 18 digits: no array is that long, and std::stoull would throw beyond 64 bits.
      bool digits = !last.empty() && last.size() <= 18 && last.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stoull(last) >= doc.at(parent).size()) {
        throw InputError(origin + ": " + pointer + ": no such array element");
      }
    }
    doc[ptr] = value;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(origin + ": " + pointer + ": not a valid JSON pointer into the scenario (" + e.what() + ")");
  }
}

// nlohmann::json keeps the last of two equal keys silently: a scenario with two "wqueue_max" would
// run with whichever came last. The parser's callback sees every key and refuses the second.
nlohmann::json ParseJsonText(const std::string& text, const std::string& path) {
  GuardJsonText(text, path);  // before the parser, and everything after it, recurses
  struct Frame {
    bool object;
    std::set<std::string> keys;
    std::string key;        // objects: the key being read
    std::size_t index = 0;  // arrays: the element being read
  };
  std::vector<Frame> stack;
  auto pointer = [&] {
    std::string p;
    for (const Frame& f : stack) p += "/" + (f.object ? f.key : std::to_string(f.index));
    return p;
  };
  using Event = nlohmann::json::parse_event_t;
  auto callback = [&](int, Event event, nlohmann::json& parsed) {
    switch (event) {
      case Event::object_start: stack.push_back(Frame{true, {}, "", 0}); break;
      case Event::array_start: stack.push_back(Frame{false, {}, "", 0}); break;
      case Event::key:
        stack.back().key = parsed.get<std::string>();
        if (!stack.back().keys.insert(stack.back().key).second) {
          throw InputError(path + ": " + pointer() + ": the key is given twice in its object");
        }
        break;
      case Event::object_end:
      case Event::array_end:
        stack.pop_back();
        if (!stack.empty() && !stack.back().object) ++stack.back().index;
        break;
      case Event::value:
        if (!stack.empty() && !stack.back().object) ++stack.back().index;
        break;
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text, callback);
  } catch (const nlohmann::json::out_of_range& e) {
    // A number such as 1e400 that no double holds; the stack still says where it was.
    throw InputError(path + ": " + pointer() + ": expected a number within the range of a double (" + e.what() + ")");
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": not valid JSON: " + e.what());
  }
}

}  // namespace mountstorm
