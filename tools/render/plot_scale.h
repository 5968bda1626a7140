// Scales, ticks, number labels and colours shared by the plots of `mountstorm plot` and
// `mountstorm report` (render/run_plot.h, render/sweep_plot.h). Labels are printed with fixed
// decimals so that the same inputs give the same bytes.
#ifndef MOUNTSTORM_TOOLS_RENDER_PLOT_SCALE_H_
#define MOUNTSTORM_TOOLS_RENDER_PLOT_SCALE_H_

#include <optional>
#include <string>
#include <vector>

namespace mountstorm {

// Number labels for tables and axes: 1234567 -> "1,234,567"; 1.5e6 -> "1.5M";
// 133169152 bytes -> "127 MiB".
std::string FormatCount(double v);
std::string FormatShort(double v);
std::string FormatBytes(double v);

namespace plot {

// Colours of the frame and text. The colours of what a plot shows are in its own file; the limit
// and first-refusal colours are used by nothing else, so that they stand out on paper and tests
// can find them in a rendering.
inline constexpr const char* kInk = "#1a1a1a";
inline constexpr const char* kMuted = "#555555";
inline constexpr const char* kGrid = "#e2e2e2";
inline constexpr const char* kFrame = "#9a9a9a";

// `v` with at most `decimals` decimals and no trailing zeros ("-0" is "0").
std::string Trimmed(double v, int decimals);
// Decimals that show a step of `step` exactly (0.25 -> 2, 5 -> 0).
int DecimalsFor(double step);
// A whole-field finite number, or nothing.
std::optional<double> ParseNumber(const std::string& text);
// Seconds as a label: 28.9 s, 5.03 s, 0.012 s (fixed decimals: "25.0 s", not "25 s").
std::string Seconds1(double s);
// A "nice" step (1, 2, 2.5 or 5 times a power of ten) that cuts `span` into at most `max_ticks`.
double NiceStep(double span, int max_ticks);
// A step for bytes: a power of two (512 B, 32 MiB), so that the labels are round in KiB/MiB.
double ByteStep(double span, int max_ticks);
// The multiples of `step` from `lo` up to `hi`.
std::vector<double> TicksUpTo(double lo, double hi, double step);

}  // namespace plot
}  // namespace mountstorm

#endif  // MOUNTSTORM_TOOLS_RENDER_PLOT_SCALE_H_
