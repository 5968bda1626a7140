#include "tools/cli_util.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <iostream>
#include <system_error>
#include <thread>

#include "mountstorm/error.h"

namespace po = boost::program_options;

namespace mountstorm {

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(path + ": cannot read the file");
  return text.str();
}

int JobsOption(const po::variables_map& vm, int jobs) {
  if (vm.count("jobs") && jobs < 1) throw InputError("--jobs: expected a positive integer");
  return jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void AddProfileOverride(const po::variables_map& vm, std::vector<std::string>* sets) {
  if (vm.count("profile")) sets->insert(sets->begin(), "/profile=" + vm["profile"].as<std::string>());
}

// Parses the options of a command; returns false (after printing) when --help was asked.
bool ParseCommand(const std::string& command, const std::vector<std::string>& args,
                  const po::options_description& options, const po::positional_options_description& positional,
                  const char* usage, po::variables_map* vm) {
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), *vm);
    if (vm->count("help")) {
      std::cout << usage << "\n" << options;
      return false;
    }
    po::notify(*vm);
  } catch (const po::error& e) {
    throw InputError(command + ": " + e.what() + " (see mountstorm " + command + " --help)");
  }
  return true;
}

// Parses --seed. Not left to program_options: its lexical_cast takes "-1" for an unsigned value and
// wraps it to 18446744073709551615, a silent surprise instead of an error.
std::uint64_t ParseSeed(const std::string& text) {
  std::uint64_t seed = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, seed);
  if (ec != std::errc() || stop != end) {
    throw InputError("run: --seed: expected an integer from 0 to 18446744073709551615, found \"" + text + "\"");
  }
  return seed;
}

std::string WithCommas(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatSeconds(const nlohmann::json& v) {
  if (v.is_null()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v.get<double>());
  return buf;
}

std::string FormatFixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string FormatPercent(double fraction) { return FormatFixed(100.0 * fraction, 1) + " %"; }

}  // namespace mountstorm
