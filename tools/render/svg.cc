#include "render/svg.h"

#include <cmath>
#include <cstdio>

#include "mountstorm/error.h"

namespace mountstorm::svg {

std::string N(double v) {
  if (!std::isfinite(v)) v = 0;
  double r = std::round(v * 10) / 10;
  if (r == 0) r = 0;  // no "-0"
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f", r);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string Escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // Control characters other than tab and newline are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

double TextWidth(const std::string& text, double font_size) {
  std::size_t code_points = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++code_points;
  }
  return static_cast<double>(code_points) * kCharWidth * font_size;
}

Document::Document(double width, double height) : width_(width), height_(height) {}

namespace {

std::string Open(const std::string& name, const Attributes& attributes) {
  std::string s = "<" + name;
  for (const auto& [key, value] : attributes) s += " " + key + "=\"" + Escape(value) + "\"";
  return s;
}

}  // namespace

void Document::Add(const std::string& name, const Attributes& attributes) {
  body_ += std::string(static_cast<std::size_t>(depth_ + 1), ' ') + Open(name, attributes) + "/>\n";
}

void Document::Text(double x, double y, const std::string& text, double size, const std::string& anchor,
                    const Attributes& more) {
  Attributes a = {{"x", N(x)}, {"y", N(y)}, {"font-size", N(size)}};
  if (anchor != "start") a.emplace_back("text-anchor", anchor);
  a.insert(a.end(), more.begin(), more.end());
  body_ += std::string(static_cast<std::size_t>(depth_ + 1), ' ') + Open("text", a) + ">" + Escape(text) + "</text>\n";
}

void Document::Begin(const Attributes& attributes) {
  body_ += std::string(static_cast<std::size_t>(depth_ + 1), ' ') + Open("g", attributes) + ">\n";
  ++depth_;
}

void Document::End() {
  Check(depth_ > 0, "svg::Document::End without Begin");
  --depth_;
  body_ += std::string(static_cast<std::size_t>(depth_ + 1), ' ') + "</g>\n";
}

void Document::Comment(const std::string& text) {
  std::string t = text;
  for (std::size_t p = t.find("--"); p != std::string::npos; p = t.find("--")) t.replace(p, 2, "- ");
  body_ += std::string(static_cast<std::size_t>(depth_ + 1), ' ') + "<!-- " + t + " -->\n";
}

std::string Document::Finish(bool standalone) const {
  Check(depth_ == 0, "svg::Document::Finish with a group still open");
  std::string out;
  if (standalone) out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + N(width_) + "\" height=\"" +
         N(height_) + "\" viewBox=\"0 0 " + N(width_) + " " + N(height_) + "\" font-family=\"" + kFont + "\">\n";
  if (!title_.empty()) out += " <title>" + Escape(title_) + "</title>\n";
  // An opaque background: viewers that show transparency as black or as a checkerboard, and
  // printers, all see white paper.
  out += " <rect x=\"0\" y=\"0\" width=\"" + N(width_) + "\" height=\"" + N(height_) + "\" fill=\"#ffffff\"/>\n";
  out += body_;
  out += "</svg>\n";
  return out;
}

Attributes Line(double x1, double y1, double x2, double y2, const std::string& stroke, double stroke_width) {
  return {{"x1", N(x1)}, {"y1", N(y1)},      {"x2", N(x2)},
          {"y2", N(y2)}, {"stroke", stroke}, {"stroke-width", N(stroke_width)}};
}

Attributes Rect(double x, double y, double w, double h, const std::string& fill) {
  return {{"x", N(x)}, {"y", N(y)}, {"width", N(w)}, {"height", N(h)}, {"fill", fill}};
}

Attributes Frame(double x, double y, double w, double h, const std::string& stroke) {
  return {{"x", N(x)}, {"y", N(y)},         {"width", N(w)}, {"height", N(h)},
          {"fill", "none"}, {"stroke", stroke}, {"stroke-width", "1"}};
}

}  // namespace mountstorm::svg
