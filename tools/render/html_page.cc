#include "render/html_page.h"

#include "mountstorm/run.h"
#include "render/svg.h"

namespace mountstorm::html {

namespace {

// Print-friendly and self-contained: generic font families only, no images, no links.
const char kStyle[] = R"(
body { font-family: sans-serif; color: #1a1a1a; max-width: 1040px; margin: 24px auto; padding: 0 16px; line-height: 1.4; background: #ffffff; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; border-bottom: 1px solid #b8b8b8; margin: 1.6em 0 0.5em; padding-bottom: 2px; }
h3 { font-size: 1.05em; margin: 1.2em 0 0.3em; }
p.meta { color: #4a4a4a; margin: 2px 0; }
p.verdict { font-size: 1.2em; font-weight: bold; margin: 0 0 12px; padding: 8px 12px; background: #fff6e0; border-left: 5px solid #e31a1c; }
p.verdict.healthy { background: #e8f5ee; border-left-color: #009e73; }
table { border-collapse: collapse; font-size: 12.5px; margin: 6px 0 10px; }
th, td { border: 1px solid #c8c8c8; padding: 2px 6px; text-align: left; vertical-align: top; }
thead th { background: #eaf0f7; }
td.n, th.n { text-align: right; font-family: monospace; white-space: nowrap; }
td.code, span.code { font-family: monospace; }
tr.alert td { background: #fdecea; }
figure { margin: 12px 0 18px; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; max-width: 100%; height: auto; border: 1px solid #dddddd; }
figcaption { font-size: 13px; color: #4a4a4a; margin-top: 4px; }
pre { font-family: monospace; font-size: 12px; background: #f6f6f6; border: 1px solid #dddddd; padding: 8px; white-space: pre-wrap; word-break: break-all; }
div.wide { overflow-x: auto; }
footer { margin-top: 2em; font-size: 12px; color: #4a4a4a; border-top: 1px solid #b8b8b8; padding-top: 6px; }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  div.wide { overflow: visible; }
  figure svg { border: none; }
}
)";

}  // namespace

std::string Verdict(const std::string& sentence, bool healthy) {
  return std::string("<p class=\"verdict") + (healthy ? " healthy" : "") + "\" id=\"verdict\">" + Escape(sentence) +
         "</p>\n";
}

std::string Escape(const std::string& text) { return svg::Escape(text); }

std::string Page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + Escape(title) +
         "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
}

Cell Num(const std::string& t) { return {t, true, false}; }
Cell Txt(const std::string& t) { return {t, false, false}; }
Cell Code(const std::string& t) { return {t, false, true}; }

std::string Table(const std::vector<Cell>& head, const std::vector<std::vector<Cell>>& rows,
                  const std::vector<bool>& alert) {
  std::string h = "<div class=\"wide\"><table>\n<thead><tr>";
  for (const Cell& c : head)
    h += std::string("<th") + (c.numeric ? " class=\"n\"" : "") + ">" + Escape(c.text) + "</th>";
  h += "</tr></thead>\n<tbody>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    h += r < alert.size() && alert[r] ? "<tr class=\"alert\">" : "<tr>";
    for (const Cell& c : rows[r]) {
      h += std::string("<td") +
           (c.numeric ? " class=\"n\""
            : c.code  ? " class=\"code\""
                      : "") +
           ">" + Escape(c.text) + "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</tbody>\n</table></div>\n";
}

std::string Figure(const std::string& svg, const std::string& caption) {
  return "<figure>\n" + svg + "<figcaption>" + Escape(caption) + "</figcaption>\n</figure>\n";
}

std::string Footer(const std::string& written_by) {
  return "<footer>Results written by mountstorm " + Escape(written_by) + "; this page made by mountstorm " +
         Escape(Version()) +
         " (<span class=\"code\">mountstorm report</span>). Self-contained: no scripts, fonts or links. Times are "
         "simulated "
         "seconds.</footer>\n";
}

}  // namespace mountstorm::html
