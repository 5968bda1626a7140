#include "models/systemd/policies/patch_registry.h"

#include <functional>
#include <map>
#include <mutex>

#include "models/json/json_reader.h"
#include "models/json/json_text.h"
#include "models/systemd/policies/changed_only.h"
#include "models/systemd/policies/debounce.h"
#include "models/systemd/policies/signal_token_bucket.h"
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

// A patch that only sets parameters of mechanisms PID 1 has (Pid1Policy::Configure): the rate
// limit, the back-off, the dispatch budget, the queue limits.
class ConfiguringPatch : public Pid1Policy {
 public:
  explicit ConfiguringPatch(std::function<void(SystemdParams*)> configure) : configure_(std::move(configure)) {}
  void Configure(SystemdParams* params) override { configure_(params); }

 private:
  std::function<void(SystemdParams*)> configure_;
};

std::unique_ptr<Pid1Policy> Configuring(std::function<void(SystemdParams*)> configure) {
  return std::make_unique<ConfiguringPatch>(std::move(configure));
}

void RegisterShipped(std::map<std::string, Entry>& r) {
  r["ratelimit"] = {"v248's mountinfo rate limit: at most `burst` scans per fixed window of `interval_s`",
                    [](PatchParams& p) -> std::unique_ptr<Pid1Policy> {
                      const Duration interval = p.Seconds("interval_s", 1.0, 1e-6, 1e6);
                      const int burst = static_cast<int>(p.Integer("burst", 5, 1, 1 << 30));
                      return Configuring([=](SystemdParams* s) {
                        s->mountinfo_ratelimit_interval = interval;
                        s->mountinfo_ratelimit_burst = burst;
                      });
                    }};
  r["backoff"] = {"PR #10268's adaptive back-off: no scan until the last one's end plus `factor` x its duration",
                  [](PatchParams& p) -> std::unique_ptr<Pid1Policy> {
                    const double factor = p.Number("factor", 10, 1e-6, 1e6);
                    return Configuring([=](SystemdParams* s) { s->mountinfo_backoff_factor = factor; });
                  }};
  r["changed-only"] = {"announce only new and changed units (the fixes of v240, v246 and v247)",
                       [](PatchParams&) -> std::unique_ptr<Pid1Policy> { return std::make_unique<ChangedOnly>(); }};
  r["dispatch-budget"] = {"PR #8171: at most `units` units per dispatch, none while more than `threshold` writes wait",
                          [](PatchParams& p) -> std::unique_ptr<Pid1Policy> {
                            const int units = static_cast<int>(p.Integer("units", 100, 1, 1 << 30));
                            const int threshold = static_cast<int>(p.Integer("threshold", 1024, 1, 1 << 30));
                            return Configuring([=](SystemdParams* s) {
                              s->dbus_queue_budget = units;
                              s->bus_busy_threshold = threshold;
                            });
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
                         // A value of -1 keeps the profile's.
                         const std::int64_t wqueue = p.Integer("wqueue_max", -1, -1, 1LL << 32);
                         const std::int64_t rqueue = p.Integer("rqueue_max", -1, -1, 1LL << 32);
                         const std::int64_t sndbuf = p.Integer("socket_sndbuf_bytes", -1, -1, 1LL << 40);
                         return Configuring([=](SystemdParams* s) {
                           if (wqueue >= 0) s->wqueue_max = wqueue;
                           if (rqueue >= 0) s->rqueue_max = rqueue;
                           if (sndbuf >= 0) s->socket_sndbuf_bytes = sndbuf;
                         });
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
  PatchSpec spec{p["name"].get<std::string>(), p.dump(), where};
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
  const nlohmann::json params_json = nlohmann::json::parse(spec.params_json);
  JsonReader reader(&params_json, file, spec.path, nullptr);
  std::string name;
  reader.String("name", &name);
  JsonPatchParams params(&reader);
  std::unique_ptr<Pid1Policy> patch = factory(params);
  reader.Finish();
  return patch;
}

PatchSpec ParsePatchSpec(const std::string& json_text, const std::string& file, const std::string& where) {
  return ReadPatchSpec(ParseJsonText(json_text, file), file, where);
}

}  // namespace mountstorm
