#include "cli/command_line.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "mountstorm/error.h"

namespace po = boost::program_options;

namespace mountstorm {

namespace {

// A seed given on the command line. Not left to program_options, whose lexical_cast takes "-1"
// for an unsigned value and wraps it to 18446744073709551615: a silent surprise.
std::uint64_t ParseSeed(const std::string& command, const std::string& text) {
  std::uint64_t seed = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, seed);
  if (ec != std::errc() || stop != end) {
    throw InputError(command + ": --seed: expected an integer from 0 to 18446744073709551615, found \"" + text + "\"");
  }
  return seed;
}

}  // namespace

CommandLine::CommandLine(std::string command, std::string usage)
    : command_(std::move(command)), usage_(std::move(usage)), options_(command_ + " options") {
  options_.add_options()("help,h", "show this help");
}

CommandLine& CommandLine::Scenario(std::string* path) {
  return Positional("scenario", path, "scenario file (JSON)");
}

CommandLine& CommandLine::Positionals(const char* name, std::vector<std::string>* values, int count,
                                      const char* help) {
  options_.add_options()(name, po::value(values)->composing(), help);
  positional_.add(name, count);
  return *this;
}

CommandLine& CommandLine::Positional(const char* name, std::string* value, const char* help) {
  options_.add_options()(name, po::value(value)->required(), help);
  positional_.add(name, 1);
  return *this;
}

CommandLine& CommandLine::Output(std::string* path, const char* what, bool required) {
  po::typed_value<std::string>* v = po::value(path);
  if (required) v->required();
  options_.add_options()("output,o", v, what);
  return *this;
}

CommandLine& CommandLine::Overrides(std::vector<std::string>* sets) {
  sets_ = sets;
  options_.add_options()
      ("profile", po::value<std::string>()->notifier([this](const std::string& p) { profile_ = p; }),
       "systemd version whose defaults the scenario starts from (see mountstorm profiles)")
      ("set", po::value(sets)->composing(),
       "override a scenario value: /json/path=value (repeatable; the value is JSON, else a string)")
      ("seed", po::value<std::string>()->notifier([this](const std::string& s) { seed_text_ = s; }),
       "seed of the run (overrides the scenario's \"seed\")")
      ("mountinfo", po::value<std::string>()->notifier([this](const std::string& m) { mountinfo_ = m; }),
       "start from this real mount table, e.g. /proc/self/mountinfo (before the scenario's own entries)");
  return *this;
}

CommandLine& CommandLine::EngineOption(Engine* engine) {
  engine_ = engine;
  options_.add_options()("engine",
                         po::value<std::string>()->notifier([this](const std::string& e) { engine_text_ = e; }),
                         "trains (the default) or messages (the reference: every message and step an event); "
                         "the results are the same, byte for byte");
  return *this;
}

CommandLine& CommandLine::Jobs(int* jobs) {
  jobs_ = jobs;
  options_.add_options()("jobs,j", po::value(jobs), "runs at once (default: the number of CPUs; results do not depend on it)");
  return *this;
}

CommandLine& CommandLine::Budget(RunBudget* budget) {
  budget_ = budget;
  Text("max-events", &max_events_, "stop a run after N events, with exit status 2 (default 2000000000)");
  Text("max-sim-time-s", &max_sim_time_, "stop a run at S simulated seconds, with exit status 2 (default 1000000)");
  Text("max-memory-mib", &max_memory_, "refuse a run estimated to need more than M MiB (default 4096)");
  return *this;
}

namespace {

// The value of a budget flag: a positive number up to `max` (an integer if `integer`).
double BudgetValue(const char* flag, const std::string& text, double max, bool integer) {
  char* end = nullptr;
  const double v = text.empty() || text[0] == '-' || text[0] == '+' || std::isspace(static_cast<unsigned char>(text[0]))
                       ? -1
                       : std::strtod(text.c_str(), &end);
  if (v <= 0 || v > max || end == nullptr || *end != '\0' || (integer && v != std::floor(v))) {
    char range[64];
    std::snprintf(range, sizeof range, "%.0f", max);
    throw InputError(std::string(flag) + ": expected " + (integer ? "an integer" : "a number") + " above 0 and at most " +
                     range + ", found \"" + text + "\"");
  }
  return v;
}

}  // namespace

void CommandLine::ReadBudget() {
  if (max_events_) budget_->max_events = static_cast<std::uint64_t>(BudgetValue("--max-events", *max_events_, 1e15, true));
  if (max_sim_time_) {
    budget_->max_sim_time = static_cast<Time>(std::llround(BudgetValue("--max-sim-time-s", *max_sim_time_, 1e6, false) * 1e9));
  }
  if (max_memory_) {
    budget_->max_memory_bytes = static_cast<std::uint64_t>(BudgetValue("--max-memory-mib", *max_memory_, 1 << 20, true))
                                << 20;
  }
}

CommandLine& CommandLine::Json(bool* json) { return Flag("json", json, "print JSON instead of a table"); }

CommandLine& CommandLine::Quiet(bool* quiet) {
  options_.add_options()("quiet,q", po::bool_switch(quiet), "print nothing on success");
  return *this;
}

CommandLine& CommandLine::Flag(const char* name, bool* value, const char* help) {
  options_.add_options()(name, po::bool_switch(value), help);
  return *this;
}

CommandLine& CommandLine::Text(const char* name, std::string* value, const char* help) {
  options_.add_options()(name, po::value(value), help);
  return *this;
}

CommandLine& CommandLine::Text(const char* name, std::optional<std::string>* value, const char* help) {
  options_.add_options()(name, po::value<std::string>()->notifier([value](const std::string& v) { *value = v; }), help);
  return *this;
}

CommandLine& CommandLine::Texts(const char* name, std::vector<std::string>* values, const char* help) {
  options_.add_options()(name, po::value(values)->composing(), help);
  return *this;
}

CommandLine& CommandLine::Integer(const char* name, std::optional<std::int64_t>* value, const char* help) {
  options_.add_options()(name, po::value<std::int64_t>()->notifier([value](std::int64_t v) { *value = v; }), help);
  return *this;
}

CommandLine& CommandLine::Integer(const char* name, int* value, const char* help) {
  options_.add_options()(name, po::value(value), help);
  return *this;
}

CommandLine& CommandLine::RequiredText(const char* name, std::string* value, const char* help) {
  options_.add_options()(name, po::value(value)->required(), help);
  return *this;
}

CommandLine& CommandLine::RequiredInteger(const char* name, std::int64_t* value, const char* help) {
  options_.add_options()(name, po::value(value)->required(), help);
  return *this;
}

bool CommandLine::Parse(const std::vector<std::string>& args) {
  try {
    po::store(po::command_line_parser(args).options(options_).positional(positional_).run(), vm_);
    if (vm_.count("help")) {
      std::cout << usage_ << "\n" << options_;
      return false;
    }
    po::notify(vm_);
  } catch (const po::error& e) {
    throw InputError(command_ + ": " + e.what() + " (see mountstorm " + command_ + " --help)");
  }
  if (budget_ != nullptr) ReadBudget();
  if (jobs_ != nullptr && Given("jobs") && *jobs_ < 1) throw InputError("--jobs: expected a positive integer, found " + std::to_string(*jobs_));
  if (engine_ != nullptr && engine_text_) {
    const std::optional<Engine> e = ParseEngine(*engine_text_);
    if (!e) throw InputError(command_ + ": --engine: expected \"messages\" or \"trains\", found \"" + *engine_text_ + "\"");
    *engine_ = *e;
  }
  if (sets_ != nullptr) {
    // In the order they apply: --profile, each --set, --seed, --mountinfo.
    if (profile_) sets_->insert(sets_->begin(), "/profile=" + *profile_);
    if (seed_text_) sets_->push_back("/seed=" + std::to_string(ParseSeed(command_, *seed_text_)));
    if (mountinfo_) {
      if (mountinfo_->empty()) throw InputError(command_ + ": --mountinfo: expected a file, found an empty name");
      const std::string absolute = std::filesystem::absolute(*mountinfo_).string();
      sets_->push_back("/mount_table/mountinfo_file=" + nlohmann::json(absolute).dump());
    }
  }
  return true;
}

int Jobs(int jobs) { return jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

}  // namespace mountstorm
