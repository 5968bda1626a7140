#include "render/plot_scale.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "io/text_io.h"

namespace mountstorm {
namespace plot {

// "%.Ng" without an exponent for the ranges plots meet, and without trailing zeros.
std::string Trimmed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// Decimals that show a step of `step` exactly (0.25 -> 2, 5 -> 0).
int DecimalsFor(double step) {
  int d = 0;
  while (d < 9 && std::fabs(step * std::pow(10.0, d) - std::round(step * std::pow(10.0, d))) > 1e-6) ++d;
  return d;
}

std::optional<double> ParseNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double v = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || stop != end || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Seconds as a label: 28.9 s, 5.03 s, 0.012 s (fixed decimals: "25.0 s", not "25 s").
std::string Seconds1(double s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f s", s < 1 ? 3 : s < 10 ? 2 : 1, s);
  return buf;
}

// A "nice" step (1, 2, 2.5 or 5 times a power of ten) that cuts `span` into at most `max_ticks`.
double NiceStep(double span, int max_ticks) {
  if (!(span > 0)) return 1;
  double raw = span / max_ticks;
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * p >= raw) return m * p;
  }
  return 10 * p;
}

// A step for bytes: a power of two (512 B, 32 MiB), so that the labels are round in KiB/MiB.
double ByteStep(double span, int max_ticks) {
  double step = 1;
  while (span / step > max_ticks) step *= 2;
  return step;
}

std::vector<double> TicksUpTo(double lo, double hi, double step) {
  std::vector<double> ticks;
  const double first = std::ceil(lo / step - 1e-9) * step;
  for (int i = 0; i < 1000; ++i) {
    double v = first + i * step;
    if (v > hi + step * 1e-9) break;
    ticks.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  }
  return ticks;
}

}  // namespace plot

using plot::Trimmed;

std::string FormatCount(double v) {
  if (!std::isfinite(v)) return "-";
  double r = std::round(v);
  if (std::fabs(v - r) > 1e-9 && std::fabs(v) < 1000) return Trimmed(v, std::fabs(v) < 10 ? 3 : 2);
  if (r < 0) return "-" + WithCommas(static_cast<std::uint64_t>(-r));
  return WithCommas(static_cast<std::uint64_t>(r));
}

std::string FormatShort(double v) {
  if (!std::isfinite(v)) return "-";
  const double a = std::fabs(v);
  auto scaled = [&](double div, const char* suffix) {
    double x = v / div;
    return Trimmed(x, std::fabs(x) < 10 ? 2 : std::fabs(x) < 100 ? 1 : 0) + suffix;
  };
  if (a >= 1e9) return scaled(1e9, "G");
  if (a >= 1e6) return scaled(1e6, "M");
  if (a >= 1000) return scaled(1e3, "K");
  if (a == 0) return "0";
  if (a >= 100) return Trimmed(v, 1);
  if (a >= 1) return Trimmed(v, 2);
  return Trimmed(v, 4);
}

std::string FormatBytes(double v) {
  if (!std::isfinite(v)) return "-";
  const double a = std::fabs(v);
  auto scaled = [&](double div, const char* suffix) {
    double x = v / div;
    return Trimmed(x, std::fabs(x) < 10 ? 2 : std::fabs(x) < 100 ? 1 : 0) + " " + suffix;
  };
  if (a >= 1024.0 * 1024 * 1024) return scaled(1024.0 * 1024 * 1024, "GiB");
  if (a >= 1024.0 * 1024) return scaled(1024.0 * 1024, "MiB");
  if (a >= 1024) return scaled(1024, "KiB");
  return Trimmed(v, 0) + " B";
}

}  // namespace mountstorm
