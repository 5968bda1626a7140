#include "render/sweep_scales.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "mountstorm/error.h"
#include "render/plot_scale.h"
#include "render/svg.h"

namespace mountstorm::sweep_plot {

using namespace plot;  // scales and labels (render/plot_scale.h)

double ValueAxis::Pos(const std::string& value) const {
  if (!numeric) {
    auto it = std::find(categories.begin(), categories.end(), value);
    return (static_cast<double>(it - categories.begin()) + 0.5) / static_cast<double>(categories.size());
  }
  double v = *ParseNumber(value);
  if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  return (v - lo) / (hi - lo);
}

ValueAxis MakeValueAxis(const std::vector<std::string>& values, bool log, const std::string& path) {
  ValueAxis a;
  a.categories = values;
  a.numeric = !values.empty();
  for (const std::string& v : values) {
    if (!ParseNumber(v)) a.numeric = false;
  }
  if (log && !a.numeric) throw InputError("--log-x: the values of " + path + " are not all numbers");
  if (!a.numeric) return a;
  a.log = log;
  double mn = *ParseNumber(values[0]), mx = mn;
  for (const std::string& v : values) {
    mn = std::min(mn, *ParseNumber(v));
    mx = std::max(mx, *ParseNumber(v));
  }
  if (log) {
    if (mn <= 0) throw InputError("--log-x: " + path + " has a value <= 0, which a log scale cannot show");
    double pad = mx > mn ? std::pow(mx / mn, 0.04) : 2.0;
    a.lo = mn / pad;
    a.hi = mx * pad;
  } else {
    double span = mx > mn ? mx - mn : std::max(1.0, std::fabs(mn));
    a.lo = mn - span * 0.04;
    a.hi = mx + span * 0.04;
    if (mn >= 0 && a.lo < 0) a.lo = mn - std::min(mn, span * 0.04);
  }
  return a;
}

std::vector<std::pair<double, std::string>> XTicks(const ValueAxis& a, double width, double font) {
  std::vector<std::pair<double, std::string>> ticks;
  if (!a.numeric) {
    for (const std::string& c : a.categories) ticks.push_back({a.Pos(c), c});
    return ticks;
  }
  std::vector<std::pair<double, std::string>> exact;
  for (const std::string& c : a.categories) exact.push_back({a.Pos(c), c});
  std::sort(exact.begin(), exact.end());
  bool fits = true;
  for (std::size_t i = 1; i < exact.size(); ++i) {
    double gap = (exact[i].first - exact[i - 1].first) * width;
    if (gap < (svg::TextWidth(exact[i].second, font) + svg::TextWidth(exact[i - 1].second, font)) / 2 + 8) fits = false;
  }
  if (fits) return exact;
  if (a.log) {
    for (double d = std::pow(10.0, std::ceil(std::log10(a.lo))); d <= a.hi; d *= 10) {
      ticks.push_back({(std::log10(d) - std::log10(a.lo)) / (std::log10(a.hi) - std::log10(a.lo)), FormatShort(d)});
    }
    return ticks;
  }
  double step = NiceStep(a.hi - a.lo, 8);
  for (double v : TicksUpTo(a.lo, a.hi, step)) ticks.push_back({(v - a.lo) / (a.hi - a.lo), FormatShort(v)});
  return ticks;
}

double YAxis::Pos(double v) const {
  if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  return (v - lo) / (hi - lo);
}

YAxis MakeYAxis(double mn, double mx, bool log) {
  YAxis a;
  a.log = log;
  if (log) {
    a.lo = std::pow(10.0, std::floor(std::log10(mn)));
    a.hi = std::pow(10.0, std::ceil(std::log10(mx)));
    if (a.hi <= a.lo) a.hi = a.lo * 10;
    const double decades = std::log10(a.hi / a.lo);
    for (double d = a.lo; d <= a.hi * 1.0001; d *= 10) {
      a.ticks.push_back(d);
      if (decades <= 2) {
        if (2 * d < a.hi * 1.0001 && decades <= 2) a.ticks.push_back(2 * d);
        if (5 * d < a.hi * 1.0001) a.ticks.push_back(5 * d);
      }
    }
    std::sort(a.ticks.begin(), a.ticks.end());
    return a;
  }
  a.lo = std::min(0.0, mn);
  a.hi = mx > a.lo ? mx : a.lo + 1;
  double step = NiceStep(a.hi - a.lo, 6);
  a.hi = std::ceil(a.hi / step - 1e-9) * step;
  if (a.lo < 0) a.lo = std::floor(a.lo / step + 1e-9) * step;
  a.ticks = TicksUpTo(a.lo, a.hi, step);
  return a;
}

std::string Viridis(double f) {
  static const double stops[9][3] = {{68, 1, 84},    {71, 44, 122}, {59, 81, 139},  {44, 113, 142}, {33, 144, 141},
                                     {39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37}};
  f = std::clamp(f, 0.0, 1.0) * 8;
  int i = std::min(7, static_cast<int>(std::floor(f)));
  double u = f - i;
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x",
                static_cast<int>(std::lround(stops[i][0] + (stops[i + 1][0] - stops[i][0]) * u)),
                static_cast<int>(std::lround(stops[i][1] + (stops[i + 1][1] - stops[i][1]) * u)),
                static_cast<int>(std::lround(stops[i][2] + (stops[i + 1][2] - stops[i][2]) * u)));
  return buf;
}

bool IsDark(double f) { return f < 0.55; }

}  // namespace mountstorm::sweep_plot
