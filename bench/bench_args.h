// What both benchmarks share: reading their command line (--flag value or --flag=value), the
// median of the timed runs, and whether the build is optimized (a debug build's figures mean
// nothing, so both say so).
#ifndef MOUNTSTORM_BENCH_BENCH_ARGS_H_
#define MOUNTSTORM_BENCH_BENCH_ARGS_H_

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace mountstorm::bench {

#ifdef NDEBUG
inline constexpr bool kOptimized = true;
#else
inline constexpr bool kOptimized = false;
#endif

// The arguments of argv[1...], one at a time:
//   for (ArgReader a(argc, argv, Usage); a.Next();) { if (a.arg() == "--reps") ... a.Value() ... }
// `usage` prints the error and the usage and exits; it must not return.
class ArgReader {
 public:
  using Usage = void (*)(const std::string& error);
  ArgReader(int argc, char** argv, Usage usage) : argc_(argc), argv_(argv), usage_(usage) {}

  // Moves to the next argument; false when none is left.
  bool Next() {
    if (++i_ >= argc_) return false;
    arg_ = argv_[i_];
    has_value_ = false;
    if (std::size_t eq = arg_.find('='); arg_.rfind("--", 0) == 0 && eq != std::string::npos) {
      value_ = arg_.substr(eq + 1);
      arg_.resize(eq);
      has_value_ = true;
    }
    return true;
  }
  // The argument, without its "=value".
  const std::string& arg() const { return arg_; }
  // The flag's value: what followed '=', else the next argument.
  std::string Value() {
    if (has_value_) return value_;
    if (i_ + 1 >= argc_) usage_(arg_ + " needs a value");
    return argv_[++i_];
  }
  // The flag's value as an integer from 1 to `max`.
  std::uint64_t Count(std::uint64_t max) {
    const std::string text = Value();
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v == 0 || v > max) {
      usage_(arg_ + " wants an integer from 1 to " + std::to_string(max) + ", got '" + text + "'");
    }
    return v;
  }

 private:
  int argc_;
  char** argv_;
  Usage usage_;
  int i_ = 0;
  std::string arg_, value_;
  bool has_value_ = false;
};

inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace mountstorm::bench

#endif  // MOUNTSTORM_BENCH_BENCH_ARGS_H_
