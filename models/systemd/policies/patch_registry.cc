#include "models/policies/patch_registry.h"

#include <map>
#include <mutex>

#include "models/json_reader.h"
#include "models/policies/adaptive_backoff.h"
#include "models/policies/changed_only.h"
#include "models/policies/debounce.h"
#include "models/policies/dispatch_budget.h"
#include "models/policies/queue_limits.h"
#include "models/policies/rate_limit.h"
#include "models/policies/signal_token_bucket.h"
#include "mountstorm/error.h"

namespace mountstorm {

namespace {

struct Entry {
  std::string description;
  PatchFactory factory;
};

// PatchParams over the JSON object of one patch.
class JsonPatchParams : public PatchParams {
 public:
  explicit JsonPatchParams(JsonReader* reader) : reader_(reader) {}
  double Number(const char* key, double d, double min, double max) override {
    reader_->Double(key, &d, min, max);
    return d;
  }
  std::int64_t Integer(const char* key, std::int64_t d, std::int64_t min, std::int64_t max) override {
    reader_->Int64(key, &d, min, max);
    return d;
  }
  bool Bool(const char* key, bool d) override {
    reader_->Bool(key, &d);
    return d;
  }
  Duration Seconds(const char* key, double d, double min, double max) override {
    Duration v = FromSeconds(d);
    reader_->Duration(key, &v, 1e9, min, max);
    return v;
  }
  Duration Millis(const char* key, double d, double min, double max) override {
    Duration v = FromMillis(d);
    reader_->Duration(key, &v, 1e6, min, max);
    return v;
  }

 private:
  JsonReader* reader_;
};

void RegisterShipped(std::map<std::string, Entry>& r) {
  r["ratelimit"] = {"v248's mountinfo rate limit: at most `burst` scans per fixed window of `interval_s`",
                    [](PatchParams& p) -> std::unique_ptr<Pid1Policy> {
                      Duration interval = p.Seconds("interval_s", 1.0, 1e-6, 1e6);
                      int burst = static_cast<int>(p.Integer("burst", 5, 1, 1 << 30));
                      return std::make_unique<RateLimit>(interval, burst);
                    }};
  r["backoff"] = {"PR #10268's adaptive back-off: no scan until the last one's end plus `factor` x its duration",
                  [](PatchParams& p) -> std::unique_ptr<Pid1Policy> {
                    return std::make_unique<AdaptiveBackoff>(p.Number("factor", 10, 1e-6, 1e6));
                  }};
  r["changed-only"] = {"announce only new and changed units (the fixes of v240, v246 and v247)",
                       [](PatchParams&) -> std::unique_ptr<Pid1Policy> { return std::make_unique<ChangedOnly>(); }};
  r["dispatch-budget"] = {"PR #8171: at most `units` units per dispatch, none while more than `threshold` writes wait",
                          [](PatchParams& p) -> std::unique_ptr<Pid1Policy> {
                            int units = static_cast<int>(p.Integer("units", 100, 1, 1 << 30));
                            return std::make_unique<DispatchBudgetPatch>(units, p.Integer("threshold", 1024, 0, 1LL << 40));
                          }};
  r["debounce"] = {"scan `delay_ms` after the first change not yet scanned, covering every change until then",
                   [](PatchParams& p) -> std::unique_ptr<Pid1Policy> {
                     return std::make_unique<Debounce>(p.Millis("delay_ms", 100, 0, 1e9));
                   }};
  r["signal-token-bucket"] = {"at most `rate_per_s` signals per second on average, bursts of `burst`",
                              [](PatchParams& p) -> std::unique_ptr<Pid1Policy> {
                                double rate = p.Number("rate_per_s", 10000, 1e-3, 1e9);
                                return std::make_unique<SignalTokenBucket>(rate, p.Number("burst", 1000, 1, 1e9));
                              }};
  r["queue-limits"] = {"other sd-bus queue limits (`wqueue_max`, `rqueue_max`) or socket buffer for PID 1",
                       [](PatchParams& p) -> std::unique_ptr<Pid1Policy> {
                         return std::make_unique<QueueLimitsPatch>(p.Integer("wqueue_max", -1, -1, 1LL << 32),
                                                                   p.Integer("rqueue_max", -1, -1, 1LL << 32),
                                                                   p.Integer("socket_sndbuf_bytes", -1, -1, 1LL << 40));
                       }};
}

std::mutex& RegistryMutex() {
  static std::mutex m;
  return m;
}

std::map<std::string, Entry>& Registry() {
  static std::map<std::string, Entry> registry = [] {
    std::map<std::string, Entry> r;
    RegisterShipped(r);
    return r;
  }();
  return registry;
}

}  // namespace

void RegisterPatch(const std::string& name, const std::string& description, PatchFactory factory) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  Registry()[name] = Entry{description, std::move(factory)};
}

std::vector<std::pair<std::string, std::string>> ListPatches() {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, e] : Registry()) out.emplace_back(name, e.description);
  return out;
}

PatchFactory FindPatch(const std::string& name) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  auto it = Registry().find(name);
  return it == Registry().end() ? PatchFactory() : it->second.factory;
}

PatchSpec ReadPatchSpec(const nlohmann::json& p, const std::string& file, const std::string& where) {
  if (!p.is_object() || !p.contains("name") || !p["name"].is_string()) {
    throw InputError(file + ": " + where + ": expected an object with a \"name\" (see mountstorm patches), found " +
                     DescribeJson(p));
  }
  PatchSpec spec{p["name"].get<std::string>(), p, where};
  MakePatch(spec, file);  // checks the name and the parameters now, before anything runs
  return spec;
}

std::unique_ptr<Pid1Policy> MakePatch(const PatchSpec& spec, const std::string& file) {
  PatchFactory factory = FindPatch(spec.name);
  if (!factory) {
    std::string known;
    for (const auto& [name, description] : ListPatches()) known += (known.empty() ? "" : ", ") + name;
    throw InputError(file + ": " + spec.path + "/name: unknown patch \"" + spec.name + "\" (known: " + known + ")");
  }
  JsonReader reader(&spec.params, file, spec.path, nullptr);
  std::string name;
  reader.String("name", &name);
  JsonPatchParams params(&reader);
  std::unique_ptr<Pid1Policy> patch = factory(params);
  reader.Finish();
  return patch;
}

}  // namespace mountstorm
