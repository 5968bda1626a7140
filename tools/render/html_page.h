// The HTML of the pages of `mountstorm report` (render/report.h): a self-contained page with its
// inline, print-friendly style, tables, figures around inline SVG, and the footer. Internal to
// tools/render/.
#ifndef MOUNTSTORM_TOOLS_RENDER_HTML_PAGE_H_
#define MOUNTSTORM_TOOLS_RENDER_HTML_PAGE_H_

#include <string>
#include <vector>

namespace mountstorm::html {

// Text for HTML content and attribute values: XML's escaping serves HTML as well.
std::string Escape(const std::string& text);

// The page titled `title` whose <body> holds `body` (HTML).
std::string Page(const std::string& title, const std::string& body);

// The verdict: the page's first paragraph, in large bold type, green-edged when `healthy`.
std::string Verdict(const std::string& sentence, bool healthy);

// A cell of a table: text, right-aligned in a fixed-width font when numeric, or code.
struct Cell {
  std::string text;
  bool numeric = false;
  bool code = false;
};
Cell Num(const std::string& t);
Cell Txt(const std::string& t);
Cell Code(const std::string& t);

// A table with the header row `head`; the rows whose `alert` is set are highlighted.
std::string Table(const std::vector<Cell>& head, const std::vector<std::vector<Cell>>& rows,
                  const std::vector<bool>& alert = {});

// A figure of an inline SVG with its caption (text).
std::string Figure(const std::string& svg, const std::string& caption);

// The footer: the versions of mountstorm that wrote the results (`written_by`) and this page.
std::string Footer(const std::string& written_by);

}  // namespace mountstorm::html

#endif  // MOUNTSTORM_TOOLS_RENDER_HTML_PAGE_H_
