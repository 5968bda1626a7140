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

namespace {

// nlohmann::json keeps the last of two equal keys silently: a scenario with two "wqueue_max" would
// run with whichever came last. This SAX handler builds the document as nlohmann's own DOM parser
// does and refuses the second key. (nlohmann's parse callback did the same, but its parser scans
// the whole parent array each time an object in it ends, looking for a discarded value: quadratic
// in an array of objects.)
class StrictSax {
 public:
  using Json = nlohmann::json;
  StrictSax(Json* root, const std::string& path) : dom_(*root), path_(path) {}

  bool null() { return Value(dom_.null()); }
  bool boolean(bool v) { return Value(dom_.boolean(v)); }
  bool number_integer(Json::number_integer_t v) { return Value(dom_.number_integer(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return Value(dom_.number_unsigned(v)); }
  bool number_float(Json::number_float_t v, const Json::string_t& s) { return Value(dom_.number_float(v, s)); }
  bool string(Json::string_t& v) { return Value(dom_.string(v)); }
  bool binary(Json::binary_t& v) { return Value(dom_.binary(v)); }
  bool start_object(std::size_t n) {
    stack_.push_back(Frame{true, {}, "", 0});
    return dom_.start_object(n);
  }
  bool start_array(std::size_t n) {
    stack_.push_back(Frame{false, {}, "", 0});
    return dom_.start_array(n);
  }
  bool key(Json::string_t& k) {
    stack_.back().key = k;
    if (!stack_.back().keys.insert(k).second) {
      throw InputError(path_ + ": " + Pointer() + ": the key is given twice in its object");
    }
    return dom_.key(k);
  }
  bool end_object() { return End(dom_.end_object()); }
  bool end_array() { return End(dom_.end_array()); }
  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception& e) {
    if (e.id == 406) {  // a number such as 1e400 that no double holds; the stack says where it was
      throw InputError(path_ + ": " + Pointer() + ": expected a number within the range of a double (" + e.what() + ")");
    }
    throw InputError(path_ + ": not valid JSON: " + e.what());
  }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;
    std::string key;        // objects: the key being read
    std::size_t index = 0;  // arrays: the element being read
  };
  bool Value(bool ok) {
    if (!stack_.empty() && !stack_.back().object) ++stack_.back().index;
    return ok;
  }
  bool End(bool ok) {
    stack_.pop_back();
    return Value(ok);
  }
  std::string Pointer() const {
    std::string p;
    for (const Frame& f : stack_) p += "/" + (f.object ? f.key : std::to_string(f.index));
    return p;
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  const std::string& path_;
  std::vector<Frame> stack_;
};

}  // namespace

nlohmann::json ParseJsonText(const std::string& text, const std::string& path) {
  GuardJsonText(text, path);  // before the parser, and everything after it, recurses
  nlohmann::json doc;
  StrictSax sax(&doc, path);
  nlohmann::json::sax_parse(text, &sax);
  return doc;
}

}  // namespace mountstorm
