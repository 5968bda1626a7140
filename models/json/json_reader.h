// JsonReader: strict, path-aware reading of one JSON object of a scenario.
//
// Each accessor reads one key if it is present, checks its type and range, converts it and
// stores it; if it is absent the destination keeps its default. Finish() then rejects every key
// that no accessor asked for, suggesting the closest known key, so a misspelled parameter is an
// error and never a silent default. Every error is an InputError of the form
//   FILE: /json/path: expected WHAT, found WHAT-WAS-THERE
//
// A ParameterSink, when given, is told every parameter with its path ("*" for array indices),
// its default and its unit: this is how ListParameters() documents the format from the code.
#ifndef MOUNTSTORM_MODELS_JSON_JSON_READER_H_
#define MOUNTSTORM_MODELS_JSON_JSON_READER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mountstorm/scenario.h"
#include "mountstorm/time.h"

namespace mountstorm {

class ParameterSink {
 public:
  void Add(const std::string& path, const std::string& default_value, const std::string& unit,
           std::optional<std::int64_t> minimum = std::nullopt, std::optional<std::int64_t> maximum = std::nullopt);
  const std::vector<ParameterInfo>& parameters() const { return parameters_; }

 private:
  std::vector<ParameterInfo> parameters_;
  std::set<std::string> seen_;
};

class JsonReader {
 public:
  // `value` must outlive the reader. `path` is the JSON pointer of `value` ("" for the root).
  JsonReader(const nlohmann::json* value, std::string file, std::string path, ParameterSink* sink,
             std::string pattern = "");

  bool Has(const char* key) const;
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }

  void String(const char* key, std::string* out);
  void Bool(const char* key, bool* out);
  void Int(const char* key, int* out, std::int64_t min, std::int64_t max, const char* unit = "");
  void Int64(const char* key, std::int64_t* out, std::int64_t min, std::int64_t max, const char* unit = "");
  void Uint32(const char* key, std::uint32_t* out, std::int64_t min, std::int64_t max, const char* unit = "bytes");
  void Uint64(const char* key, std::uint64_t* out);
  void Double(const char* key, double* out, double min, double max, const char* unit = "");
  // A duration stated in the unit its key names: ns_per_unit is 1e9 for "_s", 1e6 for "_ms",
  // 1e3 for "_us". min and max are in that unit.
  void Duration(const char* key, mountstorm::Duration* out, double ns_per_unit, double min, double max);
  // A string that must be one of `choices`; returns its index via *out.
  void Choice(const char* key, int* out, const std::vector<std::string>& choices);
  void StringList(const char* key, std::vector<std::string>* out);
  // An array of numbers, each from min to max.
  void DoubleList(const char* key, std::vector<double>* out, double min, double max);

  // The JSON value under `key`, unread, or null if absent. Marks the key known.
  const nlohmann::json* Raw(const char* key);

  // The object under `key` (an empty object if the key is absent).
  JsonReader Object(const char* key);
  // Calls `each` with a reader for every object of the array under `key`.
  void ObjectArray(const char* key, const std::function<void(JsonReader&)>& each);

  // Rejects keys that were not read.
  void Finish();

  // Throws InputError for `key` of this object.
  [[noreturn]] void Fail(const std::string& key, const std::string& expected) const;
  [[noreturn]] void FailHere(const std::string& message) const;

 private:
  const nlohmann::json* Find(const char* key);
  void Document(const char* key, const std::string& default_value, const std::string& unit,
                std::optional<std::int64_t> minimum = std::nullopt, std::optional<std::int64_t> maximum = std::nullopt);
  std::string PathOf(const std::string& key) const;
  double Number(const char* key, const nlohmann::json& v, double min, double max);
  std::int64_t Integer(const char* key, const nlohmann::json& v, std::int64_t min, std::int64_t max);

  const nlohmann::json* value_;
  std::string file_;
  std::string path_;
  std::string pattern_;  // path with "*" for array indices, for the ParameterSink
  ParameterSink* sink_;
  std::set<std::string> known_;
  static const nlohmann::json kEmptyObject;
};

// A short description of a JSON value for error messages: "\"abc\" (a string)", "3.5 (a number)".
std::string DescribeJson(const nlohmann::json& v);

}  // namespace mountstorm

#endif  // MOUNTSTORM_MODELS_JSON_JSON_READER_H_
