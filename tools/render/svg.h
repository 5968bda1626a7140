// A small SVG writer for the plots of `mountstorm plot` and `mountstorm report`: elements with
// attributes, text escaped for XML, numbers printed with a fixed number of decimals so that the
// same inputs give the same bytes. No fonts, scripts or references to anything outside the file.
#ifndef MOUNTSTORM_TOOLS_RENDER_SVG_H_
#define MOUNTSTORM_TOOLS_RENDER_SVG_H_

#include <string>
#include <utility>
#include <vector>

namespace mountstorm::svg {

using Attributes = std::vector<std::pair<std::string, std::string>>;

// The only font family the plots name: a generic family, resolved by the viewer.
inline constexpr const char* kFont = "monospace";
// Width of one character of kFont, in units of the font size (DejaVu Sans Mono, Liberation Mono
// and Courier are all 0.6 em); used to lay out labels without measuring them.
inline constexpr double kCharWidth = 0.6;

// A coordinate or length: one decimal, no trailing ".0", never "-0".
std::string N(double v);
// Text for XML content and attribute values.
std::string Escape(const std::string& text);
// Estimated width of `text` at `font_size` (UTF-8 aware: one width per code point).
double TextWidth(const std::string& text, double font_size);

class Document {
 public:
  Document(double width, double height);

  void set_height(double h) { height_ = h; }
  double width() const { return width_; }

  // <title> of the document (shown by viewers as its name).
  void SetTitle(const std::string& title) { title_ = title; }

  // An empty element: <name a="v" .../>.
  void Add(const std::string& name, const Attributes& attributes);
  // <text x y ...>text</text>; `anchor` is start, middle or end.
  void Text(double x, double y, const std::string& text, double size, const std::string& anchor = "start",
            const Attributes& more = {});
  // Opens and closes a group (<g>); groups nest.
  void Begin(const Attributes& attributes);
  void End();
  // An XML comment (for readers of the file; "--" is replaced).
  void Comment(const std::string& text);

  // The finished document. With `standalone`, an XML declaration comes first (a .svg file);
  // without, the <svg> element alone (to inline in HTML).
  std::string Finish(bool standalone) const;

 private:
  double width_;
  double height_;
  std::string title_;
  std::string body_;
  int depth_ = 0;
};

// Attribute helpers.
Attributes Line(double x1, double y1, double x2, double y2, const std::string& stroke, double stroke_width);
Attributes Rect(double x, double y, double w, double h, const std::string& fill);
// An unfilled rectangle: the frame of a panel or a colour bar, one unit wide.
Attributes Frame(double x, double y, double w, double h, const std::string& stroke);

}  // namespace mountstorm::svg

#endif  // MOUNTSTORM_TOOLS_RENDER_SVG_H_
