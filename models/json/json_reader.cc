#include "models/json/json_reader.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "mountstorm/error.h"

namespace mountstorm {

const nlohmann::json JsonReader::kEmptyObject = nlohmann::json::object();

void ParameterSink::Add(const std::string& path, const std::string& default_value, const std::string& unit,
                        std::optional<std::int64_t> minimum, std::optional<std::int64_t> maximum) {
  if (!seen_.insert(path).second) return;
  parameters_.push_back(ParameterInfo{path, default_value, unit, minimum, maximum});
}

namespace {

std::string Shorten(std::string s) {
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

// Edit distance, for "did you mean".
std::size_t Distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string EscapePointerToken(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string FormatNumber(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  return nlohmann::json(v).dump();
}

// True if `s` is well-formed UTF-8. The JSON parser checks the text of a file, but a --set value
// that is not JSON becomes a string unchecked, and dumping it (an error message, summary.json)
// would throw.
bool IsUtf8(const std::string& s) {
  static constexpr std::uint32_t kMinCode[] = {0, 0x80, 0x800, 0x10000};  // by continuation bytes
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 4;
    if (extra == 4 || i + extra >= s.size()) return false;
    std::uint32_t code = extra == 0 ? c : c & (0x3f >> extra);
    for (std::size_t k = 1; k <= extra; ++k) {
      unsigned char cont = static_cast<unsigned char>(s[i + k]);
      if ((cont >> 6) != 0x2) return false;
      code = (code << 6) | (cont & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are not UTF-8.
    if (code < kMinCode[extra] || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace

std::string DescribeJson(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::boolean: return v.dump() + " (a boolean)";
    // Replacing bad UTF-8 rather than throwing: the value being described may be the bad input.
    case nlohmann::json::value_t::string:
      return Shorten(v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + " (a string)";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return Shorten(v.dump()) + " (a number)";
    case nlohmann::json::value_t::number_float: {
      // dump() writes a non-finite number as null, which would misdescribe it.
      double d = v.get<double>();
      if (std::isnan(d)) return "NaN (a number)";
      if (std::isinf(d)) return std::string(d > 0 ? "infinity" : "-infinity") + " (a number)";
      return Shorten(v.dump()) + " (a number)";
    }
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    default: return "an unsupported value";
  }
}

JsonReader::JsonReader(const nlohmann::json* value, std::string file, std::string path,
                       ParameterSink* sink, std::string pattern)
    : value_(value), file_(std::move(file)), path_(std::move(path)), pattern_(std::move(pattern)), sink_(sink) {
  if (!value_->is_object()) {
    throw InputError(file_ + ": " + (path_.empty() ? "/" : path_) + ": expected an object, found " +
                     DescribeJson(*value_));
  }
}

std::string JsonReader::PathOf(const std::string& key) const { return path_ + "/" + EscapePointerToken(key); }

void JsonReader::Fail(const std::string& key, const std::string& expected) const {
  auto it = value_->find(key);
  std::string found = it == value_->end() ? "nothing" : DescribeJson(*it);
  throw InputError(file_ + ": " + PathOf(key) + ": expected " + expected + ", found " + found);
}

void JsonReader::FailHere(const std::string& message) const {
  throw InputError(file_ + ": " + (path_.empty() ? "/" : path_) + ": " + message);
}

bool JsonReader::Has(const char* key) const { return value_->contains(key); }

const nlohmann::json* JsonReader::Find(const char* key) {
  known_.insert(key);
  auto it = value_->find(key);
  return it == value_->end() ? nullptr : &*it;
}

void JsonReader::Document(const char* key, const std::string& default_value, const std::string& unit,
                          std::optional<std::int64_t> minimum, std::optional<std::int64_t> maximum) {
  if (sink_ != nullptr) sink_->Add(pattern_ + "/" + key, default_value, unit, minimum, maximum);
}

void JsonReader::String(const char* key, std::string* out) {
  Document(key, nlohmann::json(*out).dump(), "");
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return;
  if (!v->is_string()) Fail(key, "a string");
  if (!IsUtf8(v->get_ref<const std::string&>())) Fail(key, "a string of valid UTF-8");
  *out = v->get<std::string>();
}

void JsonReader::Bool(const char* key, bool* out) {
  Document(key, *out ? "true" : "false", "");
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return;
  if (!v->is_boolean()) Fail(key, "true or false");
  *out = v->get<bool>();
}

double JsonReader::Number(const char* key, const nlohmann::json& v, double min, double max) {
  const std::string expected = "a number from " + FormatNumber(min) + " to " + FormatNumber(max);
  if (!v.is_number()) Fail(key, expected);
  double d = v.get<double>();
  if (!std::isfinite(d)) Fail(key, "a finite number");
  if (d < min || d > max) Fail(key, expected);
  return d;
}

// Integers are compared as integers: a double rounds above 2^53, and converting an unsigned value
// above INT64_MAX would wrap it. A number written as a float is accepted if it is whole (3.0).
std::int64_t JsonReader::Integer(const char* key, const nlohmann::json& v, std::int64_t min, std::int64_t max) {
  const std::string expected = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (v.is_number_unsigned()) {
    std::uint64_t u = v.get<std::uint64_t>();
    if (max < 0 || u > static_cast<std::uint64_t>(max) || static_cast<std::int64_t>(u) < min) Fail(key, expected);
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) {
    std::int64_t i = v.get<std::int64_t>();
    if (i < min || i > max) Fail(key, expected);
    return i;
  }
  if (!v.is_number()) Fail(key, expected);
  double d = v.get<double>();
  if (!std::isfinite(d)) Fail(key, "a finite number");
  // The conversion below is defined only within [-2^63, 2^63).
  if (d != std::floor(d) || d < -0x1p63 || d >= 0x1p63) Fail(key, expected);
  std::int64_t i = static_cast<std::int64_t>(d);
  if (i < min || i > max) Fail(key, expected);
  return i;
}

void JsonReader::Int(const char* key, int* out, std::int64_t min, std::int64_t max, const char* unit) {
  std::int64_t value = *out;
  Int64(key, &value, min, max, unit);
  *out = static_cast<int>(value);
}

void JsonReader::Int64(const char* key, std::int64_t* out, std::int64_t min, std::int64_t max, const char* unit) {
  Document(key, std::to_string(*out), unit, min, max);
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return;
  *out = Integer(key, *v, min, max);
}

void JsonReader::Uint32(const char* key, std::uint32_t* out, std::int64_t min, std::int64_t max, const char* unit) {
  std::int64_t value = *out;
  Int64(key, &value, min, max, unit);
  *out = static_cast<std::uint32_t>(value);
}

void JsonReader::Uint64(const char* key, std::uint64_t* out) {
  Document(key, std::to_string(*out), "");
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return;
  if (v->is_number_unsigned() || (v->is_number_integer() && v->get<std::int64_t>() >= 0)) {
    *out = v->get<std::uint64_t>();
    return;
  }
  Fail(key, "an integer from 0 to 18446744073709551615");
}

void JsonReader::Double(const char* key, double* out, double min, double max, const char* unit) {
  Document(key, FormatNumber(*out), unit);
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return;
  *out = Number(key, *v, min, max);
}

void JsonReader::Duration(const char* key, mountstorm::Duration* out, double ns_per_unit, double min, double max) {
  const char* unit = ns_per_unit == 1e9 ? "s" : ns_per_unit == 1e6 ? "ms" : ns_per_unit == 1e3 ? "us" : "ns";
  Document(key, FormatNumber(static_cast<double>(*out) / ns_per_unit), unit);
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return;
  double d = Number(key, *v, min, max);
  *out = static_cast<mountstorm::Duration>(std::llround(d * ns_per_unit));
}

void JsonReader::Choice(const char* key, int* out, const std::vector<std::string>& choices) {
  Document(key, nlohmann::json(choices[*out]).dump(), "");
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return;
  std::string expected = "one of";
  for (std::size_t i = 0; i < choices.size(); ++i) expected += (i ? ", \"" : " \"") + choices[i] + "\"";
  if (!v->is_string()) Fail(key, expected);
  auto it = std::find(choices.begin(), choices.end(), v->get<std::string>());
  if (it == choices.end()) Fail(key, expected);
  *out = static_cast<int>(it - choices.begin());
}

void JsonReader::StringList(const char* key, std::vector<std::string>* out) {
  Document(key, nlohmann::json(*out).dump(), "");
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return;
  if (!v->is_array()) Fail(key, "an array of strings");
  std::vector<std::string> list;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const nlohmann::json& element = (*v)[i];
    if (!element.is_string() || !IsUtf8(element.get_ref<const std::string&>())) {
      throw InputError(file_ + ": " + PathOf(key) + "/" + std::to_string(i) + ": expected " +
                       (element.is_string() ? "a string of valid UTF-8" : "a string") + ", found " +
                       DescribeJson(element));
    }
    list.push_back(element.get<std::string>());
  }
  *out = std::move(list);
}

void JsonReader::DoubleList(const char* key, std::vector<double>* out, double min, double max) {
  Document(key, nlohmann::json(*out).dump(), "");
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return;
  if (!v->is_array()) Fail(key, "an array of numbers");
  std::vector<double> list;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const nlohmann::json& e = (*v)[i];
    if (!e.is_number() || !std::isfinite(e.get<double>()) || e.get<double>() < min || e.get<double>() > max) {
      throw InputError(file_ + ": " + PathOf(key) + "/" + std::to_string(i) + ": expected a number from " +
                       FormatNumber(min) + " to " + FormatNumber(max) + ", found " + DescribeJson(e));
    }
    list.push_back(e.get<double>());
  }
  *out = std::move(list);
}

const nlohmann::json* JsonReader::Raw(const char* key) {
  Document(key, "[]", "");
  return Find(key);
}

JsonReader JsonReader::Object(const char* key) {
  const nlohmann::json* v = Find(key);
  if (v != nullptr && !v->is_object()) Fail(key, "an object");
  return JsonReader(v == nullptr ? &kEmptyObject : v, file_, PathOf(key), sink_, pattern_ + "/" + key);
}

void JsonReader::ObjectArray(const char* key, const std::function<void(JsonReader&)>& each) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return;
  if (!v->is_array()) Fail(key, "an array of objects");
  for (std::size_t i = 0; i < v->size(); ++i) {
    JsonReader element(&(*v)[i], file_, PathOf(key) + "/" + std::to_string(i), sink_,
                       pattern_ + "/" + key + "/*");
    each(element);
    element.Finish();
  }
}

void JsonReader::Finish() {
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    if (known_.count(it.key())) continue;
    std::string best;
    std::size_t best_distance = 4;
    for (const std::string& k : known_) {
      std::size_t d = Distance(it.key(), k);
      if (d < best_distance) {
        best_distance = d;
        best = k;
      }
    }
    std::string known_list;
    for (const std::string& k : known_) known_list += (known_list.empty() ? "" : ", ") + k;
    throw InputError(file_ + ": " + PathOf(it.key()) + ": unknown key" +
                     (best.empty() ? "" : " (did you mean \"" + best + "\"?)") +
                     "; expected one of: " + known_list);
  }
}

}  // namespace mountstorm
