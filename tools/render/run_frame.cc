#include "render/run_frame.h"

#include <cctype>
#include <cmath>
#include <iterator>

#include "render/plot_scale.h"

namespace mountstorm::run_plot {

using namespace plot;  // scales, labels and frame colours (render/plot_scale.h)
using svg::N;

namespace {

// The style of an outcome named in summary.json; anything unknown is drawn as pending.
const LoginStyle& StyleOf(const std::string& outcome) {
  for (const LoginStyle& s : kLoginStyles) {
    if (outcome == LoginOutcomeName(s.outcome)) return s;
  }
  return kLoginStyles[std::size(kLoginStyles) - 1];
}

}  // namespace

void LoginMarker(svg::Document& doc, const std::string& outcome, double x, double y) {
  const LoginStyle& style = StyleOf(outcome);
  switch (style.shape) {
    case Shape::kDisc:
      doc.Add("circle", {{"cx", N(x)},
                         {"cy", N(y)},
                         {"r", "4.5"},
                         {"fill", style.colour},
                         {"stroke", "#ffffff"},
                         {"stroke-width", "0.8"}});
      break;
    case Shape::kCross:
      doc.Add("path", {{"d", "M" + N(x - 4.5) + " " + N(y - 4.5) + "L" + N(x + 4.5) + " " + N(y + 4.5) + "M" +
                                 N(x - 4.5) + " " + N(y + 4.5) + "L" + N(x + 4.5) + " " + N(y - 4.5)},
                       {"stroke", style.colour},
                       {"stroke-width", "2.6"},
                       {"fill", "none"}});
      break;
    case Shape::kSquare:
      doc.Add("rect", {{"x", N(x - 4)},
                       {"y", N(y - 4)},
                       {"width", "8"},
                       {"height", "8"},
                       {"fill", style.colour},
                       {"stroke", "#ffffff"},
                       {"stroke-width", "0.8"}});
      break;
    case Shape::kDiamond:
      doc.Add("path", {{"d", "M" + N(x) + " " + N(y - 5.5) + "L" + N(x + 5.5) + " " + N(y) + "L" + N(x) + " " +
                                 N(y + 5.5) + "L" + N(x - 5.5) + " " + N(y) + "Z"},
                       {"fill", style.colour},
                       {"stroke", "#ffffff"},
                       {"stroke-width", "0.8"}});
      break;
    case Shape::kRing:
      doc.Add("circle", {{"cx", N(x)},
                         {"cy", N(y)},
                         {"r", "4"},
                         {"fill", "#ffffff"},
                         {"stroke", style.colour},
                         {"stroke-width", "1.8"}});
      break;
  }
}

RunFrame MakeRunFrame(double x_min, double x_max, const std::string& id_prefix) {
  RunFrame f;
  f.x_min = x_min;
  f.x_max = x_max;
  const double step = NiceStep(x_max - x_min, 12);
  f.ticks = TicksUpTo(x_min, x_max, step);
  f.decimals = DecimalsFor(step);
  f.id = id_prefix;
  return f;
}

void TimeGrid(svg::Document& doc, const RunFrame& frame, double top, double bottom, bool labels) {
  for (double t : frame.ticks) {
    const double x = std::round(frame.X(t)) + 0.5;
    doc.Add("line", svg::Line(x, top, x, bottom, kGrid, 1));
    if (labels) doc.Text(x, bottom + 13, Trimmed(t, frame.decimals), 11, "middle", {{"fill", kMuted}});
  }
}

std::string IdSafe(const std::string& s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out;
}

}  // namespace mountstorm::run_plot
