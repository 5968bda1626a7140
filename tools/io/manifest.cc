#include "io/manifest.h"

#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "io/sha256.h"
#include "mountstorm/error.h"
#include "mountstorm/input.h"
#include "mountstorm/run.h"

namespace mountstorm {
namespace {

// The version of the manifest's own format.
constexpr int kManifestFormat = 1;

std::vector<std::string>& Words() {
  static std::vector<std::string> words{"mountstorm"};
  return words;
}

ManifestFile ReadEntry(const nlohmann::json& entry, const std::string& where) {
  const auto name = entry.find("name"), bytes = entry.find("bytes"), sha = entry.find("sha256");
  if (!entry.is_object() || name == entry.end() || !name->is_string() || bytes == entry.end() ||
      !bytes->is_number_unsigned() || sha == entry.end() || !sha->is_string()) {
    throw InputError(where + ": expected an object with \"name\", \"bytes\" and \"sha256\", found " + entry.dump());
  }
  const std::string n = name->get<std::string>();
  if (n.empty() || n.find('/') != std::string::npos || n == "." || n == "..") {
    throw InputError(where + "/name: expected a file name within the directory, found \"" + n + "\"");
  }
  return ManifestFile{n, bytes->get<std::uint64_t>(), sha->get<std::string>()};
}

void CheckFile(const std::string& dir, const ManifestFile& f) {
  const std::string path = dir + "/" + f.name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError(path + ": listed in " + dir + "/manifest.json but missing; the directory is incomplete, re-run it");
  }
  // A file changed since (edited by hand, say) is read all the same, and checked as strictly as
  // any input; the warning says it is not what the command wrote.
  const ManifestFile found = DescribeFile(dir, f.name);
  if (found.bytes != f.bytes || found.sha256 != f.sha256) {
    std::cerr << "mountstorm: warning: " << path << ": " << found.bytes << " bytes with SHA-256 " << found.sha256
              << ", not the " << f.bytes << " bytes with SHA-256 " << f.sha256
              << " that manifest.json lists: the file was changed after the command wrote it\n";
  }
}

}  // namespace

void SetCommandLine(int argc, char** argv) {
  std::vector<std::string>& words = Words();
  words.assign({"mountstorm"});
  for (int i = 1; i < argc; ++i) words.emplace_back(argv[i]);
}

const std::vector<std::string>& CommandLineWords() { return Words(); }

ManifestFile DescribeText(const std::string& name, const std::string& contents) {
  return ManifestFile{name, contents.size(), Sha256Hex(contents)};
}

ManifestFile DescribeFile(const std::string& dir, const std::string& name) {
  return DescribeText(name, ReadInputFile(dir + "/" + name, "file"));
}

std::string ManifestText(const std::vector<ManifestInput>& inputs, const std::vector<ManifestFile>& files) {
  nlohmann::json in = nlohmann::json::array();
  std::string listing;
  for (const ManifestInput& i : inputs) {
    in.push_back({{"path", i.path}, {"sha256", i.sha256}});
    listing += i.sha256 + "  " + i.path + "\n";
  }
  nlohmann::json out = nlohmann::json::array();
  for (const ManifestFile& f : files) out.push_back({{"name", f.name}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  const nlohmann::json m = {{"format", kManifestFormat},       {"mountstorm", Version()},
                            {"command", CommandLineWords()},   {"inputs", in},
                            {"inputs_sha256", Sha256Hex(listing)}, {"files", out}};
  return m.dump(2) + "\n";
}

Manifest RequireManifest(const std::string& dir, const std::string& what) {
  const std::string path = dir + "/" + kManifestName;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw InputError(dir + ": no manifest.json: the " + what +
                     " did not finish, or was written by a mountstorm older than manifest.json; re-run it");
  }
  const std::string text = ReadInputFile(path, "manifest");
  GuardJsonText(text, path);
  const nlohmann::json m = nlohmann::json::parse(text, nullptr, false);
  const auto files = m.is_object() ? m.find("files") : m.end();
  if (m.is_discarded() || !m.is_object() || files == m.end() || !files->is_array()) {
    throw InputError(path + ": expected a JSON object with a \"files\" array (the manifest mountstorm writes)");
  }
  Manifest manifest;
  for (std::size_t i = 0; i < files->size(); ++i) {
    manifest.files.push_back(ReadEntry(files->at(i), path + ": /files/" + std::to_string(i)));
    CheckFile(dir, manifest.files.back());
  }
  const auto command = m.find("command"), version = m.find("mountstorm");
  if (command != m.end() && command->is_array()) {
    for (const nlohmann::json& w : *command) manifest.command.push_back(w.is_string() ? w.get<std::string>() : w.dump());
  }
  if (version != m.end() && version->is_string()) manifest.version = version->get<std::string>();
  return manifest;
}

}  // namespace mountstorm
