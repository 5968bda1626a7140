// architecture_check SOURCE_DIR: the rules of docs/ARCHITECTURE.md that the compiler cannot see.
//
//   - Layers point one way, tools -> models -> sim: sim/ includes only sim/ and the public API
//     (include/mountstorm/); models/ includes models/, sim/ and the public API; tools/ includes only
//     its own parts and the public API; the public API includes only itself.
//   - No cycle among folders: the folders of models/ (kernel, systemd, dbus, ...) and the parts of
//     tools/ (io, sweep, planner, ...) include each other along a directed acyclic graph.
//   - No file over 600 lines and no function over 60 lines outside tests/.
//
// Prints every violation and exits 1 if there is any; prints the folder graph with --graph.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr int kMaxFileLines = 600;
constexpr int kMaxFunctionLines = 60;

const std::vector<std::string> kToolParts = {"cli", "io", "sweep", "planner", "render", "trace", "replay", "validation"};

struct Source {
  std::string path;  // relative to the source tree, e.g. "models/run/wiring.cc"
  std::string text;
};

std::vector<Source> ReadSources(const fs::path& root) {
  std::vector<Source> out;
  for (const char* top : {"include", "sim", "models", "tools"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cc")) continue;
      std::ifstream in(entry.path());
      std::ostringstream text;
      text << in.rdbuf();
      out.push_back({fs::relative(entry.path(), root).generic_string(), text.str()});
    }
  }
  std::sort(out.begin(), out.end(), [](const Source& a, const Source& b) { return a.path < b.path; });
  return out;
}

// The folder a file belongs to: "sim", "include", "models/<sub>", "tools/<part>".
std::string FolderOf(const std::string& path) {
  const std::size_t first = path.find('/');
  const std::string top = path.substr(0, first);
  if (top == "models" || top == "tools") {
    const std::size_t second = path.find('/', first + 1);
    if (second == std::string::npos) return top;  // a file directly in models/ or tools/
    return top + "/" + path.substr(first + 1, second - first - 1);
  }
  return top;
}

// The folder an include names, as seen from `from`'s layer; "" for a system header.
std::string IncludedFolder(const std::string& from, const std::string& target) {
  if (target.starts_with("mountstorm/")) return "include";
  if (target.starts_with("sim/")) return "sim";
  if (target.starts_with("models/")) return FolderOf(target);
  const std::string part = target.substr(0, target.find('/'));
  if (from.starts_with("tools") && std::find(kToolParts.begin(), kToolParts.end(), part) != kToolParts.end()) {
    return "tools/" + part;
  }
  return "?" + target;  // anything else is a violation
}

std::vector<std::string> Includes(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("#include \"")) continue;
    out.push_back(line.substr(10, line.find('"', 10) - 10));
  }
  return out;
}

bool Allowed(const std::string& from, const std::string& to) {
  if (to == "include") return true;
  if (from == "include") return false;
  if (from == "sim") return to == "sim";
  if (from.starts_with("models")) return to == "sim" || to.starts_with("models");
  if (from.starts_with("tools")) return to.starts_with("tools/");
  return false;
}

// Folders on a cycle of `graph` (every strongly connected component of more than one folder).
std::vector<std::vector<std::string>> Cycles(const std::map<std::string, std::set<std::string>>& graph) {
  std::map<std::string, int> index, low;
  std::vector<std::string> stack;
  std::set<std::string> on_stack;
  std::vector<std::vector<std::string>> out;
  int next = 0;
  std::function<void(const std::string&)> visit = [&](const std::string& v) {
    index[v] = low[v] = next++;
    stack.push_back(v);
    on_stack.insert(v);
    auto it = graph.find(v);
    if (it != graph.end()) {
      for (const std::string& w : it->second) {
        if (!index.count(w)) {
          visit(w);
          low[v] = std::min(low[v], low[w]);
        } else if (on_stack.count(w)) {
          low[v] = std::min(low[v], index[w]);
        }
      }
    }
    if (low[v] != index[v]) return;
    std::vector<std::string> component;
    std::string w;
    do {
      w = stack.back();
      stack.pop_back();
      on_stack.erase(w);
      component.push_back(w);
    } while (w != v);
    if (component.size() > 1) out.push_back(component);
  };
  for (const auto& [v, edges] : graph) {
    if (!index.count(v)) visit(v);
  }
  return out;
}

// `text` with preprocessor lines, comments, string and character literals blanked out (newlines
// kept).
std::string Code(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t first = line.find_first_not_of(' ');
    out += (first != std::string::npos && line[first] == '#' ? std::string() : line) + "\n";
  }
  enum { kCode, kLine, kBlock, kString, kChar, kRaw } state = kCode;
  std::string raw_end;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char c = out[i], n = i + 1 < out.size() ? out[i + 1] : '\0';
    switch (state) {
      case kCode:
        if (c == '/' && n == '/') state = kLine;
        else if (c == '/' && n == '*') state = kBlock;
        else if (c == 'R' && n == '"' && (i == 0 || !std::isalnum(static_cast<unsigned char>(out[i - 1])))) {
          const std::size_t paren = out.find('(', i + 2);
          raw_end = ")" + out.substr(i + 2, paren - i - 2) + "\"";
          state = kRaw;
          continue;
        } else if (c == '"') state = kString;
        else if (c == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(out[i - 1])))) state = kChar;
        else continue;
        out[i] = ' ';
        break;
      case kLine:
        if (c == '\n') state = kCode; else out[i] = ' ';
        break;
      case kBlock:
        if (c == '*' && n == '/') { out[i] = out[i + 1] = ' '; ++i; state = kCode; }
        else if (c != '\n') out[i] = ' ';
        break;
      case kString:
      case kChar:
        if (c == '\\') { out[i] = ' '; if (n != '\n') out[++i] = ' '; break; }
        if ((state == kString && c == '"') || (state == kChar && c == '\'')) state = kCode;
        if (c != '\n') out[i] = ' ';
        break;
      case kRaw:
        if (out.compare(i, raw_end.size(), raw_end) == 0) {
          for (std::size_t k = 0; k < raw_end.size(); ++k) out[i + k] = ' ';
          i += raw_end.size() - 1;
          state = kCode;
        } else if (c != '\n') {
          out[i] = ' ';
        }
        break;
    }
  }
  return out;
}

bool StartsWithWord(const std::string& head, const char* word) {
  std::istringstream words(head);
  std::string first;
  words >> first;
  if (first == "template") {  // template <...> class X
    const std::size_t close = head.find('>');
    if (close == std::string::npos) return false;
    return StartsWithWord(head.substr(close + 1), word);
  }
  return first == word;
}

struct LongFunction {
  std::string path;
  int line;
  int lines;
};

// Functions (bodies at namespace or class scope) longer than the limit.
std::vector<LongFunction> LongFunctions(const Source& s) {
  enum class Scope { kNamespace, kClass, kFunction, kBlock };
  const std::string code = Code(s.text);
  std::vector<std::pair<Scope, int>> scopes;  // kind, line of the opening brace
  std::vector<LongFunction> out;
  std::string head;
  int line = 1;
  for (char c : code) {
    if (c == '\n') ++line;
    if (c == '{') {
      Scope enclosing = scopes.empty() ? Scope::kNamespace : scopes.back().first;
      Scope kind = Scope::kBlock;
      if (enclosing == Scope::kNamespace || enclosing == Scope::kClass) {
        if (StartsWithWord(head, "namespace") || head.find("extern") != std::string::npos) {
          kind = Scope::kNamespace;
        } else if (StartsWithWord(head, "class") || StartsWithWord(head, "struct") ||
                   StartsWithWord(head, "union") || StartsWithWord(head, "enum")) {
          kind = Scope::kClass;
        } else if (head.find(')') != std::string::npos && head.find('=') == std::string::npos) {
          kind = Scope::kFunction;
        }
      }
      scopes.emplace_back(kind, line);
      head.clear();
    } else if (c == '}') {
      if (!scopes.empty()) {
        const auto [kind, start] = scopes.back();
        scopes.pop_back();
        const int lines = line - start + 1;
        if (kind == Scope::kFunction && lines > kMaxFunctionLines) out.push_back({s.path, start, lines});
      }
      head.clear();
    } else if (c == ';') {
      head.clear();
    } else {
      head += c;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: architecture_check SOURCE_DIR [--graph]\n";
    return 2;
  }
  const std::vector<Source> sources = ReadSources(argv[1]);
  int violations = 0;
  std::map<std::string, std::set<std::string>> graph;
  for (const Source& s : sources) {
    const std::string from = FolderOf(s.path);
    for (const std::string& target : Includes(s.text)) {
      const std::string to = IncludedFolder(from, target);
      if (!Allowed(from, to)) {
        std::cout << s.path << ": includes \"" << target << "\" against the layers (" << from << " -> " << to << ")\n";
        ++violations;
      }
      if (to != from && to != "include") graph[from].insert(to);
    }
    const int lines = static_cast<int>(std::count(s.text.begin(), s.text.end(), '\n'));
    if (lines > kMaxFileLines) {
      std::cout << s.path << ": " << lines << " lines (at most " << kMaxFileLines << ")\n";
      ++violations;
    }
    for (const LongFunction& f : LongFunctions(s)) {
      std::cout << f.path << ":" << f.line << ": a function of " << f.lines << " lines (at most " << kMaxFunctionLines
                << ")\n";
      ++violations;
    }
  }
  for (const std::vector<std::string>& cycle : Cycles(graph)) {
    std::cout << "folders include each other in a cycle:";
    for (const std::string& f : cycle) std::cout << " " << f;
    std::cout << "\n";
    ++violations;
  }
  if (argc > 2 && std::string(argv[2]) == "--graph") {
    for (const auto& [from, tos] : graph) {
      for (const std::string& to : tos) std::cout << from << " -> " << to << "\n";
    }
  }
  std::cout << sources.size() << " files checked: " << violations << " violation(s)\n";
  return violations == 0 ? 0 : 1;
}
